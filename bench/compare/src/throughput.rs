//! Throughput: BENCH_GAMES (300) live games on one ticker, BENCH_TP_RATE (5,000) events/s for
//! BENCH_TP_SECONDS (30), into courtside's `<courtside-ticker>` and into a ticker written with
//! pusher-js + laravel-echo and plain DOM the way the stats API's documentation shows
//! (pages/ticker-reference.js), each in a fresh browser of its own, one after the other (their
//! order alternates by round), BENCH_TP_ROUNDS (3) rounds. Every event goes through the demo
//! league (league.rs), so the snapshots serve it too.
//!
//! Per round and side: events sent (and the rate reached), events the page's socket received,
//! cards that ended on their game's last score, and of the cards that did not receive every
//! event of their game, how many a snapshot brought back (the card is right although events
//! were missed) and how many are still wrong; the league's snapshots checked against the last
//! event sent; the server's slow-consumer disconnects (sockudo's log); long tasks; DOM patches
//! per card per frame. BENCH_TP_RECONNECT_AT_S=N makes each page reconnect N seconds into the
//! flood (a check that missed events and snapshot recoveries are told apart).

use super::league::{publish_now, LeaguePublisher, Outcome};
use super::stats::{heading, Over};
use super::{browser, env, env_num, wait_js};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Requests in flight at once while flooding (each game always on the same lane).
const LANES: usize = 2;

/// One side's figures in one round.
struct Round {
    sent: u64,
    outcome: Outcome,
    received: u64,
    right: u64,
    /// Cards whose game's events did not all reach the socket: right anyway (a snapshot or a
    /// later event brought them back) or still wrong.
    missed_recovered: u64,
    missed_wrong: u64,
    /// Cards that received every event of their game and show another score.
    complete_wrong: u64,
    /// Cards absent from the page.
    absent: u64,
    snapshots_right: u64,
    sockets: u64,
    buffer_full: u64,
    long: Vec<f64>,
    /// Long tasks that started before the flood (start-up) and after it began.
    long_startup: Vec<f64>,
    long_flood: Vec<f64>,
    /// Long animation frames from the flood on: where their time went.
    frames: FrameTime,
    /// The library's own main-thread time (measure.js `__cost`): socket handlers and frame callbacks.
    cost: Cost,
    max_patches: f64,
    patched_per_frame: f64,
    /// From the last request answered to every card right (NaN: not within the settle time).
    settled_ms: f64,
    out: Value,
}

impl Round {
    fn lost(&self) -> u64 {
        self.sent.saturating_sub(self.received)
    }

    fn rate(&self) -> f64 {
        self.sent as f64 / self.outcome.seconds.max(1e-9)
    }

    fn longest(&self) -> f64 {
        self.long.iter().copied().fold(0.0, f64::max)
    }

    fn line(&self, games: u64) -> String {
        format!(
            "sent {} ({:.0}/s), socket received {} (lost {}); {}; {} of {games} cards on their last score; of {} cards that missed events {} recovered by a snapshot, {} still wrong; {} with every event but another score, {} absent; snapshots on the last score {} of {games}; {} socket(s), {} slow-consumer disconnects; long tasks {} at start-up (longest {:.0} ms), {} in the flood (longest {:.0} ms); {}; at most {} patches per card per frame; every card right {} after the last publish",
            self.sent, self.rate(), self.received, self.lost(), self.cost.describe(self.outcome.seconds), self.right, self.missed_recovered + self.missed_wrong,
            self.missed_recovered, self.missed_wrong, self.complete_wrong, self.absent, self.snapshots_right, self.sockets,
            self.buffer_full, self.long_startup.len(), longest(&self.long_startup), self.long_flood.len(), longest(&self.long_flood),
            self.frames.describe(), self.max_patches,
            if self.settled_ms.is_nan() { "never (within the settle time)".to_string() } else { format!("in {:.0} ms", self.settled_ms) }
        )
    }

