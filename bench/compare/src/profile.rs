//! Profile (not part of the default run): where each library's main-thread time goes, from
//! Chromium's sampling profiler (the DevTools protocol through chromedriver), on the two pages
//! the benchmark measures, one after the other in a browser each:
//!   scoreboard  one match, BENCH_PROFILE_EVENTS (1,000) events at BENCH_PROFILE_RATE (100)/s
//!               (the latency page's work per event);
//!   ticker      BENCH_GAMES (300) games, BENCH_TP_RATE (5,000) events/s for BENCH_PROFILE_SECONDS
//!               (10) (the throughput page's).
//! Prints, per page and side, the sampled time by kind (wasm, JavaScript, garbage collection,
//! the browser's own work) and the functions with the most self time. Wasm functions have their
//! names only when the build kept its name section (BENCH_WIDGET_DIST pointing at a build made
//! with `data-wasm-opt="0" data-keep-debug`); otherwise they show as `$funcN`. With
//! BENCH_PROFILE_RAW set to a directory, each whole profile is kept there (`.cpuprofile`); with
//! BENCH_PROFILE_NO_ANIMATION=1, the scoreboards run with CSS animations and transitions off (a
//! probe of what the highlight costs).

use super::league::{publish_now, LeaguePublisher};
use super::{browser, demo_publish, env, env_num, wait_js};
use fantoccini::Client;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A DevTools protocol command through chromedriver (`goog/cdp/execute`).
async fn cdp(c: &Client, cmd: &str, params: Value) -> Value {
    let session = c.session_id().await.ok().flatten().expect("a WebDriver session");
    let url = format!("http://127.0.0.1:{}/session/{session}/goog/cdp/execute", env_num("BENCH_DRIVER_PORT", 9515));
    let answer: Value = reqwest::Client::new()
        .post(url)
        .json(&json!({ "cmd": cmd, "params": params }))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    answer["value"].clone()
}

async fn start(c: &Client) {
    cdp(c, "Profiler.enable", json!({})).await;
    cdp(c, "Profiler.setSamplingInterval", json!({ "interval": 100 })).await;
    cdp(c, "Profiler.start", json!({})).await;
}

/// Self time per function of a `Profiler.Profile`, and per kind.
struct Summary {
    total_ms: f64,
    by_kind: BTreeMap<&'static str, f64>,
    by_function: Vec<(String, f64)>,
}

fn kind(function: &str, url: &str) -> &'static str {
    match function {
        "(garbage collector)" => "garbage collection",
        "(idle)" => "idle",
        "(program)" | "(root)" => "browser (program: parsing, style, layout, paint, IPC)",
        _ if url.starts_with("wasm://") => "wasm",
        _ if url.is_empty() => "browser built-ins and DOM (native)",
        _ => "JavaScript",
    }
}

