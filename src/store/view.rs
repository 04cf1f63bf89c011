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

/// When a scoreboard's screen-reader announcement is read again after a change: at once after
/// a quiet spell; otherwise once the interval since the last reading has passed, one reading
/// waiting at a time (it reads the latest score when it runs). A polite live region that
/// changed at every event of a flood would queue dozens of stale scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeechThrottle {
    every_ms: f64,
    last: Option<f64>,
    waiting: bool,
}

/// What to do about a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speak {
    /// Read it now.
    Now,
    /// Read it after this many milliseconds (then call [`SpeechThrottle::spoken`]).
    After(f64),
    /// A reading already waits; it will read this change too.
    Waiting,
}

impl SpeechThrottle {
    pub const fn new(every_ms: f64) -> SpeechThrottle {
        SpeechThrottle { every_ms, last: None, waiting: false }
    }

    /// The announced content changed at `now` (ms).
    pub fn changed(&mut self, now: f64) -> Speak {
        if self.waiting {
            return Speak::Waiting;
        }
        match self.last {
            Some(last) if now < last + self.every_ms => {
                self.waiting = true;
                Speak::After(last + self.every_ms - now)
            }
            _ => {
                self.last = Some(now);
                Speak::Now
            }
        }
    }

    /// The waiting reading ran at `now`.
    pub fn spoken(&mut self, now: f64) {
        self.waiting = false;
        self.last = Some(now);
    }
}
