//! The gateway's one upstream Pusher connection: a tokio driver for the same sans-IO engine the
//! browser drives (`courtside::protocol::Engine`; the browser's driver is
//! `src/client/connection.rs`). One engine, two drivers.
//!
//! The driver turns I/O into engine inputs and engine actions into I/O, nothing more: every
//! protocol decision (backoff and jitter, 4009/4100/4201 handling, pings, handshake deadline,
//! resubscribing after a reconnect, auth retries) is the engine's. What the driver adds is only
//! what a native process needs and a browser gets for free:
//! - a WebSocket (tokio-tungstenite, rustls with webpki roots for `wss://`) with a connect
//!   timeout and a hard frame-size cap: a frame over [`UpstreamSocket::max_frame_bytes`] cannot be
//!   read without buffering it, so the socket is closed and the engine reconnects. Frames under
//!   the cap but over the engine's own limit (256 KiB) are dropped by the engine, socket kept,
//!   exactly as in the browser;
//! - channel auth: `POST auth_url` with the form `socket_id`, `channel_name`, the Bearer token
//!   and `Accept: application/json`, answers mapped to [`AuthResult`] as `src/client/auth.rs`
//!   maps them;
//! - a bounded event channel to the application: a slow consumer slows the reader down, a
//!   consumer that is gone stops the task.
//!
//! The token is never logged: it lives in a [`Secret`] whose `Debug` is redacted.

use crate::config::Secret;
use courtside::protocol::json::SerdeJson;
use courtside::protocol::{Action, AuthResult, Config, ConnectionState, Engine, Event, Millis};
use futures_util::{FutureExt, SinkExt, StreamExt};
use serde::Deserialize;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The default hard cap on one inbound WebSocket message (see the module docs).
pub const DEFAULT_MAX_FRAME_BYTES: usize = 1 << 20;
/// Auth answers larger than this are treated as unreadable.
const MAX_AUTH_BODY_BYTES: usize = 64 * 1024;
/// A send that cannot be written within this means the socket is stuck: treat it as closed.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a closing socket gets for the close handshake.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Where and how to hold the upstream connection.
#[derive(Clone, Debug)]
pub struct UpstreamSocket {
    socket_url: String,
    auth_url: String,
    token: Secret,
    channels: Vec<String>,
    connect_timeout: Duration,
    auth_timeout: Duration,
    max_frame_bytes: usize,
    engine: Config,
}

impl UpstreamSocket {
    /// `socket_url` as built by `courtside::protocol::socket_url` (`ws://` or `wss://`);
    /// `auth_url` the stats API's channel auth endpoint; `token` its Bearer token.
    pub fn new(socket_url: impl Into<String>, auth_url: impl Into<String>, token: Secret) -> Self {
        let socket_url = socket_url.into();
        let engine = Config::new(socket_url.clone(), fastrand::u64(..));
        UpstreamSocket {
            socket_url,
            auth_url: auth_url.into(),
            token,
            channels: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            auth_timeout: Duration::from_secs(10),
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            engine,
        }
    }

    /// Subscribe to `channel` from the start (more can be added with [`UpstreamHandle::subscribe`]).
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channels.push(channel.into());
        self
    }

    pub fn channels<I, S>(mut self, channels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.channels.extend(channels.into_iter().map(Into::into));
        self
    }

    /// Give up on a TCP/TLS/WebSocket handshake after this (the engine's own handshake
    /// deadline, open to `connection_established`, runs as well).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A channel auth request that takes longer than this counts as unreachable.
    pub fn auth_timeout(mut self, timeout: Duration) -> Self {
        self.auth_timeout = timeout;
        self
    }

    /// The hard cap on one inbound message; a larger one closes the socket.
    pub fn max_frame_bytes(mut self, bytes: usize) -> Self {
        self.max_frame_bytes = bytes.max(1);
        self
    }

    /// Adjust the engine's timings (backoff, ping, handshake, linger…). The URL stays the
    /// socket URL given to [`UpstreamSocket::new`].
    pub fn tune(mut self, tune: impl FnOnce(&mut Config)) -> Self {
        tune(&mut self.engine);
        self.engine.url = self.socket_url.clone();
        self
    }

    pub fn socket_url(&self) -> &str {
        &self.socket_url
    }

    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }

    pub fn initial_channels(&self) -> &[String] {
        &self.channels
    }
}

