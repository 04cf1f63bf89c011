//! `FANOUT_MODE=fanout`: N subscribers on public match channels over the given nodes, then
//! E events per second per match for T seconds, every message counted per subscriber.
//!
//! Where the clock starts:
//! - `relay`: just before the generator calls the league's `POST /demo/publish`. The league
//!   publishes to the stats API's sockudo, the relay receives it on its one upstream socket and
//!   republishes the payload unchanged to node A (`batch_events`), node A delivers to its own
//!   subscribers and passes it to node B through Redis. The payload has no field for a send time
//!   (`event_at` has whole seconds only), so the generator keys each publish by (match,
//!   `home_score` = sequence number, `away_score` = this run's nonce) and notes the time before
//!   the call: this is the end-to-end latency, league included.
//! - `direct`: just before the generator's `POST /apps/{id}/batch_events` to node A, the time
//!   written into the data (`t_us`): HTTP API → sockudo → (Redis → other node) → subscriber.
//!   Same shape as the relay's republishing: one batch with `match.{k}` and `games`.

use crate::procs::{self, round1, round3, Sampler};
use crate::pusher::{self, HttpApi};
use crate::{append_result, env, env_num, env_or, now_us, percentile, secs};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Source {
    Relay,
    Direct,
}

pub const TICK: &str = "bench.tick";

struct Shared {
    source: Source,
    base: u64,
    max_seq: usize,
    nonce: u64,
    /// Per (match, seq): the send time in µs + 1 (0: not sent yet).
    send_at: Vec<AtomicU64>,
    /// Per (match, seq): the publish call succeeded.
    ok: Vec<AtomicBool>,
    /// Distinct deliveries so far, all subscribers.
    received: AtomicU64,
}

impl Shared {
    fn idx(&self, m: usize, seq: usize) -> usize {
        m * (self.max_seq + 1) + seq
    }
}

#[derive(Default)]
struct SubResult {
    node: usize,
    match_idx: usize,
    subscribed: bool,
    error: Option<String>,
    seen: Vec<u64>,
    distinct: u32,
    dups: u32,
    foreign: u32,
    other: u32,
    unmatched: u32,
    lat_us: Vec<u32>,
    dropped: bool,
}

impl SubResult {
    fn record(&mut self, sh: &Shared, seq: u64, sent_us: Option<u64>, at_us: u64) {
        let seq = seq as usize;
        if seq == 0 || seq > sh.max_seq {
            self.foreign += 1;
            return;
        }
        let (w, b) = (seq / 64, 1u64 << (seq % 64));
        if self.seen[w] & b != 0 {
            self.dups += 1;
            return;
        }
        self.seen[w] |= b;
        self.distinct += 1;
        sh.received.fetch_add(1, Ordering::Relaxed);
        let sent = sent_us.or_else(|| match sh.send_at[sh.idx(self.match_idx, seq)].load(Ordering::Acquire) {
            0 => None,
            t => Some(t - 1),
        });
        match sent {
            Some(t) => self.lat_us.push(at_us.saturating_sub(t).min(u32::MAX as u64) as u32),
            None => self.unmatched += 1,
        }
    }

    /// A text frame; `Some(reply)` when one is due (ping).
    fn on_text(&mut self, sh: &Shared, text: &str, at_us: u64) -> Option<&'static str> {
        let Some((event, _channel, data)) = pusher::frame(text) else {
            self.other += 1;
            return None;
        };
        let want = sh.base + self.match_idx as u64;
        match (event.as_str(), sh.source) {
            ("pusher:ping", _) => return Some(pusher::PONG),
            ("event.received", Source::Relay) => {
                let d: Value = data.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or(Value::Null);
                let (m, home, away) = (d["match_id"].as_u64(), d["home_score"].as_u64(), d["away_score"].as_u64());
                match (m, home, away) {
                    (Some(m), Some(seq), Some(n)) if m == want && n == sh.nonce => self.record(sh, seq, None, at_us),
                    _ => self.foreign += 1,
                }
            }
            (TICK, Source::Direct) => {
                let d: Value = data.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or(Value::Null);
                match (d["match_id"].as_u64(), d["seq"].as_u64(), d["nonce"].as_u64(), d["t_us"].as_u64()) {
                    (Some(m), Some(seq), Some(n), Some(t)) if m == want && n == sh.nonce => self.record(sh, seq, Some(t), at_us),
                    _ => self.foreign += 1,
                }
            }
            _ => self.other += 1,
        }
        None
    }
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(16 * 1024).write_buffer_size(0)
}

