//! The browser driver: one WebSocket per page, fed into the pure engine.
//!
//! Every input (socket events, the one timer, auth answers, network and visibility changes)
//! becomes an engine call with `Date.now()`; after each, [`Connection::pump`] performs the
//! engine's actions and hands its events to the listeners. No protocol decision is made here.

use super::auth::authorize;
use super::json::BrowserJson;
use crate::protocol::{Action, Config, ConnectionState, Engine, Event, SubscriptionError};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Where the widget connects and gets auth.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSettings {
    /// `wss://…/app/KEY?protocol=7…`
    pub socket_url: String,
    /// The gateway's base URL (empty: the page's own origin).
    pub gateway: String,
    /// Which channel names to follow: the stats API's private ones or a relay's public ones.
    pub access: crate::wire::Access,
}

/// What a channel listener hears.
#[derive(Debug, Clone)]
pub enum ChannelSignal {
    /// (Re)subscribed: refetch state to cover anything missed.
    Subscribed,
    /// Joined a channel that was already subscribed and never interrupted: nothing was missed.
    AlreadySubscribed,
    Failed { error: SubscriptionError, retrying: bool },
    Message { event: String, data: String },
}

/// The connection as a badge shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionView {
    pub state: ConnectionState,
    pub online: bool,
    /// The last fatal server error, shown when `state` is `Failed`.
    pub error: Option<String>,
}

type ChannelCallback = Rc<dyn Fn(&ChannelSignal)>;
type StateCallback = Rc<dyn Fn(&ConnectionView)>;

struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(web_sys::CloseEvent)>,
}

