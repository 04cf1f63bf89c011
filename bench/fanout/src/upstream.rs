//! What readers cost the stats API, across a restart of its sockudo (SIGKILL, then started again).
//!
//! - `upstream-direct`: R browser-like readers, each a widget on its own page: `POST /token` at a
//!   gateway in upstream mode, a snapshot (`GET /api/matches/{id}`), its own socket to the stats
//!   API's sockudo, `POST /auth` (the gateway forwards it with the Bearer token) for
//!   `private-match.{id}`, and a fresh snapshot after every (re)subscribe, as the widget does.
//!   Reconnects with the widget's backoff: full jitter in [0, 1.5 s], doubling up to 30 s.
//! - `upstream-relay`: the same readers on the site's nodes behind the relay (public
//!   `match.{id}`, snapshots from the relay's mirror).
//!
//! Upstream calls are counted where the stats API would see them: the league gateway's access
//! log (tower_http at debug level), not at the callers. Upstream sockets are the established TCP
//! connections on the stats sockudo's port (/proc/net/tcp).

use crate::fanout::{health, open, parse_nodes};
use crate::procs::{established_on, round1};
use crate::pusher;
use crate::{append_result, env, env_num};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// Calls the league (playing the stats API) answered, from its access log.
#[derive(Clone, Copy, Debug, Default)]
struct LeagueCalls {
    auth: u64,
    match_reads: u64,
    list_reads: u64,
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn league_calls(log: &str) -> LeagueCalls {
    let text = std::fs::read_to_string(log).unwrap_or_else(|e| panic!("{log}: {e}"));
    let mut c = LeagueCalls::default();
    for line in text.lines().filter(|l| l.contains("finished processing request")) {
        let line = strip_ansi(line);
        if line.contains("uri=/api/v1/broadcasting/auth") {
            c.auth += 1;
        } else if line.contains("uri=/api/v1/matches/") {
            c.match_reads += 1;
        } else if line.contains("uri=/api/v1/matches") {
            c.list_reads += 1;
        }
    }
    c
}

fn calls_delta(a: LeagueCalls, b: LeagueCalls) -> Value {
    json!({ "auth": b.auth - a.auth, "match_reads": b.match_reads - a.match_reads, "list_reads": b.list_reads - a.list_reads })
}

#[derive(Default)]
struct Counters {
    token_calls: AtomicU64,
    snapshot_calls: AtomicU64,
    snapshot_failures: AtomicU64,
    auth_calls: AtomicU64,
    auth_failures: AtomicU64,
    socket_attempts: AtomicU64,
    socket_failures: AtomicU64,
    subscriptions: AtomicU64,
    up: AtomicI64,
    delayed_true: AtomicU64,
    delayed_false: AtomicU64,
    probes_seen: AtomicU64,
}

impl Counters {
    fn json(&self) -> Value {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        json!({
            "token_calls": g(&self.token_calls), "snapshot_calls": g(&self.snapshot_calls), "snapshot_failures": g(&self.snapshot_failures),
            "auth_calls": g(&self.auth_calls), "auth_failures": g(&self.auth_failures),
            "socket_attempts": g(&self.socket_attempts), "socket_failures": g(&self.socket_failures),
            "subscriptions": g(&self.subscriptions),
            "relay_status_delayed_true": g(&self.delayed_true), "relay_status_delayed_false": g(&self.delayed_false),
        })
    }
}

fn sub(a: &Value, b: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        for (k, v) in b {
            if let (Some(x), Some(y)) = (a.get(k).and_then(Value::as_u64), v.as_u64()) {
                out.insert(k.clone(), json!(y.saturating_sub(x)));
            }
        }
    }
    Value::Object(out)
}

struct Reader {
    gateway: String,
    origin: String,
    /// Where the socket goes (host:port) and the app key there.
    addr: String,
    key: String,
    channel: String,
    match_id: u64,
    private: bool,
    probe: (u64, u64),
}

