//! A live mirror of the stats API: every pushed message applied to the same reducer the
//! widget runs (`courtside::store`), so that the gateway answers snapshots from memory.
//!
//! What it cannot know it says: while the upstream socket is down every snapshot is marked
//! `delayed`; after a reconnect each match stays marked until something confirms it (a push
//! for it, which carries absolute scores, or a read-API refresh).

use courtside::protocol::json::SerdeJson;
use courtside::store::{decode_message, Applied, MatchMessage, MatchState};
use courtside::wire::{MatchSnapshot, Team};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most matches kept; beyond it the longest-finished, then the longest-quiet, leave.
const MAX_MATCHES: usize = 5_000;
/// Finished matches are kept this long for late readers.
const KEEP_FINISHED: Duration = Duration::from_secs(6 * 3600);

struct Entry {
    state: MatchState,
    /// The newest event id and the last status that came as pushes: what readers have been
    /// sent. A read-API refresh moves `state` but not these, so a push it overtook is still
    /// republished.
    pushed_event_id: u64,
    pushed_status: Option<courtside::wire::MatchStatus>,
    /// Seen since the last (re)connect, or refreshed from the read API since.
    confirmed: bool,
    touched: Instant,
    finished_at: Option<Instant>,
}

impl Entry {
    fn new(id: u64, now: Instant) -> Entry {
        Entry { state: MatchState::new(id), pushed_event_id: 0, pushed_status: None, confirmed: false, touched: now, finished_at: None }
    }
}

#[derive(Default)]
struct State {
    matches: BTreeMap<u64, Entry>,
    connected: bool,
    undecodable: u64,
}

/// What a push did to the mirror.
#[derive(Debug, Clone, PartialEq)]
pub enum Pushed {
    /// New: the relay republishes it.
    New(MatchMessage),
    /// Already applied (the same event again, an older status).
    Duplicate,
    /// Not a match message (another event name).
    Ignored,
    /// Did not fit the contract; the reason names the field.
    Undecodable(String),
}

#[derive(Default)]
pub struct Mirror {
    state: Mutex<State>,
}

