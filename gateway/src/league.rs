//! The demo league: simulated basketball matches that publish events like the stats API.
//!
//! Pure simulation (no I/O, no clock): `tick(now_ms)` advances every match and returns the
//! messages to publish; the caller owns time and the HTTP trigger.

use courtside::wire::{self, Access, EventReceived, MatchSnapshot, MatchStatus, StatEvent, StatusChanged, Team};
use serde_json::Value;
use std::collections::BTreeMap;

const TEAMS: &[(&str, &str)] = &[
    ("Harbor City Herons", "HCH"),
    ("Mesa Verde Coyotes", "MVC"),
    ("Northgate Foxes", "NGF"),
    ("Riverside Rapids", "RVR"),
    ("Old Town Owls", "OTO"),
    ("Lakeshore Lynx", "LSL"),
    ("Summit Peaks", "SUM"),
    ("Bayview Pelicans", "BAY"),
    ("Ironwood Stags", "IRS"),
    ("Cedar Falls Comets", "CFC"),
    ("Granite Bay Bears", "GBB"),
    ("Westport Mariners", "WPM"),
];

pub const COMPETITIONS: [u64; 2] = [4, 7];
/// Team `i` of `TEAMS` has id `FIRST_TEAM_ID + i`; its players are `team_id * 100 + 0..10`.
pub const FIRST_TEAM_ID: u64 = 10;
const PLAYERS_PER_TEAM: u64 = 10;
const PERIOD_SECONDS: u32 = 600;
const PERIODS: u32 = 4;
const OVERTIME_SECONDS: u32 = 300;

/// A match as the league plays it. Its snapshot (the gateway's contract) names teams by id
/// only, as a read API without names would: the names come from the demo's directory file
/// (`gateway/demo-directory.json`), exactly as they would for a real site. Hand-made matches
/// (`/demo/publish`) carry their names, as a read API that embeds teams does.
#[derive(Clone, Debug)]
pub struct Match {
    pub id: u64,
    pub competition_id: u64,
    pub status: MatchStatus,
    pub home_team: Team,
    pub away_team: Team,
    pub home_score: u32,
    pub away_score: u32,
    pub current_period: u32,
    pub current_clock: String,
    pub scheduled_at: String,
    pub last_event: Option<StatEvent>,
    clock_left: u32,
    next_at: u64,
    /// Driven by `/demo/publish`, not by the simulation.
    pub manual: bool,
}

impl Match {
    /// The gateway's snapshot of this match.
    pub fn snapshot(&self) -> MatchSnapshot {
        MatchSnapshot {
            competition_id: Some(self.competition_id),
            home_team: Some(self.home_team.clone()),
            away_team: Some(self.away_team.clone()),
            home_score: self.home_score,
            away_score: self.away_score,
            current_period: Some(self.current_period),
            current_clock: Some(self.current_clock.clone()),
            periods: Some(PERIODS),
            scheduled_at: Some(self.scheduled_at.clone()),
            last_event: self.last_event.clone(),
            ..MatchSnapshot::bare(self.id, self.status.clone())
        }
    }
}

/// Something to publish: an event name, its channels and its payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Publication {
    pub name: &'static str,
    pub channels: Vec<String>,
    pub data: Value,
}

pub struct League {
    matches: BTreeMap<u64, Match>,
    next_match_id: u64,
    next_event_id: u64,
    pace_ms: (u64, u64),
    /// How many simulated matches are kept live or about to start.
    concurrent: usize,
    /// Hand-made matches kept at most ([`League::MAX_MANUAL`] unless set).
    max_manual: usize,
    rng: fastrand::Rng,
}

fn clock_text(seconds: u32) -> String {
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

/// RFC 3339 UTC for a Unix time in milliseconds.
pub fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm), valid for the Unix era.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00", rem / 3600, rem % 3600 / 60, rem % 60)
}

impl League {
    pub fn new(seed: u64, pace_ms: (u64, u64), concurrent: usize, now_ms: u64) -> Self {
        let mut league = League {
            matches: BTreeMap::new(),
            next_match_id: 1,
            next_event_id: 1,
            pace_ms,
            concurrent,
            max_manual: Self::MAX_MANUAL,
            rng: fastrand::Rng::with_seed(seed),
        };
        // Open the demo mid-evening: most games under way at different stages, one about to start.
        for i in 0..concurrent {
            let id = league.schedule(now_ms, if i + 1 == concurrent { 20_000 } else { 0 });
            if i + 1 < concurrent {
                league.tip_off(id, now_ms);
                let warmup = league.rng.usize(20..140);
                for _ in 0..warmup {
                    league.play(id, now_ms);
                }
            }
        }
        // And one game that will not be played tonight: a postponement, as leagues announce them.
        let id = league.schedule(now_ms, 86_400_000);
        if let Some(m) = league.matches.get_mut(&id) {
            m.status = MatchStatus::Postponed;
            m.competition_id = COMPETITIONS[0];
            m.next_at = u64::MAX;
        }
        league
    }