/// Connects, waits for `connection_established`, subscribes to `channel` (with `auth` for a
/// private one) and waits for the confirmation. Returns the socket and its socket id.
pub async fn open(addr: &str, key: &str, channel: &str, auth: impl AsyncFnOnce(&str) -> Result<Option<String>, String>) -> Result<(Ws, String), String> {
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(pusher::socket_url(addr, key), Some(ws_config()), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let socket_id = loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => match pusher::frame(&t) {
                Some((e, _, Some(d))) if e == "pusher:connection_established" => {
                    let v: Value = serde_json::from_str(&d).unwrap_or(Value::Null);
                    break v["socket_id"].as_str().unwrap_or_default().to_owned();
                }
                Some((e, _, d)) if e == "pusher:error" => return Err(format!("pusher:error {}", d.unwrap_or_default())),
                _ => {}
            },
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("before established: {e}")),
            None => return Err("closed before established".into()),
        }
    };
    let auth = auth(&socket_id).await?;
    ws.send(Message::Text(pusher::subscribe(channel, auth.as_deref()).into())).await.map_err(|e| format!("subscribe: {e}"))?;
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => match pusher::frame(&t) {
                Some((e, Some(c), _)) if e == "pusher_internal:subscription_succeeded" && c == channel => break,
                Some((e, _, d)) if e == "pusher:error" || e == "pusher:subscription_error" => {
                    return Err(format!("{e} {}", d.unwrap_or_default()))
                }
                Some((e, _, _)) if e == "pusher:ping" => {
                    let _ = ws.send(Message::Text(pusher::PONG.into())).await;
                }
                _ => {}
            },
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("before subscribed: {e}")),
            None => return Err("closed before subscribed".into()),
        }
    }
    Ok((ws, socket_id))
}

#[allow(clippy::too_many_arguments)]
async fn subscriber(
    node: usize,
    match_idx: usize,
    addr: Arc<str>,
    key: Arc<str>,
    sh: Arc<Shared>,
    ready: mpsc::UnboundedSender<bool>,
    mut stop: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
) -> SubResult {
    let mut r = SubResult { node, match_idx, seen: vec![0; sh.max_seq / 64 + 1], ..SubResult::default() };
    let channel = format!("match.{}", sh.base + match_idx as u64);
    let opened = tokio::time::timeout(Duration::from_secs(30), open(&addr, &key, &channel, async |_: &str| Ok(None))).await;
    drop(permit);
    let mut ws = match opened {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => {
            r.error = Some(e);
            let _ = ready.send(false);
            return r;
        }
        Err(_) => {
            r.error = Some("no subscription within 30 s".into());
            let _ = ready.send(false);
            return r;
        }
    };
    r.subscribed = true;
    let _ = ready.send(true);
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(t))) => {
                    let at = now_us();
                    if let Some(reply) = r.on_text(&sh, &t, at) {
                        let _ = ws.send(Message::Text(reply.into())).await;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                    r.dropped = true;
                    break;
                }
                Some(Ok(_)) => {}
            },
        }
    }
    r
}

/// `name=host:port,…`
pub fn parse_nodes(s: &str) -> Vec<(String, String)> {
    s.split(',').filter_map(|p| p.split_once('=')).map(|(n, a)| (n.trim().to_owned(), a.trim().to_owned())).collect()
}

pub fn port_of(addr: &str) -> u16 {
    addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0)
}

fn lat_summary(mut v: Vec<f64>) -> Value {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    json!({
        "count": v.len(),
        "p50_ms": round3(percentile(&v, 0.5)),
        "p99_ms": round3(percentile(&v, 0.99)),
        "max_ms": round3(v.last().copied().unwrap_or(f64::NAN)),
    })
}

