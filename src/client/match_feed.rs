//! Following one match: its channel, plus a snapshot at start and after every (re)subscribe.

use super::connection::{ChannelListener, ChannelSignal, Connection};
use super::http::HttpResult;
use super::json::{match_id_of, BrowserJson};
use super::snapshot::fetcher;
use crate::protocol::SubscriptionError;
use crate::store::{decode_message, MatchMessage, MatchSnapshot};
use crate::wire;
use std::cell::Cell;
use std::rc::Rc;

thread_local! {
    /// Pushes that did not fit the contract, for `courtsideStats().badPushes`.
    static BAD_PUSHES: Cell<u32> = const { Cell::new(0) };
    /// When a bad push was last logged, and how many were not logged since.
    static LAST_LOG: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
    static UNLOGGED: Cell<u32> = const { Cell::new(0) };
}

/// How many pushes failed to decode since the page loaded.
pub fn bad_pushes() -> u32 {
    BAD_PUSHES.with(Cell::get)
}

/// Count a push that did not decode and log it, at most once a minute, with the reader's
/// reason (which names the field: "`event.id`: invalid type: a string, expected u64").
fn report_bad_push(event: &str, why: &str) {
    BAD_PUSHES.with(|c| c.set(c.get().saturating_add(1)));
    let now = js_sys::Date::now();
    if now - LAST_LOG.with(Cell::get) < 60_000.0 {
        UNLOGGED.with(|c| c.set(c.get().saturating_add(1)));
        return;
    }
    LAST_LOG.with(|c| c.set(now));
    let unlogged = UNLOGGED.with(|c| c.replace(0));
    let more = if unlogged > 0 { format!(" ({unlogged} more since the last report)") } else { String::new() };
    web_sys::console::warn_1(
        &format!("courtside: a pushed {event} did not fit the contract: {why}; fetching a fresh snapshot{more}").into(),
    );
}

/// Everything a match view needs to hear.
#[derive(Debug, Clone)]
pub enum FeedUpdate {
    Snapshot(MatchSnapshot),
    Message(MatchMessage),
    /// The read API does not know this match.
    UnknownMatch,
    /// Auth or the read API refused access (HTTP status).
    Denied { status: u16 },
    /// A passing failure; the feed retries.
    Trouble(String),
    /// A push that did not decode (for this match, when it said so readably): the screen may
    /// be behind, so the feed fetches a fresh snapshot.
    Undecodable { match_id: Option<u64> },
    /// The site's relay lost the stats API (`true`: what is shown may be behind) or is back.
    Delayed(bool),
}

pub struct MatchFeed {
    _listener: ChannelListener,
    alive: Rc<Cell<bool>>,
}

impl Drop for MatchFeed {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}


/// Turn a channel signal into feed updates: messages decoded, failures classified.
pub(super) fn channel_update(signal: &ChannelSignal) -> Option<FeedUpdate> {
    match signal {
        ChannelSignal::Subscribed | ChannelSignal::AlreadySubscribed => None,
        ChannelSignal::Message { event, data } if event.trim_start_matches('.') == wire::RELAY_STATUS => {
            match <BrowserJson as crate::protocol::JsonCodec>::decode::<wire::RelayStatus>(data) {
                Ok(s) => Some(FeedUpdate::Delayed(s.delayed)),
                Err(_) => None,
            }
        }
        ChannelSignal::Message { event, data } => match decode_message::<BrowserJson>(event, data) {
            Ok(m) => m.map(FeedUpdate::Message),
            Err(e) => {
                report_bad_push(event, &e.0);
                Some(FeedUpdate::Undecodable { match_id: match_id_of(data) })
            }
        },
        ChannelSignal::Failed { error, retrying } => Some(match error {
            SubscriptionError::AuthRejected { status } if !retrying => FeedUpdate::Denied { status: *status },
            SubscriptionError::Unauthorized { .. } => FeedUpdate::Denied { status: 403 },
            other => FeedUpdate::Trouble(other.to_string()),
        }),
    }
}

/// Follow `match_id`; `on_update` is called until the returned feed is dropped.
pub fn follow_match(conn: &Rc<Connection>, match_id: u64, on_update: Rc<dyn Fn(FeedUpdate)>) -> MatchFeed {
    let alive = Rc::new(Cell::new(true));
    let gateway = conn.settings().gateway.clone();
    let url = format!("{gateway}/api/matches/{match_id}");
    let on_snapshot = {
        let on_update = on_update.clone();
        Rc::new(move |answer: HttpResult<MatchSnapshot>| {
            on_update(match answer {
                HttpResult::Ok(s) if s.id == match_id => FeedUpdate::Snapshot(s),
                HttpResult::Ok(_) => FeedUpdate::Trouble("snapshot for another match".into()),
                HttpResult::Status(404) => {
                    web_sys::console::warn_1(&format!("courtside: match {match_id} is unknown to the API").into());
                    FeedUpdate::UnknownMatch
                }
                HttpResult::Status(s @ (401 | 403)) => FeedUpdate::Denied { status: s },
                HttpResult::Status(s) => FeedUpdate::Trouble(format!("snapshot answered {s}")),
                HttpResult::Failed(e) => FeedUpdate::Trouble(e),
            })
        })
    };
    let fetch = fetcher(gateway, url, alive.clone(), on_snapshot);
    fetch(false);
    let listener = {
        let alive = alive.clone();
        conn.listen(&wire::match_channel(conn.settings().access, match_id), move |signal| {
            if !alive.get() {
                return;
            }
            if let ChannelSignal::Subscribed = signal {
                fetch(true);
            }
            match channel_update(signal) {
                // Back to the truth without a reconnect: a snapshot newer than the bad push.
                Some(FeedUpdate::Undecodable { .. }) => fetch(true),
                // The relay is back from an outage: what it missed meanwhile is in its mirror.
                Some(FeedUpdate::Delayed(false)) => {
                    fetch(true);
                    on_update(FeedUpdate::Delayed(false));
                }
                Some(update) => on_update(update),
                None => {}
            }
        })
    };
    MatchFeed { _listener: listener, alive }
}
