//! What the page holds: its connection settings, the widgets and timers alive (and the stats
//! that count them), and the handle of a mounted widget.

use super::settings::Settings;
use crate::client::connection::StateListener;
use crate::client::{self, ClientSettings, GamesFeed, MatchFeed};
use leptos::prelude::Owner;
use std::any::Any;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static SETTINGS: RefCell<Option<Settings>> = const { RefCell::new(None) };
    /// Widgets and widget timers alive now (the hostile-page test checks both reach zero).
    static LIVE_WIDGETS: Cell<u32> = const { Cell::new(0) };
    static LIVE_TIMERS: Cell<u32> = const { Cell::new(0) };
}

/// `{sockets, channels, listeners, widgets, timers, badPushes, wasmMemory}`: what the page holds
/// right now (`badPushes`: pushes that did not fit the contract since the page loaded)
/// (`wasmMemory`: the module's linear memory in bytes, which only ever grows).
#[wasm_bindgen(js_name = courtsideStats)]
pub fn stats() -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: u32| {
        let _ = js_sys::Reflect::set(&o, &k.into(), &v.into());
    };
    set("sockets", client::connection::sockets_opened());
    let (channels, listeners) =
        client::connection::current().map_or((0, 0), |c| (c.channel_count() as u32, c.listener_count() as u32));
    set("channels", channels);
    set("listeners", listeners);
    set("widgets", LIVE_WIDGETS.with(|c| c.get()));
    set("badPushes", client::match_feed::bad_pushes());
    set("timers", LIVE_TIMERS.with(|c| c.get()));
    let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
    set("wasmMemory", memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length());
    o.into()
}

/// Set the page's connection settings (the script tag does this; tests call it directly).
pub fn configure(settings: Settings) {
    SETTINGS.with(|s| *s.borrow_mut() = Some(settings));
}

/// Whether the page's settings are set (by the script tag or the JS API's `connect`).
pub fn configured() -> bool {
    SETTINGS.with(|s| s.borrow().is_some())
}

/// The page's connection settings, as the client takes them.
pub fn client_settings() -> Option<ClientSettings> {
    SETTINGS.with(|s| {
        s.borrow().as_ref().map(|s| ClientSettings {
            socket_url: s.socket_url(env!("CARGO_PKG_VERSION")),
            gateway: s.gateway.clone(),
            access: s.access,
        })
    })
}

/// A browser interval, cleared when dropped.
pub(super) struct Interval {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Interval {
    pub(super) fn every(ms: i32, f: impl FnMut() + 'static) -> Option<Interval> {
        let callback = Closure::<dyn FnMut()>::new(f);
        let handle = web_sys::window()?
            .set_interval_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), ms)
            .ok()?;
        LIVE_TIMERS.with(|c| c.set(c.get() + 1));
        Some(Interval { handle, _callback: callback })
    }
}

impl Drop for Interval {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(self.handle);
        }
        LIVE_TIMERS.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// A mounted widget; JS calls `free()` on it when the element leaves the page.
#[wasm_bindgen]
pub struct Mounted {
    pub(super) timers: Vec<Interval>,
    pub(super) games: Option<GamesFeed>,
    pub(super) feed: Option<MatchFeed>,
    pub(super) watcher: Option<StateListener>,
    pub(super) handle: Option<Box<dyn Any>>,
    pub(super) owner: Option<Owner>,
    container: web_sys::Element,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // Stop the inputs first, then the view, then the signals it read.
        self.timers.clear();
        self.games.take();
        self.feed.take();
        self.watcher.take();
        self.handle.take();
        if let Some(owner) = self.owner.take() {
            owner.cleanup();
        }
        self.container.remove();
        LIVE_WIDGETS.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

impl Mounted {
    pub(super) fn empty(container: web_sys::Element) -> Mounted {
        LIVE_WIDGETS.with(|c| c.set(c.get() + 1));
        Mounted { timers: vec![], games: None, feed: None, watcher: None, handle: None, owner: None, container }
    }

    /// The element the widget renders into.
    pub(super) fn container(&self) -> web_sys::HtmlElement {
        self.container.clone().unchecked_into()
    }
}
