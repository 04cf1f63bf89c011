//! The JavaScript API without UI: the few functions `api.js` (the Echo-shaped module a developer
//! imports) builds on. Everything goes through the page's one connection, shared with any
//! widget on the page: the same socket, the same subscriptions, the same backfill.
//!
//! Every handle (a channel listener, a connection watcher, a followed match) is kept here under
//! a number and released by [`release`]; JS never holds a Rust object.

use crate::client::{self, follow_match, ChannelSignal, Connection, FeedUpdate};
use crate::embed::settings::Settings;
use crate::protocol::ConnectionState;
use crate::store::{Applied, MatchState};
use js_sys::{Function, Reflect};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    static HANDLES: RefCell<Vec<(u32, Box<dyn Any>)>> = const { RefCell::new(vec![]) };
    static NEXT: Cell<u32> = const { Cell::new(1) };
}

fn keep(handle: impl Any) -> u32 {
    let id = NEXT.with(|n| n.replace(n.get().wrapping_add(1)));
    HANDLES.with(|h| h.borrow_mut().push((id, Box::new(handle))));
    id
}

/// Stop what handle `id` does (unknown ids are ignored: releasing twice is harmless).
#[wasm_bindgen(js_name = courtsideRelease)]
pub fn release(id: u32) {
    // Dropped outside the borrow: a listener's drop drives the engine, which may call back.
    let gone = HANDLES.with(|h| {
        let mut h = h.borrow_mut();
        h.iter().position(|(i, _)| *i == id).map(|at| h.swap_remove(at))
    });
    drop(gone);
}

/// Set the page's connection from `options` (`gateway`, `host`, `port`, `tls`, `key`,
/// `channels`: the script tag's `data-*`), unless the page has set it already. Returns which
/// channels the page follows (`"public"` on a relay, else `"private"`); fails with every value
/// that was refused.
#[wasm_bindgen(js_name = courtsideConnect)]
pub fn connect(options: JsValue) -> Result<String, JsValue> {
    if !crate::embed::configured() {
        let (mut settings, problems) = Settings::from_attributes(|name| option(&options, name));
        if !problems.is_empty() {
            return Err(js_sys::Error::new(&format!("courtside: {}", problems.join("; "))).into());
        }
        crate::embed::resolve_self_host(&mut settings);
        crate::embed::configure(settings);
    }
    let conn = page()?;
    conn.connect();
    Ok(match conn.settings().access {
        crate::wire::Access::Public => "public",
        crate::wire::Access::Private => "private",
    }
    .into())
}

/// An option as the script tag would give it: strings as they are, whole numbers and booleans
/// as text; anything else is refused by the settings' own checks.
fn option(options: &JsValue, name: &str) -> Option<String> {
    let v = Reflect::get(options, &JsValue::from_str(name)).ok()?;
    if v.is_undefined() || v.is_null() {
        return None;
    }
    if let Some(s) = v.as_string() {
        return Some(s);
    }
    if let Some(b) = v.as_bool() {
        return Some(if b { "true" } else { "false" }.into());
    }
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=65_535.0).contains(&n) => Some((n as u32).to_string()),
        _ => Some(String::from("(not text)")),
    }
}

fn page() -> Result<Rc<Connection>, JsValue> {
    match crate::embed::client_settings() {
        Some(settings) => Ok(client::shared(&settings)),
        None => Err(js_sys::Error::new("courtside: call connect({ gateway }) first").into()),
    }
}

/// Listen to `channel` (its full name): `on(kind, event, data, status)` with kind 0 a message
/// (`event`, `data` as sent), 1 (re)subscribed, 2 joined an already live subscription, 3 the
/// subscription failed (`data` says why; `event` is `"retrying"` when the engine asks again;
/// `status` the HTTP status of a refused auth, else 0).
#[wasm_bindgen(js_name = courtsideListen)]
pub fn listen(channel: &str, on: Function) -> Result<u32, JsValue> {
    let conn = page()?;
    let listener = conn.listen(channel, move |signal| {
        let call = |kind: u32, event: &str, data: &str, status: u16| {
            let args = js_sys::Array::of4(&kind.into(), &event.into(), &data.into(), &status.into());
            if let Err(e) = on.apply(&JsValue::NULL, &args) {
                web_sys::console::error_2(&"courtside: a listener threw".into(), &e);
            }
        };
        match signal {
            ChannelSignal::Message { event, data } => call(0, event, data, 0),
            ChannelSignal::Subscribed => call(1, "", "", 0),
            ChannelSignal::AlreadySubscribed => call(2, "", "", 0),
            ChannelSignal::Failed { error, retrying } => {
                let status = match error {
                    crate::protocol::SubscriptionError::AuthRejected { status } => *status,
                    _ => 0,
                };
                call(3, if *retrying { "retrying" } else { "" }, &error.to_string(), status)
            }
        }
    });
    Ok(keep(listener))
}

