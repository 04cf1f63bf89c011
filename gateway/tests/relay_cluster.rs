//! The relay (`courtside_gateway::relay`) across a real two-node sockudo cluster joined by Redis.
//!
//! The chain under test, as in production:
//!
//! ```text
//!   league (demo gateway playing the stats API) ──HTTP trigger──▶ upstream sockudo
//!        (private-match.{id}, private-games)                           │
//!                                                        relay r1 / r2 (this binary, spawned here,
//!                                                        lease in Redis, one upstream socket each)
//!                                                                      │ HTTP batch to node A
//!                                    node A ◀── Redis adapter ──▶ node B ◀── the reader (here)
//!                                                                      (public match.{id})
//! ```
//!
//! `scripts/test.sh` starts the league, the upstream sockudo, Redis and both nodes, then runs
//! `cargo test -p courtside-gateway --test relay_cluster -- --test-threads=1` with
//! `COURTSIDE_RELAY_TEST=1` and the addresses below. Without `COURTSIDE_RELAY_TEST=1` every
//! test prints why it is skipped and passes, so a plain `cargo test --workspace` stays green.
//!
//! - `COURTSIDE_RELAY_TEST_STATS_API`, `…_STATS_TOKEN`: the league (`/demo/publish`, the read API)
//! - `COURTSIDE_RELAY_TEST_UPSTREAM_WS`, `…_UPSTREAM_KEY`: the stats API's sockudo and app key
//! - `COURTSIDE_RELAY_TEST_NODE_A`, `…_NODE_B`: the two cluster nodes' ports
//! - `COURTSIDE_RELAY_TEST_REDIS`: the Redis both nodes and the relays' lease share
//! - `PUSHER_APP_ID`, `PUSHER_APP_KEY`, `PUSHER_APP_SECRET`: the cluster's app (lib.sh exports
//!   them; the demo values are the default)
//!
//! Each test spawns its own relay processes (on free ports, logs in `target/run/`), killed with
//! SIGKILL by a drop guard whatever happens, and reads with a native subscriber on node B, never
//! on node A where the relays publish: what reaches it crossed the cluster through Redis. Each
//! test uses a fresh random match id, so the league's own simulated matches never interfere.
//! Every wait for something to happen polls it under a deadline. The only fixed waits are part
//! of a scenario (events paced 100 ms apart, 2 s more of events after a takeover) or prove an
//! absence (test 1: no extra copy arrives).
//!
//! The tests share one lease key in one Redis, so they must not overlap: a process-wide lock
//! serialises them even when `--test-threads=1` is forgotten.

use courtside::protocol::socket_url;
use courtside::store::{Applied, MatchState};
use courtside::wire::{self, EventReceived, MatchSnapshot, RelayStatus};
use courtside_gateway::config::Secret;
use courtside_gateway::pusher_client::{self, UpstreamEvent, UpstreamHandle, UpstreamSocket};
use serde_json::Value;
use std::fs::File;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The relay binary under test, built by cargo for this test target.
const GATEWAY_BIN: &str = env!("CARGO_BIN_EXE_courtside-gateway");
/// The page origin the relays allow (nothing listens there; it is only a name).
const ORIGIN: &str = "http://127.0.0.1:1";
/// From spawn to "publishing, upstream subscribed": start-up, the upstream handshake and
/// subscription, and up to one lease lifetime (3 s) left by a relay a previous test killed.
const READY_WITHIN: Duration = Duration::from_secs(20);
/// A message from the league to the reader on node B, through a healthy relay.
const DELIVERY_WITHIN: Duration = Duration::from_secs(10);
/// The takeover bound the product promises (lease TTL 3 s, standby polling every 0.5 s).
const TAKEOVER_BOUND: Duration = Duration::from_secs(5);
/// A relay reconnecting to the stats API after an outage: the engine's backoff (base 1.5 s,
/// doubling, full jitter, cap 30 s) may be one or two steps up by the time the proxy reopens.
const RECONNECT_WITHIN: Duration = Duration::from_secs(45);

