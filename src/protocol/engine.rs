//! The Pusher 7 connection as a value: inputs in, actions and events out, no I/O and no clock.
//!
//! The caller feeds `handle_*` with the current wall-clock time in milliseconds, then drains
//! [`Engine::poll_action`] (do these things) and [`Engine::poll_event`] (tell the app these
//! things), and arms one timer for [`Engine::poll_timeout`]. Deadlines are absolute times, so
//! a timer that fires late (a throttled background tab, a sleeping laptop) is handled right.

use super::backoff::Backoff;
use super::error_policy::{classify, plan_after_close, ErrorAction, ReconnectPlan};
use super::frame::{self, FrameError, Inbound};
use super::json::JsonCodec;
use super::subscriptions::{Phase, SubscriptionError, Subscriptions};
use std::collections::VecDeque;

/// Milliseconds of wall-clock time.
pub type Millis = u64;

#[derive(Debug, Clone)]
pub struct Config {
    /// `wss://host:port/app/KEY?protocol=7&client=…&version=…`
    pub url: String,
    /// Ping after this long without a frame (the server's `activity_timeout` may lower it).
    pub activity_timeout_ms: Millis,
    /// After a ping, reconnect if nothing arrives within this.
    pub pong_timeout_ms: Millis,
    /// After the page wakes up or comes back online, a ping must be answered within this.
    pub wake_check_ms: Millis,
    /// Give up on a handshake (`Open` to `connection_established`) after this, at the most.
    pub handshake_timeout_ms: Millis,
    /// Once a connection has said hello in *h* ms, later handshakes are given
    /// max(`handshake_min_ms`, 2*h* + 1 s), doubled after each one that timed out, up to
    /// `handshake_timeout_ms`, and the attempt after a timed-out one comes within that
    /// allowance: a server that accepts and never answers (half-open, or a black-holed address)
    /// then costs seconds, not the full timeout on every attempt, while a network that got
    /// slower earns its time back within a few attempts. The first handshake of a page, with
    /// nothing learned, gets `handshake_timeout_ms`. Equal to it: no learning (the old way).
    /// After a 2 s outage of a server that does not answer, the last of 10,000 readers is back
    /// 3.5 s after it (12.5 s with a fixed 10 s; docs/reconnect.md).
    pub handshake_min_ms: Millis,
    /// Report `Unavailable` after this long without a connection (and keep trying).
    pub unavailable_after_ms: Millis,
    /// The first reconnect waits a random time in `[0, backoff_base_ms]`; each further attempt
    /// doubles the window up to `backoff_cap_ms`, and never past `backoff_outage_pct` % of the
    /// time already spent without a connection (see [`super::backoff`]). The 1.5 s default is
    /// a trade: 10,000 readers dropped at once put 8 % of themselves in the densest 100 ms
    /// when the server is back within 250 ms (18 % when it stays away longer: first and second
    /// attempts overlap), while one reader waits 0.75 s on average (tests/reconnect_spread.rs,
    /// docs/reconnect.md). pusher-js's fixed 1 s puts every reader in the same millisecond in
    /// that simulation, and 20–82 % of 100 readers in one 100 ms in a browser (bench/compare.sh).
    pub backoff_base_ms: Millis,
    pub backoff_cap_ms: Millis,
    /// The reconnect window never exceeds this share (per cent) of the time since the
    /// connection was lost (but is never below `backoff_base_ms`), so after the server comes
    /// back a reader waits less than the outage lasted (or the first window, if longer).
    /// 0 turns the bound off: the plain doubling, where a 12 s outage could cost a wait of
    /// nearly the whole cap (29.7 s for the last of 10,000 readers, docs/reconnect.md).
    pub backoff_outage_pct: u64,
    /// A connection that stayed up this long resets the backoff (and its outage clock); one
    /// that drops sooner continues the run, so a flapping server still sees the window grow.
    pub stable_after_ms: Millis,
    /// A channel whose last listener left stays subscribed this long, so a widget that
    /// comes straight back (a single-page app navigating) needs no new auth and subscribe.
    pub linger_ms: Millis,
    /// Seed for the reconnect jitter.
    pub seed: u64,
}