/// Watch the connection: `on(state, error)` at once and on every change, with `state` one of
/// pusher-js' names (`initialized`, `connecting`, `connected`, `unavailable`, `failed`,
/// `disconnected`) and `error` the last server error (`"4001: …"`) or undefined.
#[wasm_bindgen(js_name = courtsideWatch)]
pub fn watch(on: Function) -> Result<u32, JsValue> {
    let conn = page()?;
    let watcher = conn.watch(move |view| {
        let state = match view.state {
            ConnectionState::Initialized => "initialized",
            ConnectionState::Connecting => "connecting",
            ConnectionState::Connected => "connected",
            ConnectionState::Unavailable => "unavailable",
            ConnectionState::Disconnected => "disconnected",
            ConnectionState::Failed => "failed",
        };
        let error = view.error.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
        let _ = on.call2(&JsValue::NULL, &state.into(), &error);
    });
    Ok(keep(watcher))
}

/// Close the page's socket (widgets on the page stop updating too); `connect` opens it again.
#[wasm_bindgen(js_name = courtsideDisconnect)]
pub fn disconnect() {
    if let Some(c) = client::connection::current() {
        c.disconnect();
    }
}

/// The socket id while connected (Echo's `socketId()`), else undefined.
#[wasm_bindgen(js_name = courtsideSocketId)]
pub fn socket_id() -> Option<String> {
    client::connection::current().and_then(|c| c.socket_id())
}

/// Follow match `id` as the scoreboard does (snapshot, pushes, backfill after every gap,
/// duplicates dropped): `on(state)` with the match in the snapshot API's shape
/// (docs/snapshot-api.md) each time it changes; `on(undefined, status)` when the gateway does
/// not know the match (404) or refuses it (401, 403).
#[wasm_bindgen(js_name = courtsideMatch)]
pub fn follow(id: f64, on: Function) -> Result<u32, JsValue> {
    if !(id.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&id)) {
        return Err(js_sys::TypeError::new("courtside: a match id is a whole number from 0 to 2^53").into());
    }
    let id = id as u64;
    let conn = page()?;
    let state = RefCell::new(MatchState::new(id));
    // A refusal is told once, not again on every resubscribe's snapshot.
    let refused = Rc::new(Cell::new(0u16));
    let refuse = {
        let (refused, on) = (refused.clone(), on.clone());
        move |status: u16| {
            if refused.replace(status) != status {
                let _ = on.call2(&JsValue::NULL, &JsValue::UNDEFINED, &status.into());
            }
        }
    };
    let on_update = Rc::new(move |update: FeedUpdate| {
        let mut s = state.borrow_mut();
        let applied = match update {
            FeedUpdate::Snapshot(snapshot) => s.apply_snapshot(&snapshot),
            FeedUpdate::Message(m) => s.apply_message(&m),
            FeedUpdate::Delayed(d) if d != s.delayed => {
                s.delayed = d;
                Applied::Changed
            }
            FeedUpdate::UnknownMatch => return refuse(404),
            FeedUpdate::Denied { status } => return refuse(status),
            _ => return,
        };
        if applied == Applied::Changed && s.is_known() {
            refused.set(0);
            let snapshot = s.to_snapshot();
            drop(s);
            match serde_wasm_bindgen::to_value(&snapshot) {
                Ok(v) => {
                    if let Err(e) = on.call1(&JsValue::NULL, &v) {
                        web_sys::console::error_2(&"courtside: a match subscriber threw".into(), &e);
                    }
                }
                Err(_) => web_sys::console::error_1(&"courtside: could not hand over a match state".into()),
            }
        }
    });
    Ok(keep(follow_match(&conn, id, on_update)))
}
