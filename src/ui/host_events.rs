//! DOM events a host page can listen to without touching the socket:
//! `courtside:score` `{matchId, home, away}`, `courtside:status` `{matchId, status, previous}`,
//! `courtside:connection` `{state}` (live, reconnecting, offline, failed), and
//! `courtside:synced` `{matchId}` each time a snapshot has been merged (after every
//! (re)subscription: the widget is caught up).

use crate::store::{Badge, MatchState, MatchStatus};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

fn emit(host: &HtmlElement, name: &str, fields: &[(&str, JsValue)]) {
    let detail = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&detail, &JsValue::from_str(k), v);
    }
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

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
        score(host, match_id, after.home, after.away);
    }
    if before.status != after.status {
        status(host, match_id, after.status.as_str(), before.status.as_str());
    }
}

fn score(host: &HtmlElement, match_id: u64, home: u32, away: u32) {
    emit(
        host,
        "courtside:score",
        &[("matchId", (match_id as f64).into()), ("home", home.into()), ("away", away.into())],
    );
}

fn status(host: &HtmlElement, match_id: u64, status: &str, previous: &str) {
    emit(
        host,
        "courtside:status",
        &[("matchId", (match_id as f64).into()), ("status", status.into()), ("previous", previous.into())],
    );
}

pub fn connection(host: &HtmlElement, badge: &Badge) {
    let state = match badge {
        Badge::Live => "live",
        Badge::Reconnecting => "reconnecting",
        Badge::Offline => "offline",
        Badge::Failed(_) => "failed",
    };
    let _ = host.set_attribute("data-connection", state);
    emit(host, "courtside:connection", &[("state", state.into())]);
}

pub fn synced(host: &HtmlElement, match_id: u64) {
    emit(host, "courtside:synced", &[("matchId", (match_id as f64).into())]);
}