async fn token(http: &reqwest::Client, r: &Reader, c: &Counters) -> Option<String> {
    c.token_calls.fetch_add(1, Ordering::Relaxed);
    let res = http.post(format!("{}/token", r.gateway)).header("origin", &r.origin).send().await.ok()?;
    let v: Value = serde_json::from_str(&res.text().await.ok()?).ok()?;
    v["token"].as_str().map(str::to_owned)
}

async fn snapshot(http: &reqwest::Client, r: &Reader, token: &str, c: &Counters) {
    c.snapshot_calls.fetch_add(1, Ordering::Relaxed);
    let res = http
        .get(format!("{}/api/matches/{}", r.gateway, r.match_id))
        .header("origin", &r.origin)
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await;
    if !matches!(&res, Ok(a) if a.status().is_success()) {
        c.snapshot_failures.fetch_add(1, Ordering::Relaxed);
    }
}

async fn auth(http: &reqwest::Client, r: &Reader, token: &str, socket_id: &str, c: &Counters) -> Result<Option<String>, String> {
    if !r.private {
        return Ok(None);
    }
    c.auth_calls.fetch_add(1, Ordering::Relaxed);
    let res = http
        .post(format!("{}/auth", r.gateway))
        .header("origin", &r.origin)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("socket_id={socket_id}&channel_name={}", r.channel))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let v: Value = serde_json::from_str(&res.text().await.unwrap_or_default()).unwrap_or(Value::Null);
    match v["auth"].as_str() {
        Some(a) if status.is_success() => Ok(Some(a.to_owned())),
        _ => {
            c.auth_failures.fetch_add(1, Ordering::Relaxed);
            Err(format!("/auth answered {status}"))
        }
    }
}

/// One reader until `stop`: token, snapshot, socket, (auth,) subscribe, snapshot; again after
/// every loss, with the widget's backoff.
async fn reader(r: Reader, http: reqwest::Client, c: Arc<Counters>, mut stop: watch::Receiver<bool>) {
    let Some(token) = token(&http, &r, &c).await else {
        return;
    };
    snapshot(&http, &r, &token, &c).await;
    let mut attempt = 0u32;
    while !*stop.borrow() {
        c.socket_attempts.fetch_add(1, Ordering::Relaxed);
        let opened = tokio::time::timeout(Duration::from_secs(20), open(&r.addr, &r.key, &r.channel, async |sid: &str| auth(&http, &r, &token, sid, &c).await)).await;
        match opened {
            Ok(Ok((mut ws, _))) => {
                c.subscriptions.fetch_add(1, Ordering::Relaxed);
                c.up.fetch_add(1, Ordering::Relaxed);
                attempt = 0;
                snapshot(&http, &r, &token, &c).await;
                loop {
                    tokio::select! {
                        biased;
                        _ = stop.changed() => break,
                        msg = ws.next() => match msg {
                            Some(Ok(Message::Text(t))) => match pusher::frame(&t) {
                                Some((e, _, _)) if e == "pusher:ping" => { let _ = ws.send(Message::Text(pusher::PONG.into())).await; }
                                Some((e, _, Some(d))) if e == "relay.status" => {
                                    if d.contains("true") { c.delayed_true.fetch_add(1, Ordering::Relaxed); } else { c.delayed_false.fetch_add(1, Ordering::Relaxed); }
                                }
                                Some((e, _, Some(d))) if e == "event.received" => {
                                    let v: Value = serde_json::from_str(&d).unwrap_or(Value::Null);
                                    if v["match_id"].as_u64() == Some(r.match_id) && v["home_score"].as_u64() == Some(r.probe.0) && v["away_score"].as_u64() == Some(r.probe.1) {
                                        c.probes_seen.fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                                _ => {}
                            },
                            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                            Some(Ok(_)) => {}
                        },
                    }
                }
                c.up.fetch_sub(1, Ordering::Relaxed);
                if *stop.borrow() {
                    break;
                }
            }
            _ => {
                c.socket_failures.fetch_add(1, Ordering::Relaxed);
            }
        }
        let window = (1500u64 << attempt.min(5)).min(30_000);
        attempt += 1;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(fastrand::u64(0..=window))) => {}
            _ = stop.changed() => break,
        }
    }
}

async fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) -> Option<f64> {
    let t = Instant::now();
    while !f() {
        if t.elapsed() > timeout {
            println!("  {what}: not within {} s", timeout.as_secs());
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Some(t.elapsed().as_secs_f64())
}

async fn league_publish(http: &reqwest::Client, league: &str, id: u64, home: u64, away: u64) -> bool {
    let body = json!({ "match_id": id, "home_score": home, "away_score": away, "kind": "ft_made" }).to_string();
    matches!(http.post(format!("{league}/demo/publish")).bearer_auth(std::env::var("DEMO_TOKEN").unwrap_or_default()).header("content-type", "application/json").body(body).send().await, Ok(r) if r.status().is_success())
}

struct Setup {
    readers: usize,
    matches: u64,
    base: u64,
    league: String,
    log: String,
    restart: String,
    upstream_port: u16,
    http: reqwest::Client,
    probe: (u64, u64),
}

fn setup() -> Setup {
    Setup {
        readers: env_num("FANOUT_READERS", 200),
        matches: env_num("FANOUT_MATCHES", 10),
        base: env_num("FANOUT_MATCH_BASE", 9001),
        league: env("FANOUT_LEAGUE"),
        log: env("FANOUT_LEAGUE_LOG"),
        restart: env("FANOUT_RESTART"),
        upstream_port: env_num("FANOUT_UPSTREAM_PORT", 0),
        http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("http client"),
        probe: (100_000 + fastrand::u64(..100_000), 1 + fastrand::u64(..998)),
    }
}

async fn restart(cmd: &str) -> f64 {
    let t = Instant::now();
    let status = tokio::process::Command::new("bash").arg("-c").arg(cmd).stdout(std::process::Stdio::null()).status().await;
    assert!(matches!(status, Ok(s) if s.success()), "the restart command failed");
    t.elapsed().as_secs_f64()
}

/// Joins R readers, restarts the stats API's sockudo, and reports what each phase cost upstream.
async fn measure(kind: &str, s: Setup, make: impl Fn(usize) -> Reader, relay: Option<String>) {
    println!("[{kind}] {} readers over {} matches; the stats API's sockudo is restarted once", s.readers, s.matches);
    for k in 0..s.matches {
        league_publish(&s.http, &s.league, s.base + k, 1, 0).await;
    }
    let c = Arc::new(Counters::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let calls0 = league_calls(&s.log);
    let sockets0 = established_on(s.upstream_port);
    let t_join = Instant::now();
    for i in 0..s.readers {
        tokio::spawn(reader(make(i), s.http.clone(), c.clone(), stop_rx.clone()));
        // Pages open over a second or two, not all in the same millisecond.
        if i % 20 == 19 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let joined = wait_until("all readers subscribed", Duration::from_secs(60), || c.up.load(Ordering::Relaxed) as usize == s.readers).await;
    let join_s = t_join.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let calls1 = league_calls(&s.log);
    let sockets1 = established_on(s.upstream_port);
    let readers1 = c.json();
    let relay1 = match &relay {
        Some(u) => health(&s.http, u).await,
        None => Value::Null,
    };
    println!(
        "  joined in {join_s:.1} s ({}): upstream sockets {sockets0} → {sockets1}; league calls {}",
        if joined.is_some() { "all" } else { "NOT all" },
        calls_delta(calls0, calls1)
    );

    // The restart.
    let t_restart = Instant::now();
    let back_s = restart(&s.restart).await;
    let (all_back_s, relay_lost_seen, relay_back_s) = match &relay {
        None => {
            // Readers lose their sockets; wait for every one to be subscribed again.
            let _ = wait_until("readers see the loss", Duration::from_secs(10), || (c.up.load(Ordering::Relaxed) as usize) < s.readers).await;
            let back = wait_until("all readers resubscribed", Duration::from_secs(90), || c.up.load(Ordering::Relaxed) as usize == s.readers).await;
            (back.map(|_| t_restart.elapsed().as_secs_f64()), false, None)
        }
        Some(u) => {
            // The relay reconnects; readers stay. Then a probe per match must reach every reader.
            let mut lost_seen = false;
            let mut relay_back = None;
            let t = Instant::now();
            loop {
                let h = health(&s.http, u).await;
                match h["upstream"].as_str() {
                    Some("lost") => lost_seen = true,
                    Some("connected") if lost_seen || t.elapsed() > Duration::from_secs(5) => {
                        relay_back = Some(t_restart.elapsed().as_secs_f64());
                        break;
                    }
                    _ => {}
                }
                if t.elapsed() > Duration::from_secs(60) {
                    println!("  the relay did not report its upstream back within 60 s");
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            for k in 0..s.matches {
                league_publish(&s.http, &s.league, s.base + k, s.probe.0, s.probe.1).await;
            }
            let back = wait_until("every reader has the probe", Duration::from_secs(30), || c.probes_seen.load(Ordering::Relaxed) as usize >= s.readers).await;
            (back.map(|_| t_restart.elapsed().as_secs_f64()), lost_seen, relay_back)
        }
    };
    tokio::time::sleep(Duration::from_secs(3)).await;
    let calls2 = league_calls(&s.log);
    let sockets2 = established_on(s.upstream_port);
    let readers2 = c.json();
    let relay2 = match &relay {
        Some(u) => health(&s.http, u).await,
        None => Value::Null,
    };
    let _ = stop_tx.send(true);
    println!(
        "  restart: server back in {back_s:.1} s, relay reconnected after {} s, readers current after {} s; upstream sockets {sockets2}; league calls {}; readers {}",
        relay_back_s.map_or("—".into(), |v| format!("{v:.1}")),
        all_back_s.map_or("—".into(), |v| format!("{v:.1}")),
        calls_delta(calls1, calls2),
        sub(&readers1, &readers2)
    );
    let out = json!({
        "kind": kind,
        "readers": s.readers,
        "matches": s.matches,
        "join": {
            "all_subscribed": joined.is_some(),
            "seconds": round1(join_s),
            "upstream_sockets_before": sockets0,
            "upstream_sockets": sockets1,
            "league_calls": calls_delta(calls0, calls1),
            "reader_side": readers1,
        },
        "restart": {
            "server_back_s": round1(back_s),
            "readers_current_after_s": all_back_s.map(round1),
            "relay_reported_upstream_lost": relay_lost_seen,
            "relay_upstream_back_s": relay_back_s.map(round1),
            "upstream_sockets_after": sockets2,
            "league_calls": calls_delta(calls1, calls2),
            "reader_side": sub(&readers1, &readers2),
        },
        "relay_health_before": relay1,
        "relay_health_after": relay2,
    });
    append_result(&out);
}

pub async fn direct() {
    let s = setup();
    let gateway = env("FANOUT_GATEWAY");
    let origin = env("FANOUT_ORIGIN");
    let addr = env("FANOUT_UPSTREAM_WS");
    let key = env("FANOUT_UPSTREAM_KEY");
    let (m, base, probe) = (s.matches, s.base, s.probe);
    let make = move |i: usize| {
        let id = base + i as u64 % m;
        Reader {
            gateway: gateway.clone(),
            origin: origin.clone(),
            addr: addr.clone(),
            key: key.clone(),
            channel: format!("private-match.{id}"),
            match_id: id,
            private: true,
            probe,
        }
    };
    measure("upstream-direct", s, make, None).await;
}

pub async fn relay() {
    let s = setup();
    let relay = env("FANOUT_RELAY");
    let origin = env("FANOUT_ORIGIN");
    let nodes = parse_nodes(&env("FANOUT_NODES"));
    let key = env("FANOUT_KEY");
    let (m, base, probe) = (s.matches, s.base, s.probe);
    let gateway = relay.clone();
    let make = move |i: usize| {
        let id = base + i as u64 % m;
        Reader {
            gateway: gateway.clone(),
            origin: origin.clone(),
            addr: nodes[i % nodes.len()].1.clone(),
            key: key.clone(),
            channel: format!("match.{id}"),
            match_id: id,
            private: false,
            probe,
        }
    };
    measure("upstream-relay", s, make, Some(relay)).await;
}