    /// Why this round is named among the rounds with losses ("" when it is not).
    fn losses(&self, games: u64) -> String {
        let mut parts = vec![];
        if self.outcome.refused_requests > 0 {
            parts.push(format!(
                "the gateway refused {} requests ({} events; first: {})",
                self.outcome.refused_requests, self.outcome.refused_events, self.outcome.first_refusal.clone().unwrap_or_default()
            ));
        }
        if self.lost() > 0 {
            parts.push(format!("{} of {} events never reached the page's socket", self.lost(), self.sent));
        }
        if self.buffer_full > 0 {
            parts.push(format!("sockudo disconnected {} slow consumer(s) (\"Client buffer full\") and the page opened {} socket(s)", self.buffer_full, self.sockets));
        }
        if self.right < games {
            parts.push(format!(
                "{} of {games} cards not on their game's last score ({} missed events and stayed wrong, {} got every event, {} absent)",
                games - self.right.min(games), self.missed_wrong, self.complete_wrong, self.absent
            ));
        }
        if self.snapshots_right < games {
            parts.push(format!("{} of {games} snapshots not on the last event sent", games - self.snapshots_right.min(games)));
        }
        parts.join("; ")
    }
}

/// The library's main-thread time as measure.js times it: every `onmessage` call and every
/// animation frame callback, each up to the end of the microtasks it queued.
#[derive(Default)]
pub struct Cost {
    pub messages: f64,
    pub message_ms: f64,
    pub message_max_ms: f64,
    /// When the longest handler started (the page's clock, ms).
    pub message_max_at: f64,
    pub messages_over_5ms: f64,
    pub frames: f64,
    pub frame_ms: f64,
    pub frame_max_ms: f64,
    pub frames_over_16ms: f64,
}

impl Cost {
    pub fn of(v: &Value) -> Self {
        let f = |a: &str, b: &str| v[a][b].as_f64().unwrap_or(f64::NAN);
        Cost {
            messages: f("message", "n"),
            message_ms: f("message", "ms"),
            message_max_ms: f("message", "max"),
            message_max_at: f("message", "maxAt"),
            messages_over_5ms: f("message", "over5"),
            frames: f("frame", "n"),
            frame_ms: f("frame", "ms"),
            frame_max_ms: f("frame", "max"),
            frames_over_16ms: f("frame", "over16"),
        }
    }

    /// Mean socket handler time per message, in µs.
    pub fn per_message_us(&self) -> f64 {
        self.message_ms * 1000.0 / self.messages.max(1.0)
    }

    /// Share of `seconds` of main thread the library used (%).
    fn share(&self, seconds: f64) -> f64 {
        (self.message_ms + self.frame_ms) / (seconds * 1000.0).max(1.0) * 100.0
    }

    fn describe(&self, seconds: f64) -> String {
        format!(
            "library main thread {:.0} % of the flood: socket handler {:.0} ms over {} messages ({:.0} µs each, longest {:.1} ms, {} over 5 ms), frame callbacks {:.0} ms over {} frames (longest {:.1} ms, {} over 16 ms)",
            self.share(seconds), self.message_ms, self.messages, self.per_message_us(), self.message_max_ms, self.messages_over_5ms,
            self.frame_ms, self.frames, self.frame_max_ms, self.frames_over_16ms
        )
    }

    pub fn json(&self) -> Value {
        json!({ "messages": self.messages, "message_ms": self.message_ms, "message_us_mean": self.per_message_us(),
                "message_max_ms": self.message_max_ms, "message_max_at_ms": self.message_max_at, "messages_over_5ms": self.messages_over_5ms, "frames": self.frames,
                "frame_ms": self.frame_ms, "frame_max_ms": self.frame_max_ms, "frames_over_16ms": self.frames_over_16ms })
    }
}

