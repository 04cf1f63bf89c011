//! Following one match: its channel, plus a snapshot at start and after every (re)subscribe.

use super::connection::{ChannelListener, ChannelSignal, Connection};
use super::http::{get_json, HttpResult};
use super::json::BrowserJson;
use super::token::with_token;
use crate::protocol::SubscriptionError;
use crate::store::{decode_message, MatchMessage, MatchSnapshot};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

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

/// Follow `match_id`; `on_update` is called until the returned feed is dropped.
pub fn follow_match(conn: &Rc<Connection>, match_id: u64, on_update: Rc<dyn Fn(FeedUpdate)>) -> MatchFeed {
    let alive = Rc::new(Cell::new(true));
    let gateway = conn.settings().gateway.clone();
    // The fetch closure re-arms itself after a passing failure, through a weak handle.
    let again: Rc<RefCell<Weak<dyn Fn()>>> = Rc::new(RefCell::new(Weak::<Box<dyn Fn()>>::new()));
    let retries = Rc::new(Cell::new(0u32));
    let fetch: Rc<dyn Fn()> = {
        let alive = alive.clone();
        let on_update = on_update.clone();
        let again = again.clone();
        Rc::new(move || {
            let alive = alive.clone();
            let on_update = on_update.clone();
            let again = again.clone();
            let retries = retries.clone();
            let url = format!("{gateway}/api/matches/{match_id}");
            let gateway = gateway.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = with_token(&gateway, |token| {
                    let url = url.clone();
                    async move { get_json::<MatchSnapshot>(&url, Some(&token)).await }
                })
                .await;
                let update = match answer {
                    HttpResult::Ok(s) if s.id == match_id => FeedUpdate::Snapshot(s),
                    HttpResult::Ok(_) => FeedUpdate::Trouble("snapshot for another match".into()),
                    HttpResult::Status(404) => FeedUpdate::UnknownMatch,
                    HttpResult::Status(s @ (401 | 403)) => FeedUpdate::Denied { status: s },
                    HttpResult::Status(s) => FeedUpdate::Trouble(format!("snapshot answered {s}")),
                    HttpResult::Failed(e) => FeedUpdate::Trouble(e),
                };
                if let FeedUpdate::Trouble(_) = update {
                    // A passing failure: ask again a little later (three times at most).
                    let attempt = retries.get();
                    if attempt < 3 && alive.get() {
                        retries.set(attempt + 1);
                        if let (Some(w), Some(again)) = (web_sys::window(), again.borrow().upgrade()) {
                            let cb = wasm_bindgen::closure::Closure::once_into_js(move || again());
                            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                                wasm_bindgen::JsCast::unchecked_ref(&cb),
                                1500 * (attempt as i32 + 1),
                            );
                        }
                    }
                } else {
                    retries.set(0);
                }
                if let FeedUpdate::UnknownMatch = update {
                    web_sys::console::warn_1(&format!("courtside: match {match_id} is unknown to the API").into());
                }
                if alive.get() {
                    on_update(update);
                }
            });
        })
    };
    *again.borrow_mut() = Rc::downgrade(&fetch);
    fetch();
    let listener = {
        let alive = alive.clone();
        conn.listen(&match_channel(match_id), move |signal| {
            if !alive.get() {
                return;
            }
            match signal {
                ChannelSignal::Subscribed => fetch(),
                ChannelSignal::Message { event, data } => match decode_message::<BrowserJson>(event, data) {
                    Ok(Some(m)) => on_update(FeedUpdate::Message(m)),
                    Ok(None) => {}
                    Err(e) => web_sys::console::warn_1(&format!("courtside: skipped {event}: {}", e.0).into()),
                },
                ChannelSignal::Failed { error, retrying } => on_update(match error {
                    SubscriptionError::AuthRejected { status } if !retrying => FeedUpdate::Denied { status: *status },
                    SubscriptionError::Unauthorized { .. } => FeedUpdate::Denied { status: 403 },
                    other => FeedUpdate::Trouble(other.to_string()),
                }),
            }
        })
    };
    MatchFeed { _listener: listener, alive }
}
