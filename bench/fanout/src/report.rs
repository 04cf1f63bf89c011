//! `FANOUT_MODE=report`: the runs of one bench/fanout.sh invocation (JSON lines in
//! `FANOUT_OUT`) as tables, medians over rounds with their range, and one JSON file
//! (`FANOUT_JSON`).

use crate::{env, env_or, median};
use serde_json::{json, Value};

fn stat(v: &[f64]) -> Value {
    let v: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return Value::Null;
    }
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    json!({ "median": median(v.clone()), "min": min, "max": max, "values": v })
}

/// `median (min–max)`, or the one value when all rounds agree.
fn show(v: &[f64], digits: usize) -> String {
    let v: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return "—".into();
    }
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let m = median(v.clone());
    if (max - min).abs() < f64::EPSILON {
        format!("{m:.digits$}")
    } else {
        format!("{m:.digits$} ({min:.digits$}–{max:.digits$})")
    }
}

fn nums(runs: &[&Value], f: impl Fn(&Value) -> Option<f64>) -> Vec<f64> {
    runs.iter().map(|r| f(r).unwrap_or(f64::NAN)).collect()
}

pub fn run() {
    let path = env("FANOUT_OUT");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let all: Vec<Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let fan: Vec<&Value> = all.iter().filter(|v| v["kind"] == "fanout").collect();
    let mut groups: Vec<(String, String)> = vec![];
    for r in &fan {
        let g = (r["label"].as_str().unwrap_or("").to_owned(), r["source"].as_str().unwrap_or("").to_owned());
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mut summary = vec![];
    if let Some(first) = fan.first() {
        println!(
            "\nfan-out: one public match channel per subscriber, {} matches, {}/s per match; medians over rounds (min–max)",
            first["matches"], first["rate_per_match_per_s"]
        );
        println!(
            "{:<11} {:<7} {:>6} {:>5} {:>11} {:>9} {:>6} {:>5} {:>20} {:>20} {:>20}",
            "config", "source", "rounds", "s", "subscribed", "expected", "lost", "dups", "latency p50 ms", "p99 ms", "max ms"
        );
    }
    for (label, source) in &groups {
        let runs: Vec<&Value> = fan.iter().copied().filter(|r| r["label"] == label.as_str() && r["source"] == source.as_str()).collect();
        let f = |k: &str| nums(&runs, |r| r[k].as_f64());
        let lat = |k: &str| nums(&runs, |r| r["latency"][k].as_f64());
        println!(
            "{:<11} {:<7} {:>6} {:>5} {:>11} {:>9} {:>6} {:>5} {:>20} {:>20} {:>20}",
            label,
            source,
            runs.len(),
            show(&f("seconds"), 0),
            show(&f("subscribers_connected"), 0),
            show(&f("expected"), 0),
            show(&f("lost"), 0),
            show(&f("duplicates"), 0),
            show(&lat("p50_ms"), 1),
            show(&lat("p99_ms"), 1),
            show(&lat("max_ms"), 1)
        );
        let mut by_node = serde_json::Map::new();
        if let Some(nodes) = runs[0]["latency_by_node"].as_object() {
            for name in nodes.keys() {
                let v = |k: &str| nums(&runs, |r| r["latency_by_node"][name][k].as_f64());
                println!("{:<11} {:<7} {:>6} {:>5} {:>11} {:>9} {:>6} {:>5} {:>20} {:>20} {:>20}", "", "", "", "", format!("on {name}"), "", "", "", show(&v("p50_ms"), 1), show(&v("p99_ms"), 1), show(&v("max_ms"), 1));
                by_node.insert(name.clone(), json!({ "p50_ms": stat(&v("p50_ms")), "p99_ms": stat(&v("p99_ms")), "max_ms": stat(&v("max_ms")) }));
            }
        }
        // Memory per socket from the first run on each node set: later runs reuse what the
        // allocator kept from the earlier ones.
        let fresh = fan.iter().find(|r| r["label"] == label.as_str()).copied().unwrap_or(runs[0]);
        let mut procs = serde_json::Map::new();
        if let Some(ps) = runs[0]["processes"].as_object() {
            for name in ps.keys() {
                let p = |k: &str| nums(&runs, |r| r["processes"][name][k].as_f64());
                procs.insert(
                    name.clone(),
                    json!({
                        "cpu_idle_pct": stat(&p("cpu_idle_pct")), "cpu_publish_pct": stat(&p("cpu_publish_pct")),
                        "cpu_publish_max_1s_pct": stat(&p("cpu_publish_max_1s_pct")), "rss_connected_mb": stat(&p("rss_connected_mb")),
                        "rss_max_mb": stat(&p("rss_max_mb")), "sockets": stat(&p("sockets")),
                        "rss_per_socket_kb_fresh_node": fresh["processes"][name]["rss_per_socket_kb"],
                        "rss_before_connect_mb_fresh_node": fresh["processes"][name]["rss_before_connect_mb"],
                        "rss_connected_mb_fresh_node": fresh["processes"][name]["rss_connected_mb"],
                    }),
                );
            }
        }
        let per = |phase: &str, key: &str, by: &str| {
            nums(&runs, |r| {
                let d = r[by].as_f64()?;
                (d > 0.0).then(|| r["redis"][phase][key].as_f64().unwrap_or(0.0) / d)
            })
        };
        let redis = json!({
            "commands_per_subscriber_connect": stat(&per("connect", "total_commands_processed", "subscribers_connected")),
            "commands_per_event": stat(&per("publish", "total_commands_processed", "events_published")),
            "publish_calls_per_event": stat(&per("publish", "calls.publish", "events_published")),
            "output_bytes_per_event": stat(&per("publish", "total_net_output_bytes", "events_published")),
            "commands_per_subscriber_disconnect": stat(&per("disconnect", "total_commands_processed", "subscribers_connected")),
            "idle_commands": stat(&nums(&runs, |r| r["redis"]["idle"]["total_commands_processed"].as_f64().or(Some(0.0)))),
        });
        let machine = json!({
            "publish_window_pct": stat(&nums(&runs, |r| r["machine_cpu_pct"]["publish_window"].as_f64())),
            "measured_processes_pct": stat(&nums(&runs, |r| r["machine_cpu_pct"]["publish_window_measured_processes"].as_f64())),
        });
        summary.push(json!({
            "machine_cpu": machine,
            "redis": redis,
            "config": label, "source": source, "rounds": runs.len(),
            "latency_clock": runs[0]["latency_clock"],
            "subscribers_connected": stat(&f("subscribers_connected")), "expected": stat(&f("expected")), "received": stat(&f("received")),
            "lost": stat(&f("lost")), "duplicates": stat(&f("duplicates")), "publish_failures": stat(&f("publish_failures")),
            "dropped_during_run": stat(&f("dropped_during_run")), "connect_s": stat(&f("connect_s")),
            "latency_p50_ms": stat(&lat("p50_ms")), "latency_p99_ms": stat(&lat("p99_ms")), "latency_max_ms": stat(&lat("max_ms")),
            "latency_by_node": by_node, "processes": procs,
        }));
    }
    if !groups.is_empty() {
        println!("\nresources during publishing (CPU: % of one core, average over the publishing window; idle: the {} s after all subscribed)", 5);
        println!("{:<11} {:<7} {:<16} {:>8} {:>20} {:>20} {:>20} {:>16}", "config", "source", "process", "sockets", "CPU idle %", "CPU publish %", "RSS connected MB", "KB/socket fresh");
        for s in &summary {
            if let Some(ps) = s["processes"].as_object() {
                for (name, p) in ps {
                    let g = |k: &str| -> Vec<f64> { p[k]["values"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default() };
                    println!(
                        "{:<11} {:<7} {:<16} {:>8} {:>20} {:>20} {:>20} {:>16}",
                        s["config"].as_str().unwrap_or(""),
                        s["source"].as_str().unwrap_or(""),
                        name,
                        show(&g("sockets"), 0),
                        show(&g("cpu_idle_pct"), 1),
                        show(&g("cpu_publish_pct"), 1),
                        show(&g("rss_connected_mb"), 0),
                        p["rss_per_socket_kb_fresh_node"].as_f64().map_or("—".into(), |v| format!("{v:.1}"))
                    );
                }
            }
        }
    }
    if summary.iter().any(|s| !s["machine_cpu"]["publish_window_pct"].is_null()) {
        println!("\nthe shared machine while publishing (% of one core, {} cores): all processes, and the ones measured above", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
        for s in &summary {
            let g = |k: &str| -> Vec<f64> { s["machine_cpu"][k]["values"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default() };
            println!(
                "{:<11} {:<7} machine {:>20}   measured processes {:>20}",
                s["config"].as_str().unwrap_or(""),
                s["source"].as_str().unwrap_or(""),
                show(&g("publish_window_pct"), 0),
                show(&g("measured_processes_pct"), 0)
            );
        }
    }
    if summary.iter().any(|s| !s["redis"]["commands_per_event"].is_null()) {
        println!("\nRedis (INFO stats/commandstats deltas): commands per subscriber connect and disconnect, per event published, PUBLISH calls per event, bytes out per event");
        println!("{:<11} {:<7} {:>22} {:>22} {:>22} {:>22} {:>22}", "config", "source", "cmds/connect", "cmds/disconnect", "cmds/event", "PUBLISH/event", "bytes out/event");
        for s in &summary {
            let g = |k: &str| -> Vec<f64> { s["redis"][k]["values"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default() };
            println!(
                "{:<11} {:<7} {:>22} {:>22} {:>22} {:>22} {:>22}",
                s["config"].as_str().unwrap_or(""),
                s["source"].as_str().unwrap_or(""),
                show(&g("commands_per_subscriber_connect"), 2),
                show(&g("commands_per_subscriber_disconnect"), 2),
                show(&g("commands_per_event"), 2),
                show(&g("publish_calls_per_event"), 2),
                show(&g("output_bytes_per_event"), 0)
            );
        }
    }
    let ups: Vec<&Value> = all.iter().filter(|v| v["kind"].as_str().is_some_and(|k| k.starts_with("upstream-"))).collect();
    if !ups.is_empty() {
        println!("\nupstream cost (what the stats API sees), the stats API's sockudo SIGKILLed and restarted once");
        println!(
            "{:<16} {:>7} {:>9} {:>22} {:>9} {:>22} {:>16} {:>14}",
            "readers via", "readers", "sockets", "join: auth/match/list", "sockets", "restart: auth/match/list", "reader sockets", "current after"
        );
        for u in &ups {
            let c = |phase: &str| {
                let l = &u[phase]["league_calls"];
                format!("{}/{}/{}", l["auth"], l["match_reads"], l["list_reads"])
            };
            println!(
                "{:<16} {:>7} {:>9} {:>22} {:>9} {:>22} {:>16} {:>14}",
                u["kind"].as_str().unwrap_or("").trim_start_matches("upstream-"),
                u["readers"].to_string(),
                u["join"]["upstream_sockets"].to_string(),
                c("join"),
                u["restart"]["upstream_sockets_after"].to_string(),
                c("restart"),
                format!("{} attempts", u["restart"]["reader_side"]["socket_attempts"]),
                u["restart"]["readers_current_after_s"].as_f64().map_or("—".into(), |v| format!("{v:.1} s"))
            );
        }
    }
    let out = json!({
        "date": env_or("FANOUT_STAMP", ""),
        "machine": {
            "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            "memory_gib": std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<f64>().ok())).map(|kb| (kb / 1048576.0 * 10.0).round() / 10.0),
            "network": "loopback; generator, sockudo nodes, Redis, relay and league on the same cores",
        },
        "sockudo": env_or("FANOUT_SOCKUDO_VERSION", ""),
        "gateway": env_or("FANOUT_GATEWAY_FROM", ""),
        "summary": summary,
        "upstream": ups,
        "runs": fan,
    });
    let json_path = env("FANOUT_JSON");
    std::fs::write(&json_path, serde_json::to_string_pretty(&out).unwrap_or_default()).expect("write results");
    println!("\nwritten {json_path}");
}