fn longest(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

/// Where the long animation frames' time went (measure.js records them with the scripts that
/// ran in each and what invoked them).
#[derive(Default)]
struct FrameTime {
    count: u64,
    total_ms: f64,
    longest_ms: f64,
    script_ms: f64,
    /// Style and layout at the frame's end, and forced inside scripts.
    style_layout_ms: f64,
    forced_ms: f64,
    /// Script time by what invoked it ("WebSocket.onmessage", "FrameRequestCallback", …), the
    /// largest first.
    by_invoker: Vec<(String, f64)>,
}

impl FrameTime {
    fn of(loaf: &Value, from_ms: f64) -> Self {
        let mut f = FrameTime::default();
        let mut by: BTreeMap<String, f64> = BTreeMap::new();
        for e in loaf.as_array().into_iter().flatten().filter(|e| e["start"].as_f64().unwrap_or(0.0) >= from_ms) {
            let d = e["duration"].as_f64().unwrap_or(0.0);
            f.count += 1;
            f.total_ms += d;
            f.longest_ms = f.longest_ms.max(d);
            f.style_layout_ms += e["styleLayout"].as_f64().unwrap_or(0.0);
            for s in e["scripts"].as_array().into_iter().flatten() {
                let sd = s["duration"].as_f64().unwrap_or(0.0);
                f.script_ms += sd;
                f.forced_ms += s["forcedStyleLayout"].as_f64().unwrap_or(0.0);
                let who = format!("{} ({})", s["invoker"].as_str().unwrap_or("?"), s["type"].as_str().unwrap_or("?"));
                *by.entry(who).or_default() += sd;
            }
        }
        f.by_invoker = by.into_iter().collect();
        f.by_invoker.sort_by(|a, b| b.1.total_cmp(&a.1));
        f
    }

    fn describe(&self) -> String {
        if self.count == 0 {
            return "no long animation frames in the flood".into();
        }
        let top: Vec<String> = self.by_invoker.iter().take(3).map(|(who, ms)| format!("{who} {ms:.0} ms")).collect();
        format!(
            "{} long animation frames in the flood ({:.0} ms, longest {:.0} ms): scripts {:.0} ms [{}], style and layout {:.0} ms at frame end + {:.0} ms forced in scripts",
            self.count, self.total_ms, self.longest_ms, self.script_ms, top.join(", "), self.style_layout_ms, self.forced_ms
        )
    }

    fn json(&self) -> Value {
        json!({ "count": self.count, "total_ms": self.total_ms, "longest_ms": self.longest_ms, "script_ms": self.script_ms,
                "style_layout_ms": self.style_layout_ms, "forced_style_layout_ms": self.forced_ms,
                "script_ms_by_invoker": self.by_invoker.iter().map(|(w, ms)| json!([w, ms])).collect::<Vec<_>>() })
    }
}

/// Lines of the sockudo log (BENCH_SOCKUDO_LOG) saying it dropped a slow consumer.
fn buffer_full_count() -> u64 {
    let Ok(path) = std::env::var("BENCH_SOCKUDO_LOG") else { return 0 };
    std::fs::read_to_string(path).map(|log| log.lines().filter(|l| l.contains("Client buffer full")).count() as u64).unwrap_or(0)
}

/// The league's snapshots of the run's games: game → home score.
async fn snapshots(http: &reqwest::Client, base: u64, games: u64) -> BTreeMap<u64, u64> {
    let gateway = env("BENCH_GATEWAY");
    let token = async {
        let v: Value = http.post(format!("{gateway}/token")).send().await.ok()?.json().await.ok()?;
        v["token"].as_str().map(str::to_owned)
    }
    .await
    .expect("a widget token from the gateway");
    let list: Value = async { http.get(format!("{gateway}/api/matches?status=all")).bearer_auth(&token).send().await.ok()?.json().await.ok() }
        .await
        .unwrap_or(Value::Null);
    list["matches"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .filter_map(|m| Some((m["id"].as_u64()?, m["home_score"].as_u64()?)))
                .filter(|(id, _)| (base..base + games).contains(id))
                .collect()
        })
        .unwrap_or_default()
}

