//! Memory: both pages follow one match while BENCH_MEM_EVENTS events (1,000,000) arrive at
//! BENCH_MEM_RATE per second (2,000) and the connection is forced to reconnect
//! BENCH_MEM_RECONNECTS times (1,000), evenly spread. JS heap after a full GC and the wasm linear
//! memory are sampled at the start, at every tenth of the events and at the end. Each page runs
//! in its own browser so that one's garbage never counts against the other. BENCH_MEM_ROUNDS (3)
//! rounds, each in fresh browsers on a match of its own; every figure is the median over them
//! and their range. The events go through the demo league (league.rs), so a page that reconnects
//! finds every one of them in the snapshot.

use super::stats::{heading, Over};
use super::league::{publish_now, LeaguePublisher};
use super::{browser_with, demo_publish, env, env_num, wait_js};
use fantoccini::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Collects garbage twice, then reads what the page holds.
const SAMPLE: &str = r#"
window.gc(); window.gc();
const count = (root) => [...root.querySelectorAll('*')].reduce((n, el) => n + 1 + (el.shadowRoot ? count(el.shadowRoot) : 0), 0);
return { heap: performance.memory.usedJSHeapSize,
         wasm: window.__stats ? window.__stats().wasmMemory : 0,
         nodes: count(document),
         sockets: window.__bench.sockets.length, received: window.__bench.received,
         synced: window.__bench.synced.length, last: window.__bench.last };
"#;

struct Page {
    name: &'static str,
    client: Client,
    samples: Vec<(u64, Value)>,
    forced: u64,
}

async fn sample(page: &mut Page, at: u64) {
    let v = page.client.execute(SAMPLE, vec![]).await.unwrap_or(Value::Null);
    page.samples.push((at, v));
}

const MB: f64 = 1_048_576.0;

/// One page's figures in one round.
struct PageRound {
    name: &'static str,
    forced: u64,
    reconnects: f64,
    received: f64,
    heap_start: f64,
    heap_end: f64,
    wasm_start: f64,
    wasm_end: f64,
    shows_last: bool,
    /// Events whose message never reached the page, at least: `received` also counts the
    /// protocol's own frames (connection, subscription, pings, the forced 4201s).
    missed_at_least: f64,
    samples: Vec<Value>,
}