impl Config {
    pub fn new(url: String, seed: u64) -> Self {
        Config {
            url,
            activity_timeout_ms: 120_000,
            pong_timeout_ms: 30_000,
            wake_check_ms: 4_000,
            handshake_timeout_ms: 10_000,
            handshake_min_ms: 2_000,
            unavailable_after_ms: 10_000,
            backoff_base_ms: 1_500,
            backoff_cap_ms: 30_000,
            backoff_outage_pct: 100,
            stable_after_ms: 15_000,
            linger_ms: 3_000,
            seed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    Initialized,
    Connecting,
    Connected,
    /// No connection for a while, or the browser is offline; still trying (or waiting to be online).
    Unavailable,
    /// Stopped on request.
    Disconnected,
    /// Stopped for good by a fatal error (4000–4099): these settings will not work.
    Failed,
}

/// Outcome of a channel auth request, as the driver saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthResult {
    /// The `auth` field (`KEY:HEXSIG`).
    Signed(String),
    /// The endpoint answered with a non-success status.
    Status(u16),
    /// No answer: network error, timeout, unreadable body.
    Unreachable(String),
}

/// Things the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Open { url: String },
    Send(String),
    /// Close the current socket; the engine already treats it as gone.
    Close,
    Authorize { channel: String, socket_id: String },
}

/// Things the application should learn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    StateChanged { from: ConnectionState, to: ConnectionState },
    /// The channel is (re)subscribed: any events missed before now must be fetched.
    Subscribed { channel: String },
    SubscriptionFailed { channel: String, error: SubscriptionError, retrying: bool },
    Message { channel: String, event: String, data: String },
    /// A `pusher:error` about the connection.
    ServerError { code: Option<u16>, message: String },
    /// Something worth a console line that changes nothing.
    Log { warning: bool, message: String },
}

#[derive(Debug, Clone, Default)]
struct Deadlines {
    reconnect: Option<Millis>,
    handshake: Option<Millis>,
    ping: Option<Millis>,
    pong: Option<Millis>,
    unavailable: Option<Millis>,
}

pub struct Engine {
    config: Config,
    state: ConnectionState,
    /// The socket is open (from `Open` until it closes or we close it).
    socket_live: bool,
    socket_id: Option<String>,
    connected_at: Option<Millis>,
    /// When the current socket was asked for, how long the last handshake took, and how many
    /// handshakes in a row have timed out since (see `Config::handshake_min_ms`).
    opened_at: Millis,
    handshake_learned: Option<Millis>,
    handshake_misses: u32,
    /// What the current socket's handshake was allowed.
    opened_allowance: Millis,
    server_activity_ms: Option<Millis>,
    last_error: Option<Option<u16>>,
    online: bool,
    deadlines: Deadlines,
    backoff: Backoff,
    subs: Subscriptions,
    actions: VecDeque<Action>,
    events: VecDeque<Event>,
}