impl Socket {
    fn close(self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

struct Timer {
    handle: i32,
    /// The engine deadline it was armed for.
    deadline: u64,
    _callback: Closure<dyn FnMut()>,
}

struct Inner {
    engine: Engine,
    socket: Option<Socket>,
    /// Bumped for every socket, so late callbacks from an old one are ignored.
    generation: u32,
    timer: Option<Timer>,
    channel_listeners: Vec<(u32, String, ChannelCallback)>,
    state_listeners: Vec<(u32, StateCallback)>,
    next_listener: u32,
    last_error: Option<String>,
    page_hooks: Vec<(web_sys::EventTarget, &'static str, Closure<dyn FnMut(web_sys::Event)>)>,
}

pub struct Connection {
    inner: RefCell<Inner>,
    settings: ClientSettings,
    pumping: Cell<bool>,
}

thread_local! {
    static SHARED: RefCell<Option<Rc<Connection>>> = const { RefCell::new(None) };
}

/// The page's one connection, created on first use with these settings.
pub fn shared(settings: &ClientSettings) -> Rc<Connection> {
    SHARED.with(|s| {
        let mut slot = s.borrow_mut();
        if let Some(c) = slot.as_ref() {
            if c.settings != *settings {
                web_sys::console::warn_1(&"courtside: one connection per page; later settings were ignored".into());
            }
            return c.clone();
        }
        let c = Connection::new(settings.clone());
        *slot = Some(c.clone());
        c
    })
}

/// The page's connection, if a widget has created it.
pub fn current() -> Option<Rc<Connection>> {
    SHARED.with(|s| s.borrow().clone())
}

/// Sockets opened since the page loaded (tests and the hostile-page check read it).
pub fn sockets_opened() -> u32 {
    SOCKETS_OPENED.with(Cell::get)
}

thread_local! {
    static SOCKETS_OPENED: Cell<u32> = const { Cell::new(0) };
}

impl Connection {
    fn new(settings: ClientSettings) -> Rc<Self> {
        Self::standalone(settings, |_| {})
    }

    /// A connection of its own, outside the page's shared one, with engine settings adjusted
    /// by `tune` (tests use short timeouts). Call [`Connection::shutdown`] when done.
    pub fn standalone(settings: ClientSettings, tune: impl FnOnce(&mut Config)) -> Rc<Self> {
        let seed = (js_sys::Math::random() * 9.007_199_254_740_991e15) as u64;
        let mut config = Config::new(settings.socket_url.clone(), seed);
        tune(&mut config);
        let engine = Engine::new(config);
        let conn = Rc::new(Connection {
            inner: RefCell::new(Inner {
                engine,
                socket: None,
                generation: 0,
                timer: None,
                channel_listeners: vec![],
                state_listeners: vec![],
                next_listener: 1,
                last_error: None,
                page_hooks: vec![],
            }),
            settings,
            pumping: Cell::new(false),
        });
        conn.install_page_hooks();
        conn
    }

    pub fn settings(&self) -> &ClientSettings {
        &self.settings
    }

    pub fn view(&self) -> ConnectionView {
        let inner = self.inner.borrow();
        ConnectionView {
            state: inner.engine.state(),
            online: inner.engine.is_online(),
            error: inner.last_error.clone(),
        }
    }

    /// Run an engine input, then everything it asked for.
    fn drive(self: &Rc<Self>, input: impl FnOnce(&mut Engine, u64)) {
        self.drive_returning(input)
    }

    fn drive_returning<T>(self: &Rc<Self>, input: impl FnOnce(&mut Engine, u64) -> T) -> T {
        let out = input(&mut self.inner.borrow_mut().engine, now_ms());
        self.pump();
        out
    }

    fn pump(self: &Rc<Self>) {
        if self.pumping.replace(true) {
            return; // the outer pump drains whatever this call added
        }
        loop {
            let (actions, events) = {
                let mut inner = self.inner.borrow_mut();
                let actions: Vec<Action> = std::iter::from_fn(|| inner.engine.poll_action()).collect();
                let events: Vec<Event> = std::iter::from_fn(|| inner.engine.poll_event()).collect();
                (actions, events)
            };
            if actions.is_empty() && events.is_empty() {
                break;
            }
            for action in actions {
                self.perform(action);
            }
            for event in events {
                self.dispatch(event);
            }
        }
        self.pumping.set(false);
        self.arm_timer();
    }

    fn perform(self: &Rc<Self>, action: Action) {
        match action {
            Action::Open { url } => self.open(&url),
            Action::Send(text) => {
                let inner = self.inner.borrow();
                if let Some(s) = &inner.socket {
                    if s.ws.send_with_str(&text).is_err() {
                        web_sys::console::warn_1(&"courtside: send failed".into());
                    }
                }
            }
            Action::Close => {
                let socket = self.inner.borrow_mut().socket.take();
                if let Some(s) = socket {
                    s.close();
                }
            }
            Action::Authorize { channel, socket_id } => {
                let weak = Rc::downgrade(self);
                let gateway = self.settings.gateway.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = authorize(&gateway, &channel, &socket_id).await;
                    if let Some(conn) = weak.upgrade() {
                        conn.drive(|e, now| e.handle_auth(&channel, &socket_id, result, now));
                    }
                });
            }
        }
    }

    fn open(self: &Rc<Self>, url: &str) {
        let old = self.inner.borrow_mut().socket.take();
        if let Some(s) = old {
            s.close();
        }
        let generation = {
            let mut inner = self.inner.borrow_mut();
            inner.generation = inner.generation.wrapping_add(1);
            inner.generation
        };
        let ws = match WebSocket::new(url) {
            Ok(ws) => ws,
            Err(_) => {
                web_sys::console::error_1(&format!("courtside: cannot open a WebSocket to {url}").into());
                // Let the engine schedule a retry, outside this call.
                let weak = Rc::downgrade(self);
                let cb = Closure::once_into_js(move || {
                    if let Some(c) = weak.upgrade() {
                        c.drive(|e, now| e.handle_closed(now));
                    }
                });
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0);
                }
                return;
            }
        };
        SOCKETS_OPENED.with(|c| c.set(c.get() + 1));
        let weak = Rc::downgrade(self);
        let current = move |weak: &Weak<Connection>| -> Option<Rc<Connection>> {
            let c = weak.upgrade()?;
            let live = c.inner.borrow().generation == generation;
            live.then_some(c)
        };
        let w = weak.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if let Some(c) = current(&w) {
                c.drive(|e, now| e.handle_open(now));
            }
        });
        let w = weak.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let Some(c) = current(&w) else { return };
            match m.data().as_string() {
                Some(text) => c.drive(|e, now| e.handle_text::<BrowserJson>(&text, now)),
                None => web_sys::console::warn_1(&"courtside: ignored a binary frame".into()),
            }
        });
        let w = weak;
        let on_close = Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |event: web_sys::CloseEvent| {
            if let Some(c) = current(&w) {
                c.inner.borrow_mut().socket = None;
                let code = event.code();
                c.drive(|e, now| e.handle_closed_with_code(code, now));
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // `error` is always followed by `close`; acting on `close` alone avoids double counting.
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.inner.borrow_mut().socket = Some(Socket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close });
    }

    fn dispatch(self: &Rc<Self>, event: Event) {
        match event {
            Event::StateChanged { to, .. } => {
                if to != ConnectionState::Failed {
                    self.inner.borrow_mut().last_error = None;
                }
                self.notify_state();
            }
            Event::Subscribed { channel } => self.notify_channel(&channel, &ChannelSignal::Subscribed),
            Event::SubscriptionFailed { channel, error, retrying } => {
                web_sys::console::warn_1(&format!("courtside: {channel}: {error}").into());
                self.notify_channel(&channel, &ChannelSignal::Failed { error, retrying });
            }
            Event::Message { channel, event, data } => {
                self.notify_channel(&channel, &ChannelSignal::Message { event, data })
            }
            Event::ServerError { code, message } => {
                let text = match code {
                    Some(c) => format!("{c}: {message}"),
                    None => message,
                };
                web_sys::console::error_1(&format!("courtside: server error {text}").into());
                self.inner.borrow_mut().last_error = Some(text);
                self.notify_state();
            }
            Event::Log { warning: true, message } => web_sys::console::warn_1(&format!("courtside: {message}").into()),
            Event::Log { warning: false, message } => web_sys::console::debug_1(&format!("courtside: {message}").into()),
        }
    }

    fn notify_channel(&self, channel: &str, signal: &ChannelSignal) {
        let callbacks: Vec<ChannelCallback> = self
            .inner
            .borrow()
            .channel_listeners
            .iter()
            .filter(|(_, c, _)| c == channel)
            .map(|(_, _, f)| f.clone())
            .collect();
        for f in callbacks {
            f(signal);
        }
    }

    fn notify_state(&self) {
        let view = self.view();
        let callbacks: Vec<StateCallback> = self.inner.borrow().state_listeners.iter().map(|(_, f)| f.clone()).collect();
        for f in callbacks {
            f(&view);
        }
    }

    /// Arm the one timer for the engine's next deadline. A timer already armed for that
    /// deadline or an earlier one is left as it is: when it fires early the engine finds
    /// nothing due and the timer is armed again for the later deadline. Every frame moves the
    /// activity deadline on, and re-arming for it each time (as pusher-js does) cost a
    /// clearTimeout, a setTimeout and a closure per frame.
    fn arm_timer(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else { return };
        let mut inner = self.inner.borrow_mut();
        let next = inner.engine.poll_timeout();
        if let (Some(t), Some(deadline)) = (&inner.timer, next) {
            if t.deadline <= deadline {
                return;
            }
        }
        if let Some(t) = inner.timer.take() {
            window.clear_timeout_with_handle(t.handle);
        }
        let Some(deadline) = next else { return };
        let delay = deadline.saturating_sub(now_ms()).min(i32::MAX as u64) as i32;
        let weak = Rc::downgrade(self);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(c) = weak.upgrade() {
                c.inner.borrow_mut().timer = None;
                // Late or early, the engine compares deadlines with the real time.
                c.drive(|e, now| e.handle_timeout(now));
            }
        });
        if let Ok(handle) =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), delay)
        {
            inner.timer = Some(Timer { handle, deadline, _callback: callback });
        }
    }

    fn install_page_hooks(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else { return };
        let document = window.document();
        let weak = Rc::downgrade(self);
        let mut hooks: Vec<(web_sys::EventTarget, &'static str, Closure<dyn FnMut(web_sys::Event)>)> = vec![];
        let make = |f: fn(&Rc<Connection>)| {
            let w = weak.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_ev: web_sys::Event| {
                if let Some(c) = w.upgrade() {
                    f(&c);
                }
            })
        };
        hooks.push((window.clone().into(), "online", make(|c| c.drive(|e, now| e.handle_network(true, now)))));
        hooks.push((window.clone().into(), "offline", make(|c| c.drive(|e, now| e.handle_network(false, now)))));
        hooks.push((window.clone().into(), "pageshow", make(|c| c.drive(|e, now| e.handle_wake(now)))));
        if let Some(doc) = document {
            hooks.push((
                doc.into(),
                "visibilitychange",
                make(|c| {
                    let visible = web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
                    if visible {
                        c.drive(|e, now| e.handle_wake(now));
                    }
                }),
            ));
        }
        for (target, name, cb) in &hooks {
            let _ = target.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        }
        let online = window.navigator().on_line();
        let mut inner = self.inner.borrow_mut();
        inner.page_hooks = hooks;
        if !online {
            inner.engine.handle_network(false, now_ms());
        }
    }

    /// Listen to a channel; the first listener subscribes, dropping the last unsubscribes.
    pub fn listen(self: &Rc<Self>, channel: &str, callback: impl Fn(&ChannelSignal) + 'static) -> ChannelListener {
        self.listen_dyn(channel, Rc::new(callback))
    }

    // One body for every kind of listener (each closure type would otherwise get its own copy).
    fn listen_dyn(self: &Rc<Self>, channel: &str, callback: ChannelCallback) -> ChannelListener {
        let id = {
            let mut inner = self.inner.borrow_mut();
            let id = inner.next_listener;
            inner.next_listener += 1;
            inner.channel_listeners.push((id, channel.to_owned(), callback));
            id
        };
        let channel_owned = channel.to_owned();
        let already_subscribed = self.drive_returning(|e, now| {
            let first = e.subscribe(&channel_owned, now);
            e.connect(now);
            !first
                && e.subscriptions()
                    .get(&channel_owned)
                    .is_some_and(|s| s.phase == crate::protocol::subscriptions::Phase::Subscribed)
        });
        if already_subscribed {
            // A later listener on a live channel hears that it is live (after this call returns).
            let weak = Rc::downgrade(self);
            wasm_bindgen_futures::spawn_local(async move {
                let Some(c) = weak.upgrade() else { return };
                let callback = c.inner.borrow().channel_listeners.iter().find(|(i, _, _)| *i == id).map(|(_, _, f)| f.clone());
                if let Some(f) = callback {
                    f(&ChannelSignal::AlreadySubscribed);
                }
            });
        }
        ChannelListener { conn: Rc::downgrade(self), id, channel: channel.to_owned() }
    }

    /// Listen to connection changes; called at once with the current view.
    pub fn watch(self: &Rc<Self>, callback: impl Fn(&ConnectionView) + 'static) -> StateListener {
        self.watch_dyn(Rc::new(callback))
    }

    fn watch_dyn(self: &Rc<Self>, callback: StateCallback) -> StateListener {
        callback(&self.view());
        let mut inner = self.inner.borrow_mut();
        let id = inner.next_listener;
        inner.next_listener += 1;
        inner.state_listeners.push((id, callback));
        StateListener { conn: Rc::downgrade(self), id }
    }

    /// Retry a channel that failed (after the reader logged in, say).
    pub fn retry(self: &Rc<Self>, channel: &str) {
        self.drive(|e, now| e.retry(channel, now));
    }

    /// Close the socket on request (the JS API's `disconnect()`); listeners stay, and the next
    /// [`Connection::connect`] or new listener reconnects and resubscribes.
    pub fn disconnect(self: &Rc<Self>) {
        self.drive(|e, now| e.disconnect(now));
    }

    /// Connect again after [`Connection::disconnect`] or a fatal error; a no-op while connected
    /// or trying.
    pub fn connect(self: &Rc<Self>) {
        self.drive(|e, now| e.connect(now));
    }

    /// The server's id for this socket while connected.
    pub fn socket_id(&self) -> Option<String> {
        self.inner.borrow().engine.socket_id().map(str::to_owned)
    }

    /// Close the socket, stop the timer and remove the page listeners.
    pub fn shutdown(self: &Rc<Self>) {
        self.drive(|e, now| e.disconnect(now));
        let mut inner = self.inner.borrow_mut();
        if let (Some(t), Some(w)) = (inner.timer.take(), web_sys::window()) {
            w.clear_timeout_with_handle(t.handle);
        }
        for (target, name, cb) in inner.page_hooks.drain(..) {
            let _ = target.remove_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        }
    }

    /// Number of live listeners (tests check for leaks).
    pub fn listener_count(&self) -> usize {
        let inner = self.inner.borrow();
        inner.channel_listeners.len() + inner.state_listeners.len()
    }

    /// Channels currently wanted by at least one listener.
    pub fn channel_count(&self) -> usize {
        self.inner.borrow().engine.subscriptions().len()
    }

    /// Whether the engine holds any timer (tests check for leaks).
    pub fn has_pending_timer(&self) -> bool {
        self.inner.borrow().timer.is_some()
    }
}

pub struct ChannelListener {
    conn: Weak<Connection>,
    id: u32,
    channel: String,
}

impl Drop for ChannelListener {
    fn drop(&mut self) {
        if let Some(c) = self.conn.upgrade() {
            c.inner.borrow_mut().channel_listeners.retain(|(id, _, _)| *id != self.id);
            let channel = self.channel.clone();
            c.drive(|e, now| e.unsubscribe(&channel, now));
        }
    }
}

pub struct StateListener {
    conn: Weak<Connection>,
    id: u32,
}

impl Drop for StateListener {
    fn drop(&mut self) {
        if let Some(c) = self.conn.upgrade() {
            c.inner.borrow_mut().state_listeners.retain(|(id, _)| *id != self.id);
        }
    }
}
