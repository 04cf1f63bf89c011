//! What a match widget shows: the match state plus whether it could be loaded at all.

use super::match_state::{Applied, MatchState};
use super::payload::MatchSnapshot;
use super::MatchMessage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Nothing heard yet.
    Loading,
    Ready,
    /// The API does not know the match.
    UnknownMatch,
    /// Access refused (HTTP status from auth or the read API).
    Denied(u16),
}

/// The connection as a reader should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Badge {
    Live,
    Reconnecting,
    Offline,
    /// Stopped for good; the text says why.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchView {
    pub state: MatchState,
    pub availability: Availability,
}

impl MatchView {
    pub fn new(match_id: u64) -> Self {
        MatchView { state: MatchState::new(match_id), availability: Availability::Loading }
    }

    /// With the regulation periods to assume until a snapshot says (the element's `periods`).
    pub fn with_periods(match_id: u64, periods: Option<u32>) -> Self {
        let mut v = MatchView::new(match_id);
        v.state.periods = periods;
        v
    }

    pub fn apply_snapshot(&mut self, s: &MatchSnapshot) -> Applied {
        let applied = self.state.apply_snapshot(s);
        // A denial stays visible: a snapshot does not make a refused channel live.
        if applied != Applied::Ignored && !matches!(self.availability, Availability::Denied(_)) {
            self.availability = Availability::Ready;
        }
        applied
    }

    pub fn apply_message(&mut self, m: &MatchMessage) -> Applied {
        let applied = self.state.apply_message(m);
        let waiting = matches!(self.availability, Availability::Loading | Availability::UnknownMatch);
        if applied == Applied::Changed && waiting {
            self.availability = Availability::Ready;
        }
        applied
    }

    /// The API said it does not know this match. Live events already shown still count.
    pub fn mark_unknown(&mut self) {
        if !self.state.is_known() {
            self.availability = Availability::UnknownMatch;
        }
    }

    pub fn mark_denied(&mut self, status: u16) {
        self.availability = Availability::Denied(status);
    }
}