impl Engine {
    pub fn new(config: Config) -> Self {
        let backoff = Backoff::new(config.backoff_base_ms, config.backoff_cap_ms, config.seed)
            .with_outage_pct(config.backoff_outage_pct);
        Engine {
            config,
            state: ConnectionState::Initialized,
            socket_live: false,
            socket_id: None,
            connected_at: None,
            opened_at: 0,
            handshake_learned: None,
            handshake_misses: 0,
            opened_allowance: 0,
            server_activity_ms: None,
            last_error: None,
            online: true,
            deadlines: Deadlines::default(),
            backoff,
            subs: Subscriptions::default(),
            actions: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    // ---- queries ----

    pub fn state(&self) -> ConnectionState {
        self.state
    }
    pub fn socket_id(&self) -> Option<&str> {
        self.socket_id.as_deref()
    }
    pub fn is_online(&self) -> bool {
        self.online
    }
    pub fn subscriptions(&self) -> &Subscriptions {
        &self.subs
    }
    pub fn reconnect_attempts(&self) -> u32 {
        self.backoff.attempts()
    }
    /// The effective ping interval: the lower of ours and the server's.
    pub fn activity_timeout_ms(&self) -> Millis {
        match self.server_activity_ms {
            Some(s) => s.min(self.config.activity_timeout_ms),
            None => self.config.activity_timeout_ms,
        }
    }

    // ---- outputs ----

    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
    /// The next time [`Engine::handle_timeout`] must be called.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let d = &self.deadlines;
        let subs = self.subs.iter().filter_map(|s| match s.phase {
            Phase::AuthRetryAt(t) => Some(t),
            _ => s.release_at,
        });
        [d.reconnect, d.handshake, d.ping, d.pong, d.unavailable].into_iter().flatten().chain(subs).min()
    }

    // ---- application commands ----

    pub fn connect(&mut self, now: Millis) {
        match self.state {
            ConnectionState::Initialized | ConnectionState::Disconnected | ConnectionState::Failed => {
                self.backoff.reset();
                self.deadlines.unavailable = Some(now + self.config.unavailable_after_ms);
                self.open(now);
            }
            _ => {}
        }
    }

    pub fn disconnect(&mut self, _now: Millis) {
        self.drop_socket(true);
        self.deadlines = Deadlines::default();
        self.set_state(ConnectionState::Disconnected);
    }

    /// Adds a reference to `channel`; returns true when this is the first one.
    pub fn subscribe(&mut self, channel: &str, _now: Millis) -> bool {
        let first = self.subs.add_ref(channel);
        if first && self.state == ConnectionState::Connected {
            self.authorize(channel);
        }
        first
    }

    /// Drops a reference. After the last one, events on the channel are no longer delivered,
    /// and the server is told after `linger_ms` unless a listener comes back first.
    pub fn unsubscribe(&mut self, channel: &str, now: Millis) {
        if self.subs.release(channel) {
            if self.config.linger_ms == 0 {
                self.release_now(channel);
            } else if let Some(sub) = self.subs.get_mut(channel) {
                sub.release_at = Some(now + self.config.linger_ms);
            }
        }
    }

    fn release_now(&mut self, channel: &str) {
        if let Some(sub) = self.subs.remove(channel) {
            let told_server = matches!(sub.phase, Phase::Subscribing { .. } | Phase::Subscribed);
            if told_server && self.state == ConnectionState::Connected {
                self.actions.push_back(Action::Send(frame::unsubscribe(channel)));
            }
        }
    }

    /// Ask again for a channel that failed (say, after the reader logged in).
    pub fn retry(&mut self, channel: &str, _now: Millis) {
        let connected = self.state == ConnectionState::Connected;
        if let Some(sub) = self.subs.get_mut(channel) {
            if matches!(sub.phase, Phase::Failed(_) | Phase::AuthRetryAt(_)) {
                sub.phase = Phase::Idle;
                sub.auth_failures = 0;
                if connected {
                    self.authorize(channel);
                }
            }
        }
    }

    // ---- inputs from the driver ----

    /// The socket's `open` event.
    pub fn handle_open(&mut self, _now: Millis) {
        // Nothing to send before `connection_established`; the handshake deadline runs on.
    }

    /// One text frame from the socket.
    pub fn handle_text<C: JsonCodec>(&mut self, text: &str, now: Millis) {
        if !self.socket_live {
            return;
        }
        // Whatever arrives proves the connection is alive.
        self.deadlines.pong = None;
        if self.state == ConnectionState::Connected {
            self.deadlines.ping = Some(now + self.activity_timeout_ms());
        }
        match frame::decode::<C>(text) {
            Ok(inbound) => self.handle_inbound(inbound, now),
            Err(FrameError::TooLarge(n)) => self.log(true, format!("dropped a frame of {n} bytes")),
            Err(e) => self.log(true, format!("skipped a frame: {e}")),
        }
    }

    /// The socket closed with a close frame carrying `code` (the browser's `CloseEvent.code`;
    /// 1005 or 1006 when there was none). A 4000–4999 code is the Pusher protocol's own error
    /// and is acted on as a `pusher:error` with that code would be: servers may close with the
    /// code alone, no `pusher:error` before it.
    pub fn handle_closed_with_code(&mut self, code: u16, now: Millis) {
        if !self.socket_live {
            return;
        }
        if (4000..=4999).contains(&code) && self.last_error.is_none() {
            self.events.push_back(Event::ServerError { code: Some(code), message: format!("the server closed the connection with {code}") });
            self.last_error = Some(Some(code));
        }
        self.handle_closed(now);
    }

    /// The socket closed, errored or could not be opened.
    pub fn handle_closed(&mut self, now: Millis) {
        if !self.socket_live {
            return;
        }
        let plan = plan_after_close(self.last_error);
        self.drop_socket(false);
        self.after_drop(plan, now);
    }

    pub fn handle_auth(&mut self, channel: &str, socket_id: &str, result: AuthResult, now: Millis) {
        let current = self.socket_id.as_deref() == Some(socket_id) && self.state == ConnectionState::Connected;
        let Some(sub) = self.subs.get_mut(channel) else { return };
        let asked_for_this_socket = matches!(&sub.phase, Phase::Authorizing { socket_id: s } if s == socket_id);
        if !asked_for_this_socket || !current {
            return; // an answer for a socket that is gone
        }
        match result {
            AuthResult::Signed(auth) => {
                let order = self.subs.next_order();
                if let Some(sub) = self.subs.get_mut(channel) {
                    sub.phase = Phase::Subscribing { order };
                }
                self.actions.push_back(Action::Send(frame::subscribe(channel, &auth)));
            }
            AuthResult::Status(status) if (400..500).contains(&status) && status != 408 && status != 429 => {
                let error = SubscriptionError::AuthRejected { status };
                sub.phase = Phase::Failed(error.clone());
                self.events.push_back(Event::SubscriptionFailed { channel: channel.to_owned(), error, retrying: false });
            }
            AuthResult::Status(status) => {
                self.schedule_auth_retry(channel, format!("auth endpoint answered {status}"), now)
            }
            AuthResult::Unreachable(reason) => self.schedule_auth_retry(channel, reason, now),
        }
    }

    pub fn handle_timeout(&mut self, now: Millis) {
        let due = |t: Option<Millis>| matches!(t, Some(t) if t <= now);
        if due(self.deadlines.unavailable) {
            self.deadlines.unavailable = None;
            if self.state == ConnectionState::Connecting {
                self.set_state(ConnectionState::Unavailable);
            }
        }
        if due(self.deadlines.handshake) {
            self.handshake_misses = self.handshake_misses.saturating_add(1);
            self.log(true, "no handshake from the server in time".into());
            self.drop_socket(true);
            // The wait for the hello already spaced this attempt from the last: the next one
            // comes within that wait again (the backoff's draw scaled to it, so the crowd stays
            // spread), not within a window grown by time spent on a server that never answered.
            let window = self.backoff.ceiling_ms(now).max(1);
            self.after_drop(ReconnectPlan::Backoff { floor_ms: 0 }, now);
            if self.learns_handshakes() {
                if let Some(at) = self.deadlines.reconnect {
                    let delay = at.saturating_sub(now);
                    let spent = self.opened_allowance;
                    if window > spent {
                        self.deadlines.reconnect = Some(now + delay.saturating_mul(spent) / window);
                    }
                }
            }
        }
        if due(self.deadlines.pong) {
            self.log(true, "the server stopped answering; reconnecting".into());
            self.drop_socket(true);
            self.after_drop(ReconnectPlan::Immediately, now);
        }
        if due(self.deadlines.ping) {
            self.deadlines.ping = None;
            self.send_ping(now, self.config.pong_timeout_ms);
        }
        if due(self.deadlines.reconnect) {
            self.deadlines.reconnect = None;
            self.open(now);
        }
        let released: Vec<String> = self
            .subs
            .iter()
            .filter(|s| s.refs == 0 && s.release_at.is_some_and(|t| t <= now))
            .map(|s| s.channel.clone())
            .collect();
        for channel in released {
            self.release_now(&channel);
        }
        let retry: Vec<String> = self
            .subs
            .iter()
            .filter(|s| matches!(s.phase, Phase::AuthRetryAt(t) if t <= now))
            .map(|s| s.channel.clone())
            .collect();
        for channel in retry {
            if let Some(sub) = self.subs.get_mut(&channel) {
                sub.phase = Phase::Idle;
            }
            if self.state == ConnectionState::Connected {
                self.authorize(&channel);
            }
        }
    }

    /// The browser's `online`/`offline` events.
    pub fn handle_network(&mut self, online: bool, now: Millis) {
        if self.online == online {
            return;
        }
        self.online = online;
        if !self.wants_connection() {
            return;
        }
        if online {
            self.check_liveness(now);
        } else {
            if self.state == ConnectionState::Connected {
                // navigator.onLine can be wrong (VPNs, captive portals): verify, do not assume.
                self.send_ping(now, self.config.wake_check_ms);
            } else {
                self.deadlines.reconnect = None;
                self.set_state(ConnectionState::Unavailable);
            }
        }
    }

    /// The page became visible again or was restored from the back-forward cache: timers may
    /// have slept for minutes, so check the socket now.
    pub fn handle_wake(&mut self, now: Millis) {
        if self.wants_connection() {
            self.check_liveness(now);
        }
    }

    // ---- internals ----

    fn wants_connection(&self) -> bool {
        !matches!(self.state, ConnectionState::Initialized | ConnectionState::Disconnected | ConnectionState::Failed)
    }

    fn check_liveness(&mut self, now: Millis) {
        if self.state == ConnectionState::Connected {
            if self.deadlines.pong.is_none() {
                self.send_ping(now, self.config.wake_check_ms);
            }
        } else if !self.socket_live && self.online {
            self.deadlines.reconnect = None;
            self.open(now);
        }
    }

    fn send_ping(&mut self, now: Millis, answer_within: Millis) {
        self.actions.push_back(Action::Send(frame::PING.to_owned()));
        let deadline = now + answer_within;
        self.deadlines.pong = Some(self.deadlines.pong.map_or(deadline, |d| d.min(deadline)));
    }

    fn handle_inbound(&mut self, inbound: Inbound, now: Millis) {
        match inbound {
            Inbound::ConnectionEstablished { socket_id, activity_timeout_s } => {
                if self.state == ConnectionState::Connected {
                    self.log(true, "a second connection_established was ignored".into());
                    return;
                }
                self.socket_id = Some(socket_id);
                self.server_activity_ms = activity_timeout_s.map(|s| s as Millis * 1000);
                self.connected_at = Some(now);
                self.handshake_learned = Some(now.saturating_sub(self.opened_at));
                self.handshake_misses = 0;
                self.deadlines.handshake = None;
                self.deadlines.unavailable = None;
                self.deadlines.ping = Some(now + self.activity_timeout_ms());
                self.set_state(ConnectionState::Connected);
                // Channels nobody listens to any more are not worth a new auth.
                self.subs.remove_idle();
                let channels: Vec<String> = self
                    .subs
                    .iter()
                    .filter(|s| !matches!(s.phase, Phase::Failed(_) | Phase::AuthRetryAt(_)))
                    .map(|s| s.channel.clone())
                    .collect();
                for channel in channels {
                    self.authorize(&channel);
                }
            }
            Inbound::Error { code, message } => self.handle_error(code, message, now),
            Inbound::Ping => self.actions.push_back(Action::Send(frame::PONG.to_owned())),
            Inbound::Pong => {}
            Inbound::SubscriptionSucceeded { channel } => {
                if let Some(sub) = self.subs.get_mut(&channel) {
                    if matches!(sub.phase, Phase::Subscribing { .. }) {
                        sub.phase = Phase::Subscribed;
                        sub.auth_failures = 0;
                        self.events.push_back(Event::Subscribed { channel });
                    }
                }
            }
            Inbound::ChannelEvent { channel, event, data } => {
                let live = matches!(self.subs.get(&channel), Some(s) if s.phase == Phase::Subscribed && s.refs > 0);
                if live {
                    self.events.push_back(Event::Message { channel, event, data });
                }
            }
            Inbound::Unknown { event } => self.log(false, format!("ignored event {event}")),
        }
    }

    fn handle_error(&mut self, code: Option<u16>, message: String, now: Millis) {
        self.last_error = Some(code);
        match classify(code) {
            ErrorAction::Unauthorized => {
                if let Some(channel) = self.subs.oldest_subscribing().map(str::to_owned) {
                    let error = SubscriptionError::Unauthorized { message };
                    if let Some(sub) = self.subs.get_mut(&channel) {
                        sub.phase = Phase::Failed(error.clone());
                    }
                    self.events.push_back(Event::SubscriptionFailed { channel, error, retrying: false });
                    // The socket stays open and serves the other channels.
                    self.last_error = None;
                } else {
                    self.events.push_back(Event::ServerError { code, message });
                }
            }
            ErrorAction::Report => {
                self.log(true, format!("server error {}: {message}", code.map_or(-1, i32::from)));
            }
            ErrorAction::Fatal => {
                self.events.push_back(Event::ServerError { code, message });
                self.drop_socket(true);
                self.deadlines = Deadlines::default();
                self.set_state(ConnectionState::Failed);
            }
            ErrorAction::Backoff | ErrorAction::ReconnectNow => {
                self.events.push_back(Event::ServerError { code, message });
                // Reverb drops the connection itself, without a close frame; do not wait for it.
                let plan = plan_after_close(self.last_error);
                self.drop_socket(true);
                self.after_drop(plan, now);
            }
        }
    }

    fn schedule_auth_retry(&mut self, channel: &str, reason: String, now: Millis) {
        let Some(sub) = self.subs.get_mut(channel) else { return };
        sub.auth_failures = sub.auth_failures.saturating_add(1);
        let delay = (1_000u64 << sub.auth_failures.min(5)).min(30_000);
        sub.phase = Phase::AuthRetryAt(now + delay);
        self.events.push_back(Event::SubscriptionFailed {
            channel: channel.to_owned(),
            error: SubscriptionError::AuthUnavailable { reason },
            retrying: true,
        });
    }

    /// Ask for a channel's signature, or, for a public channel (no `private-`/`presence-`
    /// prefix: a relay's fan-out), subscribe at once: there is nothing to sign.
    fn authorize(&mut self, channel: &str) {
        let Some(socket_id) = self.socket_id.clone() else { return };
        if !frame::needs_auth(channel) {
            let order = self.subs.next_order();
            if let Some(sub) = self.subs.get_mut(channel) {
                sub.phase = Phase::Subscribing { order };
                self.actions.push_back(Action::Send(frame::subscribe_public(channel)));
            }
            return;
        }
        if let Some(sub) = self.subs.get_mut(channel) {
            sub.phase = Phase::Authorizing { socket_id: socket_id.clone() };
            self.actions.push_back(Action::Authorize { channel: channel.to_owned(), socket_id });
        }
    }

    fn open(&mut self, now: Millis) {
        if !self.online {
            self.set_state(ConnectionState::Unavailable);
            return;
        }
        self.socket_live = true;
        self.last_error = None;
        self.socket_id = None;
        self.opened_at = now;
        self.opened_allowance = self.handshake_allowance();
        self.deadlines.handshake = Some(now + self.opened_allowance);
        self.actions.push_back(Action::Open { url: self.config.url.clone() });
        if self.state != ConnectionState::Unavailable {
            self.set_state(ConnectionState::Connecting);
        }
    }

    /// How long the next handshake may take (see `Config::handshake_min_ms`).
    pub fn handshake_allowance(&self) -> Millis {
        let cap = self.config.handshake_timeout_ms;
        match self.handshake_learned {
            Some(h) if self.learns_handshakes() => {
                let learned = h.saturating_mul(2).saturating_add(1_000).max(self.config.handshake_min_ms);
                learned.checked_shl(self.handshake_misses.min(16)).unwrap_or(cap).min(cap)
            }
            _ => cap,
        }
    }

    fn learns_handshakes(&self) -> bool {
        self.config.handshake_min_ms < self.config.handshake_timeout_ms
    }

    /// Forget the current socket (closing it if `close`), and put every channel back to waiting.
    fn drop_socket(&mut self, close: bool) {
        if self.socket_live && close {
            self.actions.push_back(Action::Close);
        }
        self.socket_live = false;
        self.socket_id = None;
        self.deadlines.handshake = None;
        self.deadlines.ping = None;
        self.deadlines.pong = None;
        for sub in self.subs.iter_mut() {
            if matches!(sub.phase, Phase::Authorizing { .. } | Phase::Subscribing { .. } | Phase::Subscribed) {
                sub.phase = Phase::Idle;
            }
        }
    }

    /// Decide what follows a lost socket.
    fn after_drop(&mut self, plan: ReconnectPlan, now: Millis) {
        if let Some(up_since) = self.connected_at.take() {
            if now.saturating_sub(up_since) >= self.config.stable_after_ms {
                self.backoff.reset();
            }
        }
        let delay = match plan {
            ReconnectPlan::Stop => {
                self.deadlines = Deadlines::default();
                self.set_state(ConnectionState::Failed);
                return;
            }
            ReconnectPlan::Immediately => 0,
            ReconnectPlan::Backoff { floor_ms } => self.backoff.next_delay(floor_ms, now),
        };
        if !self.online {
            self.set_state(ConnectionState::Unavailable);
            return;
        }
        self.deadlines.reconnect = Some(now + delay);
        if self.deadlines.unavailable.is_none() && self.state != ConnectionState::Unavailable {
            self.deadlines.unavailable = Some(now + self.config.unavailable_after_ms);
        }
        if self.state == ConnectionState::Connected {
            self.set_state(ConnectionState::Connecting);
        }
    }

    fn set_state(&mut self, to: ConnectionState) {
        if self.state != to {
            let from = self.state;
            self.state = to;
            self.events.push_back(Event::StateChanged { from, to });
        }
    }

    fn log(&mut self, warning: bool, message: String) {
        self.events.push_back(Event::Log { warning, message });
    }
}
