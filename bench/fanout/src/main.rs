//! Fan-out load generator for the relay and the site's sockudo cluster (loopback only).
//!
//! Modes (`FANOUT_MODE`), each one bounded run that stops by itself (`FANOUT_DEADLINE_S`):
//! - `fanout`: N WebSocket subscribers spread over the given sockudo nodes, each on one public
//!   channel `match.{k}`; then E events per second per match for T seconds, published either
//!   through the real chain (`FANOUT_SOURCE=relay`: the league's `/demo/publish` → the stats
//!   API's sockudo → the relay → node A → Redis → node B) or straight to node A's HTTP API
//!   (`direct`). Counts every message per subscriber, latency, CPU and RSS per process.
//! - `upstream-direct`: browser-like readers, each its own socket to the stats API's sockudo,
//!   authorizing private channels through a gateway in upstream mode; the upstream server is
//!   restarted; upstream sockets and calls are counted (league access log, /proc/net/tcp).
//! - `upstream-relay`: the same readers on the site's nodes behind the relay; same restart.
//! - `report`: the runs (JSON lines) as a table and one JSON file.
//!
//! Configuration comes from bench/fanout.sh through environment variables.

#![recursion_limit = "256"]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

mod fanout;
mod procs;
mod pusher;
mod report;
mod upstream;

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (run bench/fanout.sh)"))
}

pub fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

pub fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds since this process's epoch: one clock for publishers and subscribers.
pub fn now_us() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

pub fn secs() -> f64 {
    now_us() as f64 / 1e6
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    percentile(&v, 0.5)
}

/// Appends one JSON line to `FANOUT_OUT`.
pub fn append_result(v: &serde_json::Value) {
    use std::io::Write;
    let path = env("FANOUT_OUT");
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    writeln!(f, "{v}").expect("append the run's result");
}

fn main() {
    now_us();
    let mode = env_or("FANOUT_MODE", "fanout");
    if mode == "report" {
        report::run();
        return;
    }
    // The safety net: whatever happens, the run ends.
    let deadline = env_num("FANOUT_DEADLINE_S", 175u64);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(deadline));
        eprintln!("courtside-fanout: the {deadline} s deadline passed; stopping");
        std::process::exit(3);
    });
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    rt.block_on(async {
        match mode.as_str() {
            "fanout" => fanout::run().await,
            "upstream-direct" => upstream::direct().await,
            "upstream-relay" => upstream::relay().await,
            other => panic!("FANOUT_MODE {other:?}: fanout, upstream-direct, upstream-relay or report"),
        }
    });
    // Thousands of sockets: no orderly teardown needed, the process ends here.
    std::process::exit(0);
}