    pub fn get(&self, id: u64) -> Option<&Match> {
        self.matches.get(&id)
    }

    pub fn live(&self) -> Vec<&Match> {
        self.matches.values().filter(|m| m.status == MatchStatus::InProgress).collect()
    }

    pub fn all(&self) -> Vec<&Match> {
        self.matches.values().collect()
    }

    /// Add a scheduled match that tips off `in_ms` from now; returns its id.
    fn schedule(&mut self, now_ms: u64, in_ms: u64) -> u64 {
        let id = self.next_match_id;
        self.next_match_id += 1;
        // Teams already on court tonight sit this one out (while enough teams are free).
        let busy: Vec<u64> = self
            .matches
            .values()
            .filter(|m| m.status != MatchStatus::Finished)
            .flat_map(|m| [m.home_team.id, m.away_team.id])
            .collect();
        let mut free: Vec<usize> = (0..TEAMS.len()).filter(|i| !busy.contains(&(FIRST_TEAM_ID + *i as u64))).collect();
        if free.len() < 2 {
            free = (0..TEAMS.len()).collect();
        }
        let a = free.swap_remove(self.rng.usize(0..free.len()));
        let b = free[self.rng.usize(0..free.len())];
        // Ids only: the directory names them.
        let team = |i: usize| Team { id: FIRST_TEAM_ID + i as u64, ..Team::default() };
        let m = Match {
            id,
            competition_id: COMPETITIONS[(id % 2) as usize],
            status: MatchStatus::Scheduled,
            home_team: team(a),
            away_team: team(b),
            home_score: 0,
            away_score: 0,
            current_period: 1,
            current_clock: clock_text(PERIOD_SECONDS),
            scheduled_at: rfc3339(now_ms + in_ms),
            last_event: None,
            clock_left: PERIOD_SECONDS,
            next_at: now_ms + in_ms,
            manual: false,
        };
        self.matches.insert(id, m);
        id
    }

    fn tip_off(&mut self, id: u64, now_ms: u64) -> Option<Publication> {
        let pace = self.pace();
        let m = self.matches.get_mut(&id)?;
        m.status = MatchStatus::InProgress;
        m.next_at = now_ms + pace;
        Some(status_publication(m, MatchStatus::Scheduled))
    }

    fn pace(&mut self) -> u64 {
        self.rng.u64(self.pace_ms.0..=self.pace_ms.1)
    }

    /// One stat event in match `id`; returns what to publish (a status change at the buzzer too).
    fn play(&mut self, id: u64, now_ms: u64) -> Vec<Publication> {
        let event_id = self.next_event_id;
        self.next_event_id += 1;
        let pace = self.pace();
        let roll = self.rng.u32(0..100);
        let home_side = self.rng.bool();
        let player = self.rng.u64(0..PLAYERS_PER_TEAM);
        let (x, y) = (self.rng.f64() * 94.0, self.rng.f64() * 50.0);
        let elapsed = self.rng.u32(4..28);
        let client_id = format!("{:016x}{:016x}", self.rng.u64(..), self.rng.u64(..));
        let Some(m) = self.matches.get_mut(&id) else { return vec![] };
        let (kind, points) = match roll {
            0..=21 => ("2pt_made", 2),
            22..=33 => ("2pt_missed", 0),
            34..=43 => ("3pt_made", 3),
            44..=53 => ("3pt_missed", 0),
            54..=61 => ("ft_made", 1),
            62..=64 => ("ft_missed", 0),
            65..=76 => ("rebound", 0),
            77..=83 => ("assist", 0),
            84..=87 => ("steal", 0),
            88..=90 => ("block", 0),
            91..=94 => ("turnover", 0),
            _ => ("foul", 0),
        };
        let team_id = if home_side { m.home_team.id } else { m.away_team.id };
        if home_side {
            m.home_score += points;
        } else {
            m.away_score += points;
        }
        m.clock_left = m.clock_left.saturating_sub(elapsed);
        m.current_clock = clock_text(m.clock_left);
        let event = StatEvent {
            id: event_id,
            client_id: Some(client_id),
            kind: kind.to_owned(),
            team_id: Some(team_id),
            player_id: Some(team_id * 100 + player),
            period: Some(m.current_period),
            clock: Some(m.current_clock.clone()),
            x: Some((x * 10.0).round() / 10.0),
            y: Some((y * 10.0).round() / 10.0),
            event_at: Some(rfc3339(now_ms)),
        };
        m.last_event = Some(event.clone());
        m.next_at = now_ms + pace;
        let mut out = vec![event_publication(m, event)];
        if m.clock_left == 0 {
            let regulation_over = m.current_period >= PERIODS;
            if regulation_over && m.home_score != m.away_score {
                m.status = MatchStatus::Finished;
                out.push(status_publication(m, MatchStatus::InProgress));
            } else {
                m.current_period += 1;
                m.clock_left = if regulation_over { OVERTIME_SECONDS } else { PERIOD_SECONDS };
                m.current_clock = clock_text(m.clock_left);
            }
        }
        out
    }