impl Mirror {
    pub fn new() -> Mirror {
        Mirror::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Apply one pushed message (`event.received` or `status.changed`).
    pub fn push(&self, event: &str, data: &str, now: Instant) -> Pushed {
        let message = match decode_message::<SerdeJson>(event, data) {
            Ok(Some(m)) => m,
            Ok(None) => return Pushed::Ignored,
            Err(e) => {
                self.lock().undecodable += 1;
                return Pushed::Undecodable(e.0);
            }
        };
        let mut st = self.lock();
        let id = message.match_id();
        if !st.matches.contains_key(&id) {
            evict(&mut st.matches, now);
        }
        let entry = st.matches.entry(id).or_insert_with(|| Entry::new(id, now));
        let before = (entry.state.home_score, entry.state.away_score, entry.state.is_known());
        let new_to_readers = match &message {
            MatchMessage::Event(e) => e.event.id > entry.pushed_event_id,
            MatchMessage::Status(s) => entry.pushed_status.as_ref() != Some(&s.status),
        };
        match &message {
            MatchMessage::Event(e) => entry.pushed_event_id = entry.pushed_event_id.max(e.event.id),
            MatchMessage::Status(s) => entry.pushed_status = Some(s.status.clone()),
        }
        let applied = entry.state.apply_message(&message);
        entry.touched = now;
        if entry.state.status.stage() == Some(2) && entry.finished_at.is_none() {
            entry.finished_at = Some(now);
        }
        if applied == Applied::Changed {
            // A push carries absolute scores: the match is current again.
            entry.confirmed = true;
            if let MatchMessage::Event(e) = &message {
                learn_side(&mut entry.state, before, e);
            }
        }
        match (applied, new_to_readers) {
            (Applied::Ignored, _) => Pushed::Ignored,
            (Applied::Changed, _) | (_, true) => Pushed::New(message),
            _ => Pushed::Duplicate,
        }
    }

    /// A snapshot from the read API: the truth for names and roster, merged like the widget
    /// merges one, and a confirmation.
    pub fn refresh(&self, s: &MatchSnapshot, now: Instant) {
        let mut st = self.lock();
        if !st.matches.contains_key(&s.id) {
            evict(&mut st.matches, now);
        }
        let entry = st.matches.entry(s.id).or_insert_with(|| Entry::new(s.id, now));
        entry.state.apply_snapshot(s);
        entry.confirmed = true;
        entry.touched = now;
    }

    /// The upstream socket's state. Going down marks everything delayed; coming back marks
    /// every match unconfirmed until a push or a refresh confirms it.
    pub fn set_connected(&self, connected: bool) {
        let mut st = self.lock();
        if connected && !st.connected {
            for e in st.matches.values_mut() {
                e.confirmed = false;
            }
        }
        st.connected = connected;
    }

    pub fn is_delayed(&self) -> bool {
        !self.lock().connected
    }

    /// Pushes that did not decode, since start.
    pub fn undecodable(&self) -> u64 {
        self.lock().undecodable
    }

    fn view(st: &State, e: &Entry) -> MatchSnapshot {
        let mut s = e.state.to_snapshot();
        s.delayed = !st.connected || !e.confirmed;
        s
    }

    pub fn snapshot(&self, id: u64) -> Option<MatchSnapshot> {
        let st = self.lock();
        st.matches.get(&id).map(|e| Self::view(&st, e))
    }

    pub fn list(&self) -> Vec<MatchSnapshot> {
        let st = self.lock();
        st.matches.values().map(|e| Self::view(&st, e)).collect()
    }

    /// Matches not confirmed since the last reconnect (for a read-API refresh).
    pub fn unconfirmed(&self) -> Vec<u64> {
        self.lock().matches.iter().filter(|(_, e)| !e.confirmed).map(|(id, _)| *id).collect()
    }

    pub fn len(&self) -> usize {
        self.lock().matches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which team plays at home, learned from the pushes alone, only where the arithmetic leaves
/// no doubt: a made shot worth exactly what one side's score rose by, the other side unchanged,
/// after a known score. Names then come from the directory.
fn learn_side(m: &mut MatchState, (home0, away0, known): (u32, u32, bool), e: &courtside::wire::EventReceived) {
    let (Some(team), true) = (e.event.team_id, known) else { return };
    let points = match e.event.kind.as_str() {
        "2pt_made" => 2,
        "3pt_made" => 3,
        "ft_made" => 1,
        _ => return,
    };
    let home_rose = e.home_score.checked_sub(home0) == Some(points) && e.away_score == away0;
    let away_rose = e.away_score.checked_sub(away0) == Some(points) && e.home_score == home0;
    let (slot, other) = match (home_rose, away_rose) {
        (true, false) => (&mut m.home, &m.away),
        (false, true) => (&mut m.away, &m.home),
        _ => return,
    };
    if slot.is_none() && other.as_ref().is_none_or(|t| t.id != team) {
        *slot = Some(Team { id: team, ..Team::default() });
    }
}

/// Make room for one more match: drop finished matches past their keep time, then, when
/// still full, the longest-finished or else the longest-quiet match.
fn evict(matches: &mut BTreeMap<u64, Entry>, now: Instant) {
    matches.retain(|_, e| e.finished_at.is_none_or(|t| now.saturating_duration_since(t) < KEEP_FINISHED));
    if matches.len() < MAX_MATCHES {
        return;
    }
    let victim = matches
        .iter()
        .min_by_key(|(_, e)| (e.finished_at.is_none(), e.finished_at.unwrap_or(e.touched), e.touched))
        .map(|(id, _)| *id);
    if let Some(id) = victim {
        matches.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use courtside::wire::MatchStatus;

    fn event(match_id: u64, id: u64, home: u32, away: u32, kind: &str, team: u64) -> String {
        format!(
            r#"{{"match_id":{match_id},"home_score":{home},"away_score":{away},"current_period":1,"current_clock":"09:00","status":"in_progress",
            "event":{{"id":{id},"client_id":"c","type":"{kind}","team_id":{team},"player_id":1600,"period":1,"clock":"09:00","x":1.5,"y":2.5,"event_at":"2026-04-13T20:15:30+00:00"}}}}"#
        )
    }

    #[test]
    fn pushes_build_state_once_each() {
        let m = Mirror::new();
        let now = Instant::now();
        m.set_connected(true);
        assert!(matches!(m.push("event.received", &event(1, 10, 2, 0, "2pt_made", 16), now), Pushed::New(_)));
        assert_eq!(m.push("event.received", &event(1, 10, 2, 0, "2pt_made", 16), now), Pushed::Duplicate);
        assert_eq!(m.push(".event.received", &event(1, 9, 0, 0, "foul", 16), now), Pushed::Duplicate, "older");
        assert!(matches!(m.push("event.received", r#"{"match_id":"x"}"#, now), Pushed::Undecodable(_)));
        assert_eq!(m.push("client-typing", "{}", now), Pushed::Ignored);
        let s = m.snapshot(1).unwrap();
        assert_eq!((s.home_score, s.last_event.as_ref().map(|e| e.id), s.delayed), (2, Some(10), false));
        assert_eq!(m.undecodable(), 1);
    }

    #[test]
    fn sides_are_learned_only_when_the_arithmetic_is_certain() {
        let m = Mirror::new();
        let now = Instant::now();
        m.set_connected(true);
        m.push("event.received", &event(1, 1, 2, 0, "2pt_made", 16), now); // first: no known score before
        assert_eq!(m.snapshot(1).unwrap().home_team, None);
        m.push("event.received", &event(1, 2, 2, 3, "3pt_made", 17), now);
        assert_eq!(m.snapshot(1).unwrap().away_team.map(|t| t.id), Some(17));
        m.push("event.received", &event(1, 3, 6, 3, "2pt_made", 16), now); // +4 for a 2: a missed event
        assert_eq!(m.snapshot(1).unwrap().home_team, None, "no certainty, no name");
        m.push("event.received", &event(1, 4, 6, 3, "rebound", 16), now);
        m.push("event.received", &event(1, 5, 7, 3, "ft_made", 16), now);
        assert_eq!(m.snapshot(1).unwrap().home_team.map(|t| t.id), Some(16));
    }

    #[test]
    fn outage_marks_delayed_until_confirmed() {
        let m = Mirror::new();
        let now = Instant::now();
        m.set_connected(true);
        m.push("event.received", &event(1, 1, 2, 0, "2pt_made", 16), now);
        m.push("event.received", &event(2, 2, 2, 0, "2pt_made", 18), now);
        m.set_connected(false);
        assert!(m.snapshot(1).unwrap().delayed && m.is_delayed());
        m.set_connected(true);
        assert_eq!(m.unconfirmed(), vec![1, 2]);
        m.push("event.received", &event(1, 3, 4, 0, "2pt_made", 16), now);
        assert!(!m.snapshot(1).unwrap().delayed, "a push confirms its match");
        assert!(m.snapshot(2).unwrap().delayed, "match 2 may have missed events");
        let mut s = MatchSnapshot::bare(2, MatchStatus::InProgress);
        s.home_score = 9;
        s.last_event = m.snapshot(2).unwrap().last_event;
        m.refresh(&s, now);
        assert!(!m.snapshot(2).unwrap().delayed);
        assert_eq!(m.snapshot(2).unwrap().home_score, 9);
    }

    #[test]
    fn a_push_a_refresh_overtook_is_still_new_to_readers() {
        let m = Mirror::new();
        let now = Instant::now();
        m.set_connected(true);
        m.push("event.received", &event(1, 1, 2, 0, "2pt_made", 16), now);
        // The read API already knows event 2 when its push is still on the way.
        let mut read = MatchSnapshot::bare(1, MatchStatus::InProgress);
        read.home_score = 4;
        read.last_event = Some(courtside::wire::StatEvent { id: 2, client_id: None, kind: "2pt_made".into(), team_id: Some(16), player_id: None, period: None, clock: None, x: None, y: None, event_at: None });
        m.refresh(&read, now);
        assert!(matches!(m.push("event.received", &event(1, 2, 4, 0, "2pt_made", 16), now), Pushed::New(_)), "readers have not had it");
        assert_eq!(m.push("event.received", &event(1, 2, 4, 0, "2pt_made", 16), now), Pushed::Duplicate, "but only once");
    }

    #[test]
    fn memory_is_bounded() {
        let m = Mirror::new();
        let now = Instant::now();
        for i in 1..=(MAX_MATCHES as u64 + 500) {
            m.push("event.received", &event(i, i, 2, 0, "2pt_made", 16), now);
        }
        assert_eq!(m.len(), MAX_MATCHES);
        assert!(m.snapshot(MAX_MATCHES as u64 + 500).is_some(), "the newest is kept");
    }
}