pub async fn health(http: &reqwest::Client, url: &str) -> Value {
    match http.get(format!("{url}/healthz")).send().await {
        Ok(r) => r.text().await.ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

pub async fn run() {
    let label = env_or("FANOUT_LABEL", "fanout");
    let round: u64 = env_num("FANOUT_ROUND", 1);
    let source = match env_or("FANOUT_SOURCE", "relay").as_str() {
        "relay" => Source::Relay,
        "direct" => Source::Direct,
        other => panic!("FANOUT_SOURCE {other:?}: relay or direct"),
    };
    let nodes = parse_nodes(&env("FANOUT_NODES"));
    assert!(!nodes.is_empty(), "FANOUT_NODES is empty");
    let key: Arc<str> = env("FANOUT_KEY").into();
    let n: usize = env_num("FANOUT_SUBSCRIBERS", 10_000);
    let matches: usize = env_num("FANOUT_MATCHES", 50);
    let base: u64 = env_num("FANOUT_MATCH_BASE", 9001);
    let rate: f64 = env_num("FANOUT_RATE", 1.0);
    let seconds: f64 = env_num("FANOUT_SECONDS", 60.0);
    let settle: f64 = env_num("FANOUT_SETTLE_S", 5.0);
    let drain: f64 = env_num("FANOUT_DRAIN_S", 10.0);
    let connect_timeout: f64 = env_num("FANOUT_CONNECT_TIMEOUT_S", 90.0);
    let parallel: usize = env_num("FANOUT_CONNECT_PARALLEL", 200);
    let in_flight: usize = env_num("FANOUT_PUBLISH_IN_FLIGHT", 64);
    let total = (rate * matches as f64 * seconds).round() as usize;
    let max_seq = total.div_ceil(matches).max(1);
    let nonce = 1 + fastrand::u64(..998);
    let slots = matches * (max_seq + 1);
    let sh = Arc::new(Shared {
        source,
        base,
        max_seq,
        nonce,
        send_at: (0..slots).map(|_| AtomicU64::new(0)).collect(),
        ok: (0..slots).map(|_| AtomicBool::new(false)).collect(),
        received: AtomicU64::new(0),
    });
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).pool_max_idle_per_host(in_flight).build().expect("http client");
    let relay_url = std::env::var("FANOUT_RELAY").ok().filter(|s| !s.is_empty());
    let league = env_or("FANOUT_LEAGUE", "");
    let api = HttpApi {
        http: http.clone(),
        base: env_or("FANOUT_PUBLISH_URL", ""),
        id: env_or("FANOUT_APP_ID", ""),
        key: key.to_string(),
        secret: env_or("FANOUT_APP_SECRET", ""),
    };
    match source {
        Source::Relay => assert!(!league.is_empty(), "FANOUT_LEAGUE is required for FANOUT_SOURCE=relay"),
        Source::Direct => assert!(!api.base.is_empty() && !api.id.is_empty(), "FANOUT_PUBLISH_URL and FANOUT_APP_ID/_SECRET are required for direct"),
    }
    let sampler = Sampler::start(procs::parse_pids(&env_or("FANOUT_PIDS", "")));
    println!(
        "[{label} {source:?} round {round}] {n} subscribers over {} node(s), {matches} matches, {rate}/s/match for {seconds} s ({total} events)",
        nodes.len()
    );

    // 1. Subscribers.
    let redis_addr = env_or("FANOUT_REDIS", "");
    let redis = async || if redis_addr.is_empty() { None } else { procs::redis_info(&redis_addr).await };
    let redis0 = redis().await;
    let baseline = sampler.mark();
    let t_connect = Instant::now();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = watch::channel(false);
    let gate = Arc::new(Semaphore::new(parallel));
    let addrs: Vec<Arc<str>> = nodes.iter().map(|(_, a)| Arc::from(a.as_str())).collect();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let permit = gate.clone().acquire_owned().await.expect("semaphore");
        let node = i % nodes.len();
        let match_idx = (i / nodes.len()) % matches;
        handles.push(tokio::spawn(subscriber(node, match_idx, addrs[node].clone(), key.clone(), sh.clone(), ready_tx.clone(), stop_rx.clone(), permit)));
    }
    let (mut ok, mut failed) = (0usize, 0usize);
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(connect_timeout);
    let mut last_print = Instant::now();
    while ok + failed < n {
        match tokio::time::timeout_at(deadline, ready_rx.recv()).await {
            Ok(Some(true)) => ok += 1,
            Ok(Some(false)) => failed += 1,
            _ => break,
        }
        if last_print.elapsed() > Duration::from_secs(5) {
            println!("  … {ok} subscribed, {failed} failed ({:.0} s)", t_connect.elapsed().as_secs_f64());
            last_print = Instant::now();
        }
    }
    let connect_s = t_connect.elapsed().as_secs_f64();
    let sockets: Vec<usize> = nodes.iter().map(|(_, a)| procs::established_on(port_of(a))).collect();
    println!("  {ok} subscribed, {failed} failed in {connect_s:.1} s; sockets per node {sockets:?}");
    let connected = sampler.mark();
    let redis1 = redis().await;
    tokio::time::sleep(Duration::from_secs_f64(settle)).await;
    let settled = sampler.mark();
    let redis2 = redis().await;

    // 2. Publishing.
    let relay_before = match &relay_url {
        Some(u) => health(&http, u).await,
        None => Value::Null,
    };
    let failures = Arc::new(AtomicU64::new(0));
    let first_error: Arc<Mutex<Option<String>>> = Arc::default();
    let call_ms: Arc<Mutex<Vec<f64>>> = Arc::default();
    let flight = Arc::new(Semaphore::new(in_flight));
    let period = Duration::from_secs_f64(1.0 / (rate * matches as f64));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let pad = "x".repeat(env_num("FANOUT_PAD", 220));
    let t_pub = Instant::now();
    for j in 0..total {
        tick.tick().await;
        let (m, seq) = (j % matches, j / matches + 1);
        let permit = flight.clone().acquire_owned().await.expect("semaphore");
        let (sh, http, api, league, failures, first_error, call_ms, pad) =
            (sh.clone(), http.clone(), api.clone(), league.clone(), failures.clone(), first_error.clone(), call_ms.clone(), pad.clone());
        tokio::spawn(async move {
            let id = sh.base + m as u64;
            let t = now_us();
            sh.send_at[sh.idx(m, seq)].store(t + 1, Ordering::Release);
            let result = match sh.source {
                Source::Relay => {
                    let body = json!({ "match_id": id, "home_score": seq, "away_score": sh.nonce, "kind": "2pt_made" }).to_string();
                    match http.post(format!("{league}/demo/publish")).bearer_auth(std::env::var("DEMO_TOKEN").unwrap_or_default()).header("content-type", "application/json").body(body).send().await {
                        Ok(r) if r.status().is_success() => Ok(()),
                        Ok(r) => Err(format!("/demo/publish answered {}", r.status())),
                        Err(e) => Err(e.to_string()),
                    }
                }
                Source::Direct => {
                    let data = json!({ "match_id": id, "seq": seq, "nonce": sh.nonce, "t_us": t, "pad": pad }).to_string();
                    let channel = format!("match.{id}");
                    api.batch(&[(&channel, TICK, &data), ("games", TICK, &data)]).await
                }
            };
            call_ms.lock().unwrap_or_else(|e| e.into_inner()).push((now_us() - t) as f64 / 1000.0);
            match result {
                Ok(()) => sh.ok[sh.idx(m, seq)].store(true, Ordering::Release),
                Err(e) => {
                    failures.fetch_add(1, Ordering::Relaxed);
                    first_error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                }
            }
            drop(permit);
        });
    }
    // Every publish answered (or timed out).
    let _all = flight.acquire_many(in_flight as u32).await.expect("semaphore");
    let publish_s = t_pub.elapsed().as_secs_f64();
    let published = sampler.mark();
    let redis3 = redis().await;

    // 3. Drain: until every subscriber has every published message, or the drain time passes.
    let ok_per_match: Vec<u64> =
        (0..matches).map(|m| (1..=max_seq).filter(|&s| sh.ok[sh.idx(m, s)].load(Ordering::Acquire)).count() as u64).collect();
    let mut subs_per_match = vec![0u64; matches];
    for i in 0..n {
        subs_per_match[(i / nodes.len()) % matches] += 1;
    }
    // An upper bound (failed subscribers included); the exact count comes from the results.
    let target: u64 = (0..matches).map(|m| ok_per_match[m] * subs_per_match[m]).sum();
    let t_drain = Instant::now();
    while sh.received.load(Ordering::Relaxed) < target && t_drain.elapsed().as_secs_f64() < drain {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let drained_s = t_drain.elapsed().as_secs_f64();
    let drained = sampler.mark();
    let relay_after = match &relay_url {
        Some(u) => health(&http, u).await,
        None => Value::Null,
    };
    let redis_stop = redis().await;
    let _ = stop_tx.send(true);
    let mut results = Vec::with_capacity(n);
    for h in handles {
        if let Ok(Ok(r)) = tokio::time::timeout(Duration::from_secs(20), h).await {
            results.push(r);
        }
    }
    // Every socket is closed now (dropped with its task); what the nodes do about it.
    let redis_end = if redis_addr.is_empty() {
        None
    } else {
        tokio::time::sleep(Duration::from_secs(4)).await;
        redis().await
    };

    // 4. Counting.
    let (mut expected, mut lost, mut received, mut dups, mut foreign, mut other, mut unmatched, mut dropped) = (0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let mut subs_with_loss = 0u64;
    let mut errors: Vec<String> = vec![];
    let mut lat_all: Vec<f64> = vec![];
    let mut lat_node: Vec<Vec<f64>> = vec![vec![]; nodes.len()];
    let mut min_received = u64::MAX;
    for r in &results {
        if !r.subscribed {
            if errors.len() < 5 {
                errors.extend(r.error.clone());
            }
            continue;
        }
        let mut sub_lost = 0u64;
        for s in 1..=max_seq {
            if sh.ok[sh.idx(r.match_idx, s)].load(Ordering::Acquire) {
                expected += 1;
                if r.seen[s / 64] & (1 << (s % 64)) == 0 {
                    sub_lost += 1;
                }
            }
        }
        lost += sub_lost;
        subs_with_loss += u64::from(sub_lost > 0);
        received += u64::from(r.distinct);
        min_received = min_received.min(u64::from(r.distinct));
        dups += u64::from(r.dups);
        foreign += u64::from(r.foreign);
        other += u64::from(r.other);
        unmatched += u64::from(r.unmatched);
        dropped += u64::from(r.dropped);
        for &l in &r.lat_us {
            let ms = l as f64 / 1000.0;
            lat_all.push(ms);
            lat_node[r.node].push(ms);
        }
    }
    let mut calls = call_ms.lock().unwrap_or_else(|e| e.into_inner()).clone();
    calls.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));

    let idle_w = sampler.window(&connected, &settled);
    let pub_w = sampler.window(&settled, &published);
    let mut processes = serde_json::Map::new();
    for (i, p) in sampler.procs.iter().enumerate() {
        let node_idx = nodes.iter().position(|(name, _)| *name == p.name);
        let socks = node_idx.map(|k| sockets[k]);
        let grown = procs::rss_mb(&connected, i) - procs::rss_mb(&baseline, i);
        processes.insert(
            p.name.clone(),
            json!({
                "pid": p.pid,
                "sockets": socks,
                "rss_before_connect_mb": round1(procs::rss_mb(&baseline, i)),
                "rss_connected_mb": round1(procs::rss_mb(&connected, i)),
                "rss_end_mb": round1(procs::rss_mb(&drained, i)),
                "rss_max_mb": round1(pub_w[i].2.max(idle_w[i].2)),
                "rss_per_socket_kb": socks.filter(|&s| s > 0).map(|s| round1(grown * 1024.0 / s as f64)),
                "cpu_idle_pct": round1(idle_w[i].0),
                "cpu_publish_pct": round1(pub_w[i].0),
                "cpu_publish_max_1s_pct": round1(pub_w[i].1),
            }),
        );
    }
    let delta = |k: &str| match (relay_before["relay"][k].as_u64(), relay_after["relay"][k].as_u64()) {
        (Some(a), Some(b)) => json!(b - a),
        _ => Value::Null,
    };
    let lat_by_node: serde_json::Map<String, Value> = nodes.iter().zip(lat_node).map(|((name, _), v)| (name.clone(), lat_summary(v))).collect();
    let published_ok: u64 = ok_per_match.iter().sum();
    let out = json!({
        "kind": "fanout",
        "label": label,
        "source": format!("{source:?}").to_lowercase(),
        "latency_clock": match source {
            Source::Relay => "league POST /demo/publish called → subscriber (league → stats sockudo → relay → node A → Redis → node B)",
            Source::Direct => "POST batch_events to node A called → subscriber (node A → Redis → node B)",
        },
        "round": round,
        "subscribers_target": n,
        "subscribers_connected": ok,
        "subscribe_failures": failed,
        "subscribe_errors": errors,
        "connect_s": round1(connect_s),
        "nodes": nodes.iter().map(|(n, a)| json!({ "name": n, "addr": a })).collect::<Vec<_>>(),
        "sockets_per_node": sockets,
        "matches": matches,
        "rate_per_match_per_s": rate,
        "seconds": seconds,
        "publish_s": round1(publish_s),
        "events_planned": total,
        "events_published": published_ok,
        "publish_failures": failures.load(Ordering::Relaxed),
        "publish_first_error": first_error.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        "publish_call_ms": { "p50": round3(percentile(&calls, 0.5)), "p99": round3(percentile(&calls, 0.99)), "max": round3(calls.last().copied().unwrap_or(f64::NAN)) },
        "expected": expected,
        "received": received,
        "lost": lost,
        "subscribers_with_loss": subs_with_loss,
        "min_received_per_subscriber": if min_received == u64::MAX { Value::Null } else { json!(min_received) },
        "duplicates": dups,
        "foreign": foreign,
        "other_messages": other,
        "unmatched_latency": unmatched,
        "dropped_during_run": dropped,
        "drain_s": round1(drained_s),
        "latency": lat_summary(lat_all),
        "latency_by_node": lat_by_node,
        "processes": processes,
        "relay_published_delta": delta("published"),
        "relay_publish_failures_delta": delta("publish_failures"),
        "redis": {
            "connect": procs::redis_delta(&redis0, &redis1),
            "idle": procs::redis_delta(&redis1, &redis2),
            "publish": procs::redis_delta(&redis2, &redis3),
            "disconnect": procs::redis_delta(&redis_stop, &redis_end),
            "note": "connect: before the first subscriber → all subscribed (includes what a previous run's disconnects still cause); disconnect: all sockets closed, 4 s",
        },
        "machine_cpu_pct": {
            "idle_window": round1(procs::machine_pct(&connected, &settled)),
            "publish_window": round1(procs::machine_pct(&settled, &published)),
            "publish_window_measured_processes": round1(pub_w.iter().map(|w| w.0).filter(|x| !x.is_nan()).sum()),
            "note": "% of one core, all cores; the difference is other work on the shared machine",
        },
        "window_s": { "idle": round1(settled.t - connected.t), "publish": round1(published.t - settled.t) },
        "finished_at_s": round1(secs()),
    });
    println!(
        "  published {published_ok}/{total} ({} failed); expected {expected}, received {received}, lost {lost}, dups {dups}, dropped {dropped}; latency p50 {} p99 {} max {} ms",
        failures.load(Ordering::Relaxed),
        out["latency"]["p50_ms"],
        out["latency"]["p99_ms"],
        out["latency"]["max_ms"]
    );
    for (name, p) in &processes {
        println!(
            "  {name:<16} cpu idle {:>6}% publish {:>6}% (max 1 s {:>6}%)  rss {} → {} MB  sockets {}",
            p["cpu_idle_pct"], p["cpu_publish_pct"], p["cpu_publish_max_1s_pct"], p["rss_before_connect_mb"], p["rss_connected_mb"], p["sockets"]
        );
    }
    append_result(&out);
}