    /// Advance the league to `now_ms`.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Publication> {
        let mut out = vec![];
        let due: Vec<(u64, MatchStatus)> = self
            .matches
            .values()
            .filter(|m| !m.manual && m.status != MatchStatus::Finished && m.next_at <= now_ms)
            .map(|m| (m.id, m.status.clone()))
            .collect();
        for (id, status) in due {
            match status {
                MatchStatus::Scheduled => out.extend(self.tip_off(id, now_ms)),
                MatchStatus::InProgress => out.extend(self.play(id, now_ms)),
                _ => {}
            }
        }
        // Never run dry: replace finished games with new ones about to tip off.
        let active = self
            .matches
            .values()
            .filter(|m| !m.manual && matches!(m.status, MatchStatus::Scheduled | MatchStatus::InProgress))
            .count();
        for _ in active..self.concurrent {
            let delay = self.rng.u64(15_000..30_000);
            self.schedule(now_ms, delay);
        }
        // Keep the most recent finished games for late readers, not all of them.
        let finished: Vec<u64> = self.matches.values().filter(|m| m.status == MatchStatus::Finished).map(|m| m.id).collect();
        if finished.len() > 20 {
            for id in &finished[..finished.len() - 20] {
                self.matches.remove(id);
            }
        }
        out
    }

    /// The next time `tick` has work.
    pub fn next_due(&self) -> Option<u64> {
        self.matches.values().filter(|m| !m.manual && m.status != MatchStatus::Finished).map(|m| m.next_at).min()
    }

    /// Hand-made matches kept at most by default (`COURTSIDE_DEMO_MAX_MANUAL` sets it); the one
    /// touched longest ago leaves for a new one.
    pub const MAX_MANUAL: usize = 200;

    /// Keep at most `max` hand-made matches (at least one) from the next new one on; those
    /// already over the cap leave as new ones come.
    pub fn set_max_manual(&mut self, max: usize) {
        self.max_manual = max.max(1);
    }

    /// A hand-driven event (tests, demos): creates the match if needed, sets the score.
    pub fn manual_event(&mut self, id: u64, home_score: u32, away_score: u32, kind: &'static str, now_ms: u64) -> Publication {
        let event_id = self.next_event_id;
        self.next_event_id += 1;
        if !self.matches.contains_key(&id) {
            let manual: Vec<(u64, u64)> = self.matches.values().filter(|m| m.manual).map(|m| (m.last_event.as_ref().map_or(0, |e| e.id), m.id)).collect();
            if manual.len() >= self.max_manual {
                let mut by_age = manual;
                by_age.sort_unstable();
                for (_, oldest) in &by_age[..=by_age.len() - self.max_manual] {
                    self.matches.remove(oldest);
                }
            }
        }
        let m = self.matches.entry(id).or_insert_with(|| Match {
            id,
            competition_id: COMPETITIONS[0],
            status: MatchStatus::InProgress,
            home_team: Team { id: 1, name: Some("Home Testers".into()), short_name: Some("HOM".into()), ..Team::default() },
            away_team: Team { id: 2, name: Some("Away Testers".into()), short_name: Some("AWY".into()), ..Team::default() },
            home_score: 0,
            away_score: 0,
            current_period: 1,
            current_clock: clock_text(PERIOD_SECONDS),
            scheduled_at: rfc3339(now_ms),
            last_event: None,
            clock_left: PERIOD_SECONDS,
            next_at: u64::MAX,
            manual: true,
        });
        m.manual = true;
        m.status = MatchStatus::InProgress;
        let team_id = if home_score != m.home_score { m.home_team.id } else { m.away_team.id };
        m.home_score = home_score;
        m.away_score = away_score;
        // No player: a hand-made event names none, and the card shows the team alone.
        let event = StatEvent {
            id: event_id,
            client_id: Some(format!("manual-{event_id}")),
            kind: kind.to_owned(),
            team_id: Some(team_id),
            player_id: None,
            period: Some(m.current_period),
            clock: Some(m.current_clock.clone()),
            x: None,
            y: None,
            event_at: Some(rfc3339(now_ms)),
        };
        m.last_event = Some(event.clone());
        event_publication(m, event)
    }

    /// Move a hand-made match (one [`League::manual_event`] created) to `status` and publish
    /// the change; `None` for a match the simulation plays or does not know.
    pub fn manual_status(&mut self, id: u64, status: MatchStatus) -> Option<Publication> {
        let m = self.matches.get_mut(&id).filter(|m| m.manual)?;
        let previous = std::mem::replace(&mut m.status, status);
        Some(status_publication(m, previous))
    }
}

