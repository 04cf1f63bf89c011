//! Every fault in tests/scenarios.txt, played by the scripted peer (tests/peer) against the
//! real browser driver and a real scoreboard in headless Chromium. Each must end with the
//! score on screen equal to the peer's truth, or with the named permanent state.
#![cfg(target_arch = "wasm32")]

use courtside::client::{ClientSettings, Connection};
use courtside::ui::labels::EN;
use js_sys::Reflect;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIOS: &str = include_str!("scenarios.txt");
const PEER_PORT: &str = env!("COURTSIDE_PEER_PORT");
const LIMIT: Duration = Duration::from_secs(30);

async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

async fn get_json(url: &str) -> Result<JsValue, String> {
    let resp = JsFuture::from(web_sys::window().unwrap().fetch_with_str(url)).await.map_err(|_| format!("GET {url} failed"))?;
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        return Err(format!("GET {url} answered {}", resp.status()));
    }
    JsFuture::from(resp.json().map_err(|_| "no body")?).await.map_err(|_| format!("GET {url}: not JSON"))
}

fn field(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn text(root: &web_sys::Element, selector: &str) -> Option<String> {
    root.query_selector(selector).ok()??.text_content()
}

/// What the screen shows, in one line, for failure messages.
fn screen(root: &web_sys::Element) -> String {
    format!(
        "score {}-{}, status {:?}, message {:?}, badge {:?}",
        text(root, "[data-score=home]").unwrap_or_default(),
        text(root, "[data-score=away]").unwrap_or_default(),
        text(root, ".cs-status-text").unwrap_or_default(),
        text(root, ".cs-message").unwrap_or_default(),
        text(root, ".cs-badge").unwrap_or_default(),
    )
}

fn reached(root: &web_sys::Element, truth: &JsValue) -> bool {
    if field(truth, "done").as_bool() != Some(true) {
        return false; // the fault script has not finished yet
    }
    match field(truth, "expect").as_string().as_deref() {
        Some("truth") => {
            let home = field(truth, "home").as_f64().unwrap_or(-1.0).to_string();
            let away = field(truth, "away").as_f64().unwrap_or(-1.0).to_string();
            let finished = field(truth, "status").as_string().as_deref() == Some("finished");
            text(root, "[data-score=home]") == Some(home)
                && text(root, "[data-score=away]") == Some(away)
                && (!finished || text(root, ".cs-status-text").as_deref() == Some(EN.final_))
        }
        Some("failed") => root.query_selector(".cs-badge-failed").ok().flatten().is_some(),
        Some("denied") => text(root, ".cs-message").as_deref() == Some(EN.denied),
        Some("unknown") => text(root, ".cs-message").as_deref() == Some(EN.unknown_match),
        _ => false,
    }
}

async fn play(name: String, run: u32) -> Result<(), String> {
    let key = format!("{name}.{run}");
    let base = format!("http://127.0.0.1:{PEER_PORT}");
    let settings = ClientSettings {
        socket_url: format!("ws://127.0.0.1:{PEER_PORT}/app/{key}?protocol=7&client=courtside&version=test"),
        gateway: format!("{base}/s/{key}"),
        access: courtside::wire::Access::Private,
    };
    let conn = Connection::standalone(settings, |c| {
        c.pong_timeout_ms = 2_000;
        c.handshake_timeout_ms = 2_000;
        c.wake_check_ms = 1_000;
        c.backoff_base_ms = 500;
        c.backoff_cap_ms = 2_000;
        c.unavailable_after_ms = 5_000;
    });
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let mounted = courtside::embed::scoreboard_on(&conn, root.clone(), None, 1, &EN);
    let truth_url = format!("{base}/s/{key}/truth");
    let start = js_sys::Date::now();
    let outcome = loop {
        let truth = match get_json(&truth_url).await {
            Ok(t) => t,
            Err(e) => break Err(format!("{name}: {e}")),
        };
        if reached(&root, &truth) {
            let expect = field(&truth, "expect").as_string().unwrap_or_default();
            if expect == "failed" {
                // A permanent error must not hide a reconnect loop.
                tick(1_500).await;
                let again = get_json(&truth_url).await.unwrap_or(JsValue::NULL);
                let connections = field(&again, "connections").as_f64().unwrap_or(0.0);
                if connections != 1.0 {
                    break Err(format!("{name}: failed, yet connected {connections} times"));
                }
            }
            let violations = js_sys::JSON::stringify(&field(&truth, "violations")).map(String::from).unwrap_or_default();
            break if violations == "[]" { Ok(()) } else { Err(format!("{name}: peer saw {violations}")) };
        }
        if js_sys::Date::now() - start > LIMIT.as_millis() as f64 {
            let t = js_sys::JSON::stringify(&truth).map(String::from).unwrap_or_default();
            break Err(format!("{name}: after {LIMIT:?} the screen shows {}; the peer says {t}", screen(&root)));
        }
        tick(150).await;
    };
    drop(mounted);
    conn.shutdown();
    root.remove();
    outcome
}

#[wasm_bindgen_test]
async fn every_fault_scenario_ends_in_the_truth_or_a_clear_permanent_state() {
    let names: Vec<String> = SCENARIOS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('|').next().unwrap_or("").trim().to_owned())
        .collect();
    assert!(names.len() >= 40, "the list holds {} scenarios", names.len());
    let run = (js_sys::Math::random() * 1e9) as u32;
    // All at once, each on its own connection: faults in one cannot leak into another.
    let results = futures_util::future::join_all(names.iter().cloned().map(|n| play(n, run))).await;
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    web_sys::console::log_1(&format!("scenarios: {} passed, {} failed", names.len() - failures.len(), failures.len()).into());
    assert!(failures.is_empty(), "{} of {} scenarios failed:\n{}", failures.len(), names.len(), failures.join("\n"));
}
