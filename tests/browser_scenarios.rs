//! Every fault in tests/scenarios.txt, played by the scripted peer (tests/peer) against the
//! real browser driver and a real scoreboard in headless Chromium. Each must reach the peer's
//! truth (score, status, clock, last event) or the named permanent state once the peer is done,
//! hold it for a settling time, and then pass the counts and gaps its line names, read from the
//! peer's record of every connection, auth call, token, snapshot call and ping.
#![cfg(target_arch = "wasm32")]

use courtside::client::{ClientSettings, Connection};
use courtside::ui::labels::EN;
use serde::Deserialize;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIOS: &str = include_str!("scenarios.txt");
const PEER_PORT: &str = env!("COURTSIDE_PEER_PORT");
/// From the mount to the end of the fault script and the truth on screen.
const LIMIT: Duration = Duration::from_secs(30);
/// How long the screen must keep the truth once the peer is done and no snapshot is in
/// flight: longer than the first auth retry (2 s) and the test backoff (≤ 2 s), so a retry or
/// reconnect loop, or a late snapshot that overwrites the screen, shows up in it.
const SETTLE: Duration = Duration::from_millis(2_500);
const POLL_MS: i32 = 150;
/// Scenarios played at once. Chromium delays new WebSockets by seconds when a page has many
/// pending (its per-process WebSocket throttler, worse after abnormal closures); the fault
/// scenarios close abnormally all the time, and a 1 s delay would make "reconnects at once"
/// unmeasurable. Eight at a time keeps that delay at a few ms.
const PARALLEL: usize = 8;

async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

async fn request(url: &str, method: &str) -> Result<web_sys::Response, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let resp = JsFuture::from(web_sys::window().unwrap().fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| format!("{method} {url} failed"))?;
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        return Err(format!("{method} {url} answered {}", resp.status()));
    }
    Ok(resp)
}

/// One thing the peer saw (tests/peer/src/lib.rs, `Entry`).
#[derive(Debug, Clone, Deserialize)]
struct Entry {
    at: f64,
    what: String,
    conn: usize,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    name: Option<String>,
}

/// The peer's `/s/<key>/truth`.
#[derive(Debug, Clone, Deserialize)]
struct Report {
    home: u32,
    away: u32,
    status: String,
    expect: String,
    period: u32,
    clock: Option<String>,
    last_kind: Option<String>,
    in_flight: u32,
    waiting: Option<String>,
    log: Vec<Entry>,
    violations: Vec<String>,
    done: bool,
}

async fn report(url: &str) -> Result<Report, String> {
    let resp = request(url, "GET").await?;
    let body = JsFuture::from(resp.json().map_err(|_| "no body")?).await.map_err(|_| format!("GET {url}: not JSON"))?;
    serde_wasm_bindgen::from_value(body).map_err(|e| format!("GET {url}: {e}"))
}

fn text(root: &web_sys::Element, selector: &str) -> Option<String> {
    root.query_selector(selector).ok()??.text_content()
}

/// What the screen shows, in one line, for failure messages.
fn screen(root: &web_sys::Element) -> String {
    format!(
        "score {}-{}, status {:?}, clock {:?}, last {:?}, message {:?}, badge {:?}",
        text(root, "[data-score=home]").unwrap_or_default(),
        text(root, "[data-score=away]").unwrap_or_default(),
        text(root, ".cs-status-text").unwrap_or_default(),
        text(root, ".cs-clock").unwrap_or_default(),
        text(root, ".cs-what").unwrap_or_default(),
        text(root, ".cs-message").unwrap_or_default(),
        text(root, ".cs-badge").unwrap_or_default(),
    )
}