// ------------------------------------------------------------------------------------------
// The topology, from the environment
// ------------------------------------------------------------------------------------------

/// Where `scripts/test.sh` put everything.
#[derive(Clone)]
struct Topology {
    stats_api: String,
    stats_token: String,
    /// `ws://HOST:PORT` of the stats API's sockudo.
    upstream_ws: String,
    upstream_key: String,
    node_a: u16,
    node_b: u16,
    redis: String,
    app_id: String,
    app_key: String,
    app_secret: String,
}

impl Topology {
    /// `None` (after saying so) unless `COURTSIDE_RELAY_TEST=1`; a missing or malformed
    /// variable when it is set is a failure that names the variable.
    fn from_env() -> Option<Topology> {
        if std::env::var("COURTSIDE_RELAY_TEST").as_deref() != Ok("1") {
            println!("skipped: set COURTSIDE_RELAY_TEST=1 (scripts/test.sh does)");
            return None;
        }
        let var = |name: &str| -> String {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| panic!("COURTSIDE_RELAY_TEST=1 but {name} is not set (scripts/test.sh sets it)"))
        };
        let port = |name: &str| -> u16 {
            let v = var(name);
            v.trim().parse().unwrap_or_else(|_| panic!("{name} must be a port number, not {v:?}"))
        };
        let or = |name: &str, default: &str| std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned());
        Some(Topology {
            stats_api: var("COURTSIDE_RELAY_TEST_STATS_API").trim_end_matches('/').to_owned(),
            stats_token: var("COURTSIDE_RELAY_TEST_STATS_TOKEN"),
            upstream_ws: var("COURTSIDE_RELAY_TEST_UPSTREAM_WS").trim_end_matches('/').to_owned(),
            upstream_key: var("COURTSIDE_RELAY_TEST_UPSTREAM_KEY"),
            node_a: port("COURTSIDE_RELAY_TEST_NODE_A"),
            node_b: port("COURTSIDE_RELAY_TEST_NODE_B"),
            redis: var("COURTSIDE_RELAY_TEST_REDIS"),
            app_id: or("PUSHER_APP_ID", "courtside-demo"),
            app_key: or("PUSHER_APP_KEY", "courtside-demo-key"),
            app_secret: or("PUSHER_APP_SECRET", "courtside-demo-secret"),
        })
    }

    /// `HOST:PORT` of the upstream sockudo (for the proxy of test 3).
    fn upstream_addr(&self) -> String {
        self.upstream_ws
            .strip_prefix("ws://")
            .unwrap_or_else(|| panic!("COURTSIDE_RELAY_TEST_UPSTREAM_WS must be ws://HOST:PORT, not {:?}", self.upstream_ws))
            .to_owned()
    }
}

/// Runs one test's body on a runtime of its own, one test at a time in this process (they
/// share the lease key and the cluster), or skips it without `COURTSIDE_RELAY_TEST=1`.
fn run<F, Fut>(body: F) -> TestResult
where
    F: FnOnce(Topology) -> Fut,
    Fut: Future<Output = TestResult>,
{
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(top) = Topology::from_env() else { return Ok(()) };
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(body(top))
}

/// A fresh match id, far above the league's own (which count up from 1).
fn fresh_match_id() -> u64 {
    500_000 + fastrand::u64(0..400_000)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("an HTTP client")
}

/// Polls `probe` every `every` until it yields a value; fails after `within`, naming `what`.
async fn poll<T, F, Fut>(what: &str, within: Duration, every: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {within:?} waiting for {what}");
        tokio::time::sleep(every).await;
    }
}

// ------------------------------------------------------------------------------------------
// The league: publishing upstream
// ------------------------------------------------------------------------------------------

