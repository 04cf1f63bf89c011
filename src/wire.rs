//! The wire contract, defined once: the stats API's two pushed payloads (exactly as its
//! WebSocket documentation gives them), the gateway's snapshot format (`docs/snapshot-api.md`),
//! and the channel names. The widget, the gateway, its demo league, its mirror and relay, and
//! the test peer all read and write these types; nothing else describes a payload.
//!
//! Pure serde, no I/O: it builds for the browser and for native code alike.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The snapshot format's version, sent as `version` in every snapshot body. Additive changes
/// (new optional fields) keep the number; readers ignore fields they do not know.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A match's status as the stats API names it. The three the product knows in depth, the
/// interruptions a league announces, and any other string, kept as the API sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchStatus {
    Scheduled,
    InProgress,
    Finished,
    Postponed,
    Cancelled,
    Suspended,
    Delayed,
    Interrupted,
    /// A status this build does not know: shown as the API wrote it, never inferred.
    Other(String),
}

impl MatchStatus {
    /// The longest unknown status kept; a longer one is cut (it is shown on a card).
    pub const MAX_RAW: usize = 64;

    pub fn parse(s: &str) -> MatchStatus {
        match s {
            "scheduled" => MatchStatus::Scheduled,
            "in_progress" => MatchStatus::InProgress,
            "finished" => MatchStatus::Finished,
            "postponed" => MatchStatus::Postponed,
            "cancelled" | "canceled" => MatchStatus::Cancelled,
            "suspended" => MatchStatus::Suspended,
            "delayed" => MatchStatus::Delayed,
            "interrupted" => MatchStatus::Interrupted,
            other => {
                let mut end = other.len().min(Self::MAX_RAW);
                while !other.is_char_boundary(end) {
                    end -= 1;
                }
                MatchStatus::Other(other[..end].to_owned())
            }
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MatchStatus::Scheduled => "scheduled",
            MatchStatus::InProgress => "in_progress",
            MatchStatus::Finished => "finished",
            MatchStatus::Postponed => "postponed",
            MatchStatus::Cancelled => "cancelled",
            MatchStatus::Suspended => "suspended",
            MatchStatus::Delayed => "delayed",
            MatchStatus::Interrupted => "interrupted",
            MatchStatus::Other(s) => s,
        }
    }

    /// Order in a match's life: before tip-off (0), under way or stopped mid-game (1), over (2).
    /// A pushed status may not move a match back to an earlier stage. An unknown status has no
    /// known stage: it is taken as announced, except over a final one.
    pub fn stage(&self) -> Option<u8> {
        match self {
            MatchStatus::Scheduled | MatchStatus::Postponed | MatchStatus::Delayed => Some(0),
            MatchStatus::InProgress | MatchStatus::Suspended | MatchStatus::Interrupted => Some(1),
            MatchStatus::Finished | MatchStatus::Cancelled => Some(2),
            MatchStatus::Other(_) => None,
        }
    }

    pub fn is_live(&self) -> bool {
        *self == MatchStatus::InProgress
    }
}

impl Serialize for MatchStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MatchStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(MatchStatus::parse(&raw))
    }
}

/// One stat event: `event` inside `.event.received`, and a snapshot's `last_event`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatEvent {
    pub id: u64,
    /// The scorer's device id for the event (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<u64>,
    /// A database id: it names a player only through a roster or the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
    /// Court position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_at: Option<String>,
}

/// `.event.received` on `private-match.{id}` and `private-games`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReceived {
    pub match_id: u64,
    pub home_score: u32,
    pub away_score: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_clock: Option<String>,
    pub status: MatchStatus,
    pub event: StatEvent,
}

/// `.status.changed` on `private-match.{id}`, `private-competition.{id}` and `private-games`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChanged {
    pub match_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition_id: Option<u64>,
    pub status: MatchStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<MatchStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_score: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_score: Option<u32>,
}

/// The pushed event names, as the server sends them (Echo listens with a leading dot).
pub const EVENT_RECEIVED: &str = "event.received";
pub const STATUS_CHANGED: &str = "status.changed";
/// A relay's own event, on every channel it republishes to: whether it has lost the stats
/// API (what readers see may be behind) or is back.
pub const RELAY_STATUS: &str = "relay.status";

/// `relay.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayStatus {
    pub delayed: bool,
}

/// A team in a snapshot. Only the id is certain; every name is optional, and a widget without
/// one shows the localised "Home"/"Away", never a made-up code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Team {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// A CSS colour (`#rrggbb`), checked by the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// An `https://` URL, checked by the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
}

/// A player in a snapshot's roster: how a pushed `player_id` becomes a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Player {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// As printed on the shirt ("0" and "00" are different numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shirt_number: Option<String>,
}

/// One match, as the gateway serves it (`GET /api/matches/{id}`, and each entry of a list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchSnapshot {
    /// [`SNAPSHOT_VERSION`] when the gateway wrote it; absent inside a list's entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition_id: Option<u64>,
    pub status: MatchStatus,
    /// Absent when no source knows which team plays at home.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_team: Option<Team>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_team: Option<Team>,
    #[serde(default)]
    pub home_score: u32,
    #[serde(default)]
    pub away_score: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_clock: Option<String>,
    /// Regulation periods: 4 (quarters, the default) or 2 (halves); later periods are overtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periods: Option<u32>,
    /// RFC 3339 tip-off time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event: Option<StatEvent>,
    /// Both teams' players, for names in the last-event line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub players: Vec<Player>,
    /// The gateway has lost the stats API and this may be behind (relay and mirror only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delayed: bool,
}

impl MatchSnapshot {
    /// A snapshot that knows only the match id and its status.
    pub fn bare(id: u64, status: MatchStatus) -> Self {
        MatchSnapshot {
            version: None,
            id,
            competition_id: None,
            status,
            home_team: None,
            away_team: None,
            home_score: 0,
            away_score: 0,
            current_period: None,
            current_clock: None,
            periods: None,
            scheduled_at: None,
            last_event: None,
            players: vec![],
            delayed: false,
        }
    }
}

/// `GET /api/matches?status=live|all[&competition=N]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchList {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub matches: Vec<MatchSnapshot>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delayed: bool,
}

/// Who may subscribe to a channel: the stats API's private channels (auth per subscription),
/// or a relay's public ones (no auth at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Private,
    Public,
}

impl Access {
    fn prefix(self) -> &'static str {
        match self {
            Access::Private => "private-",
            Access::Public => "",
        }
    }
}

/// `private-match.{id}`: every event and status change of one match.
pub fn match_channel(access: Access, id: u64) -> String {
    format!("{}match.{id}", access.prefix())
}

/// `private-competition.{id}`: status changes of a competition's matches.
pub fn competition_channel(access: Access, id: u64) -> String {
    format!("{}competition.{id}", access.prefix())
}

/// `private-games`: every event and status change of every match.
pub fn games_channel(access: Access) -> String {
    format!("{}games", access.prefix())
}

/// The channels a payload goes out on, as the stats API sends it.
pub fn event_channels(access: Access, match_id: u64) -> Vec<String> {
    vec![match_channel(access, match_id), games_channel(access)]
}

pub fn status_channels(access: Access, match_id: u64, competition_id: Option<u64>) -> Vec<String> {
    let mut out = vec![match_channel(access, match_id)];
    out.extend(competition_id.map(|c| competition_channel(access, c)));
    out.push(games_channel(access));
    out
}