/// Does the screen show what the peer says it must? (Not whether the script is done.)
fn shows(root: &web_sys::Element, truth: &Report) -> bool {
    match truth.expect.as_str() {
        "truth" => {
            let finished = truth.status == "finished";
            // The head shows "Q2 07:42" while the game is on, nothing once it is over.
            let clock = match (&truth.clock, finished) {
                (Some(c), false) => format!("{}{} {c}", EN.period, truth.period),
                _ => String::new(),
            };
            let last = truth.last_kind.as_deref().map(|k| EN.events.describe(k).to_owned());
            text(root, "[data-score=home]") == Some(truth.home.to_string())
                && text(root, "[data-score=away]") == Some(truth.away.to_string())
                && text(root, ".cs-status-text").as_deref() == Some(if finished { EN.final_ } else { EN.live })
                && text(root, ".cs-clock").unwrap_or_default() == clock
                && text(root, ".cs-what") == last
        }
        "failed" => root.query_selector(".cs-badge-failed").ok().flatten().is_some(),
        "denied" => text(root, ".cs-message").as_deref() == Some(EN.denied),
        "unknown" => text(root, ".cs-message").as_deref() == Some(EN.unknown_match),
        _ => false,
    }
}

/// One line of tests/scenarios.txt.
#[derive(Debug, Clone)]
struct Spec {
    name: String,
    checks: Vec<String>,
    /// Dispatches events on window/document that every connection on the page hears.
    serial: bool,
    /// Fails today because of a reported bug in src/.
    known_bug: bool,
    /// Backoff base and cap for the client, in ms.
    backoff: Option<u64>,
}

fn specs() -> Vec<Spec> {
    SCENARIOS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('|').map(str::trim).collect();
            let mut spec = Spec { name: cols[0].to_owned(), checks: vec![], serial: false, known_bug: false, backoff: None };
            for word in cols.get(3).copied().unwrap_or("").split_whitespace() {
                match word {
                    "serial" => spec.serial = true,
                    "known-bug" => spec.known_bug = true,
                    w if w.starts_with("tune.backoff=") => spec.backoff = w["tune.backoff=".len()..].parse().ok(),
                    w => spec.checks.push(w.to_owned()),
                }
            }
            spec
        })
        .collect()
}

// ---- the checks of tests/scenarios.txt, read from the peer's log ----

fn times<'a>(log: &'a [Entry], what: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
    log.iter().filter(move |e| e.what == what)
}

fn mark_at(log: &[Entry], name: &str) -> Result<f64, String> {
    log.iter().find(|e| e.what == "mark" && e.name.as_deref() == Some(name)).map(|e| e.at).ok_or(format!("no mark {name}"))
}

fn first_after(log: &[Entry], what: &str, t: f64) -> Result<f64, String> {
    times(log, what).map(|e| e.at).find(|&at| at >= t).map(|at| at - t).ok_or(format!("no {what} after {t:.0} ms"))
}

fn of_conn(log: &[Entry], what: &str, conn: usize) -> Result<f64, String> {
    times(log, what).find(|e| e.conn == conn).map(|e| e.at).ok_or(format!("no {what} for connection {conn}"))
}

fn reconnect_delays(log: &[Entry]) -> Vec<f64> {
    let n = times(log, "connect").count();
    (1..n).filter_map(|i| Some(of_conn(log, "connect", i + 1).ok()? - of_conn(log, "close", i).ok()?)).collect()
}

/// `name[i]` → (name, i).
fn indexed(metric: &str) -> Option<(&str, usize)> {
    let (name, rest) = metric.split_once('[')?;
    Some((name, rest.strip_suffix(']')?.parse().ok()?))
}

/// `name(a,b)` → (name, [a, b]).
fn called(metric: &str) -> Option<(&str, Vec<&str>)> {
    let (name, rest) = metric.split_once('(')?;
    Some((name, rest.strip_suffix(')')?.split(',').map(str::trim).collect()))
}