/// `POST /demo/publish`: the league sets the match's score and publishes `event.received` on
/// `private-match.{id}` and `private-games` to the upstream sockudo before it answers. Returns
/// the payload exactly as published.
async fn publish_upstream(http: &reqwest::Client, top: &Topology, match_id: u64, home: u32, away: u32, kind: &str) -> EventReceived {
    let url = format!("{}/demo/publish", top.stats_api);
    let body = serde_json::json!({ "match_id": match_id, "home_score": home, "away_score": away, "kind": kind });
    let token = std::env::var("COURTSIDE_RELAY_TEST_DEMO_TOKEN").unwrap_or_default();
    let res = http.post(&url).bearer_auth(token).json(&body).send().await.unwrap_or_else(|e| panic!("POST {url} failed: {e}"));
    let status = res.status();
    let text = res.text().await.unwrap_or_else(|e| panic!("POST {url}: unreadable answer: {e}"));
    assert!(status.is_success(), "POST {url} answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {url}: the answer is not an event.received payload ({e}): {text}"))
}

// ------------------------------------------------------------------------------------------
// A relay process
// ------------------------------------------------------------------------------------------

/// A relay process; SIGKILLed when dropped (a failing test leaves nothing behind), and its log's
/// tail printed when that happens during a panic.
struct Relay {
    id: String,
    port: u16,
    /// `None` once killed.
    child: Mutex<Option<Child>>,
    log: PathBuf,
    http: reqwest::Client,
}

/// A port nothing listens on right now (bound, read, released).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("the bound address").port()
}

