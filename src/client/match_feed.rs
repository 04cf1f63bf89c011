//! Following one match: its channel, plus a snapshot at start and after every (re)subscribe.

use super::connection::{ChannelListener, ChannelSignal, Connection};
use super::http::HttpResult;
use super::json::BrowserJson;
use super::snapshot::fetcher;
use crate::protocol::SubscriptionError;
use crate::store::{decode_message, MatchMessage, MatchSnapshot};
use std::cell::Cell;
use std::rc::Rc;

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

pub fn match_channel(match_id: u64) -> String {
    format!("private-match.{match_id}")
}

/// Turn a channel signal into feed updates: messages decoded, failures classified.
pub(super) fn channel_update(signal: &ChannelSignal) -> Option<FeedUpdate> {
    match signal {
        ChannelSignal::Subscribed | ChannelSignal::AlreadySubscribed => None,
        ChannelSignal::Message { event, data } => match decode_message::<BrowserJson>(event, data) {
            Ok(m) => m.map(FeedUpdate::Message),
            Err(e) => {
                web_sys::console::warn_1(&format!("courtside: skipped {event}: {}", e.0).into());
                None
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
        conn.listen(&match_channel(match_id), move |signal| {
            if !alive.get() {
                return;
            }
            if let ChannelSignal::Subscribed = signal {
                fetch(true);
            }
            if let Some(update) = channel_update(signal) {
                on_update(update);
            }
        })
    };
    MatchFeed { _listener: listener, alive }
}
