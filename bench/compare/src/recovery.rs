//! Recovery: sockudo is killed (SIGKILL) and started again (BENCH_RESTART, a shell command)
//! under BENCH_READERS (100) of each library, both open at once so the same outage hits both,
//! BENCH_RECOVERY_ROUNDS (3) times in each of two set-ups (pages/recovery.js):
//! - widgets: 100 widgets on one page, the library's one socket shared: the time from the kill
//!   until every widget is resubscribed (courtside: and backfilled from a fresh snapshot; the
//!   reference has no backfill, so it counts echo's `subscribed`);
//! - frames: 100 readers, each its own copy of the library and its own socket: how the
//!   reconnect attempts spread (the largest share of them inside any 100 ms window).
//!   Chromium opens a page's WebSockets to one server one after another (100 from one page to a
//!   live local sockudo take about 5 s with no library involved), so this set-up's times say
//!   more about the browser than about the libraries and are kept in the JSON only.
//! Every figure printed is the median over the rounds and their range (stats.rs).

use super::stats::{heading, median, Over};
use super::{browser, demo_publish, env, env_num, percentile, wait_js};
use fantoccini::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn now_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// The largest number of `times` (sorted) inside any window of `width` ms.
fn densest_window(times: &[f64], width: f64) -> usize {
    let (mut best, mut lo) = (0, 0);
    for hi in 0..times.len() {
        while times[hi] - times[lo] >= width {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

struct Round {
    all_back_ms: f64,
    median_reader_ms: f64,
    attempts: usize,
    densest_share: f64,
    first_attempts_p10_p90: (f64, f64),
}

/// Reads every reader; `None` until each has resubscribed after `t0`.
async fn measure(c: &Client, t0: f64, shared_socket: bool) -> Option<Round> {
    let readers = c.execute("return window.__readers()", vec![]).await.ok()?;
    let readers = readers.as_array()?;
    let times = |r: &Value, k: &str| -> Vec<f64> {
        r[k].as_array().map(|a| a.iter().filter_map(Value::as_f64).filter(|t| *t > t0).collect()).unwrap_or_default()
    };
    let (mut back, mut attempts, mut firsts) = (vec![], vec![], vec![]);
    for (i, r) in readers.iter().enumerate() {
        let first_sync = times(r, "synced").into_iter().fold(f64::INFINITY, f64::min);
        if !first_sync.is_finite() {
            return None;
        }
        back.push(first_sync - t0);
        if shared_socket && i > 0 {
            continue;
        }
        let a: Vec<f64> = times(r, "sockets").into_iter().filter(|t| *t <= first_sync).collect();
        if let Some(first) = a.iter().copied().reduce(f64::min) {
            firsts.push(first - t0);
        }
        attempts.extend(a);
    }
    attempts.sort_by(|a, b| a.total_cmp(b));
    firsts.sort_by(|a, b| a.total_cmp(b));
    Some(Round {
        all_back_ms: back.iter().copied().fold(0.0, f64::max),
        median_reader_ms: median(back),
        attempts: attempts.len(),
        densest_share: densest_window(&attempts, 100.0) as f64 / attempts.len().max(1) as f64,
        first_attempts_p10_p90: (percentile(&firsts, 0.1), percentile(&firsts, 0.9)),
    })
}

/// Both libraries' rounds in one set-up, and how long the server took to come back each round.
struct Setup {
    libraries: Vec<(&'static str, Vec<Round>)>,
    server_back_ms: Vec<f64>,
}

/// Opens both libraries' pages in `mode`, kills the server `rounds` times, and returns per library its rounds.
async fn setup(mode: &str, readers: u64, rounds: u64, base: u64) -> Setup {
    let driver = env_num("BENCH_DRIVER_PORT", 9515) as u16;
    let page = env("BENCH_RECOVERY_URL");
    let restart = env("BENCH_RESTART");
    let http = reqwest::Client::new();
    for i in 0..2 * readers {
        demo_publish(&http, base + i, 2).await;
    }
    let mut pages = vec![];
    let mut server_back_ms = vec![];
    for (k, name) in ["courtside", "reference"].into_iter().enumerate() {
        let c = browser(driver).await;
        c.goto(&format!("{page}?page={name}&mode={mode}&n={readers}&base={}", base + k as u64 * readers)).await.expect("navigate");
        let ready = "const r = window.__readers && window.__readers(); return !!r && r.length > 0 && r.every(x => x.ready);";
        wait_js(&c, ready, &format!("{readers} {name} {mode}"), Duration::from_secs(180)).await;
        pages.push((name, c, vec![]));
    }
    for round in 0..rounds {
        // Both libraries reset their backoff after a stable while (courtside: 15 s up).
        tokio::time::sleep(Duration::from_secs(16)).await;
        let t0 = now_ms();
        let killed = Instant::now();
        let status = tokio::process::Command::new("bash").arg("-c").arg(&restart).stdout(std::process::Stdio::null()).status().await;
        assert!(matches!(status, Ok(s) if s.success()), "the restart command failed");
        let back_ms = killed.elapsed().as_secs_f64() * 1000.0;
        server_back_ms.push(back_ms);
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut line = format!("{mode} round {}: server back after {back_ms:.0} ms;", round + 1);
        for (name, c, results) in &mut pages {
            let r = loop {
                if let Some(r) = measure(c, t0, mode == "widgets").await {
                    break r;
                }
                assert!(Instant::now() < deadline, "round {}: {name} never all resubscribed", round + 1);
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            line += &format!(
                " {name}: all back {:.0} ms (median {:.0}), {} attempts, densest 100 ms {:.0} %, first attempts p10–p90 {:.0}–{:.0} ms;",
                r.all_back_ms, r.median_reader_ms, r.attempts, r.densest_share * 100.0, r.first_attempts_p10_p90.0, r.first_attempts_p10_p90.1
            );
            results.push(r);
        }
        println!("{line}");
    }
    let mut libraries = vec![];
    for (name, c, results) in pages {
        let _ = c.close().await;
        libraries.push((name, results));
    }
    Setup { libraries, server_back_ms }
}

pub async fn run() {
    let readers = env_num("BENCH_READERS", 100);
    let rounds = env_num("BENCH_RECOVERY_ROUNDS", 3);
    let base = 500_000 + (std::process::id() as u64 % 100) * 1000;
    let widgets = setup("widgets", readers, rounds, base).await;
    let frames = setup("frames", readers, rounds, base + 2 * readers).await;
    let n = rounds as usize;
    println!("\nrecovery: sockudo SIGKILLed and restarted; each figure: {}", heading(n));
    println!(
        "server back after the kill (ms): widgets {}, frames {}",
        Over(widgets.server_back_ms.clone()).show(0),
        Over(frames.server_back_ms.clone()).show(0)
    );
    println!("{:<46} {:>30} {:>30}", "", "courtside", "pusher-js + echo");
    type Metric = (&'static str, bool, &'static str, fn(&Round) -> f64);
    // (label, from the widgets set-up (else frames), JSON key, one round's value)
    let metrics: [Metric; 6] = [
        ("{r} widgets, 1 page: all back (ms)", true, "widgets_all_back_ms", |r| r.all_back_ms),
        ("{r} widgets, 1 page: median widget back (ms)", true, "widgets_median_widget_back_ms", |r| r.median_reader_ms),
        ("{r} readers: densest 100 ms window (%)", false, "frames_densest_100ms_share_percent", |r| r.densest_share * 100.0),
        ("{r} readers: reconnect attempts", false, "frames_attempts", |r| r.attempts as f64),
        ("{r} readers: first attempts p10 (ms)", false, "frames_first_attempt_p10_ms", |r| r.first_attempts_p10_p90.0),
        ("{r} readers: first attempts p90 (ms)", false, "frames_first_attempt_p90_ms", |r| r.first_attempts_p10_p90.1),
    ];
    let mut out = json!({ "readers": readers, "rounds": rounds,
                          "server_back_ms": { "widgets": Over(widgets.server_back_ms.clone()).json(), "frames": Over(frames.server_back_ms.clone()).json() } });
    for (label, from_widgets, _, f) in &metrics {
        let cells: Vec<String> = (0..2)
            .map(|k| {
                let set = if *from_widgets { &widgets } else { &frames };
                Over::of(set.libraries[k].1.iter().map(f)).show(0)
            })
            .collect();
        println!("{:<46} {:>30} {:>30}", label.replace("{r}", &readers.to_string()), cells[0], cells[1]);
    }
    for ((name, w), (_, f)) in widgets.libraries.iter().zip(frames.libraries.iter()) {
        let mut side = json!({
            // The frames set-up's times say more about Chromium than about the library (see above).
            "frames_all_back_ms_browser_bound": Over::of(f.iter().map(|r| r.all_back_ms)).json(),
            "frames_median_reader_ms_browser_bound": Over::of(f.iter().map(|r| r.median_reader_ms)).json(),
        });
        for (_, from_widgets, key, g) in &metrics {
            let rs = if *from_widgets { w } else { f };
            side[*key] = Over::of(rs.iter().map(g)).json();
        }
        out[*name] = side;
    }
    println!("(targets: all back in a median under 2 s; no 100 ms window holding more than 5 % of the attempts. courtside counts a widget back once it has merged a fresh snapshot, the reference once echo reports the channel subscribed: it has no backfill)");
    let path = env("BENCH_JSON").replace("compare-", "recovery-");
    std::fs::write(&path, serde_json::to_string_pretty(&out).unwrap_or_default()).expect("write results");
    println!("written {path}");
}
