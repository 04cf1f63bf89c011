//! Many matches at once, for the ticker and the competition view: a list snapshot and pushed
//! messages in, the matches to show (in a stable order) out.

use super::match_state::{Applied, MatchState};
use super::payload::{MatchSnapshot, MatchStatus};
use super::MatchMessage;

/// Which matches a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// Every live game (the ticker); finished games leave after a delay.
    Live,
    /// One competition's games, whatever their status.
    Competition(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListedMatch {
    pub state: MatchState,
    /// When the match was seen finishing (ms), for the ticker's leave delay.
    pub finished_at: Option<u64>,
    /// When its own snapshot was last asked for (a game that joined through a push).
    pub snapshot_requested_at: Option<u64>,
}

impl ListedMatch {
    fn new(state: MatchState, now: u64) -> Self {
        let finished_at = (state.status.stage() == Some(2)).then_some(now);
        ListedMatch { state, finished_at, snapshot_requested_at: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GameList {
    pub scope: ListScope,
    /// Sorted by match id: a stable order that updates in place.
    pub matches: Vec<ListedMatch>,
    /// A list snapshot has arrived at least once.
    pub loaded: bool,
    /// Regulation periods for games whose snapshot does not say (the element's `periods`).
    pub default_periods: Option<u32>,
}

/// What a change did to the list: which match changed, or whether the membership changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListChange {
    None,
    /// One match's state changed in place.
    Updated(u64),
    /// Several matches may have changed in place (a list snapshot).
    Refreshed,
    /// Matches were added or removed.
    Membership,
}

impl GameList {
    pub fn new(scope: ListScope) -> Self {
        GameList { scope, matches: vec![], loaded: false, default_periods: None }
    }

    fn position(&self, id: u64) -> Result<usize, usize> {
        self.matches.binary_search_by_key(&id, |m| m.state.id)
    }

    pub fn get(&self, id: u64) -> Option<&ListedMatch> {
        self.position(id).ok().map(|i| &self.matches[i])
    }

    pub fn ids(&self) -> Vec<u64> {
        self.matches.iter().map(|m| m.state.id).collect()
    }

    fn wanted(&self, competition_id: Option<u64>, status: &MatchStatus) -> bool {
        match self.scope {
            // Under way, or stopped mid-game (suspended, interrupted): the ticker shows it.
            ListScope::Live => status.stage() == Some(1),
            ListScope::Competition(c) => competition_id == Some(c),
        }
    }

    /// Merge a list snapshot: known matches are merged, new ones added; in the live scope,
    /// matches the snapshot no longer lists as live are kept only until their leave delay.
    pub fn apply_snapshot(&mut self, list: &[MatchSnapshot], now: u64) -> ListChange {
        let before = self.ids();
        let mut changed = false;
        for s in list {
            match self.position(s.id) {
                Ok(i) => changed |= self.matches[i].state.apply_snapshot(s) == Applied::Changed,
                Err(i) if self.wanted(s.competition_id, &s.status) => {
                    let mut state = MatchState::new(s.id);
                    state.periods = self.default_periods;
                    state.apply_snapshot(s);
                    self.matches.insert(i, ListedMatch::new(state, now));
                }
                Err(_) => {}
            }
        }
        if self.scope == ListScope::Live {
            for m in &mut self.matches {
                let listed = list.iter().any(|s| s.id == m.state.id);
                if !listed && m.finished_at.is_none() {
                    m.finished_at = Some(now);
                }
            }
        }
        self.loaded = true;
        if self.ids() != before {
            ListChange::Membership
        } else if changed {
            ListChange::Refreshed
        } else {
            ListChange::None
        }
    }

    pub fn apply_message(&mut self, m: &MatchMessage, now: u64) -> ListChange {
        let (id, competition_id, status) = match m {
            MatchMessage::Event(e) => (e.match_id, None, &e.status),
            MatchMessage::Status(s) => (s.match_id, s.competition_id, &s.status),
        };
        let i = match self.position(id) {
            Ok(i) => i,
            Err(i) => {
                // A game the list did not know: live games join the ticker; a competition
                // learns its new games from the competition channel's status changes.
                if !self.wanted(competition_id, status) {
                    return ListChange::None;
                }
                let mut state = MatchState::new(id);
                state.competition_id = competition_id;
                state.periods = self.default_periods;
                self.matches.insert(i, ListedMatch::new(state, now));
                let entry = &mut self.matches[i];
                apply(entry, m, now);
                return ListChange::Membership;
            }
        };
        if apply(&mut self.matches[i], m, now) == Applied::Changed {
            ListChange::Updated(id)
        } else {
            ListChange::None
        }
    }

    /// How long an unanswered snapshot request stands before the game may be asked for again
    /// (the fetcher retries passing failures within this; after it, a later push asks again).
    pub const SNAPSHOT_RETRY_MS: u64 = 15_000;

    /// Games shown without their own snapshot (they joined through a push, so no names yet)
    /// that are not waiting for one: each is returned once per [`Self::SNAPSHOT_RETRY_MS`].
    pub fn take_missing_snapshots(&mut self, now: u64) -> Vec<u64> {
        self.matches
            .iter_mut()
            .filter(|m| !m.state.has_snapshot && m.snapshot_requested_at.is_none_or(|t| now >= t.saturating_add(Self::SNAPSHOT_RETRY_MS)))
            .map(|m| {
                m.snapshot_requested_at = Some(now);
                m.state.id
            })
            .collect()
    }

    /// A game's own snapshot (`GET /api/matches/{id}`), merged if the game is still listed.
    pub fn apply_match_snapshot(&mut self, s: &MatchSnapshot, now: u64) -> ListChange {
        let Ok(i) = self.position(s.id) else { return ListChange::None };
        let entry = &mut self.matches[i];
        let applied = entry.state.apply_snapshot(s);
        if entry.state.status.stage() == Some(2) && entry.finished_at.is_none() {
            entry.finished_at = Some(now);
        }
        if applied == Applied::Changed {
            ListChange::Updated(s.id)
        } else {
            ListChange::None
        }
    }

    /// The source's relay lost the stats API (or is back): every game says so.
    pub fn set_delayed(&mut self, delayed: bool) -> ListChange {
        let mut changed = false;
        for m in &mut self.matches {
            changed |= std::mem::replace(&mut m.state.delayed, delayed) != delayed;
        }
        if changed {
            ListChange::Refreshed
        } else {
            ListChange::None
        }
    }

    /// Drop finished games whose leave delay has passed (live scope only).
    pub fn remove_finished(&mut self, now: u64, delay_ms: u64) -> ListChange {
        if self.scope != ListScope::Live {
            return ListChange::None;
        }
        let before = self.matches.len();
        self.matches.retain(|m| m.finished_at.is_none_or(|t| now < t.saturating_add(delay_ms)));
        if self.matches.len() != before {
            ListChange::Membership
        } else {
            ListChange::None
        }
    }

    /// The earliest time a finished game is due to leave.
    pub fn next_removal(&self, delay_ms: u64) -> Option<u64> {
        if self.scope != ListScope::Live {
            return None;
        }
        self.matches.iter().filter_map(|m| m.finished_at).map(|t| t.saturating_add(delay_ms)).min()
    }
}

fn apply(entry: &mut ListedMatch, m: &MatchMessage, now: u64) -> Applied {
    let applied = entry.state.apply_message(m);
    if entry.state.status.stage() == Some(2) && entry.finished_at.is_none() {
        entry.finished_at = Some(now);
    }
    applied
}