async fn side_round(http: &reqwest::Client, url: &str, base: u64, games: u64, rate: u64, seconds: u64) -> Round {
    // The games at 0:0 (made when new), before the page loads.
    publish_now(http, &(base..base + games).map(|g| (g, 0)).collect::<Vec<_>>()).await;
    let disconnects_before = buffer_full_count();
    let c = browser(env_num("BENCH_DRIVER_PORT", 9515) as u16).await;
    c.goto(&format!("{url}?tp={base},{games}")).await.expect("navigate");
    wait_js(&c, "return window.__ready === true", "the ticker", Duration::from_secs(60)).await;
    let cards = format!("return window.__cards && window.__cards() >= {games}");
    wait_js(&c, &cards, "every game on the ticker", Duration::from_secs(60)).await;
    let flood_started = c.execute("return performance.now()", vec![]).await.unwrap_or(Value::Null);
    let publisher = LeaguePublisher::start(http, LANES);
    let per_tick = (rate / 50).max(1);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut sent = 0u64;
    let mut per_game: BTreeMap<u64, (u64, u64)> = (base..base + games).map(|g| (g, (0, 0))).collect();
    let start = Instant::now();
    // A check of the accounting (BENCH_TP_RECONNECT_AT_S): the page's socket is made to
    // reconnect (Pusher error 4201) that many seconds into the flood, so that events are missed
    // and cards must come back from a snapshot.
    let mut reconnect_at = std::env::var("BENCH_TP_RECONNECT_AT_S").ok().and_then(|v| v.parse::<u64>().ok()).map(Duration::from_secs);
    while start.elapsed() < Duration::from_secs(seconds) {
        tick.tick().await;
        if reconnect_at.is_some_and(|at| start.elapsed() >= at) {
            reconnect_at = None;
            let c = c.clone();
            tokio::spawn(async move { c.execute("return window.__forceReconnect()", vec![]).await });
        }
        let mut batch = Vec::with_capacity(per_tick as usize);
        for _ in 0..per_tick {
            let (game, home) = (base + sent % games, sent / games + 1);
            batch.push((game, home));
            let g = per_game.entry(game).or_default();
            *g = (g.0 + 1, home);
            sent += 1;
        }
        publisher.send(&batch);
    }
    let outcome = publisher.finish().await;
    let published = Instant::now();
    // Until every card shows its game's last score, or BENCH_TP_SETTLE_S (10) pass.
    let expected: BTreeMap<String, u64> = per_game.iter().map(|(g, (_, last))| (g.to_string(), *last)).collect();
    // Checked in the page every 10 ms, so that the time is the page's, not a poll's.
    let settle_ms = env_num("BENCH_TP_SETTLE_S", 10).min(25) * 1000;
    let wait = r#"
        const [expected, n, limit, done] = arguments;
        const t0 = performance.now();
        const check = () => {
          let right = 0;
          for (const [id, s] of window.__cardScores()) if (expected[id] !== undefined && Number(String(s).trim()) === expected[id]) right++;
          const ms = performance.now() - t0;
          if (right >= n) done(ms); else if (ms > limit) done(null); else setTimeout(check, 10);
        };
        check();"#;
    let expected_js: serde_json::Map<String, Value> = expected.iter().map(|(g, last)| (g.clone(), json!(last))).collect();
    let since_publish = published.elapsed().as_secs_f64() * 1000.0;
    let settled = c.execute_async(wait, vec![Value::Object(expected_js), json!(games), json!(settle_ms)]).await.unwrap_or(Value::Null);
    let settled_ms = settled.as_f64().map_or(f64::NAN, |ms| ms + since_publish);
    let shown = c.execute("return window.__cardScores()", vec![]).await.unwrap_or(Value::Null);
    let tp = c.execute("return window.__tp", vec![]).await.expect("throughput data");
    let bench = c
        .execute("return { longTasks: window.__bench.longTasks, starts: window.__bench.longTaskStarts, sockets: window.__bench.sockets.length, loaf: window.__bench.loaf, cost: window.__cost }", vec![])
        .await
        .unwrap_or(Value::Null);
    let _ = c.close().await;
    let long: Vec<f64> = bench["longTasks"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    let flood_ms = flood_started.as_f64().unwrap_or(0.0);
    let starts: Vec<f64> = bench["starts"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    let (mut long_startup, mut long_flood) = (vec![], vec![]);
    for (d, s) in long.iter().zip(&starts) {
        if *s < flood_ms { long_startup.push(*d) } else { long_flood.push(*d) }
    }
    let long_frames = FrameTime::of(&bench["loaf"], flood_ms);
    let cost = Cost::of(&bench["cost"]);
    let snaps = snapshots(http, base, games).await;
    let buffer_full = buffer_full_count().saturating_sub(disconnects_before);

    let shown_by_game: BTreeMap<String, Option<u64>> = shown
        .as_array()
        .map(|cards| cards.iter().filter_map(|c| Some((c[0].as_str()?.to_owned(), c[1].as_str().and_then(|s| s.trim().parse().ok())))).collect())
        .unwrap_or_default();
    let (mut right, mut missed_recovered, mut missed_wrong, mut complete_wrong, mut absent, mut snapshots_right) = (0, 0, 0, 0, 0, 0);
    let mut wrong_cards = vec![];
    for (game, (n_sent, last)) in &per_game {
        let got = tp["games"][game.to_string()][0].as_u64().unwrap_or(0);
        let card = shown_by_game.get(&game.to_string());
        let is_right = card.is_some_and(|s| *s == Some(*last));
        let complete = got >= *n_sent;
        match (card.is_some(), is_right, complete) {
            (false, _, _) => absent += 1,
            (true, true, _) => right += 1,
            (true, false, true) => complete_wrong += 1,
            (true, false, false) => missed_wrong += 1,
        }
        if is_right && !complete {
            missed_recovered += 1;
        }
        if snaps.get(game) == Some(last) {
            snapshots_right += 1;
        }
        if !is_right && wrong_cards.len() < 20 {
            wrong_cards.push(json!({ "game": game, "last_sent": last, "events_sent": n_sent, "events_received": got,
                                     "last_received": tp["games"][game.to_string()][1], "shown": card, "snapshot": snaps.get(game) }));
        }
    }
    let received = tp["received"].as_u64().unwrap_or(0);
    let frames = tp["frames"].as_f64().unwrap_or(0.0);
    let max_patches = tp["maxPatchesPerCardPerFrame"].as_f64().unwrap_or(f64::NAN);
    let patched_per_frame = tp["patched"].as_f64().unwrap_or(0.0) / frames.max(1.0);
    let sockets = bench["sockets"].as_u64().unwrap_or(0);
    let out = json!({
        "sent": sent, "publish_seconds": outcome.seconds, "publish_rate_per_s": sent as f64 / outcome.seconds.max(1e-9),
        "requests": outcome.requests, "refused_requests": outcome.refused_requests, "refused_events": outcome.refused_events,
        "first_refusal": outcome.first_refusal, "received": received, "lost": sent.saturating_sub(received),
        "cards_showing_last_score": right, "cards_missed_events_recovered": missed_recovered, "cards_missed_events_wrong": missed_wrong,
        "cards_every_event_wrong": complete_wrong, "cards_absent": absent, "snapshots_on_last_score": snapshots_right,
        "sockets_opened": sockets, "sockudo_slow_consumer_disconnects": buffer_full, "long_tasks": long.len(),
        "long_tasks_over_50ms": long.iter().filter(|t| **t > 50.0).count(), "longest_task_ms": long.iter().copied().fold(0.0, f64::max),
        "long_tasks_startup_ms": long_startup, "long_tasks_flood_ms": long_flood, "long_animation_frames": long_frames.json(),
        "long_animation_frames_each": bench["loaf"], "library_cost": cost.json(),
        "max_patches_per_card_per_frame": max_patches, "cards_patched_per_frame": patched_per_frame, "frames_with_patches": frames,
        "settled_ms": if settled_ms.is_nan() { Value::Null } else { json!(settled_ms) },
        "flood_started_ms": flood_started, "long_tasks_ms": long, "long_task_starts_ms": bench["starts"], "wrong_cards": wrong_cards,
    });
    Round {
        sent, outcome, received, right, missed_recovered, missed_wrong, complete_wrong, absent, snapshots_right, sockets, buffer_full,
        long, long_startup, long_flood, frames: long_frames, cost, max_patches, patched_per_frame, settled_ms, out,
    }
}

pub async fn run() {
    let games = env_num("BENCH_GAMES", 300);
    let rate = env_num("BENCH_TP_RATE", 5000);
    let seconds = env_num("BENCH_TP_SECONDS", 30);
    let rounds = env_num("BENCH_TP_ROUNDS", 3).max(1);
    let http = reqwest::Client::new();
    let base = 700_000 + (std::process::id() as u64 % 1000) * 1000;
    let sides = [("courtside", env("BENCH_TICKER_URL")), ("reference", env("BENCH_TICKER_REFERENCE_URL"))];
    let mut runs: [Vec<Round>; 2] = [vec![], vec![]];
    for round in 0..rounds {
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let r = side_round(&http, &sides[i].1, base, games, rate, seconds).await;
            println!("round {} {}: {}", round + 1, sides[i].0, r.line(games));
            runs[i].push(r);
        }
    }
    type Metric = (&'static str, usize, &'static str, fn(&Round) -> f64);
    let metrics: [Metric; 28] = [
        ("events sent", 0, "sent", |r| r.sent as f64),
        ("publish rate reached (events/s)", 0, "publish_rate_per_s", Round::rate),
        ("events refused by the gateway", 0, "refused_events", |r| r.outcome.refused_events as f64),
        ("events received on the socket", 0, "received", |r| r.received as f64),
        ("events lost before the socket", 0, "lost", |r| r.lost() as f64),
        ("library main thread, % of the flood", 0, "library_main_thread_pct", |r| r.cost.share(r.outcome.seconds)),
        ("  socket handler per message (µs)", 0, "socket_handler_us_per_message", |r| r.cost.per_message_us()),
        ("  longest socket handler (ms)", 1, "socket_handler_max_ms", |r| r.cost.message_max_ms),
        ("  frame callbacks (ms)", 0, "frame_callbacks_ms", |r| r.cost.frame_ms),
        ("cards on their last score", 0, "cards_showing_last_score", |r| r.right as f64),
        ("cards that missed events", 0, "cards_missed_events", |r| (r.missed_recovered + r.missed_wrong) as f64),
        ("  of those, right (snapshot)", 0, "cards_missed_events_recovered", |r| r.missed_recovered as f64),
        ("  of those, still wrong", 0, "cards_missed_events_wrong", |r| r.missed_wrong as f64),
        ("cards with every event, wrong", 0, "cards_every_event_wrong", |r| r.complete_wrong as f64),
        ("snapshots on the last score", 0, "snapshots_on_last_score", |r| r.snapshots_right as f64),
        ("sockets opened", 0, "sockets_opened", |r| r.sockets as f64),
        ("slow-consumer disconnects", 0, "sockudo_slow_consumer_disconnects", |r| r.buffer_full as f64),
        ("long tasks (> 50 ms)", 0, "long_tasks", |r| r.long.len() as f64),
        ("  at start-up", 0, "long_tasks_startup", |r| r.long_startup.len() as f64),
        ("  in the flood", 0, "long_tasks_flood", |r| r.long_flood.len() as f64),
        ("longest task (ms; 0: none)", 0, "longest_task_ms", Round::longest),
        ("long animation frames in the flood", 0, "long_animation_frames", |r| r.frames.count as f64),
        ("  their script time (ms)", 0, "long_animation_frames_script_ms", |r| r.frames.script_ms),
        ("  their style and layout (ms)", 0, "long_animation_frames_style_layout_ms", |r| r.frames.style_layout_ms + r.frames.forced_ms),
        ("most patches of a card in a frame", 0, "max_patches_per_card_per_frame", |r| r.max_patches),
        ("cards patched per frame (mean)", 1, "cards_patched_per_frame", |r| r.patched_per_frame),
        ("all cards right after (ms)", 0, "settled_ms", |r| r.settled_ms),
        ("publish requests", 0, "requests", |r| r.outcome.requests as f64),
    ];
    let n = runs[0].len();
    println!("\nthroughput: {games} games on one ticker, {rate} events/s for {seconds} s a round, through the league; each figure: {}", heading(n));
    println!("{:<36} {:>30} {:>30}", "", "courtside", "pusher-js + echo + DOM");
    let (mut cs, mut rs) = (json!({}), json!({}));
    for (label, decimals, key, f) in &metrics {
        let (c, r) = (Over::of(runs[0].iter().map(f)), Over::of(runs[1].iter().map(f)));
        println!("{:<36} {:>30} {:>30}", label, c.show(*decimals), r.show(*decimals));
        cs[*key] = c.json();
        rs[*key] = r.json();
    }
    println!("(every round kept; rounds alternate which side runs first; each side in its own browser, one after the other; \"right (snapshot)\": the card shows its game's last score although some of its events never reached the socket; \"all cards right after\": from the last publish answered, — when not within BENCH_TP_SETTLE_S)");
    let mut with_losses = vec![];
    for (i, (name, _)) in sides.iter().enumerate() {
        for (round, r) in runs[i].iter().enumerate() {
            let why = r.losses(games);
            if !why.is_empty() {
                println!("  round {} {name}: {why}", round + 1);
                with_losses.push(json!({ "round": round + 1, "page": name, "lost": r.lost(), "why": why }));
            }
        }
    }
    if with_losses.is_empty() {
        println!("  no round lost an event or left a card behind on either side");
    }
    let out = json!({ "games": games, "rate_per_s": rate, "seconds": seconds, "rounds": n, "courtside": cs, "reference": rs,
                      "rounds_with_losses": with_losses,
                      "each_round": { "courtside": runs[0].iter().map(|r| r.out.clone()).collect::<Vec<_>>(),
                                      "reference": runs[1].iter().map(|r| r.out.clone()).collect::<Vec<_>>() } });
    let path = env("BENCH_JSON").replace("compare-", "throughput-");
    std::fs::write(&path, serde_json::to_string_pretty(&out).unwrap_or_default()).expect("write results");
    println!("written {path}");
}
