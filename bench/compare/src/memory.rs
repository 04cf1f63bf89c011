//! Memory: both pages follow one match while BENCH_MEM_EVENTS events (1,000,000) arrive at
//! BENCH_MEM_RATE per second (2,000) and the connection is forced to reconnect
//! BENCH_MEM_RECONNECTS times (1,000), evenly spread. JS heap after a full GC and the wasm linear
//! memory are sampled at the start, at every tenth of the events and at the end. Each page runs
//! in its own browser so that one's garbage never counts against the other.

use super::{browser_with, demo_publish, env, env_num, refused_batches, wait_js, Publisher};
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

fn mb(bytes: f64) -> String {
    format!("{:.2} MB", bytes / 1_048_576.0)
}

pub async fn run() {
    let events = env_num("BENCH_MEM_EVENTS", 1_000_000);
    let reconnects = env_num("BENCH_MEM_RECONNECTS", 1_000);
    let rate = env_num("BENCH_MEM_RATE", 2_000).max(20);
    let driver = env_num("BENCH_DRIVER_PORT", 9515) as u16;
    let http = reqwest::Client::new();
    let publisher = Publisher::from_env(http.clone());
    let id = 600_000 + (std::process::id() as u64 % 1000);
    demo_publish(&http, id, 0).await;
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
    let channel = format!("private-match.{id}");
    let per_tick = (rate / 20).max(1);
    let reconnect_every = events / reconnects.max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let (mut sent, mut tasks, mut forcing) = (0u64, vec![], vec![]);
    let started = Instant::now();
    let mut next_sample = events / 10;
    while sent < events {
        tick.tick().await;
        let n = per_tick.min(events - sent);
        let batch = (sent..sent + n).map(|i| Publisher::event(&channel, id, i + 1, 3_000_000_000 + i)).collect();
        tasks.extend(publisher.send(batch));
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
    let failed = refused_batches(tasks).await;
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
    for t in publisher.send(vec![Publisher::event(&channel, id, last, 3_000_000_000 + events)]) {
        let _ = t.await;
    }
    for p in &mut pages {
        let shown = format!("return window.__bench.last === '{last}'");
        let _ = tokio::time::timeout(Duration::from_secs(30), wait_js(&p.client, &shown, "the last event", Duration::from_secs(30))).await;
        sample(p, events).await;
    }
    println!("\nmemory: {events} events at {rate}/s ({:.0} s), a forced reconnect every {reconnect_every} events; {failed} batches refused",
             started.elapsed().as_secs_f64());
    println!("{:<12} {:>9} {:>10} {:>12} {:>12} {:>12} {:>12} {:>12}", "", "reconnects", "received", "heap start", "heap end", "heap growth", "wasm start", "wasm growth");
    let mut out = json!({ "events": events, "rate_per_s": rate, "reconnects_requested": reconnects, "failed_batches": failed });
    for p in &pages {
        let first = &p.samples[0].1;
        let end = &p.samples[p.samples.len() - 1].1;
        let num = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        println!(
            "{:<12} {:>9} {:>10} {:>12} {:>12} {:>12} {:>12} {:>12}",
            p.name,
            num(end, "sockets") - num(first, "sockets"),
            num(end, "received"),
            mb(num(first, "heap")),
            mb(num(end, "heap")),
            mb(num(end, "heap") - num(first, "heap")),
            mb(num(first, "wasm")),
            mb(num(end, "wasm") - num(first, "wasm")),
        );
        let curve: Vec<Value> = p.samples.iter().map(|(at, v)| json!({ "events": at, "sample": v })).collect();
        out[p.name] = json!({ "forced_reconnects": p.forced, "samples": curve,
                              "heap_growth_bytes": num(end, "heap") - num(first, "heap"),
                              "wasm_growth_bytes": num(end, "wasm") - num(first, "wasm"),
                              "shows_last_event": end["last"] == json!(last.to_string()) });
    }
    println!("(target: growth under 1 MB; the curve at every tenth is in the JSON)");
    for p in pages {
        let _ = p.client.close().await;
    }
    let path = env("BENCH_JSON").replace("compare-", "memory-");
    std::fs::write(&path, serde_json::to_string_pretty(&out).unwrap_or_default()).expect("write results");
    println!("written {path}");
}