fn event_publication(m: &Match, event: StatEvent) -> Publication {
    let payload = EventReceived {
        match_id: m.id,
        home_score: m.home_score,
        away_score: m.away_score,
        current_period: Some(m.current_period),
        current_clock: Some(m.current_clock.clone()),
        status: m.status.clone(),
        event,
    };
    Publication {
        name: wire::EVENT_RECEIVED,
        channels: wire::event_channels(Access::Private, m.id),
        data: serde_json::to_value(&payload).unwrap_or(Value::Null),
    }
}

fn status_publication(m: &Match, previous: MatchStatus) -> Publication {
    let payload = StatusChanged {
        match_id: m.id,
        competition_id: Some(m.competition_id),
        status: m.status.clone(),
        previous_status: Some(previous),
        home_score: Some(m.home_score),
        away_score: Some(m.away_score),
    };
    Publication {
        name: wire::STATUS_CHANGED,
        channels: wire::status_channels(Access::Private, m.id, Some(m.competition_id)),
        data: serde_json::to_value(&payload).unwrap_or(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_776_111_330_000), "2026-04-13T20:15:30+00:00");
    }

    #[test]
    fn a_new_league_has_live_games_and_one_about_to_start() {
        let l = League::new(1, (1000, 3000), 5, 1_000_000);
        assert_eq!(l.live().len(), 4);
        assert_eq!(l.all().iter().filter(|m| m.status == MatchStatus::Scheduled).count(), 1);
        let mut teams = vec![];
        for m in l.all() {
            assert_ne!(m.home_team.id, m.away_team.id);
            teams.extend([m.home_team.id, m.away_team.id]);
        }
        for m in l.live() {
            assert!(m.last_event.is_some());
        }
        let distinct: std::collections::BTreeSet<_> = teams.iter().collect();
        assert_eq!(distinct.len(), teams.len(), "no team plays two games at once");
        let comps: std::collections::BTreeSet<u64> = l.all().iter().map(|m| m.competition_id).collect();
        assert_eq!(comps.len(), 2, "two competitions");
    }

    #[test]
    fn events_follow_the_seed_contract_and_scores_add_up() {
        let mut l = League::new(7, (1000, 3000), 3, 0);
        let mut now = 0;
        let mut seen = 0;
        while seen < 200 {
            now += 500;
            for p in l.tick(now) {
                if p.name == "event.received" {
                    seen += 1;
                    let d = &p.data;
                    for key in ["match_id", "home_score", "away_score", "current_period", "current_clock", "status", "event"] {
                        assert!(d.get(key).is_some(), "missing {key}");
                    }
                    for key in ["id", "client_id", "type", "team_id", "player_id", "period", "clock", "x", "y", "event_at"] {
                        assert!(d["event"].get(key).is_some(), "missing event.{key}");
                    }
                    let id = d["match_id"].as_u64().unwrap();
                    assert_eq!(p.channels, vec![format!("private-match.{id}"), "private-games".to_string()]);
                    let m = l.get(id).unwrap();
                    assert!(u64::from(m.home_score) >= d["home_score"].as_u64().unwrap());
                }
            }
        }
    }

    #[test]
    fn games_end_with_a_status_change_and_are_replaced() {
        let mut l = League::new(3, (10, 10), 2, 0);
        let mut now = 0;
        let mut finished = vec![];
        let mut started = 0;
        for _ in 0..20_000 {
            now += 10;
            for p in l.tick(now) {
                if p.name == "status.changed" {
                    match p.data["status"].as_str() {
                        Some("finished") => {
                            assert_ne!(p.data["home_score"], p.data["away_score"], "no ties at the final buzzer");
                            assert_eq!(p.channels.len(), 3);
                            finished.push(p.data["match_id"].as_u64().unwrap());
                        }
                        Some("in_progress") => started += 1,
                        other => panic!("{other:?}"),
                    }
                }
            }
            if finished.len() >= 3 && started >= 3 {
                break;
            }
        }
        assert!(finished.len() >= 3, "games finish: {finished:?}");
        assert!(started >= 3, "new games start: {started}");
        let playing = l.all().iter().filter(|m| matches!(m.status, MatchStatus::Scheduled | MatchStatus::InProgress)).count();
        assert_eq!(playing, 2, "the league never runs dry");
        assert_eq!(l.all().iter().filter(|m| m.status == MatchStatus::Postponed).count(), 1, "the postponed game stays postponed");
    }

    #[test]
    fn hand_made_matches_are_bounded() {
        let mut l = League::new(3, (10, 10), 2, 0);
        let simulated = l.all().len();
        for id in 0..(League::MAX_MANUAL as u64 * 5) {
            l.manual_event(10_000 + id, 1, 0, "ft_made", 0);
        }
        assert_eq!(l.all().len(), simulated + League::MAX_MANUAL, "the simulation's games stay; hand-made ones are capped");
        assert!(l.get(10_000 + League::MAX_MANUAL as u64 * 5 - 1).is_some(), "the newest stays");
        assert!(l.get(10_000).is_none(), "the oldest left");
    }

    #[test]
    fn the_cap_on_hand_made_matches_can_be_set() {
        let mut l = League::new(3, (10, 10), 2, 0);
        let simulated = l.all().len();
        l.set_max_manual(300);
        for id in 0..300 {
            l.manual_event(10_000 + id, 1, 0, "ft_made", 0);
        }
        assert_eq!(l.all().len(), simulated + 300, "300 games fit under a cap of 300");
        l.manual_event(20_000, 1, 0, "ft_made", 0);
        assert_eq!(l.all().len(), simulated + 300);
        assert!(l.get(10_000).is_none() && l.get(10_001).is_some(), "the one touched longest ago left");
        // Lowered below what is kept: the next new match brings the count down to the cap.
        l.set_max_manual(10);
        l.manual_event(20_001, 1, 0, "ft_made", 0);
        assert_eq!(l.all().len(), simulated + 10);
        assert!(l.get(20_000).is_some() && l.get(20_001).is_some(), "the newest stay");
        l.set_max_manual(0);
        l.manual_event(20_002, 1, 0, "ft_made", 0);
        assert_eq!(l.all().len(), simulated + 1, "a cap of 0 keeps the one being made");
    }

    #[test]
    fn manual_events_create_and_freeze_a_match() {
        let mut l = League::new(3, (10, 10), 1, 0);
        let p = l.manual_event(9001, 3, 0, "3pt_made", 5);
        assert_eq!(p.data["home_score"], 3);
        let before = l.get(9001).unwrap().last_event.as_ref().unwrap().id;
        l.tick(1_000_000);
        assert_eq!(l.get(9001).unwrap().last_event.as_ref().unwrap().id, before, "simulation leaves it alone");
    }

    #[test]
    fn manual_status_changes_only_hand_made_matches() {
        let mut l = League::new(3, (10, 10), 1, 0);
        assert!(l.manual_status(9001, MatchStatus::Finished).is_none(), "unknown match");
        let played = l.all().first().map(|m| m.id).unwrap();
        assert!(l.manual_status(played, MatchStatus::Finished).is_none(), "the simulation's own match");
        l.manual_event(9001, 2, 0, "2pt_made", 5);
        let p = l.manual_status(9001, MatchStatus::Finished).unwrap();
        assert_eq!((p.name, p.data["status"].as_str(), p.data["previous_status"].as_str()), (wire::STATUS_CHANGED, Some("finished"), Some("in_progress")));
        assert_eq!(l.get(9001).unwrap().status, MatchStatus::Finished);
    }
}
