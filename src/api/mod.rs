//! The JavaScript API without UI: the few functions `api.js` (the Echo-shaped module a developer
//! imports) builds on. Everything goes through the page's one connection, shared with any
//! widget on the page: the same socket, the same subscriptions, the same backfill.
//!
//! Every handle (a channel listener, a connection watcher, a followed match) is kept here under
//! a number and released by [`release`]; JS never holds a Rust object. What JS can do as well
//! (naming states, checking argument types, turning numbers into text) it does, in `api.js`:
//! every byte here is downloaded by every widget page, the API's or not.

use crate::client::{self, follow_match, ChannelSignal, Connection, FeedUpdate};
use crate::embed::settings::Settings;
use crate::protocol::{ConnectionState, SubscriptionError};
use crate::store::{Applied, MatchState};
use js_sys::{Function, Reflect};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The live handles by id; ids count up and are never reused, so a stale id releases nothing.
    static HANDLES: RefCell<(u32, Vec<(u32, Box<dyn Any>)>)> = const { RefCell::new((0, vec![])) };
}

fn keep(handle: Box<dyn Any>) -> u32 {
    HANDLES.with(|h| {
        let (last, live) = &mut *h.borrow_mut();
        *last += 1;
        live.push((*last, handle));
        *last
    })
}

/// Stop what handle `id` does (unknown ids are ignored: releasing twice is harmless). Memory
/// holds the live handles only, however many a page makes and releases.
#[wasm_bindgen(js_name = courtsideRelease)]
pub fn release(id: u32) {
    // Dropped outside the borrow: a listener's drop drives the engine, which may call back.
    let gone = HANDLES.with(|h| {
        let live = &mut h.borrow_mut().1;
        live.iter().position(|(i, _)| *i == id).map(|at| live.swap_remove(at))
    });
    drop(gone);
}

/// Set the page's connection from `options` (`gateway`, `host`, `port`, `tls`, `key`,
/// `channels`, as text: the script tag's `data-*`), unless the page has set it already. Returns
/// whether the page follows a relay's public channels; fails with every value refused.
#[wasm_bindgen(js_name = courtsideConnect)]
pub fn connect(options: JsValue) -> bool {
    if !crate::embed::configured() {
        let (mut settings, problems) =
            Settings::from_attributes(&|name| Reflect::get(&options, &JsValue::from_str(name)).ok()?.as_string());
        if !problems.is_empty() {
            let mut text = String::from("courtside:");
            for p in problems {
                text.push(' ');
                text.push_str(&p);
                text.push(';');
            }
            wasm_bindgen::throw_str(&text);
        }
        crate::embed::resolve_self_host(&mut settings);
        crate::embed::configure(settings);
    }
    let conn = page();
    conn.connect();
    conn.settings().access == crate::wire::Access::Public
}

/// The page's connection; throws (a JS exception, before anything is made) without settings.
/// The exports below return plain values for the same reason: a `Result` costs glue on every page.
fn page() -> Rc<Connection> {
    match crate::embed::client_settings() {
        Some(s) => client::shared(&s),
        None => wasm_bindgen::throw_str("courtside: call connect({ gateway }) first"),
    }
}

/// Listen to `channel` (its full name): `on(kind, event, data)` with kind 0 a message (`event`,
/// `data` as sent), 1 (re)subscribed, 2 joined an already live subscription, 3 the subscription
/// failed (`data` says why, `event` is the HTTP status of a refused auth, else 0), 4 the same
/// and the engine asks again.
#[wasm_bindgen(js_name = courtsideListen)]
pub fn listen(channel: &str, on: Function) -> u32 {
    let listener = page().listen(channel, move |signal| {
        let (kind, event, data) = match signal {
            ChannelSignal::Message { event, data } => (0, JsValue::from_str(event), JsValue::from_str(data)),
            ChannelSignal::Subscribed => (1, JsValue::UNDEFINED, JsValue::UNDEFINED),
            ChannelSignal::AlreadySubscribed => (2, JsValue::UNDEFINED, JsValue::UNDEFINED),
            ChannelSignal::Failed { error, retrying } => {
                let status = match error {
                    SubscriptionError::AuthRejected { status } => *status,
                    _ => 0,
                };
                (3 + u32::from(*retrying), status.into(), error.to_string().into())
            }
        };
        let _ = on.call3(&JsValue::NULL, &kind.into(), &event, &data); // api.js catches what callbacks throw
    });
    keep(Box::new(listener))
}

/// Watch the connection: `on(state, error)` at once and on every change, with `state` the
/// index of [`ConnectionState`] (api.js names it as pusher-js does) and `error` the last server
/// error (`"4001: …"`) or undefined.
#[wasm_bindgen(js_name = courtsideWatch)]
pub fn watch(on: Function) -> u32 {
    let watcher = page().watch(move |view| {
        let state = match view.state {
            ConnectionState::Initialized => 0,
            ConnectionState::Connecting => 1,
            ConnectionState::Connected => 2,
            ConnectionState::Unavailable => 3,
            ConnectionState::Disconnected => 4,
            ConnectionState::Failed => 5,
        };
        let error = view.error.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
        let _ = on.call2(&JsValue::NULL, &JsValue::from(state), &error);
    });
    keep(Box::new(watcher))
}

/// Close the page's socket (`disconnect: true`; widgets on the page stop updating too) or open
/// it again; returns the socket id while connected (Echo's `socketId()`).
#[wasm_bindgen(js_name = courtsideSocket)]
pub fn socket(disconnect: bool) -> JsValue {
    let Some(conn) = client::connection::current() else { return JsValue::UNDEFINED };
    if disconnect {
        conn.disconnect();
    }
    JsValue::from(conn.socket_id())
}

/// Follow match `id` (a whole number, checked by api.js) as the scoreboard does (snapshot,
/// pushes, backfill after every gap, duplicates dropped): `on(state)` with the match in the
/// snapshot API's shape (docs/snapshot-api.md, through serde-wasm-bindgen) each time it changes;
/// `on(undefined, status)` once when the gateway does not know the match (404) or refuses it.
#[wasm_bindgen(js_name = courtsideMatch)]
pub fn follow(id: f64, on: Function) -> u32 {
    let conn = page();
    let id = id as u64;
    let state = RefCell::new(MatchState::new(id));
    // A refusal is told once, not again on every resubscribe's snapshot.
    let refused = Cell::new(0u16);
    let on_update = Rc::new(move |update: FeedUpdate| {
        let mut s = state.borrow_mut();
        let applied = match update {
            FeedUpdate::Snapshot(snapshot) => s.apply_snapshot(&snapshot),
            FeedUpdate::Message(m) => s.apply_message(&m),
            FeedUpdate::Delayed(d) if d != s.delayed => {
                s.delayed = d;
                Applied::Changed
            }
            FeedUpdate::UnknownMatch | FeedUpdate::Denied { .. } => {
                let status = if let FeedUpdate::Denied { status } = update { status } else { 404 };
                if refused.replace(status) != status {
                    let _ = on.call2(&JsValue::NULL, &JsValue::UNDEFINED, &status.into());
                }
                return;
            }
            _ => return,
        };
        if applied == Applied::Changed && s.is_known() {
            refused.set(0);
            let snapshot = s.to_snapshot();
            drop(s);
            if let Ok(v) = serde_wasm_bindgen::to_value(&snapshot) {
                let _ = on.call1(&JsValue::NULL, &v);
            }
        }
    });
    keep(Box::new(follow_match(&conn, id, on_update)))
}