/// What the application hears from the upstream connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamEvent {
    /// `connection_established`: a new socket (channels are re-authorized on it).
    Connected { socket_id: String },
    /// The connection was lost; the engine reconnects by itself.
    Disconnected,
    /// A channel is (re)subscribed: anything published before now may have been missed.
    Subscribed { channel: String },
    Message { channel: String, event: String, data: String },
    /// A channel could not be subscribed; `retrying` when the engine will ask again by itself
    /// (auth endpoint unreachable or 5xx/408/429), not when refused (403, 4009).
    SubscriptionFailed { channel: String, reason: String, retrying: bool },
    /// The engine gave up for good (a 4000–4099 error): these settings will not work. The task
    /// ends after this event.
    Failed { reason: String },
}

/// Counters for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpstreamStats {
    /// Sockets the engine asked to open.
    pub connection_attempts: u64,
    /// Sockets whose WebSocket handshake succeeded.
    pub connections: u64,
    /// Channel auth requests sent.
    pub auth_calls: u64,
    /// Channel messages forwarded to the application.
    pub messages: u64,
    /// Sockets closed for a message over the frame cap.
    pub oversized_frames: u64,
}

#[derive(Default)]
struct Counters {
    connection_attempts: AtomicU64,
    connections: AtomicU64,
    auth_calls: AtomicU64,
    messages: AtomicU64,
    oversized_frames: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> UpstreamStats {
        UpstreamStats {
            connection_attempts: self.connection_attempts.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
            auth_calls: self.auth_calls.load(Ordering::Relaxed),
            messages: self.messages.load(Ordering::Relaxed),
            oversized_frames: self.oversized_frames.load(Ordering::Relaxed),
        }
    }
}

enum Command {
    Subscribe(String),
    Unsubscribe(String),
    Retry(String),
}

/// Controls the running connection. Dropping it stops the task, like [`UpstreamHandle::shutdown`]
/// without waiting.
pub struct UpstreamHandle {
    commands: mpsc::UnboundedSender<Command>,
    stop: watch::Sender<bool>,
    counters: Arc<Counters>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for UpstreamHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamHandle").field("stats", &self.stats()).field("finished", &self.is_finished()).finish()
    }
}

impl UpstreamHandle {
    /// Add a reference to `channel`; the first one subscribes.
    pub fn subscribe(&self, channel: &str) {
        let _ = self.commands.send(Command::Subscribe(channel.to_owned()));
    }

    /// Drop a reference; after the last one the server is told (after the engine's linger).
    pub fn unsubscribe(&self, channel: &str) {
        let _ = self.commands.send(Command::Unsubscribe(channel.to_owned()));
    }

    /// Ask again for a channel that failed (a new auth request on the current socket).
    pub fn retry(&self, channel: &str) {
        let _ = self.commands.send(Command::Retry(channel.to_owned()));
    }

    pub fn stats(&self) -> UpstreamStats {
        self.counters.snapshot()
    }

    /// The task has ended (shut down, the event receiver dropped, or [`UpstreamEvent::Failed`]).
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Close the socket and stop the task; returns once it has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for UpstreamHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Start the connection task on the current tokio runtime. Events go to `tx`; when its
/// receiver is dropped the task stops.
pub fn spawn(config: UpstreamSocket, tx: mpsc::Sender<UpstreamEvent>) -> UpstreamHandle {
    let (commands, command_rx) = mpsc::unbounded_channel();
    let (stop, stop_rx) = watch::channel(false);
    let counters = Arc::new(Counters::default());
    let http = reqwest::Client::builder()
        .timeout(config.auth_timeout)
        .connect_timeout(config.auth_timeout.min(Duration::from_secs(5)))
        .build()
        .unwrap_or_default();
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(config.max_frame_bytes))
        .max_frame_size(Some(config.max_frame_bytes))
        .read_buffer_size(64 * 1024)
        .write_buffer_size(0);
    let mut engine_config = config.engine.clone();
    engine_config.url = config.socket_url.clone();
    let driver = Driver {
        engine: Engine::new(engine_config),
        start: Instant::now(),
        last_fire: None,
        socket: Socket::Idle,
        auths: JoinSet::new(),
        pending_auths: HashMap::new(),
        auth: Arc::new(AuthTarget { http, url: config.auth_url.clone(), token: config.token.clone() }),
        connect_timeout: config.connect_timeout,
        ws_config,
        tx,
        commands: command_rx,
        stop: stop_rx,
        counters: counters.clone(),
        last_error: None,
        socket_failed: false,
    };
    let task = tokio::spawn(driver.run(config.channels));
    UpstreamHandle { commands, stop, counters, task: Some(task) }
}

