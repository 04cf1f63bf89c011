//! One match's live state and the reducer that merges pushed events and HTTP snapshots.
//!
//! Rules: an event is applied once (by id) and never when it is older than what is shown;
//! a pushed status never moves a match back to an earlier stage (before tip-off, under way,
//! over; see [`MatchStatus::stage`]); a snapshot is the truth unless the events already applied
//! are newer than it (it was in flight meanwhile). Names come only from snapshots.

use super::payload::{EventReceived, MatchSnapshot, MatchStatus, Player, StatEvent, StatusChanged, Team};
use super::MatchMessage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Home,
    Away,
}

/// What a reducer call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Changed,
    /// Already applied (same or older event id, same status).
    Duplicate,
    /// Older than what is shown (a status moving backwards, an old snapshot).
    Stale,
    /// For another match.
    Ignored,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchState {
    pub id: u64,
    pub competition_id: Option<u64>,
    pub home: Option<Team>,
    pub away: Option<Team>,
    pub home_score: u32,
    pub away_score: u32,
    pub period: Option<u32>,
    pub clock: Option<String>,
    pub status: MatchStatus,
    /// Regulation periods when a snapshot said (4 quarters or 2 halves).
    pub periods: Option<u32>,
    pub scheduled_at: Option<String>,
    /// Both teams' players, sorted by id (from the last snapshot that had any).
    pub players: Vec<Player>,
    /// The gateway said its source is lost and this may be behind.
    pub delayed: bool,
    pub last_event: Option<StatEvent>,
    /// Highest event id applied, from a push or a snapshot.
    pub last_event_id: u64,
    /// The side whose score went up with the last change.
    pub last_scorer: Option<Side>,
    /// A snapshot has been merged at least once (team names are known).
    pub has_snapshot: bool,
}

impl MatchState {
    pub fn new(id: u64) -> Self {
        MatchState {
            id,
            competition_id: None,
            home: None,
            away: None,
            home_score: 0,
            away_score: 0,
            period: None,
            clock: None,
            status: MatchStatus::Scheduled,
            periods: None,
            scheduled_at: None,
            players: Vec::new(),
            delayed: false,
            last_event: None,
            last_event_id: 0,
            last_scorer: None,
            has_snapshot: false,
        }
    }

    pub fn from_snapshot(s: &MatchSnapshot) -> Self {
        let mut m = MatchState::new(s.id);
        m.apply_snapshot(s);
        m
    }

    /// Has anything been learned about this match yet?
    pub fn is_known(&self) -> bool {
        self.has_snapshot || self.last_event_id > 0
    }

    /// A player from the roster, by the database id a push carries.
    pub fn player(&self, id: u64) -> Option<&Player> {
        self.players.binary_search_by_key(&id, |p| p.id).ok().map(|i| &self.players[i])
    }

    pub fn team(&self, side: Side) -> Option<&Team> {
        match side {
            Side::Home => self.home.as_ref(),
            Side::Away => self.away.as_ref(),
        }
    }

    pub fn side_of_team(&self, team_id: u64) -> Option<Side> {
        if self.home.as_ref().is_some_and(|t| t.id == team_id) {
            Some(Side::Home)
        } else if self.away.as_ref().is_some_and(|t| t.id == team_id) {
            Some(Side::Away)
        } else {
            None
        }
    }

    pub fn apply_event(&mut self, e: &EventReceived) -> Applied {
        if e.match_id != self.id {
            return Applied::Ignored;
        }
        if e.event.id <= self.last_event_id {
            return Applied::Duplicate;
        }
        self.last_event_id = e.event.id;
        self.set_score(e.home_score, e.away_score);
        if e.current_period.is_some() {
            self.period = e.current_period;
        }
        if e.current_clock.is_some() {
            self.clock.clone_from(&e.current_clock);
        }
        if may_move(&self.status, &e.status) {
            self.status.clone_from(&e.status);
        }
        self.last_event = Some(e.event.clone());
        Applied::Changed
    }

    pub fn apply_status(&mut self, s: &StatusChanged) -> Applied {
        if s.match_id != self.id {
            return Applied::Ignored;
        }
        if s.status == self.status {
            return Applied::Duplicate;
        }
        if !may_move(&self.status, &s.status) {
            return Applied::Stale;
        }
        self.status.clone_from(&s.status);
        if s.competition_id.is_some() {
            self.competition_id = s.competition_id;
        }
        if let (Some(h), Some(a)) = (s.home_score, s.away_score) {
            self.set_score(h, a);
        }
        Applied::Changed
    }