/// `target/run/`, next to the binary's profile directory.
fn run_dir() -> PathBuf {
    let dir = Path::new(GATEWAY_BIN)
        .parent()
        .and_then(Path::parent)
        .map(|target| target.join("run"))
        .unwrap_or_else(|| std::env::temp_dir().join("courtside-run"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

impl Relay {
    /// Spawn relay `id` for `test`, reading the stats API's socket at `upstream_socket`
    /// (`ws://HOST:PORT`), publishing to node A, its lease in the topology's Redis.
    fn spawn(top: &Topology, test: &str, id: &str, upstream_socket: &str) -> Relay {
        let port = free_port();
        let log = run_dir().join(format!("relay_cluster-{test}-{id}.log"));
        let out = File::create(&log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err = out.try_clone().expect("a second handle on the relay log");
        let mut cmd = Command::new(GATEWAY_BIN);
        // Nothing of the caller's own gateway settings may leak into the relay under test.
        for (name, _) in std::env::vars() {
            if ["COURTSIDE_", "STATS_API_", "PUSHER_"].iter().any(|p| name.starts_with(p)) {
                cmd.env_remove(name);
            }
        }
        cmd.env("COURTSIDE_MODE", "relay")
            .env("COURTSIDE_LISTEN", format!("127.0.0.1:{port}"))
            .env("STATS_API_URL", &top.stats_api)
            .env("STATS_API_TOKEN", &top.stats_token)
            .env("STATS_API_SOCKET", upstream_socket)
            .env("STATS_API_KEY", &top.upstream_key)
            .env("COURTSIDE_ALLOWED_ORIGINS", ORIGIN)
            .env("COURTSIDE_TOKEN_KEY", "relay-cluster-test-token-key-0123456789abcdef")
            .env("PUSHER_APP_ID", &top.app_id)
            .env("PUSHER_APP_KEY", &top.app_key)
            .env("PUSHER_APP_SECRET", &top.app_secret)
            .env("PUSHER_HTTP_URL", format!("http://127.0.0.1:{}", top.node_a))
            .env("COURTSIDE_REDIS_URL", &top.redis)
            .env("COURTSIDE_RELAY_ID", id)
            .env("COURTSIDE_LOG", "info")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {GATEWAY_BIN}: {e}"));
        Relay { id: id.to_owned(), port, child: Mutex::new(Some(child)), log, http: http() }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Fails the test if the process has exited (it is never meant to on its own).
    fn assert_running(&self) {
        if let Some(child) = self.child.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("relay {} exited by itself ({status}); log: {}", self.id, self.log.display());
            }
        }
    }

    /// `GET /healthz`, or `None` while it does not answer.
    async fn health(&self) -> Option<Health> {
        self.assert_running();
        let res = self.http.get(self.url("/healthz")).send().await.ok()?;
        let body: Value = res.json().await.ok()?;
        Some(Health(body))
    }

    /// Until `/healthz` says the upstream is subscribed (and, if `publishing`, that this relay
    /// holds the lease).
    async fn wait_ready(&self, publishing: bool) -> Health {
        let what = format!("relay {} to be ready (log: {})", self.id, self.log.display());
        poll(&what, READY_WITHIN, Duration::from_millis(100), move || async move {
            let h = self.health().await?;
            assert_eq!(h.0["mode"], "relay", "relay {}: /healthz {}", self.id, h.0);
            (h.upstream_connected() && (!publishing || h.publishing())).then_some(h)
        })
        .await
    }

    /// A widget token for [`ORIGIN`] (`POST /token`).
    async fn widget_token(&self) -> String {
        let url = self.url("/token");
        let res = self.http.post(&url).header("origin", ORIGIN).send().await.unwrap_or_else(|e| panic!("POST {url} failed: {e}"));
        let status = res.status();
        let body: Value = res.json().await.unwrap_or_else(|e| panic!("POST {url}: answer is not JSON: {e}"));
        assert!(status.is_success(), "POST {url} answered {status}: {body}");
        body["token"].as_str().unwrap_or_else(|| panic!("POST {url}: no token in {body}")).to_owned()
    }

    /// The relay's snapshot of a match (`GET /api/matches/{id}`), or `None` while it answers
    /// anything but 200 (it does not know the match yet).
    async fn snapshot(&self, token: &str, id: u64) -> Option<MatchSnapshot> {
        let url = self.url(&format!("/api/matches/{id}"));
        let res = self.http.get(&url).header("origin", ORIGIN).bearer_auth(token).send().await.ok()?;
        if res.status() != 200 {
            return None;
        }
        let text = res.text().await.ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {url}: not a snapshot ({e}): {text}")))
    }

    /// SIGKILL, and reap it.
    fn kill(&self) {
        let child = self.child.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(mut child) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!("---- relay {} log ({}), last lines:", self.id, self.log.display());
            if let Ok(f) = File::open(&self.log) {
                let lines: Vec<String> = BufReader::new(f).lines().map_while(Result::ok).collect();
                for line in &lines[lines.len().saturating_sub(30)..] {
                    eprintln!("  {line}");
                }
            }
        }
    }
}

/// A relay's `/healthz` body.
struct Health(Value);

impl Health {
    fn publishing(&self) -> bool {
        self.0["relay"]["publishing"] == true
    }
    fn upstream_connected(&self) -> bool {
        self.0["upstream"] == "connected"
    }
    fn upstream_lost(&self) -> bool {
        self.0["upstream"] == "lost"
    }
    fn replayed(&self) -> u64 {
        self.0["relay"]["replayed"].as_u64().unwrap_or(0)
    }
}

// ------------------------------------------------------------------------------------------
// The reader: a subscriber on node B
// ------------------------------------------------------------------------------------------

/// Everything the reader heard, in order.
#[derive(Default, Clone)]
struct ReaderLog {
    connections: u32,
    disconnections: u32,
    subscriptions: u32,
    /// `(event, data)` of every message on the reader's channel.
    messages: Vec<(String, String)>,
}

impl ReaderLog {
    /// Every `event.received`, decoded.
    fn events(&self) -> Vec<EventReceived> {
        self.messages
            .iter()
            .filter(|(name, _)| name == wire::EVENT_RECEIVED)
            .map(|(_, data)| serde_json::from_str(data).unwrap_or_else(|e| panic!("reader: undecodable event.received ({e}): {data}")))
            .collect()
    }

    /// Every `relay.status`, decoded.
    fn statuses(&self) -> Vec<RelayStatus> {
        self.messages
            .iter()
            .filter(|(name, _)| name == wire::RELAY_STATUS)
            .map(|(_, data)| serde_json::from_str(data).unwrap_or_else(|e| panic!("reader: undecodable relay.status ({e}): {data}")))
            .collect()
    }
}

/// A native Pusher subscriber on node B, on one public channel (no auth), recording what it
/// hears in the background.
struct Reader {
    channel: String,
    log: Arc<Mutex<ReaderLog>>,
    _handle: UpstreamHandle,
    _task: tokio::task::JoinHandle<()>,
}

impl Reader {
    /// Connect to node B and subscribe to `channel`; returns once subscribed.
    async fn subscribe(top: &Topology, channel: &str) -> Reader {
        let url = socket_url(false, "127.0.0.1", top.node_b, &top.app_key, "relay-cluster-test");
        // A public channel never asks for a signature: the auth URL is never called.
        let socket = UpstreamSocket::new(url, "http://127.0.0.1:1/unused", Secret(String::new()))
            .channel(channel)
            .connect_timeout(Duration::from_secs(5));
        let (tx, mut rx) = mpsc::channel(1024);
        let handle = pusher_client::spawn(socket, tx);
        let log = Arc::new(Mutex::new(ReaderLog::default()));
        let (mine, recorder) = (channel.to_owned(), log.clone());
        let task = tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                let mut log = recorder.lock().unwrap_or_else(|p| p.into_inner());
                match event {
                    UpstreamEvent::Connected { .. } => log.connections += 1,
                    UpstreamEvent::Disconnected | UpstreamEvent::Failed { .. } => log.disconnections += 1,
                    UpstreamEvent::Subscribed { channel } if channel == mine => log.subscriptions += 1,
                    UpstreamEvent::Message { channel, event, data } if channel == mine => log.messages.push((event, data)),
                    _ => {}
                }
            }
        });
        let reader = Reader { channel: channel.to_owned(), log, _handle: handle, _task: task };
        reader.wait(&format!("the reader to subscribe to {channel} on node B"), DELIVERY_WITHIN, |l| l.subscriptions >= 1).await;
        reader
    }

    fn log(&self) -> ReaderLog {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Until `done` holds for what was heard so far.
    async fn wait(&self, what: &str, within: Duration, done: impl Fn(&ReaderLog) -> bool) -> ReaderLog {
        poll(what, within, Duration::from_millis(20), || {
            let log = self.log();
            std::future::ready(done(&log).then_some(log))
        })
        .await
    }

    /// The reader's one socket to node B never dropped, and its channel was subscribed once.
    fn assert_never_dropped(&self) {
        let log = self.log();
        assert_eq!(
            (log.connections, log.disconnections, log.subscriptions),
            (1, 0, 1),
            "the reader on node B must keep its one connection and subscription to {} (connections, drops, subscriptions)",
            self.channel
        );
    }
}

