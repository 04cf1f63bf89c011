//! courtside against pusher-js + laravel-echo, side by side in one headless Chromium run.
//!
//! Both pages follow the same match on the same sockudo through the same gateway; a publisher
//! sends `event.received` with home_score 1..=N at a steady rate; each page records, per score,
//! the WebSocket message time and the time the DOM first showed it (bench/compare/pages/
//! measure.js). Rounds alternate which page loads first. Prints, for every metric and both
//! pages, the median over the rounds and the range (stats.rs), names every round that lost
//! events and how, and writes JSON with each round's figures. Every event goes through the demo
//! league (`/demo/publish`; batches of them in throughput.rs and memory.rs, see league.rs), so
//! the snapshots serve it too. Configuration comes from bench/compare.sh through environment
//! variables.

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

mod league;
mod memory;
mod profile;
mod recovery;
mod stats;
mod throughput;

use stats::{heading, Over};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (run bench/compare.sh)"))
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

fn sizes(paths: &[String]) -> Sizes {
    let mut s = Sizes { raw: 0, gzip: 0, brotli: 0 };
    for p in paths {
        let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).expect("gzip in memory");
        let gz = gz.finish().expect("gzip in memory");
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            w.write_all(&bytes).expect("brotli in memory");
        }
        s.raw += bytes.len();
        s.gzip += gz.len();
        s.brotli += br.len();
    }
    s
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn browser(port: u16) -> Client {
    browser_with(port, &[]).await
}