fn summarize(profile: &Value) -> Summary {
    let mut names: BTreeMap<u64, (String, &'static str)> = BTreeMap::new();
    for n in profile["nodes"].as_array().into_iter().flatten() {
        let f = &n["callFrame"];
        let function = f["functionName"].as_str().unwrap_or("");
        let url = f["url"].as_str().unwrap_or("");
        let file = url.rsplit('/').next().unwrap_or("");
        let label = if url.starts_with("wasm://") {
            format!("{} [wasm]", if function.is_empty() { "(anonymous)" } else { function })
        } else if url.is_empty() {
            function.to_owned()
        } else {
            format!("{} ({file}:{})", if function.is_empty() { "(anonymous)" } else { function }, f["lineNumber"].as_i64().unwrap_or(0) + 1)
        };
        names.insert(n["id"].as_u64().unwrap_or(0), (label, kind(function, url)));
    }
    let (mut by_kind, mut by_function): (BTreeMap<&'static str, f64>, BTreeMap<String, f64>) = (BTreeMap::new(), BTreeMap::new());
    let samples = profile["samples"].as_array().cloned().unwrap_or_default();
    let deltas = profile["timeDeltas"].as_array().cloned().unwrap_or_default();
    // A sample's time is the delta to the next one.
    for (i, s) in samples.iter().enumerate() {
        let ms = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
        if let Some((label, k)) = names.get(&s.as_u64().unwrap_or(0)) {
            *by_kind.entry(k).or_default() += ms;
            if *k != "idle" {
                *by_function.entry(label.clone()).or_default() += ms;
            }
        }
    }
    let total_ms = by_kind.iter().filter(|(k, _)| **k != "idle").map(|(_, ms)| ms).sum();
    let mut by_function: Vec<(String, f64)> = by_function.into_iter().collect();
    by_function.sort_by(|a, b| b.1.total_cmp(&a.1));
    Summary { total_ms, by_kind, by_function }
}

/// Keeps the whole profile (a `.cpuprofile`, for Chromium's DevTools) in BENCH_PROFILE_RAW, a
/// directory, when set.
fn keep_raw(page: &str, side: &str, profile: &Value) {
    if let Ok(dir) = std::env::var("BENCH_PROFILE_RAW") {
        let path = format!("{dir}/{page}-{side}.cpuprofile");
        let _ = std::fs::create_dir_all(&dir);
        std::fs::write(&path, profile.to_string()).unwrap_or_else(|e| panic!("{path}: {e}"));
        println!("(the whole profile: {path})");
    }
}

fn print(page: &str, side: &str, events: u64, s: &Summary) -> Value {
    println!("\n{page}, {side}: {:.0} ms of main thread sampled busy over {events} events ({:.1} µs an event)", s.total_ms, s.total_ms * 1000.0 / events.max(1) as f64);
    for (k, ms) in &s.by_kind {
        println!("  {:<58} {:>9.1} ms {:>5.1} %", k, ms, ms / s.total_ms.max(1e-9) * 100.0 * f64::from(u8::from(*k != "idle")));
    }
    println!("  self time, the top 30:");
    for (f, ms) in s.by_function.iter().take(30) {
        let f: String = f.chars().take(110).collect();
        println!("    {:>8.1} ms {:>5.1} %  {f}", ms, ms / s.total_ms.max(1e-9) * 100.0);
    }
    json!({ "page": page, "side": side, "events": events, "busy_ms": s.total_ms, "by_kind_ms": s.by_kind,
            "self_ms_by_function": s.by_function.iter().take(200).map(|(f, ms)| json!([f, ms])).collect::<Vec<_>>() })
}

async fn scoreboard(http: &reqwest::Client, side: &str, url: &str, id: u64) -> Value {
    let events = env_num("BENCH_PROFILE_EVENTS", 1000);
    let rate = env_num("BENCH_PROFILE_RATE", 100).max(1);
    demo_publish(http, id, 0).await;
    let c = browser(env_num("BENCH_DRIVER_PORT", 9515) as u16).await;
    c.goto(&format!("{url}?match={id}")).await.expect("navigate");
    wait_js(&c, "return window.__ready === true", "subscription", Duration::from_secs(30)).await;
    c.execute(WATCH, vec![]).await.expect("the DOM watch");
    if std::env::var("BENCH_PROFILE_NO_ANIMATION").is_ok_and(|v| v == "1") {
        // A probe: what the page costs without its CSS animations and transitions.
        c.execute(STILL, vec![]).await.expect("animations off");
    }
    start(&c).await;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    for home in 1..=events {
        tick.tick().await;
        demo_publish(http, id, home).await;
    }
    let done = format!("return !!(window.__bench.dom['{events}'])");
    let _ = tokio::time::timeout(Duration::from_secs(10), wait_js(&c, &done, "the last event", Duration::from_secs(10))).await;
    let profile = cdp(&c, "Profiler.stop", json!({})).await;
    let dom = c.execute("return window.__dom", vec![]).await.unwrap_or(Value::Null);
    let _ = c.close().await;
    keep_raw("scoreboard", side, &profile["profile"]);
    let mut out = print("scoreboard", side, events, &summarize(&profile["profile"]));
    println!("  the DOM over the {events} events: {} mutation records ({:.1} an event); CSS animations started {}, transitions {}",
             dom["records"], dom["records"].as_f64().unwrap_or(0.0) / events as f64, dom["animations"], dom["transitions"]);
    let mut keys: Vec<(String, f64)> = dom["byKey"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_f64().unwrap_or(0.0))).collect();
    keys.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (k, n) in keys.iter().take(12) {
        println!("    {:>6.2} an event  {k}", n / events as f64);
    }
    out["dom"] = dom;
    out
}

/// CSS animations and transitions off inside the scoreboard (BENCH_PROFILE_NO_ANIMATION=1).
const STILL: &str = r#"
const board = document.getElementById('board');
const root = board.shadowRoot || document.head;
const style = document.createElement('style');
style.textContent = '*, *::before, *::after { animation: none !important; transition: none !important; }';
root.append(style);
return true;
"#;

/// Counts, on the scoreboard, every DOM mutation record by kind and target (class or tag) and
/// every CSS animation and transition that starts (no frame loop, so that it adds no frames).
const WATCH: &str = r#"
const board = document.getElementById('board');
const root = board.shadowRoot || board;
const d = window.__dom = { records: 0, byKey: {}, animations: 0, transitions: 0, names: {} };
new MutationObserver((rs) => {
  for (const r of rs) {
    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    const key = `${r.type}${r.attributeName ? ':' + r.attributeName : ''} on ${el ? (el.getAttribute('class') || el.tagName.toLowerCase()) : '?'}`;
    d.records += 1;
    d.byKey[key] = (d.byKey[key] || 0) + 1;
  }
}).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
root.addEventListener('animationstart', (e) => { d.animations += 1; d.names[e.animationName] = (d.names[e.animationName] || 0) + 1; });
root.addEventListener('transitionstart', (e) => { d.transitions += 1; d.names[e.propertyName] = (d.names[e.propertyName] || 0) + 1; });
return true;
"#;

async fn ticker(http: &reqwest::Client, side: &str, url: &str, base: u64) -> Value {
    let games = env_num("BENCH_GAMES", 300);
    let rate = env_num("BENCH_TP_RATE", 5000);
    let seconds = env_num("BENCH_PROFILE_SECONDS", 10);
    publish_now(http, &(base..base + games).map(|g| (g, 0)).collect::<Vec<_>>()).await;
    let c = browser(env_num("BENCH_DRIVER_PORT", 9515) as u16).await;
    c.goto(&format!("{url}?tp={base},{games}")).await.expect("navigate");
    wait_js(&c, "return window.__ready === true", "the ticker", Duration::from_secs(60)).await;
    wait_js(&c, &format!("return window.__cards && window.__cards() >= {games}"), "every game", Duration::from_secs(60)).await;
    start(&c).await;
    let publisher = LeaguePublisher::start(http, 2);
    let per_tick = (rate / 50).max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut sent = 0u64;
    let begun = Instant::now();
    while begun.elapsed() < Duration::from_secs(seconds) {
        tick.tick().await;
        let batch: Vec<(u64, u64)> = (sent..sent + per_tick).map(|i| (base + i % games, i / games + 1)).collect();
        sent += per_tick;
        publisher.send(&batch);
    }
    publisher.finish().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let profile = cdp(&c, "Profiler.stop", json!({})).await;
    let _ = c.close().await;
    keep_raw("ticker", side, &profile["profile"]);
    print("ticker", side, sent, &summarize(&profile["profile"]))
}

pub async fn run() {
    if std::env::var("BENCH_PROFILE_NO_ANIMATION").is_ok_and(|v| v == "1") {
        println!("(scoreboards with CSS animations and transitions off: BENCH_PROFILE_NO_ANIMATION=1)");
    }
    let http = reqwest::Client::new();
    let pid = std::process::id() as u64 % 1000;
    let mut out = vec![];
    for (side, url) in [("courtside", env("BENCH_COURTSIDE_URL")), ("reference", env("BENCH_REFERENCE_URL"))] {
        out.push(scoreboard(&http, side, &url, 980_000 + pid * 10 + u64::from(side == "reference")).await);
    }
    let base = 800_000 + pid * 1000;
    for (side, url) in [("courtside", env("BENCH_TICKER_URL")), ("reference", env("BENCH_TICKER_REFERENCE_URL"))] {
        out.push(ticker(&http, side, &url, base).await);
    }
    let path = env("BENCH_JSON").replace("compare-", "profile-");
    let setup = json!({ "widget_dist": std::env::var("BENCH_WIDGET_DIST").ok(),
                        "no_animation": std::env::var("BENCH_PROFILE_NO_ANIMATION").is_ok_and(|v| v == "1") });
    std::fs::write(&path, serde_json::to_string_pretty(&json!({ "setup": setup, "profiles": out })).unwrap_or_default()).expect("write results");
    println!("written {path}");
}
