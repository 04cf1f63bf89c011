//! CPU and memory of the processes under test, from /proc, and socket counts from /proc/net/tcp.

use crate::secs;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Proc {
    pub name: String,
    pub pid: u32,
}

/// `name=pid,name=pid`; this process is added as `generator`.
pub fn parse_pids(s: &str) -> Vec<Proc> {
    let mut out: Vec<Proc> = s
        .split(',')
        .filter_map(|p| p.split_once('='))
        .filter_map(|(n, p)| Some(Proc { name: n.trim().to_owned(), pid: p.trim().parse().ok()? }))
        .collect();
    out.push(Proc { name: "generator".into(), pid: std::process::id() });
    out
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

/// (CPU ticks user+system, RSS kB) of a live process.
pub fn read(pid: u32) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) of proc(5); `rest` starts at field 3.
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some((ticks, rss))
}

#[derive(Clone, Debug)]
pub struct Sample {
    pub t: f64,
    pub values: Vec<Option<(u64, u64)>>,
    /// The whole machine (/proc/stat): (busy, total) ticks over all cores.
    pub machine: Option<(u64, u64)>,
}

fn machine() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let f: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).take(8).filter_map(|v| v.parse().ok()).collect();
    let total: u64 = f.iter().sum();
    let idle = f.get(3)? + f.get(4)?;
    Some((total - idle, total))
}

pub fn sample(procs: &[Proc]) -> Sample {
    Sample { t: secs(), values: procs.iter().map(|p| read(p.pid)).collect(), machine: machine() }
}

/// The whole machine's CPU between two marks, in % of one core (2 cores busy = 200 %).
pub fn machine_pct(a: &Sample, b: &Sample) -> f64 {
    match (a.machine, b.machine) {
        (Some((ba, _)), Some((bb, _))) if b.t > a.t => bb.saturating_sub(ba) as f64 / clk_tck() / (b.t - a.t) * 100.0,
        _ => f64::NAN,
    }
}

/// One sample a second in the background, plus explicit samples at phase boundaries.
pub struct Sampler {
    pub procs: Vec<Proc>,
    series: Arc<Mutex<Vec<Sample>>>,
}

impl Sampler {
    pub fn start(procs: Vec<Proc>) -> Self {
        let series = Arc::new(Mutex::new(vec![]));
        let (p, s) = (procs.clone(), series.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let x = sample(&p);
                s.lock().unwrap_or_else(|e| e.into_inner()).push(x);
            }
        });
        Sampler { procs, series }
    }

    pub fn mark(&self) -> Sample {
        sample(&self.procs)
    }

    /// Per process: average CPU (% of one core) between two marks, the largest one-second CPU
    /// and RSS seen in the background series between them.
    pub fn window(&self, a: &Sample, b: &Sample) -> Vec<(f64, f64, f64)> {
        let tck = clk_tck();
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let inside: Vec<&Sample> = series.iter().filter(|s| s.t >= a.t && s.t <= b.t).collect();
        (0..self.procs.len())
            .map(|i| {
                let avg = match (a.values[i], b.values[i]) {
                    (Some((ta, _)), Some((tb, _))) if b.t > a.t => (tb.saturating_sub(ta)) as f64 / tck / (b.t - a.t) * 100.0,
                    _ => f64::NAN,
                };
                let mut max_cpu = f64::NAN;
                let mut max_rss = [a.values[i], b.values[i]].iter().flatten().map(|v| v.1 as f64).fold(f64::NAN, f64::max);
                let mut points: Vec<&Sample> = vec![a];
                points.extend(inside.iter().copied());
                points.push(b);
                for w in points.windows(2) {
                    if let (Some((t0, _)), Some((t1, r1))) = (w[0].values[i], w[1].values[i]) {
                        let dt = w[1].t - w[0].t;
                        if dt >= 0.5 {
                            max_cpu = f64::max(max_cpu, t1.saturating_sub(t0) as f64 / tck / dt * 100.0);
                        }
                        max_rss = f64::max(max_rss, r1 as f64);
                    }
                }
                (avg, max_cpu, max_rss / 1024.0)
            })
            .collect()
    }
}

pub fn rss_mb(s: &Sample, i: usize) -> f64 {
    s.values[i].map_or(f64::NAN, |v| v.1 as f64 / 1024.0)
}

/// Established TCP connections whose local port is `port` (the server's side of each socket).
pub fn established_on(port: u16) -> usize {
    let mut n = 0;
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(st)) = (f.get(1), f.get(3)) else { continue };
            let lport = local.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
            if *st == "01" && lport == Some(port) {
                n += 1;
            }
        }
    }
    n
}

pub fn round1(x: f64) -> Value {
    if x.is_nan() {
        Value::Null
    } else {
        json!((x * 10.0).round() / 10.0)
    }
}

pub fn round3(x: f64) -> Value {
    if x.is_nan() {
        Value::Null
    } else {
        json!((x * 1000.0).round() / 1000.0)
    }
}

/// Redis counters (`INFO stats` and `INFO commandstats`): totals, and calls per command.
pub async fn redis_info(addr: &str) -> Option<std::collections::BTreeMap<String, u64>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(addr)).await.ok()?.ok()?;
    let mut out = std::collections::BTreeMap::new();
    for section in ["stats", "commandstats"] {
        s.write_all(format!("INFO {section}\r\n").as_bytes()).await.ok()?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        // `$LEN\r\n` then LEN bytes and `\r\n`.
        let text = loop {
            let n = tokio::time::timeout(Duration::from_secs(2), s.read(&mut chunk)).await.ok()?.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
            let Some(nl) = buf.iter().position(|&b| b == b'\n') else { continue };
            let len: usize = std::str::from_utf8(&buf[1..nl]).ok()?.trim().parse().ok()?;
            if buf.len() >= nl + 1 + len + 2 {
                break String::from_utf8_lossy(&buf[nl + 1..nl + 1 + len]).into_owned();
            }
        };
        for line in text.lines() {
            let Some((k, v)) = line.split_once(':') else { continue };
            if let Some(cmd) = k.strip_prefix("cmdstat_") {
                let calls = v.split(',').find_map(|p| p.strip_prefix("calls=")).and_then(|c| c.parse().ok());
                if let Some(c) = calls {
                    out.insert(format!("calls.{cmd}"), c);
                }
            } else if let Ok(n) = v.trim().parse::<u64>() {
                if matches!(k, "total_commands_processed" | "total_net_input_bytes" | "total_net_output_bytes" | "total_connections_received") {
                    out.insert(k.to_owned(), n);
                }
            }
        }
    }
    Some(out)
}

/// `b - a` per key, keys that moved only.
pub fn redis_delta(a: &Option<std::collections::BTreeMap<String, u64>>, b: &Option<std::collections::BTreeMap<String, u64>>) -> Value {
    let (Some(a), Some(b)) = (a, b) else { return Value::Null };
    let mut out = serde_json::Map::new();
    for (k, v) in b {
        let d = v.saturating_sub(a.get(k).copied().unwrap_or(0));
        if d > 0 {
            out.insert(k.clone(), json!(d));
        }
    }
    Value::Object(out)
}