    pub fn apply_message(&mut self, m: &MatchMessage) -> Applied {
        match m {
            MatchMessage::Event(e) => self.apply_event(e),
            MatchMessage::Status(s) => self.apply_status(s),
        }
    }

    pub fn apply_snapshot(&mut self, s: &MatchSnapshot) -> Applied {
        if s.id != self.id {
            return Applied::Ignored;
        }
        // What the snapshot changes is judged against the state before any of it: names that
        // arrive with scores already known are a change too (a game that joined through a push).
        let before = self.clone();
        // Names, rosters and schedule are always taken: they are not part of the live stream.
        // A snapshot that lacks them (a mirror that never saw a read API) keeps what is known.
        if s.home_team.is_some() {
            self.home.clone_from(&s.home_team);
        }
        if s.away_team.is_some() {
            self.away.clone_from(&s.away_team);
        }
        if !s.players.is_empty() {
            self.players.clone_from(&s.players);
            sort_by_id(&mut self.players);
            self.players.dedup_by_key(|p| p.id);
        }
        self.periods = s.periods.or(self.periods);
        self.competition_id = s.competition_id.or(self.competition_id);
        if s.scheduled_at.is_some() {
            self.scheduled_at.clone_from(&s.scheduled_at);
        }
        self.delayed = s.delayed;
        self.has_snapshot = true;
        let snapshot_event_id = s.last_event.as_ref().map_or(0, |e| e.id);
        if snapshot_event_id < self.last_event_id {
            // Pushed events overtook this snapshot while it was in flight: keep them (and
            // whatever names and schedule it brought).
            return if *self == before { Applied::Stale } else { Applied::Changed };
        }
        self.last_event_id = snapshot_event_id;
        self.home_score = s.home_score;
        self.away_score = s.away_score;
        self.period = s.current_period;
        self.clock.clone_from(&s.current_clock);
        self.status.clone_from(&s.status);
        self.last_event.clone_from(&s.last_event);
        if *self == before {
            Applied::Duplicate
        } else {
            Applied::Changed
        }
    }

    /// This state in the snapshot format (what a mirror of the live stream serves).
    pub fn to_snapshot(&self) -> MatchSnapshot {
        MatchSnapshot {
            competition_id: self.competition_id,
            home_team: self.home.clone(),
            away_team: self.away.clone(),
            home_score: self.home_score,
            away_score: self.away_score,
            current_period: self.period,
            current_clock: self.clock.clone(),
            periods: self.periods,
            scheduled_at: self.scheduled_at.clone(),
            last_event: self.last_event.clone(),
            players: self.players.clone(),
            delayed: self.delayed,
            ..MatchSnapshot::bare(self.id, self.status.clone())
        }
    }

    fn set_score(&mut self, home: u32, away: u32) {
        self.last_scorer = if home > self.home_score && away == self.away_score {
            Some(Side::Home)
        } else if away > self.away_score && home == self.home_score {
            Some(Side::Away)
        } else if home != self.home_score || away != self.away_score {
            None
        } else {
            self.last_scorer
        };
        self.home_score = home;
        self.away_score = away;
    }
}

/// May a pushed status replace the one shown? Never back to an earlier stage; an unknown
/// status is taken as announced unless the match is over.
fn may_move(from: &MatchStatus, to: &MatchStatus) -> bool {
    match (from.stage(), to.stage()) {
        (Some(a), Some(b)) => b >= a,
        (Some(2), None) => false,
        _ => true,
    }
}

/// A roster sorted by player id: a heapsort, O(n log n) whatever the order it comes in, in a
/// few hundred bytes of wasm where core's `sort_unstable` instantiated for `Player` took 2.3 KB.
fn sort_by_id(v: &mut [Player]) {
    fn sift_down(v: &mut [Player], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child].id < v[child + 1].id {
                child += 1;
            }
            if v[root].id >= v[child].id {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    for i in (0..v.len() / 2).rev() {
        sift_down(v, i, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heapsort_sorts_every_order() {
        let player = |id: u64| Player { id, team_id: None, name: Some(id.to_string()), shirt_number: None };
        let mut seed = 7u64;
        for len in 0..40 {
            for round in 0..20 {
                let mut ids: Vec<u64> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        // Few distinct ids in some rounds: duplicates must end up side by side.
                        (seed >> 33) % if round % 2 == 0 { 1000 } else { 5 }
                    })
                    .collect();
                let mut players: Vec<Player> = ids.iter().map(|&id| player(id)).collect();
                sort_by_id(&mut players);
                ids.sort_unstable();
                assert_eq!(players.iter().map(|p| p.id).collect::<Vec<_>>(), ids);
                assert!(players.iter().all(|p| p.name == Some(p.id.to_string())));
            }
        }
    }
}