struct AuthTarget {
    http: reqwest::Client,
    url: String,
    token: Secret,
}

#[derive(Deserialize)]
struct AuthBody {
    auth: String,
}

/// One channel auth request, answered the way the browser's `client::auth::authorize` answers.
pub async fn authorize(
    http: &reqwest::Client,
    auth_url: &str,
    token: &Secret,
    channel: &str,
    socket_id: &str,
) -> AuthResult {
    let sent = http
        .post(auth_url)
        .bearer_auth(&token.0)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[("socket_id", socket_id), ("channel_name", channel)])
        .send()
        .await;
    let mut response = match sent {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return AuthResult::Unreachable("auth request timed out".into()),
        Err(e) => return AuthResult::Unreachable(format!("auth request failed: {}", e.without_url())),
    };
    let status = response.status();
    if !status.is_success() {
        return AuthResult::Status(status.as_u16());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_AUTH_BODY_BYTES {
                    return AuthResult::Unreachable("auth answer too large".into());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => return AuthResult::Unreachable("auth request timed out".into()),
            Err(_) => return AuthResult::Unreachable("auth answer unreadable".into()),
        }
    }
    match serde_json::from_slice::<AuthBody>(&body) {
        Ok(b) if b.auth.contains(':') => AuthResult::Signed(b.auth),
        Ok(_) => AuthResult::Unreachable("auth answer has no KEY:SIGNATURE".into()),
        Err(e) if e.is_data() => AuthResult::Unreachable(format!("unexpected body: {e}")),
        Err(_) => AuthResult::Unreachable("body is not JSON".into()),
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Opening = Pin<Box<dyn Future<Output = Result<Box<Ws>, String>> + Send>>;

enum Socket {
    Idle,
    Connecting(Opening),
    Open(Box<Ws>),
}

enum SocketInput {
    Opened(Result<Box<Ws>, String>),
    Frame(Option<Result<Message, tungstenite::Error>>),
}

/// The next thing the socket has to say; never ready while there is no socket.
async fn socket_input(socket: &mut Socket) -> SocketInput {
    match socket {
        Socket::Idle => std::future::pending().await,
        Socket::Connecting(opening) => SocketInput::Opened(opening.await),
        Socket::Open(ws) => SocketInput::Frame(ws.next().await),
    }
}

/// Resolves once a stop was asked for (or the handle is gone).
async fn stop_requested(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Close a socket in the background: the engine already treats it as gone.
fn retire(mut ws: Box<Ws>) {
    tokio::spawn(async move {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, WebSocketStream::close(&mut *ws, None)).await;
    });
}

enum Input {
    Stop,
    Command(Command),
    Socket(SocketInput),
    Auth(String, String, AuthResult),
    Timer,
}

struct Driver {
    engine: Engine,
    start: Instant,
    /// When the timer last fired: the next one waits at least a millisecond more, so an engine
    /// deadline that stayed due could never spin the task.
    last_fire: Option<Instant>,
    socket: Socket,
    auths: JoinSet<(String, String, AuthResult)>,
    /// Channel and socket id of each auth task, to answer the engine even if one panicked.
    pending_auths: HashMap<tokio::task::Id, (String, String)>,
    auth: Arc<AuthTarget>,
    connect_timeout: Duration,
    ws_config: WebSocketConfig,
    tx: mpsc::Sender<UpstreamEvent>,
    commands: mpsc::UnboundedReceiver<Command>,
    stop: watch::Receiver<bool>,
    counters: Arc<Counters>,
    /// The last server error, the reason given with `Failed`.
    last_error: Option<String>,
    /// A send failed while performing actions: the socket is gone.
    socket_failed: bool,
}

impl Driver {
    fn now(&self) -> Millis {
        self.start.elapsed().as_millis() as Millis
    }

    async fn run(mut self, channels: Vec<String>) {
        let now = self.now();
        for channel in &channels {
            self.engine.subscribe(channel, now);
        }
        self.engine.connect(now);
        let mut running = self.pump().await;
        while running && self.engine.state() != ConnectionState::Failed {
            let wake = self.engine.poll_timeout().map(|t| {
                let at = self.start + Duration::from_millis(t);
                match self.last_fire {
                    Some(fired) => at.max(fired + Duration::from_millis(1)),
                    None => at,
                }
            });
            let input = tokio::select! {
                biased;
                _ = stop_requested(&mut self.stop) => Input::Stop,
                command = self.commands.recv() => match command {
                    Some(c) => Input::Command(c),
                    None => Input::Stop,
                },
                s = socket_input(&mut self.socket) => Input::Socket(s),
                Some(joined) = self.auths.join_next_with_id(), if !self.auths.is_empty() => match joined {
                    Ok((id, (channel, socket_id, result))) => {
                        self.pending_auths.remove(&id);
                        Input::Auth(channel, socket_id, result)
                    }
                    Err(e) => match self.pending_auths.remove(&e.id()) {
                        Some((channel, socket_id)) => {
                            Input::Auth(channel, socket_id, AuthResult::Unreachable("auth task failed".into()))
                        }
                        None => continue,
                    },
                },
                _ = tokio::time::sleep_until(wake.unwrap_or_else(Instant::now)), if wake.is_some() => Input::Timer,
            };
            running = self.handle(input).await;
        }
        self.finish().await;
    }

    /// Feed one input to the engine and carry out what follows; false: stop.
    async fn handle(&mut self, input: Input) -> bool {
        let now = self.now();
        match input {
            Input::Stop => return false,
            Input::Command(Command::Subscribe(channel)) => {
                self.engine.subscribe(&channel, now);
            }
            Input::Command(Command::Unsubscribe(channel)) => self.engine.unsubscribe(&channel, now),
            Input::Command(Command::Retry(channel)) => self.engine.retry(&channel, now),
            Input::Auth(channel, socket_id, result) => self.engine.handle_auth(&channel, &socket_id, result, now),
            Input::Timer => {
                self.last_fire = Some(Instant::now());
                self.engine.handle_timeout(now);
            }
            Input::Socket(SocketInput::Opened(Ok(ws))) => {
                Counters::bump(&self.counters.connections);
                self.socket = Socket::Open(ws);
                self.engine.handle_open(now);
            }
            Input::Socket(SocketInput::Opened(Err(error))) => {
                tracing::warn!(%error, "upstream socket could not be opened");
                self.socket = Socket::Idle;
                self.engine.handle_closed(now);
            }
            Input::Socket(SocketInput::Frame(frame)) => self.handle_frame(frame, now),
        }
        self.pump().await
    }

    fn handle_frame(&mut self, frame: Option<Result<Message, tungstenite::Error>>, now: Millis) {
        match frame {
            Some(Ok(Message::Text(text))) => self.engine.handle_text::<SerdeJson>(text.as_str(), now),
            Some(Ok(Message::Binary(bytes))) => {
                tracing::debug!(bytes = bytes.len(), "upstream: ignored a binary frame");
            }
            // tungstenite answers pings itself.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
            Some(Ok(Message::Close(frame))) => {
                let code = frame.as_ref().map_or(1005, |f| u16::from(f.code));
                tracing::debug!(code, "upstream sent a close frame");
                if let Socket::Open(ws) = std::mem::replace(&mut self.socket, Socket::Idle) {
                    retire(ws);
                }
                self.engine.handle_closed_with_code(code, now);
            }
            Some(Err(error)) => {
                if matches!(error, tungstenite::Error::Capacity(_)) {
                    Counters::bump(&self.counters.oversized_frames);
                    tracing::warn!(%error, "upstream frame over the size cap; closing the socket");
                } else {
                    tracing::debug!(%error, "upstream socket failed");
                }
                self.socket = Socket::Idle;
                self.engine.handle_closed(now);
            }
            None => {
                tracing::debug!("upstream socket closed");
                self.socket = Socket::Idle;
                self.engine.handle_closed(now);
            }
        }
    }

    /// Drain the engine: perform its actions, then pass its events on. False: stop.
    async fn pump(&mut self) -> bool {
        loop {
            let actions: Vec<Action> = std::iter::from_fn(|| self.engine.poll_action()).collect();
            let mut events = Vec::new();
            while let Some(event) = self.engine.poll_event() {
                self.translate(event, &mut events);
            }
            if actions.is_empty() && events.is_empty() {
                return true;
            }
            for action in actions {
                self.perform(action).await;
            }
            if std::mem::take(&mut self.socket_failed) {
                let now = self.now();
                self.engine.handle_closed(now);
            }
            for event in events {
                if !self.emit(event).await {
                    return false;
                }
            }
        }
    }

    /// Hand an event to the application; false when it is gone or a stop was asked for.
    async fn emit(&mut self, event: UpstreamEvent) -> bool {
        tokio::select! {
            biased;
            _ = stop_requested(&mut self.stop) => false,
            sent = self.tx.send(event) => sent.is_ok(),
        }
    }

    fn translate(&mut self, event: Event, out: &mut Vec<UpstreamEvent>) {
        match event {
            Event::StateChanged { from, to } => {
                tracing::debug!(?from, ?to, "upstream connection state");
                if to == ConnectionState::Connected {
                    self.last_error = None;
                    let socket_id = self.engine.socket_id().unwrap_or_default().to_owned();
                    tracing::info!(%socket_id, "upstream connected");
                    out.push(UpstreamEvent::Connected { socket_id });
                } else if from == ConnectionState::Connected {
                    out.push(UpstreamEvent::Disconnected);
                }
                if to == ConnectionState::Failed {
                    let reason = self.last_error.clone().unwrap_or_else(|| "the server refused the connection".into());
                    tracing::error!(%reason, "upstream connection failed for good");
                    out.push(UpstreamEvent::Failed { reason });
                }
            }
            Event::Subscribed { channel } => out.push(UpstreamEvent::Subscribed { channel }),
            Event::SubscriptionFailed { channel, error, retrying } => {
                tracing::warn!(%channel, %error, retrying, "upstream subscription failed");
                out.push(UpstreamEvent::SubscriptionFailed { channel, reason: error.to_string(), retrying });
            }
            Event::Message { channel, event, data } => {
                Counters::bump(&self.counters.messages);
                out.push(UpstreamEvent::Message { channel, event, data });
            }
            Event::ServerError { code, message } => {
                let text = match code {
                    Some(c) => format!("{c}: {message}"),
                    None => message,
                };
                tracing::warn!(error = %text, "upstream server error");
                self.last_error = Some(text);
            }
            Event::Log { warning: true, message } => tracing::warn!(%message, "upstream"),
            Event::Log { warning: false, message } => tracing::debug!(%message, "upstream"),
        }
    }

    async fn perform(&mut self, action: Action) {
        match action {
            Action::Open { url } => {
                self.close_socket();
                Counters::bump(&self.counters.connection_attempts);
                tracing::debug!(%url, "opening the upstream socket");
                let config = self.ws_config;
                let timeout = self.connect_timeout;
                self.socket = Socket::Connecting(Box::pin(async move {
                    let connecting = tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true);
                    // A TLS set-up that panics (rustls without a crypto provider) must not end
                    // the task: it is one failed attempt, and the engine tries again.
                    let connecting = std::panic::AssertUnwindSafe(tokio::time::timeout(timeout, connecting));
                    match connecting.catch_unwind().await {
                        Ok(Ok(Ok((ws, _response)))) => Ok(Box::new(ws)),
                        Ok(Ok(Err(e))) => Err(e.to_string()),
                        Ok(Err(_)) => Err("connect timed out".into()),
                        Err(_) => Err("the WebSocket client panicked while connecting".into()),
                    }
                }));
            }
            Action::Send(text) => {
                let Socket::Open(ws) = &mut self.socket else { return };
                match tokio::time::timeout(SEND_TIMEOUT, ws.send(Message::text(text))).await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => {
                        tracing::debug!(%error, "upstream send failed");
                        self.socket = Socket::Idle;
                        self.socket_failed = true;
                    }
                    Err(_) => {
                        tracing::warn!("upstream send timed out");
                        self.socket = Socket::Idle;
                        self.socket_failed = true;
                    }
                }
            }
            Action::Close => self.close_socket(),
            Action::Authorize { channel, socket_id } => {
                Counters::bump(&self.counters.auth_calls);
                let target = self.auth.clone();
                let (c, s) = (channel.clone(), socket_id.clone());
                let task = self.auths.spawn(async move {
                    let result = authorize(&target.http, &target.url, &target.token, &c, &s).await;
                    (c, s, result)
                });
                self.pending_auths.insert(task.id(), (channel, socket_id));
            }
        }
    }

    /// Forget the current socket (an opening one is abandoned, an open one closed politely).
    fn close_socket(&mut self) {
        if let Socket::Open(ws) = std::mem::replace(&mut self.socket, Socket::Idle) {
            retire(ws);
        }
    }

    async fn finish(mut self) {
        let now = self.now();
        self.engine.disconnect(now);
        while self.engine.poll_action().is_some() {}
        if let Socket::Open(mut ws) = std::mem::replace(&mut self.socket, Socket::Idle) {
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, WebSocketStream::close(&mut *ws, None)).await;
        }
        self.auths.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;
    use axum::routing::post;
    use axum::{Form, Router};

    #[derive(Deserialize)]
    struct AuthForm {
        socket_id: String,
        channel_name: String,
    }

    /// An auth endpoint whose answer depends on the channel name; it checks the request first.
    async fn endpoint(headers: HeaderMap, Form(form): Form<AuthForm>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let bearer = headers.get("authorization").and_then(|v| v.to_str().ok());
        let accept = headers.get("accept").and_then(|v| v.to_str().ok());
        if bearer != Some("Bearer s3cret-token") || accept != Some("application/json") || form.socket_id != "1.2" {
            return (axum::http::StatusCode::BAD_REQUEST, "bad request").into_response();
        }
        match form.channel_name.as_str() {
            "private-ok" => axum::Json(serde_json::json!({ "auth": "key:abc" })).into_response(),
            "private-nocolon" => axum::Json(serde_json::json!({ "auth": "abc" })).into_response(),
            "private-wrongshape" => axum::Json(serde_json::json!({ "token": "x" })).into_response(),
            "private-notjson" => "<html>".into_response(),
            "private-huge" => "x".repeat(MAX_AUTH_BODY_BYTES + 1).into_response(),
            "private-denied" => (axum::http::StatusCode::FORBIDDEN, "{}").into_response(),
            _ => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "{}").into_response(),
        }
    }

    #[tokio::test]
    async fn pusher_client_auth_answers_map_like_the_browser() {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, Router::new().route("/auth", post(endpoint))).await;
        });
        let http = reqwest::Client::new();
        let url = format!("http://{addr}/auth");
        let token = Secret("s3cret-token".into());
        let ask = |channel: &'static str| {
            let (http, url, token) = (http.clone(), url.clone(), token.clone());
            async move { authorize(&http, &url, &token, channel, "1.2").await }
        };
        assert_eq!(ask("private-ok").await, AuthResult::Signed("key:abc".into()));
        assert!(matches!(ask("private-nocolon").await, AuthResult::Unreachable(r) if r.contains("KEY:SIGNATURE")));
        assert!(matches!(ask("private-wrongshape").await, AuthResult::Unreachable(r) if r.starts_with("unexpected body")));
        assert_eq!(ask("private-notjson").await, AuthResult::Unreachable("body is not JSON".into()));
        assert_eq!(ask("private-huge").await, AuthResult::Unreachable("auth answer too large".into()));
        assert_eq!(ask("private-denied").await, AuthResult::Status(403));
        assert_eq!(ask("private-other").await, AuthResult::Status(503));
        server.abort();
        let _ = server.await;
        // Nothing listens any more: unreachable, and the token is not in the reason.
        match ask("private-ok").await {
            AuthResult::Unreachable(reason) => assert!(!reason.contains("s3cret"), "{reason}"),
            other => panic!("expected Unreachable, got {other:?}"),
        }
    }

    #[test]
    fn pusher_client_config_debug_hides_the_token() {
        let config = UpstreamSocket::new("ws://127.0.0.1:1/app/k", "http://127.0.0.1:1/auth", Secret("s3cret-token".into()))
            .channel("private-a")
            .tune(|c| {
                c.backoff_base_ms = 10;
                c.url = "ws://elsewhere".into();
            });
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret-token"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert_eq!(config.engine.url, "ws://127.0.0.1:1/app/k", "tune cannot move the socket");
        assert_eq!(config.engine.backoff_base_ms, 10);
    }
}