/// One round: `events` into both pages with `reconnects` forced reconnects; `(pages, seconds, refused requests)`.
async fn round(http: &reqwest::Client, id: u64, events: u64, reconnects: u64, rate: u64) -> (Vec<PageRound>, f64, u64) {
    let driver = env_num("BENCH_DRIVER_PORT", 9515) as u16;
    demo_publish(http, id, 0).await;
    let flags = ["--js-flags=--expose-gc", "--enable-precise-memory-info"];
    let mut pages = vec![];
    for (name, url) in [("courtside", env("BENCH_COURTSIDE_URL")), ("reference", env("BENCH_REFERENCE_URL"))] {
        let client = browser_with(driver, &flags).await;
        client.goto(&format!("{url}?quiet&match={id}")).await.expect("navigate");
        wait_js(&client, "return window.__ready === true", "subscription", Duration::from_secs(30)).await;
        pages.push(Page { name, client, samples: vec![], forced: 0 });
    }
    for p in &mut pages {
        sample(p, 0).await;
    }
    let publisher = LeaguePublisher::start(http, 1);
    let per_tick = (rate / 20).max(1);
    let reconnect_every = events / reconnects.max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let (mut sent, mut forcing) = (0u64, vec![]);
    let started = Instant::now();
    let mut next_sample = events / 10;
    while sent < events {
        tick.tick().await;
        let n = per_tick.min(events - sent);
        let batch: Vec<(u64, u64)> = (sent..sent + n).map(|i| (id, i + 1)).collect();
        publisher.send(&batch);
        let before = sent;
        sent += n;
        if reconnect_every > 0 && before / reconnect_every != sent / reconnect_every && sent < events {
            for (i, p) in pages.iter().enumerate() {
                let c = p.client.clone();
                forcing.push((i, tokio::spawn(async move { c.execute("return window.__forceReconnect()", vec![]).await })));
            }
        }
        if sent >= next_sample && sent < events {
            for p in &mut pages {
                sample(p, sent).await;
            }
            next_sample += events / 10;
            println!("  {sent} events sent in {:.0} s", started.elapsed().as_secs_f64());
        }
    }
    let failed = publisher.finish().await.refused_requests;
    for (i, f) in forcing {
        if matches!(f.await, Ok(Ok(Value::Bool(true)))) {
            pages[i].forced += 1;
        }
    }
    // One last event once every page is connected again, so the end state is comparable.
    for p in &pages {
        wait_js(&p.client, "return window.__ready === true && window.__socket.readyState === 1", "a live connection", Duration::from_secs(60)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let last = events + 1;
    publish_now(http, &[(id, last)]).await;
    for p in &mut pages {
        let shown = format!("return window.__bench.last === '{last}'");
        let _ = tokio::time::timeout(Duration::from_secs(30), wait_js(&p.client, &shown, "the last event", Duration::from_secs(30))).await;
        sample(p, events).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut out = vec![];
    for p in pages {
        let first = &p.samples[0].1;
        let end = &p.samples[p.samples.len() - 1].1;
        let num = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        let received = num(end, "received");
        out.push(PageRound {
            name: p.name,
            forced: p.forced,
            reconnects: num(end, "sockets") - num(first, "sockets"),
            received,
            heap_start: num(first, "heap"),
            heap_end: num(end, "heap"),
            wasm_start: num(first, "wasm"),
            wasm_end: num(end, "wasm"),
            shows_last: end["last"] == json!(last.to_string()),
            missed_at_least: ((last as f64) - received).max(0.0),
            samples: p.samples.iter().map(|(at, v)| json!({ "events": at, "sample": v })).collect(),
        });
        let _ = p.client.close().await;
    }
    (out, seconds, failed)
}

pub async fn run() {
    let events = env_num("BENCH_MEM_EVENTS", 1_000_000);
    let reconnects = env_num("BENCH_MEM_RECONNECTS", 1_000);
    let rate = env_num("BENCH_MEM_RATE", 2_000).max(20);
    let rounds = env_num("BENCH_MEM_ROUNDS", 3).max(1);
    let http = reqwest::Client::new();
    let base = 600_000 + (std::process::id() as u64 % 1000) * 10;
    // Per round: both pages' figures (courtside first), the round's seconds and refused requests.
    let mut runs: Vec<(Vec<PageRound>, f64, u64)> = vec![];
    for r in 0..rounds {
        let run = round(&http, base + r, events, reconnects, rate).await;
        let line: Vec<String> = run.0.iter().map(|p| format!(
            "{}: heap {:.2} → {:.2} MB, wasm {:.2} → {:.2} MB, {} reconnects, {} messages received, shows the last event: {}",
            p.name, p.heap_start / MB, p.heap_end / MB, p.wasm_start / MB, p.wasm_end / MB, p.reconnects, p.received, if p.shows_last { "yes" } else { "no" }
        )).collect();
        println!("round {} ({:.0} s, {} publish requests refused): {}", r + 1, run.1, run.2, line.join(" | "));
        runs.push(run);
    }
    let n = runs.len();
    let reconnect_every = events / reconnects.max(1);
    println!("\nmemory: {events} events at {rate}/s a round, a forced reconnect every {reconnect_every} events; each figure: {}", heading(n));
    println!("{:<34} {:>34} {:>34}", "", "courtside", "pusher-js + echo + DOM");
    type Metric = (&'static str, usize, &'static str, fn(&PageRound) -> f64);
    let metrics: [Metric; 10] = [
        ("heap start (MB)", 2, "heap_start_mb", |p| p.heap_start / MB),
        ("heap end (MB)", 2, "heap_end_mb", |p| p.heap_end / MB),
        ("heap growth (MB)", 2, "heap_growth_mb", |p| (p.heap_end - p.heap_start) / MB),
        ("wasm memory start (MB)", 2, "wasm_start_mb", |p| p.wasm_start / MB),
        ("wasm memory growth (MB)", 2, "wasm_growth_mb", |p| (p.wasm_end - p.wasm_start) / MB),
        ("forced reconnects taken", 0, "forced_reconnects", |p| p.forced as f64),
        ("sockets opened after the first", 0, "reconnects", |p| p.reconnects),
        ("messages received", 0, "messages_received", |p| p.received),
        ("events missed (at least)", 0, "events_missed_at_least", |p| p.missed_at_least),
        ("rounds ending on the last event", 0, "shows_last_event", |p| if p.shows_last { 1.0 } else { 0.0 }),
    ];
    let mut out = json!({ "events": events, "rate_per_s": rate, "reconnects_requested": reconnects, "rounds": n,
                          "round_seconds": Over::of(runs.iter().map(|r| r.1)).json(),
                          "refused_requests": runs.iter().map(|r| r.2).collect::<Vec<_>>() });
    for (side, name) in ["courtside", "reference"].into_iter().enumerate() {
        let mut s = json!({ "each_round": runs.iter().map(|r| {
            let p = &r.0[side];
            json!({ "forced_reconnects": p.forced, "heap_growth_bytes": p.heap_end - p.heap_start,
                    "wasm_growth_bytes": p.wasm_end - p.wasm_start, "shows_last_event": p.shows_last,
                    "messages_received": p.received, "samples": p.samples })
        }).collect::<Vec<_>>() });
        for (_, _, key, f) in &metrics {
            s[*key] = Over::of(runs.iter().map(|r| f(&r.0[side]))).json();
        }
        out[name] = s;
    }
    for (label, decimals, key, f) in &metrics {
        let cells: Vec<String> = (0..2)
            .map(|side| {
                if *key == "shows_last_event" {
                    format!("{} of {n}", runs.iter().filter(|r| r.0[side].shows_last).count())
                } else {
                    Over::of(runs.iter().map(|r| f(&r.0[side]))).show(*decimals)
                }
            })
            .collect();
        println!("{:<34} {:>34} {:>34}", label, cells[0], cells[1]);
    }
    println!("(every round kept; target: heap growth under 1 MB; the curve at every tenth is in the JSON)");
    // Rounds whose pages missed events stay in the figures above; here is which, and how many.
    let mut any = false;
    for (i, r) in runs.iter().enumerate() {
        for p in &r.0 {
            if p.missed_at_least > 0.0 || !p.shows_last || r.2 > 0 {
                any = true;
                println!(
                    "  round {} on the {} page: at least {:.0} of {} events missed over {:.0} reconnects (the Pusher protocol replays nothing published while a page is between sockets); {} publish requests refused by the gateway; ends on the last event: {}",
                    i + 1, p.name, p.missed_at_least, events + 1, p.reconnects, r.2, if p.shows_last { "yes" } else { "no" }
                );
            }
        }
    }
    if !any {
        println!("  no round missed an event on either page");
    }
    let path = env("BENCH_JSON").replace("compare-", "memory-");
    std::fs::write(&path, serde_json::to_string_pretty(&out).unwrap_or_default()).expect("write results");
    println!("written {path}");
}
