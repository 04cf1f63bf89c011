//! The stats API's payloads, as the seed contract defines them, and the gateway's snapshot.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Scheduled,
    InProgress,
    Finished,
    /// Anything else the API may say (postponed, cancelled …): shown, never inferred.
    #[serde(other)]
    Other,
}

impl MatchStatus {
    /// Order in a match's life; a pushed status may only move forward.
    pub fn rank(self) -> u8 {
        match self {
            MatchStatus::Scheduled => 0,
            MatchStatus::InProgress => 1,
            MatchStatus::Finished => 2,
            MatchStatus::Other => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Scheduled => "scheduled",
            MatchStatus::InProgress => "in_progress",
            MatchStatus::Finished => "finished",
            MatchStatus::Other => "other",
        }
    }
}

/// One stat event (`event` inside `.event.received`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatEvent {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub team_id: Option<u64>,
    #[serde(default)]
    pub player_id: Option<u64>,
    #[serde(default)]
    pub period: Option<u32>,
    #[serde(default)]
    pub clock: Option<String>,
}

/// `.event.received`
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventReceived {
    pub match_id: u64,
    pub home_score: u32,
    pub away_score: u32,
    #[serde(default)]
    pub current_period: Option<u32>,
    #[serde(default)]
    pub current_clock: Option<String>,
    pub status: MatchStatus,
    pub event: StatEvent,
}

/// `.status.changed`
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusChanged {
    pub match_id: u64,
    #[serde(default)]
    pub competition_id: Option<u64>,
    pub status: MatchStatus,
    #[serde(default)]
    pub previous_status: Option<MatchStatus>,
    #[serde(default)]
    pub home_score: Option<u32>,
    #[serde(default)]
    pub away_score: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Team {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
}

/// A match as the read API returns it (`GET /api/matches/{id}` on the gateway).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MatchSnapshot {
    pub id: u64,
    #[serde(default)]
    pub competition_id: Option<u64>,
    pub status: MatchStatus,
    pub home_team: Team,
    pub away_team: Team,
    #[serde(default)]
    pub home_score: u32,
    #[serde(default)]
    pub away_score: u32,
    #[serde(default)]
    pub current_period: Option<u32>,
    #[serde(default)]
    pub current_clock: Option<String>,
    /// RFC 3339 tip-off time.
    #[serde(default)]
    pub scheduled_at: Option<String>,
    #[serde(default)]
    pub last_event: Option<StatEvent>,
}

/// `GET /api/matches?status=live`
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MatchListBody {
    pub matches: Vec<MatchSnapshot>,
}