/// A fresh headless Chromium (its own processes) with `extra` command-line flags.
async fn browser_with(port: u16, extra: &[&str]) -> Client {
    let mut args = vec!["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--disable-quic", "--window-size=800,600",
                        "--disable-background-timer-throttling", "--disable-renderer-backgrounding"];
    args.extend_from_slice(extra);
    let caps = json!({ "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args } });
    let caps = caps.as_object().cloned().unwrap_or_default();
    ClientBuilder::rustls()
        .expect("rustls connector")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromedriver session")
}

async fn wait_js(c: &Client, script: &str, what: &str, limit: Duration) -> Value {
    let start = Instant::now();
    loop {
        let v = c.execute(script, vec![]).await.unwrap_or(Value::Null);
        if !v.is_null() && v != Value::Bool(false) {
            return v;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

struct PageRun {
    latencies: Vec<f64>,
    /// Scores the DOM never showed whose message never reached the page's socket.
    never_arrived: Vec<u64>,
    /// Scores whose message reached the socket but which the DOM never showed.
    not_shown: Vec<u64>,
    cold_start_ms: f64,
    long_tasks: Vec<f64>,
    /// WebSockets the page opened (more than one: it reconnected during the round).
    sockets: usize,
    /// The library's own main-thread time (measure.js `__cost`).
    cost: throughput::Cost,
}

impl PageRun {
    fn lost(&self) -> u64 {
        (self.never_arrived.len() + self.not_shown.len()) as u64
    }

    fn longest_task(&self) -> f64 {
        self.long_tasks.iter().copied().fold(0.0, f64::max)
    }

    /// Why this round lost what it lost, as far as the page's records tell.
    fn losses(&self) -> String {
        let scores = |v: &[u64]| {
            let shown: Vec<String> = v.iter().take(8).map(u64::to_string).collect();
            format!("{}{}", shown.join(", "), if v.len() > 8 { format!(", … ({} in all)", v.len()) } else { String::new() })
        };
        let mut parts = vec![];
        if !self.never_arrived.is_empty() {
            parts.push(format!("{} never reached the page's socket (scores {})", self.never_arrived.len(), scores(&self.never_arrived)));
        }
        if !self.not_shown.is_empty() {
            parts.push(format!("{} reached the socket but never showed (scores {})", self.not_shown.len(), scores(&self.not_shown)));
        }
        parts.push(format!("{} socket{} opened", self.sockets, if self.sockets == 1 { "" } else { "s" }));
        parts.join("; ")
    }

    fn json(&self) -> Value {
        json!({ "p50_ms": percentile(&self.latencies, 0.5), "p95_ms": percentile(&self.latencies, 0.95),
                "p99_ms": percentile(&self.latencies, 0.99), "cold_start_ms": self.cold_start_ms, "lost": self.lost(),
                "lost_never_arrived": self.never_arrived, "lost_not_shown": self.not_shown,
                "long_tasks_ms": self.long_tasks, "sockets_opened": self.sockets, "library_cost": self.cost.json() })
    }
}

async fn collect(c: &Client, events: u64, cold_start_ms: f64) -> PageRun {
    let b = c.execute("return window.__bench", vec![]).await.expect("bench data");
    let cost = throughput::Cost::of(&c.execute("return window.__cost", vec![]).await.unwrap_or(Value::Null));
    let mut latencies = vec![];
    let (mut never_arrived, mut not_shown) = (vec![], vec![]);
    for i in 1..=events {
        let k = i.to_string();
        match (b["msg"][&k].as_f64(), b["dom"][&k].as_f64()) {
            (Some(m), Some(d)) => latencies.push(d - m),
            (None, None) => never_arrived.push(i),
            (Some(_), None) => not_shown.push(i),
            // Shown without its own message: a later snapshot or event carried it.
            (None, Some(_)) => {}
        }
    }
    latencies.sort_by(f64::total_cmp);
    let long_tasks = b["longTasks"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    let sockets = b["sockets"].as_array().map_or(0, Vec::len);
    PageRun { latencies, never_arrived, not_shown, cold_start_ms, long_tasks, sockets, cost }
}

/// Sets match `id`'s score to `home`:0 through the gateway's demo endpoint, which creates the
/// match when it is new and publishes the change.
async fn demo_publish(http: &reqwest::Client, id: u64, home: u64) {
    // The league's /demo/publish wants its Bearer (scripts/lib.sh exports DEMO_TOKEN).
    http.post(format!("{}/demo/publish", env("BENCH_GATEWAY")))
        .bearer_auth(std::env::var("DEMO_TOKEN").unwrap_or_default())
        .json(&json!({ "match_id": id, "home_score": home, "away_score": 0, "kind": "ft_made" }))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("publish to match {id}: {e}"));
}

#[tokio::main]
async fn main() {
    match std::env::var("BENCH_MODE").as_deref() {
        Ok("throughput") => throughput::run().await,
        Ok("memory") => memory::run().await,
        Ok("recovery") => recovery::run().await,
        Ok("profile") => profile::run().await,
        _ => latency().await,
    }
}

/// Event→DOM latency, cold start, lost events and long tasks, and the bundle sizes.
async fn latency() {
    let site = env("BENCH_SITE");
    let driver_port = env_num("BENCH_DRIVER_PORT", 9515) as u16;
    let events = env_num("BENCH_EVENTS", 2000);
    let rate = env_num("BENCH_RATE", 50).max(1);
    let rounds = env_num("BENCH_ROUNDS", 3);
    let ours: Vec<String> = env("BENCH_OURS").split(',').map(|f| format!("{site}/{f}")).collect();
    let theirs: Vec<String> = env("BENCH_THEIRS").split(',').map(|f| format!("{site}/{f}")).collect();
    let http = reqwest::Client::new();
    let (mut c_runs, mut r_runs) = (vec![], vec![]);
    let mut clocks = [Value::Null, Value::Null];
    for round in 0..rounds {
        let id = 990_000 + (std::process::id() as u64 % 1000) * 10 + round;
        demo_publish(&http, id, 0).await;
        let pages = [("courtside", env("BENCH_COURTSIDE_URL")), ("reference", env("BENCH_REFERENCE_URL"))];
        let order: Vec<usize> = if round % 2 == 0 { vec![0, 1] } else { vec![1, 0] };
        let mut clients: Vec<Option<Client>> = vec![None, None];
        let mut cold = [0.0f64; 2];
        for &i in &order {
            let c = browser(driver_port).await;
            c.goto(&format!("{}?match={id}", pages[i].1)).await.expect("navigate");
            let paint = wait_js(&c, "return window.__bench && window.__bench.firstPaint", "first paint", Duration::from_secs(30)).await;
            cold[i] = paint.as_f64().unwrap_or(f64::NAN);
            wait_js(&c, "return window.__ready === true", "subscription", Duration::from_secs(30)).await;
            if round == 0 {
                // The page's clock: the smallest step performance.now() takes (100 µs unless
                // the page is cross-origin isolated; bench/compare.sh serves it isolated).
                let clock = c
                    .execute("let s = Infinity, a = performance.now(); for (let k = 0; k < 200000 && s > 0.001; k++) \
                              { const b = performance.now(); if (b > a) { s = Math.min(s, b - a); a = b; } } \
                              return [self.crossOriginIsolated, s * 1000];", vec![])
                    .await
                    .unwrap_or(Value::Null);
                println!("clock of the {} page: cross-origin isolated {}, performance.now() steps of {:.1} µs",
                         pages[i].0, clock[0], clock[1].as_f64().unwrap_or(f64::NAN));
                clocks[i] = clock;
            }
            clients[i] = Some(c);
        }
        let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
        for home in 1..=events {
            tick.tick().await;
            demo_publish(&http, id, home).await;
        }
        let done = format!("return !!(window.__bench.dom['{events}'])");
        for c in clients.iter().flatten() {
            let _ = tokio::time::timeout(Duration::from_secs(30), wait_js(c, &done, "the last event", Duration::from_secs(30))).await;
        }
        let (c, r) = (clients[0].take().expect("courtside page"), clients[1].take().expect("reference page"));
        let cr = collect(&c, events, cold[0]).await;
        let rr = collect(&r, events, cold[1]).await;
        let line = |r: &PageRun| {
            format!("p50 {:.2} p95 {:.2} p99 {:.2} ms, cold start {:.0} ms, lost {}, {} long tasks, socket handler {:.0} µs a message",
                    percentile(&r.latencies, 0.5), percentile(&r.latencies, 0.95), percentile(&r.latencies, 0.99),
                    r.cold_start_ms, r.lost(), r.long_tasks.len(), r.cost.per_message_us())
        };
        println!("round {} ({} first): courtside {} | reference {}", round + 1, pages[order[0]].0, line(&cr), line(&rr));
        let _ = c.close().await;
        let _ = r.close().await;
        c_runs.push(cr);
        r_runs.push(rr);
    }
    // Every metric over the rounds, for both pages: (label, decimals, JSON key, one round's value).
    type Metric = (&'static str, usize, &'static str, fn(&PageRun) -> f64);
    let metrics: [Metric; 9] = [
        ("event→DOM p50 (ms)", 2, "p50_ms", |r| percentile(&r.latencies, 0.5)),
        ("event→DOM p95 (ms)", 2, "p95_ms", |r| percentile(&r.latencies, 0.95)),
        ("event→DOM p99 (ms)", 2, "p99_ms", |r| percentile(&r.latencies, 0.99)),
        ("cold start to first score (ms)", 1, "cold_start_ms", |r| r.cold_start_ms),
        ("events lost (of each round's)", 0, "lost", |r| r.lost() as f64),
        ("long tasks (> 50 ms) per round", 0, "long_tasks", |r| r.long_tasks.len() as f64),
        ("longest task (ms; 0: none)", 0, "longest_task_ms", PageRun::longest_task),
        ("socket handler per message (µs)", 0, "socket_handler_us_per_message", |r| r.cost.per_message_us()),
        ("longest socket handler (ms)", 2, "socket_handler_max_ms", |r| r.cost.message_max_ms),
    ];
    let summary = |runs: &[PageRun]| {
        let mut s = json!({ "rounds": runs.iter().map(PageRun::json).collect::<Vec<_>>() });
        for (_, _, key, f) in &metrics {
            s[*key] = Over::of(runs.iter().map(f)).json();
        }
        s
    };
    let (cs, rs) = (summary(&c_runs), summary(&r_runs));
    let (so, st) = (sizes(&ours), sizes(&theirs));
    let n = c_runs.len();
    println!("\nlatency: {events} events at {rate}/s; each figure below the sizes: {}", heading(n));
    println!("{:<34} {:>30} {:>30} {:>8}", "", "courtside", "pusher-js + echo + DOM", "ratio");
    println!("{:<34} {:>30} {:>30} {:>8}", "size raw (B)", so.raw, st.raw, format!("{:.2}", so.raw as f64 / st.raw as f64));
    println!("{:<34} {:>30} {:>30} {:>8}", "size gzip -9 (B)", so.gzip, st.gzip, format!("{:.2}", so.gzip as f64 / st.gzip as f64));
    println!("{:<34} {:>30} {:>30} {:>8}", "size brotli 11 (B)", so.brotli, st.brotli, format!("{:.2}", so.brotli as f64 / st.brotli as f64));
    for (label, decimals, _, f) in &metrics {
        let (c, r) = (Over::of(c_runs.iter().map(f)), Over::of(r_runs.iter().map(f)));
        let ratio = c.median() / r.median();
        let ratio = if ratio.is_finite() { format!("{ratio:.2}") } else { "—".into() };
        println!("{:<34} {:>30} {:>30} {:>8}", label, c.show(*decimals), r.show(*decimals), ratio);
    }
    println!("(every round kept; sizes are the files', the same every round; ratio: of the medians; targets: size ≤ 60 KB gzip, latency ratio ≤ 1.0)");
    // Rounds that lost events stay in the figures above; here is which, and how.
    let mut with_losses = vec![];
    for (round, (c, r)) in c_runs.iter().zip(&r_runs).enumerate() {
        for (name, run) in [("courtside", c), ("reference", r)] {
            if run.lost() > 0 {
                with_losses.push(json!({ "round": round + 1, "page": name, "lost": run.lost(), "why": run.losses() }));
                println!("  round {} lost {} of {events} on the {name} page: {}", round + 1, run.lost(), run.losses());
            }
        }
    }
    if with_losses.is_empty() {
        println!("  no round lost an event on either page");
    }
    let out = json!({
        "events": events, "rate_per_s": rate, "rounds": rounds,
        "size": { "courtside": { "raw": so.raw, "gzip": so.gzip, "brotli": so.brotli, "files": ours },
                  "reference": { "raw": st.raw, "gzip": st.gzip, "brotli": st.brotli, "files": theirs } },
        "courtside": cs, "reference": rs, "rounds_with_losses": with_losses,
        "clock": { "courtside": clocks[0], "reference": clocks[1] },
    });
    let path = env("BENCH_JSON");
    std::fs::write(&path, serde_json::to_string_pretty(&out).unwrap_or_default()).expect("write results");
    println!("written {path}");
}

#[cfg(test)]
mod tests {
    use super::PageRun;

    #[test]
    fn a_round_with_losses_says_how() {
        let r = PageRun { latencies: vec![], never_arrived: vec![199, 200], not_shown: vec![5], cold_start_ms: 1.0, long_tasks: vec![], sockets: 2, cost: Default::default() };
        assert_eq!(r.lost(), 3);
        assert_eq!(r.losses(), "2 never reached the page's socket (scores 199, 200); 1 reached the socket but never showed (scores 5); 2 sockets opened");
        let many = PageRun { never_arrived: (1..=10).collect(), not_shown: vec![], sockets: 1, ..r };
        assert_eq!(many.losses(), "10 never reached the page's socket (scores 1, 2, 3, 4, 5, 6, 7, 8, … (10 in all)); 1 socket opened");
    }
}