// ------------------------------------------------------------------------------------------
// A TCP proxy that can lose the upstream on demand
// ------------------------------------------------------------------------------------------

/// Between a relay and the upstream sockudo. `cut()` closes every open connection and from
/// then on closes each new one as soon as it is accepted (the WebSocket handshake fails, as
/// with a refused connection); `restore()` forwards again.
struct Proxy {
    port: u16,
    open: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let port = listener.local_addr().expect("the proxy's address").port();
        let (open, open_rx) = watch::channel(true);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { continue };
                if !*open_rx.borrow() {
                    drop(inbound);
                    continue;
                }
                let mut cut = open_rx.clone();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.wait_for(|open| !*open) => {}
                    }
                    // Both sockets drop here: the relay sees its upstream connection close.
                });
            }
        });
        Proxy { port, open, task }
    }

    fn cut(&self) {
        self.open.send_replace(false);
    }

    fn restore(&self) {
        self.open.send_replace(true);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ------------------------------------------------------------------------------------------
// The tests
// ------------------------------------------------------------------------------------------

/// One relay publishing to node A, a reader on node B: five events published upstream for one
/// match arrive at the reader exactly once each, in order, with the payload as published.
#[test]
fn an_event_published_upstream_reaches_a_reader_on_the_other_node() -> TestResult {
    run(|top| async move {
        let http = http();
        let match_id = fresh_match_id();

        let r1 = Relay::spawn(&top, "delivery", "r1", &top.upstream_ws);
        r1.wait_ready(true).await;
        let reader = Reader::subscribe(&top, &wire::match_channel(wire::Access::Public, match_id)).await;

        // One event every 100 ms, as a busy scorer's feed, not back to back: sockudo 5.2's Redis
        // adapter hands each cross-node broadcast to a task of its own, so two messages published
        // within a millisecond or two of each other may swap on node B (measured: 0–1 swaps in 50
        // back-to-back calls, 2–9 in 50 events sent as 10-event batches). A swap here would be
        // the cluster's, not the relay's; test 2 is where bursts (the takeover replay) are judged.
        let mut pace = tokio::time::interval(Duration::from_millis(100));
        let mut published = Vec::new();
        let (mut home, mut away) = (0, 0);
        for i in 0..5 {
            pace.tick().await;
            let kind = if i % 2 == 0 { "2pt_made" } else { "3pt_made" };
            if i % 2 == 0 { home += 2 } else { away += 3 }
            published.push(publish_upstream(&http, &top, match_id, home, away, kind).await);
        }

        reader.wait("5 event.received on node B", DELIVERY_WITHIN, |l| l.events().len() >= 5).await;
        // Proving an absence: a doubled or late extra copy would arrive within this.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let log = reader.log();
        let received = log.events();
        let ids = |v: &[EventReceived]| v.iter().map(|e| (e.event.id, e.home_score, e.away_score)).collect::<Vec<_>>();
        assert_eq!(ids(&received), ids(&published), "(event id, home, away) received on node B vs published upstream");
        assert_eq!(received, published, "the payloads as published upstream, field for field");
        assert_eq!(log.messages.len(), 5, "nothing else on the match channel: {:?}", log.messages);
        reader.assert_never_dropped();
        println!("relay r1 → node A → node B: {} events, in order, once each", received.len());
        Ok(())
    })
}

/// Two relays on one lease; the publishing one is SIGKILLed while events flow every 100 ms.
/// The standby must publish within 5 s, and the reader on node B must get every event published
/// at least once (the standby replays its last 10 s), apply none twice (the reducer the widget
/// runs drops the replay's duplicates) and end on the newest score.
#[test]
fn the_standby_takes_over_within_five_seconds_and_readers_see_no_gap_and_no_duplicate() -> TestResult {
    run(|top| async move {
        let http = http();
        let match_id = fresh_match_id();

        let relays = [
            Relay::spawn(&top, "takeover", "r1", &top.upstream_ws),
            Relay::spawn(&top, "takeover", "r2", &top.upstream_ws),
        ];
        for r in &relays {
            r.wait_ready(false).await;
        }
        let relays = &relays;
        // Exactly one holds the lease (both mirrors warm, both subscribed upstream).
        let leader = poll("exactly one relay publishing", READY_WITHIN, Duration::from_millis(100), move || async move {
            let (a, b) = (relays[0].health().await?, relays[1].health().await?);
            match (a.publishing(), b.publishing()) {
                (true, false) => Some(0),
                (false, true) => Some(1),
                _ => None,
            }
        })
        .await;
        let standby = 1 - leader;
        let reader = Reader::subscribe(&top, &wire::match_channel(wire::Access::Public, match_id)).await;

        // Events every 100 ms, scores rising, until told to stop; the payloads as published.
        let (stop_tx, mut stop_rx) = watch::channel(false);
        let publisher = {
            let (http, top) = (http.clone(), top.clone());
            tokio::spawn(async move {
                let mut published: Vec<EventReceived> = Vec::new();
                let (mut home, mut away) = (0u32, 0u32);
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                for i in 0u32.. {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = stop_rx.wait_for(|stop| *stop) => break,
                    }
                    let kind = if i % 3 == 2 { "3pt_made" } else { "2pt_made" };
                    if i % 3 == 2 { away += 3 } else { home += 2 }
                    published.push(publish_upstream(&http, &top, match_id, home, away, kind).await);
                }
                published
            })
        };

        // The first relay is delivering before it dies.
        reader.wait("the first events through the leader", DELIVERY_WITHIN, |l| l.events().len() >= 5).await;
        relays[leader].kill();
        let killed = Instant::now();
        let took = poll("the standby to take the lease", TAKEOVER_BOUND * 3, Duration::from_millis(20), move || async move {
            relays[standby].health().await.filter(Health::publishing).map(|_| killed.elapsed())
        })
        .await;
        println!("takeover: relay {} publishing {:.2} s after relay {} was SIGKILLed", relays[standby].id, took.as_secs_f64(), relays[leader].id);
        assert!(took <= TAKEOVER_BOUND, "takeover took {took:?}, more than {TAKEOVER_BOUND:?}");

        // Keep going through the new leader, then stop.
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop_tx.send_replace(true);
        let published = publisher.await.expect("the publishing task");
        let last = published.last().expect("events were published").clone();
        let log = reader
            .wait("the last published event on node B", DELIVERY_WITHIN, |l| l.events().iter().any(|e| e.event.id == last.event.id))
            .await;

        // Apply what arrived the way a widget does.
        let received = log.events();
        let mut state = MatchState::new(match_id);
        let mut applied = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut raw_duplicates = 0;
        // Events whose first copy came after a newer event: the reducer drops them as old.
        let mut late = Vec::new();
        for e in &received {
            let first_copy = seen.insert(e.event.id);
            if !first_copy {
                raw_duplicates += 1;
            }
            let original = published.iter().find(|p| p.event.id == e.event.id);
            assert_eq!(Some(e), original, "every payload on node B is one published upstream, unchanged");
            match state.apply_event(e) {
                Applied::Changed => applied.push(e.event.id),
                Applied::Duplicate if first_copy => late.push(e.event.id),
                Applied::Duplicate => {}
                other => panic!("event {} applied as {other:?}", e.event.id),
            }
        }
        let standby_health = relays[standby].health().await.expect("the new leader's /healthz");
        println!(
            "published {}, received {} ({raw_duplicates} raw duplicates on the wire), applied {}, the new leader replayed {}",
            published.len(),
            received.len(),
            applied.len(),
            standby_health.replayed()
        );
        let published_ids: Vec<u64> = published.iter().map(|e| e.event.id).collect();
        let missing: Vec<u64> = published_ids.iter().copied().filter(|id| !seen.contains(id)).collect();
        assert!(missing.is_empty(), "events published upstream that never reached node B: {missing:?}");
        let arrival: Vec<u64> = received.iter().map(|e| e.event.id).collect();
        // Order across the cluster is not kept: the replay goes out as 10-event batch calls back
        // to back, and sockudo 5.2's Redis adapter delivers each cross-node broadcast in a task
        // of its own, so events published together may swap on node B (measured: 2–9 swaps in
        // 50 batched events). What a reader must get is every event at least once (above), none
        // applied twice, and the newest state: a late older event is superseded by a newer one,
        // which carries the absolute score, so the widget drops it and shows the truth.
        println!("late (superseded on arrival, dropped by the reducer): {late:?}; arrival order on node B: {arrival:?}");
        assert!(applied.windows(2).all(|w| w[0] < w[1]), "no event applied twice or backwards: {applied:?}");
        let last_id = published_ids.last().copied().unwrap_or(0);
        assert_eq!(applied.last().copied(), Some(last_id), "the newest event is applied (arrival order on node B: {arrival:?})");
        let accounted: std::collections::BTreeSet<u64> = applied.iter().chain(late.iter()).copied().collect();
        assert_eq!(accounted, published_ids.iter().copied().collect(), "each published event was applied or superseded, none lost");
        assert_eq!((state.home_score, state.away_score), (last.home_score, last.away_score), "the final score");
        reader.assert_never_dropped();
        Ok(())
    })
}