fn metric(log: &[Entry], m: &str) -> Result<f64, String> {
    let count = |what: &str| Ok(times(log, what).count() as f64);
    let count_where = |what: &str, f: &dyn Fn(u16) -> bool| Ok(times(log, what).filter(|e| e.status.is_some_and(f)).count() as f64);
    match m {
        "connections" => return count("connect"),
        "subscribes" => return count("subscribe"),
        "auths" => return count("auth"),
        "tokens" => return count("token"),
        "snapshots" => return count("snapshot"),
        "client_pings" => return count("client_ping"),
        "client_pongs" => return count("client_pong"),
        "server_pings" => return count("server_ping"),
        "auth_errors" => return count_where("auth", &|s| !(200..300).contains(&s)),
        "auth_401" => return count_where("auth", &|s| s == 401),
        "snapshot_errors" => return count_where("snapshot", &|s| !(200..300).contains(&s)),
        _ => {}
    }
    if let Some(which) = m.strip_prefix("reconnect_delay.") {
        let d = reconnect_delays(log);
        let (min, max) = d.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        if d.is_empty() {
            return Err("no reconnect".into());
        }
        return match which {
            "min" => Ok(min),
            "max" => Ok(max),
            "spread" => Ok(max - min),
            _ => Err(format!("unknown metric {m}")),
        };
    }
    if let Some((name, i)) = indexed(m) {
        return match name {
            "reconnect_delay" => Ok(of_conn(log, "connect", i + 1)? - of_conn(log, "close", i)?),
            "lifetime" => Ok(of_conn(log, "close", i)? - of_conn(log, "connect", i)?),
            "auth_gap" => {
                let auths: Vec<f64> = times(log, "auth").map(|e| e.at).collect();
                match (auths.get(i - 1), auths.get(i)) {
                    (Some(a), Some(b)) => Ok(b - a),
                    _ => Err(format!("fewer than {} auth calls", i + 1)),
                }
            }
            "pong_delay" => {
                let ping = times(log, "server_ping").nth(i - 1).map(|e| e.at).ok_or(format!("no server ping {i}"))?;
                first_after(log, "client_pong", ping)
            }
            _ => Err(format!("unknown metric {m}")),
        };
    }
    if let Some((name, args)) = called(m) {
        return match (name, args.as_slice()) {
            ("ping_after", [mark]) => first_after(log, "client_ping", mark_at(log, mark)?),
            ("connect_after", [mark]) => first_after(log, "connect", mark_at(log, mark)?),
            ("connections_between", [a, b]) => {
                let (a, b) = (mark_at(log, a)?, mark_at(log, b)?);
                Ok(times(log, "connect").filter(|e| e.at >= a && e.at < b).count() as f64)
            }
            _ => Err(format!("unknown metric {m}")),
        };
    }
    Err(format!("unknown metric {m}"))
}

/// `metric OP number`, OP one of `<= >= < > =`; Err says what failed.
fn check(log: &[Entry], spec: &str) -> Result<(), String> {
    let (at, op) = ["<=", ">=", "<", ">", "="]
        .iter()
        .filter_map(|op| spec.find(op).map(|i| (i, *op)))
        .min_by_key(|(i, op)| (*i, std::cmp::Reverse(op.len())))
        .ok_or(format!("{spec}: no comparison"))?;
    let (name, want) = (&spec[..at], &spec[at + op.len()..]);
    let want: f64 = want.parse().map_err(|_| format!("{spec}: not a number"))?;
    let got = metric(log, name).map_err(|e| format!("{spec}: {e}"))?;
    let ok = match op {
        "<=" => got <= want,
        ">=" => got >= want,
        "<" => got < want,
        ">" => got > want,
        _ => got == want,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{spec}: was {got:.0}"))
    }
}

/// The test page tells the peer, then dispatches the browser event a script waits for.
async fn dispatch(base: &str, name: &str) -> Result<(), String> {
    request(&format!("{base}/mark/{name}"), "POST").await?;
    let window = web_sys::window().unwrap();
    let event = web_sys::Event::new(name).map_err(|_| format!("cannot make a {name} event"))?;
    let target: web_sys::EventTarget = if name == "visibilitychange" {
        let document = window.document().unwrap();
        if document.visibility_state() != web_sys::VisibilityState::Visible {
            // The hook acts only when the page says it is visible: make it say so.
            let desc = js_sys::Object::new();
            let getter = js_sys::Function::new_no_args("return 'visible';");
            js_sys::Reflect::set(&desc, &"get".into(), &getter).unwrap();
            js_sys::Reflect::set(&desc, &"configurable".into(), &JsValue::TRUE).unwrap();
            js_sys::Object::define_property(&document, &"visibilityState".into(), &desc);
        }
        document.into()
    } else {
        window.into()
    };
    target.dispatch_event(&event).map_err(|_| format!("cannot dispatch {name}"))?;
    Ok(())
}

