//! DOM events a host page can listen to without touching the socket:
//! `courtside:score` `{matchId, home, away}`, `courtside:status` `{matchId, status, previous}`,
//! `courtside:connection` `{state}` (live, reconnecting, offline, failed), and
//! `courtside:synced` `{matchId}` each time a snapshot has been merged (after every
//! (re)subscription: the widget is caught up).

use crate::js;
use crate::store::{Badge, MatchState, MatchStatus};
use web_sys::HtmlElement;

/// What the score and status events compare: a game's two scores and its status.
pub struct Scoreline {
    pub home: u32,
    pub away: u32,
    pub status: MatchStatus,
}

impl Scoreline {
    pub fn of(m: &MatchState) -> Scoreline {
        Scoreline { home: m.home_score, away: m.away_score, status: m.status.clone() }
    }
}

/// The one diff both models make: `courtside:score` when either score changed, then
/// `courtside:status` when the status did.
pub fn changes(host: &HtmlElement, match_id: u64, before: &Scoreline, after: &Scoreline) {
    if (before.home, before.away) != (after.home, after.away) {
        js::emit_score(host, match_id as f64, after.home, after.away);
    }
    if before.status != after.status {
        js::emit_status(host, match_id as f64, after.status.as_str(), before.status.as_str());
    }
}

pub fn connection(host: &HtmlElement, badge: &Badge) {
    let state = match badge {
        Badge::Live => "live",
        Badge::Reconnecting => "reconnecting",
        Badge::Offline => "offline",
        Badge::Failed(_) => "failed",
    };
    js::emit_connection(host, state);
}

pub fn synced(host: &HtmlElement, match_id: u64) {
    js::emit_synced(host, match_id as f64);
}