/// Readers are told when the relay loses the stats API and when it is back. A proxy between
/// the relay and the upstream sockudo drops every connection and refuses new ones: the reader
/// on node B (connected all along) gets `relay.status` `{"delayed":true}` on the match channel
/// and the relay's snapshot says `delayed`; once the proxy forwards again, `{"delayed":false}`
/// arrives, and events flow to the reader again.
#[test]
fn an_upstream_loss_is_announced_and_cleared() -> TestResult {
    run(|top| async move {
        let http = http();
        let match_id = fresh_match_id();

        let proxy = Proxy::start(top.upstream_addr()).await;
        let r1 = Relay::spawn(&top, "outage", "r1", &format!("ws://127.0.0.1:{}", proxy.port));
        r1.wait_ready(true).await;
        let token = r1.widget_token().await;
        let (r1, token) = (&r1, token.as_str());

        // One event, so that the relay knows the match (its snapshot has it).
        let first = publish_upstream(&http, &top, match_id, 2, 0, "2pt_made").await;
        poll("the relay's snapshot to have the first event", DELIVERY_WITHIN, Duration::from_millis(100), move || async move {
            let s = r1.snapshot(token, match_id).await?;
            (s.last_event.as_ref().map(|e| e.id) == Some(first.event.id)).then_some(())
        })
        .await;
        let reader = Reader::subscribe(&top, &wire::match_channel(wire::Access::Public, match_id)).await;

        // The stats API is lost.
        proxy.cut();
        let log = reader.wait("relay.status on node B after the upstream loss", DELIVERY_WITHIN, |l| !l.statuses().is_empty()).await;
        assert_eq!(log.statuses(), vec![RelayStatus { delayed: true }], "the first relay.status announces the loss");
        assert_eq!(log.messages.len(), 1, "only the announcement on the match channel: {:?}", log.messages);
        poll("the relay's snapshot to say delayed", DELIVERY_WITHIN, Duration::from_millis(100), move || async move {
            r1.snapshot(token, match_id).await.filter(|s| s.delayed)
        })
        .await;
        assert!(r1.health().await.is_some_and(|h| h.upstream_lost()), "/healthz says upstream lost");

        // The stats API is back.
        proxy.restore();
        let log = reader.wait("relay.status delayed:false on node B", RECONNECT_WITHIN, |l| l.statuses().len() >= 2).await;
        assert_eq!(log.statuses(), vec![RelayStatus { delayed: true }, RelayStatus { delayed: false }], "loss announced, then cleared, once each");

        // And events flow again.
        let after = publish_upstream(&http, &top, match_id, 2, 3, "3pt_made").await;
        let log = reader.wait("an event published after the recovery", DELIVERY_WITHIN, |l| !l.events().is_empty()).await;
        assert_eq!(log.events(), vec![after.clone()], "the event published after the recovery, as published");
        let s = poll("the relay's snapshot to be current again", DELIVERY_WITHIN, Duration::from_millis(100), move || async move {
            r1.snapshot(token, match_id).await.filter(|s| !s.delayed)
        })
        .await;
        assert_eq!((s.home_score, s.away_score), (after.home_score, after.away_score), "the snapshot's score after the recovery");
        reader.assert_never_dropped();
        Ok(())
    })
}