async fn play(spec: Spec, run: u32) -> Result<(), String> {
    let name = spec.name.clone();
    let key = format!("{name}.{run}");
    let base = format!("http://127.0.0.1:{PEER_PORT}/s/{key}");
    let settings = ClientSettings {
        socket_url: format!("ws://127.0.0.1:{PEER_PORT}/app/{key}?protocol=7&client=courtside&version=test"),
        gateway: base.clone(),
        access: courtside::wire::Access::Private,
    };
    let conn = Connection::standalone(settings, |c| {
        c.pong_timeout_ms = 2_000;
        c.handshake_timeout_ms = 2_000;
        c.wake_check_ms = 1_000;
        c.backoff_base_ms = spec.backoff.unwrap_or(500);
        c.backoff_cap_ms = spec.backoff.unwrap_or(2_000);
        c.unavailable_after_ms = 5_000;
    });
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let mounted = courtside::embed::scoreboard_on(&conn, root.clone(), None, 1, &EN);
    let truth_url = format!("{base}/truth");
    let start = js_sys::Date::now();
    let mut dispatched: Vec<String> = vec![];
    let outcome = async {
        // 1. The script runs to its end, nothing is in flight, and the screen shows the truth.
        loop {
            let truth = report(&truth_url).await?;
            if let Some(w) = truth.waiting.clone().filter(|w| !dispatched.contains(w)) {
                dispatch(&base, &w).await?;
                dispatched.push(w);
            }
            if truth.done && truth.in_flight == 0 && shows(&root, &truth) {
                break;
            }
            if js_sys::Date::now() - start > LIMIT.as_millis() as f64 {
                return Err(format!(
                    "after {LIMIT:?} the screen shows {}; the peer says {}; log: {}",
                    screen(&root),
                    summary(&truth),
                    log_line(&truth.log)
                ));
            }
            tick(POLL_MS).await;
        }
        // 2. It holds: no reconnect loop, no late snapshot, no retry undoes it.
        let settled = js_sys::Date::now();
        while js_sys::Date::now() - settled < SETTLE.as_millis() as f64 {
            tick(POLL_MS).await;
            let truth = report(&truth_url).await?;
            if !shows(&root, &truth) {
                return Err(format!(
                    "left the truth {:.0} ms into the settling time: the screen shows {}; the peer says {}; log: {}",
                    js_sys::Date::now() - settled,
                    screen(&root),
                    summary(&truth),
                    log_line(&truth.log)
                ));
            }
        }
        // 3. The scenario's own counts and gaps.
        let truth = report(&truth_url).await?;
        if !truth.violations.is_empty() {
            return Err(format!("the peer saw {:?}", truth.violations));
        }
        let failed: Vec<String> = spec.checks.iter().filter_map(|c| check(&truth.log, c).err()).collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(format!("{}; log: {}", failed.join(", "), log_line(&truth.log)))
        }
    }
    .await;
    drop(mounted);
    conn.shutdown();
    root.remove();
    match (outcome, spec.known_bug) {
        (Ok(()), false) => Ok(()),
        (Err(e), false) => Err(format!("{name}: {e}")),
        (Err(e), true) => {
            web_sys::console::log_1(&format!("{name}: known bug still there: {e}").into());
            Ok(())
        }
        (Ok(()), true) => Err(format!("{name}: passes now; take `known-bug` off its line in tests/scenarios.txt")),
    }
}

/// The truth without the log, for messages.
fn summary(t: &Report) -> String {
    format!(
        "score {}-{}, status {}, clock {:?}, last {:?}, done {}, in flight {}, waiting {:?}",
        t.home, t.away, t.status, t.clock, t.last_kind, t.done, t.in_flight, t.waiting
    )
}

/// The log as `what#conn@ms(status)` words.
fn log_line(log: &[Entry]) -> String {
    log.iter()
        .map(|e| {
            let extra = match (&e.status, &e.name) {
                (Some(s), _) => format!("({s})"),
                (_, Some(n)) => format!("({n})"),
                _ => String::new(),
            };
            format!("{}#{}@{:.0}{extra}", e.what, e.conn, e.at)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[wasm_bindgen_test]
async fn every_fault_scenario_ends_in_the_truth_or_a_clear_permanent_state() {
    let all = specs();
    assert!(all.len() >= 45, "the list holds {} scenarios", all.len());
    let run = (js_sys::Math::random() * 1e9) as u32;
    let (serial, parallel): (Vec<Spec>, Vec<Spec>) = all.iter().cloned().partition(|s| s.serial);
    // PARALLEL at a time, each on its own connection: faults in one cannot leak into another.
    let queue = std::rc::Rc::new(std::cell::RefCell::new(parallel.into_iter().collect::<std::collections::VecDeque<_>>()));
    let workers = (0..PARALLEL).map(|_| {
        let queue = queue.clone();
        async move {
            let mut results = vec![];
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(spec) = next else { break };
                results.push(play(spec, run).await);
            }
            results
        }
    });
    let mut results: Vec<Result<(), String>> = futures_util::future::join_all(workers).await.into_iter().flatten().collect();
    // Page events reach every connection on the page: these run alone, one after another.
    for s in serial {
        results.push(play(s, run).await);
    }
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    let known = all.iter().filter(|s| s.known_bug).count();
    web_sys::console::log_1(
        &format!("scenarios: {} passed, {} failed ({} known bugs)", all.len() - failures.len(), failures.len(), known).into(),
    );
    assert!(failures.is_empty(), "{} of {} scenarios failed:\n{}", failures.len(), all.len(), failures.join("\n"));
}

/// The checks themselves, on a made-up log: a check that cannot fail proves nothing.
#[wasm_bindgen_test]
fn the_checks_read_the_log_right() {
    let e = |at: f64, what: &str, conn: usize, status: Option<u16>, name: Option<&str>| Entry {
        at,
        what: what.into(),
        conn,
        status,
        name: name.map(Into::into),
    };
    let log = vec![
        e(0.0, "snapshot", 0, Some(200), None),
        e(10.0, "connect", 1, None, None),
        e(20.0, "auth", 1, Some(500), None),
        e(2030.0, "auth", 1, Some(200), None),
        e(2100.0, "mark", 1, None, Some("pageshow")),
        e(2150.0, "client_ping", 1, None, None),
        e(3000.0, "close", 1, None, None),
        e(4200.0, "connect", 2, None, None),
    ];
    assert_eq!(check(&log, "connections=2"), Ok(()));
    assert!(check(&log, "connections=1").is_err());
    assert_eq!(check(&log, "auth_errors=1"), Ok(()));
    assert_eq!(check(&log, "auth_gap[1]>=2000"), Ok(()));
    assert!(check(&log, "auth_gap[2]>=1").is_err(), "a missing gap fails");
    assert_eq!(check(&log, "reconnect_delay[1]>=1000"), Ok(()));
    assert!(check(&log, "reconnect_delay[1]<500").is_err());
    assert_eq!(check(&log, "lifetime[1]<=2990"), Ok(()));
    assert_eq!(check(&log, "ping_after(pageshow)<500"), Ok(()));
    assert_eq!(check(&log, "connect_after(pageshow)<=2100"), Ok(()));
    assert!(check(&log, "connect_after(online)<500").is_err(), "a missing mark fails");
    assert_eq!(check(&log, "reconnect_delay.spread>=0"), Ok(()));
    assert!(check(&log, "frobs=1").is_err(), "an unknown metric fails");
    let specs = specs();
    for s in &specs {
        for c in &s.checks {
            // Every check in the list parses and names a known metric (against an empty log
            // it may only fail for want of data, never as unknown).
            if let Err(e) = check(&[], c) {
                assert!(!e.contains("unknown metric") && !e.contains("no comparison") && !e.contains("not a number"), "{}: {e}", s.name);
            }
        }
    }
}
