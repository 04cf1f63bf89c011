//! The codec that ships, fuzzed: the native fuzz targets (fuzz/fuzz_targets/*.rs) run on
//! `SerdeJson`, the widget parses with `BrowserJson` (the protocol's strict reader,
//! src/protocol/reader.rs, with the browser's `parseFloat`). This runs their seeds, the corpus they grew in
//! the test command's fuzzing stage, and a corpus of malformed and edge-case frames and
//! payloads through `BrowserJson` in Chromium, with the fuzz targets' assertions: no panic,
//! the engine's invariants hold after every frame (`Engine::handle_text::<BrowserJson>`), the
//! reducer never moves the event id or a pushed status back; and errors are readable (not
//! empty, not a megabyte of echoed input). Numbers the contract holds as integers must come
//! out exact or be refused: never rounded.
#![cfg(target_arch = "wasm32")]

use courtside::client::json::BrowserJson;
use courtside::protocol::{frame, Action, AuthResult, Config, ConnectionState, Engine, Event, JsonCodec};
use courtside::store::{decode_message, Applied, MatchMessage, MatchSnapshot, MatchState, MatchStatus, MatchView};
use wasm_bindgen::JsCast as _;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FRAME_SEEDS: &[&str] = &[include_str!("../fuzz/corpus/frame_decoder/seed1")];
const REDUCER_SEEDS: &[&str] = &[include_str!("../fuzz/corpus/reducer/seed1")];

/// An error message a console line can carry: something, and not the input echoed whole.
const MAX_ERROR: usize = 4 * 1024;

thread_local! {
    /// Errors that echoed a whole wrongly typed value (see [`KNOWN_BUG_ERRORS_ECHO_VALUES`]).
    static ECHOES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A known bug in the shipped codec, reported, not fixed here: serde-wasm-bindgen's "invalid
/// type" error carries the whole value it refused (a 1 MB string where a number belongs gives
/// a 1 MB message; a nested object its whole debug text), and the widget logs it: a snapshot
/// body that does not decode becomes `FeedUpdate::Trouble("unexpected body: …")`, written to
/// the console on every retry; a frame becomes the engine's "skipped a frame: …" log line.
/// When src/ bounds the message, this turns false and the test says so.
const KNOWN_BUG_ERRORS_ECHO_VALUES: bool = false;

fn readable(what: &str, input: &str, message: &str) {
    assert!(!message.trim().is_empty(), "{what}: an empty error for {}", clip(input));
    if message.len() > MAX_ERROR && message.contains("invalid type:") {
        ECHOES.with(|e| e.set(e.get() + 1));
        return;
    }
    assert!(message.len() <= MAX_ERROR, "{what}: a {} byte error for {}: {}", message.len(), clip(input), clip(message));
}

fn clip(s: &str) -> String {
    let mut end = s.len().min(160);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    if end < s.len() {
        format!("{}… ({} bytes)", &s[..end], s.len())
    } else {
        s.to_owned()
    }
}

/// fuzz/fuzz_targets/frame_decoder.rs on `BrowserJson`: the text as one frame, then line by
/// line through a live engine (`!` closes, `~` wakes, `-` unsubscribes).
fn frame_target(text: &str) {
    if let Err(e) = frame::decode::<BrowserJson>(text) {
        readable("frame::decode", text, &e.to_string());
    }
    let mut engine = Engine::new(Config::new("ws://fuzz/app/k".into(), 7));
    engine.subscribe("private-match.1", 0);
    engine.subscribe("private-games", 0);
    engine.connect(0);
    engine.handle_open(0);
    for (i, line) in text.split('\n').enumerate() {
        let now = i as u64 * 7_000;
        match line.as_bytes().first() {
            Some(b'!') => engine.handle_closed(now),
            Some(b'~') => engine.handle_wake(now),
            Some(b'-') => engine.unsubscribe("private-games", now),
            _ => engine.handle_text::<BrowserJson>(line, now),
        }
        engine.handle_timeout(now);
        while let Some(action) = engine.poll_action() {
            if let Action::Authorize { channel, socket_id } = action {
                engine.handle_auth(&channel, &socket_id, AuthResult::Signed("k:s".into()), now);
            }
        }
        while let Some(event) = engine.poll_event() {
            match &event {
                Event::Message { channel, .. } => {
                    assert!(engine.subscriptions().get(channel).is_some(), "message on an unknown channel: {}", clip(line))
                }
                Event::Log { message, .. } => readable("engine log", line, message),
                _ => {}
            }
        }
        assert_eq!(engine.socket_id().is_some(), engine.state() == ConnectionState::Connected, "after {}", clip(line));
    }
}

/// Did a pushed status move the match back? (The reducer's rule: never to an earlier stage,
/// never from over to a status it does not know.)
fn moved_back(from: &MatchStatus, to: &MatchStatus) -> bool {
    match (from.stage(), to.stage()) {
        (Some(a), Some(b)) => b < a,
        (Some(2), None) => true,
        _ => false,
    }
}

/// fuzz/fuzz_targets/reducer.rs on `BrowserJson`: lines `e…` (event.received), `s…`
/// (status.changed), `n…` (a snapshot), `u` (unknown), `d` (denied), into one match view.
fn reducer_target(text: &str) {
    let mut view = MatchView::new(123);
    for line in text.split('\n') {
        let (kind, body) = match line.char_indices().nth(1) {
            Some((i, _)) => line.split_at(i),
            None => (line, ""),
        };
        let before: MatchState = view.state.clone();
        match kind {
            "e" | "s" => {
                let name = if kind == "e" { "event.received" } else { "status.changed" };
                let message = match decode_message::<BrowserJson>(name, body) {
                    Ok(Some(m)) => m,
                    Ok(None) => continue,
                    Err(e) => {
                        readable("decode_message", body, &e.0);
                        continue;
                    }
                };
                let applied = view.apply_message(&message);
                if let MatchMessage::Event(e) = &message {
                    if applied == Applied::Changed {
                        assert!(e.event.id > before.last_event_id);
                    }
                }
                assert!(!moved_back(&before.status, &view.state.status), "a push moved the status back: {}", clip(line));
            }
            "n" => {
                // Both ways a snapshot reaches the reducer: text (BrowserJson) and a `fetch`
                // body (client/http.rs, its text through the same reader).
                let parsed = courtside::client::http::decode::<MatchSnapshot>(courtside::client::http::HttpResult::Ok(body.into()));
                let snapshot = match <BrowserJson as JsonCodec>::decode::<MatchSnapshot>(body) {
                    Ok(s) => s,
                    Err(e) => {
                        readable("snapshot", body, &e.0);
                        if let courtside::client::http::HttpResult::Failed(e) = &parsed {
                            readable("snapshot (fetch body)", body, e);
                        }
                        continue;
                    }
                };
                assert!(matches!(parsed, courtside::client::http::HttpResult::Ok(_)), "the two snapshot paths disagree on {}", clip(body));
                view.apply_snapshot(&snapshot);
            }
            "u" => view.mark_unknown(),
            "d" => view.mark_denied(403),
            _ => continue,
        }
        assert!(view.state.last_event_id >= before.last_event_id, "event id went back: {}", clip(line));
        assert_eq!(view.state.id, 123);
    }
}

/// A payload's JSON text as a Reverb frame's `data` string.
fn as_frame(event: &str, channel: &str, payload: &str) -> String {
    let mut data = String::new();
    courtside::protocol::json::push_json_string(&mut data, payload);
    format!(r#"{{"event":"{event}","channel":"{channel}","data":{data}}}"#)
}

const EVENT: &str = r#"{"match_id":123,"home_score":45,"away_score":42,"current_period":2,"current_clock":"07:23","status":"in_progress","event":{"id":9871,"type":"3pt_made","team_id":16,"player_id":88,"period":2,"clock":"07:23","x":1.5,"y":2.5}}"#;
const STATUS: &str = r#"{"match_id":123,"competition_id":4,"status":"finished","previous_status":"in_progress","home_score":89,"away_score":84}"#;
const SNAPSHOT: &str = r#"{"version":1,"id":123,"competition_id":4,"status":"in_progress","home_team":{"id":16,"name":"A","short_name":"AAA"},"away_team":{"id":17,"name":"B"},"home_score":3,"away_score":1,"current_period":2,"current_clock":"07:00","periods":4,"last_event":{"id":5,"type":"ft_made"},"players":[{"id":88,"team_id":16,"name":"P","shirt_number":"0"}],"delayed":false}"#;

/// Values that do not belong where a number, a string or an object is expected.
fn hostile_values() -> Vec<String> {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deep_obj = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    vec![
        "9007199254740991".into(),     // 2^53 - 1: the largest exact one
        "9007199254740992".into(),     // 2^53
        "9007199254740993".into(),     // 2^53 + 1: JSON.parse rounds it
        "18446744073709551615".into(), // u64::MAX
        "18446744073709551616".into(), // 2^64
        "4294967296".into(),           // u32::MAX + 1
        "1e308".into(),
        "1e400".into(), // Infinity once parsed
        "-1".into(),
        "-0".into(),
        "-9007199254740993".into(),
        "3.5".into(),
        "3.0".into(),
        "0.1e1".into(),
        r#""45""#.into(),
        r#""""#.into(),
        r#""NaN""#.into(),
        "null".into(),
        "true".into(),
        "[]".into(),
        "{}".into(),
        "[1,2,3]".into(),
        r#"{"id":1}"#.into(),
        deep(10_000),
        deep_obj(5_000),
        format!("\"{}\"", "x".repeat(1 << 20)), // 1 MB
        format!("\"{}\"", "\u{202e}é\u{0}".repeat(1000)),
    ]
}

/// `template` with the value at `path` (dotted; `players.0.id` into arrays) replaced by `value`
/// (raw JSON text), or left out when `value` is None.
fn with_field(template: &str, path: &str, value: Option<&str>) -> String {
    // Built with the browser's own JSON, so the test needs no JSON library of its own.
    let root = js_sys::JSON::parse(template).expect("a valid template");
    let parts: Vec<&str> = path.split('.').collect();
    let mut obj = root.clone();
    for p in &parts[..parts.len() - 1] {
        obj = js_sys::Reflect::get(&obj, &(*p).into()).expect("the path exists");
    }
    let last: wasm_bindgen::JsValue = parts[parts.len() - 1].into();
    match value {
        None => {
            js_sys::Reflect::delete_property(&obj.into(), &last).expect("deletable");
        }
        Some(_) => {
            js_sys::Reflect::set(&obj, &last, &"\u{1}PLACEHOLDER\u{1}".into()).expect("settable");
        }
    }
    let text: String = js_sys::JSON::stringify(&root).expect("stringify").into();
    match value {
        // Splice the raw text in: JSON.parse would round a big number, or overflow on depth.
        Some(v) => text.replace(r#""\u0001PLACEHOLDER\u0001""#, v),
        None => text,
    }
}

const EVENT_FIELDS: &[&str] = &[
    "match_id", "home_score", "away_score", "current_period", "current_clock", "status", "event", "event.id", "event.type",
    "event.team_id", "event.player_id", "event.period", "event.clock", "event.x", "event.y",
];
const STATUS_FIELDS: &[&str] = &["match_id", "competition_id", "status", "previous_status", "home_score", "away_score"];
const SNAPSHOT_FIELDS: &[&str] = &[
    "version", "id", "competition_id", "status", "home_team", "home_team.id", "home_team.name", "away_team", "home_score",
    "away_score", "current_period", "current_clock", "periods", "last_event", "last_event.id", "players", "players.0.id",
    "players.0.shirt_number", "delayed",
];

/// The number a JSON literal stands for, when it is a whole number from 0 to 2^53 (`-0`,
/// `3.0` and `0.1e1` are whole numbers too: JSON does not tell them apart).
fn exact_integer(literal: &str) -> Option<u64> {
    if let Ok(n) = literal.parse::<u64>() {
        return (n <= (1u64 << 53)).then_some(n);
    }
    let x: f64 = literal.parse().ok()?;
    (x.is_finite() && x.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&x)).then_some(x as u64)
}

#[wasm_bindgen_test]
fn the_fuzz_seeds_pass_through_the_shipped_codec() {
    for seed in FRAME_SEEDS {
        frame_target(seed);
    }
    for seed in REDUCER_SEEDS {
        reducer_target(seed);
    }
}

#[wasm_bindgen_test]
fn malformed_frames_are_refused_readably_and_the_engine_holds() {
    let long = "y".repeat(1 << 20);
    let frames: Vec<String> = vec![
        String::new(),
        "not json {".into(),
        "null".into(),
        "[]".into(),
        r#""a string""#.into(),
        "{}".into(),
        r#"{"event":5}"#.into(),
        r#"{"event":null}"#.into(),
        r#"{"event":"x","channel":7}"#.into(),
        r#"{"event":"x","channel":"private-match.1","data":[1,2]}"#.into(),
        r#"{"event":"pusher:connection_established"}"#.into(),
        r#"{"event":"pusher:connection_established","data":"not json"}"#.into(),
        r#"{"event":"pusher:connection_established","data":{"socket_id":5}}"#.into(),
        r#"{"event":"pusher:connection_established","data":{"socket_id":"1.1","activity_timeout":1e400}}"#.into(),
        r#"{"event":"pusher:connection_established","data":{"socket_id":"1.1","activity_timeout":-5}}"#.into(),
        r#"{"event":"pusher:connection_established","data":{"socket_id":"1.1","activity_timeout":"30"}}"#.into(),
        r#"{"event":"pusher:connection_established","data":{"socket_id":"1.1","activity_timeout":0.001}}"#.into(),
        format!(r#"{{"event":"pusher:connection_established","data":{{"socket_id":"{}"}}}}"#, "9".repeat(65)),
        r#"{"event":"pusher:error","data":{"code":99999999999999999999,"message":5}}"#.into(),
        r#"{"event":"pusher:error","data":{"code":-1}}"#.into(),
        r#"{"event":"pusher:error","data":{"code":4001.5,"message":"x"}}"#.into(),
        r#"{"event":"pusher:error","data":{"code":"4001"}}"#.into(),
        r#"{"event":"pusher:error","data":"{\"code\":4201"}"#.into(),
        r#"{"event":"pusher_internal:subscription_succeeded"}"#.into(),
        r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-never"}"#.into(),
        format!(r#"{{"event":"x","channel":"private-match.1","data":{}}}"#, "[".repeat(100_000) + &"]".repeat(100_000)),
        format!(r#"{{"event":"x{long}","channel":"private-match.1"}}"#),
        format!(r#"{{"event":"x","channel":"private-match.1","data":"{}"}}"#, &long[..200_000]),
        format!("{{\"event\":\"{}\"}}", "\\ud800".repeat(10)),
    ];
    for f in &frames {
        frame_target(f);
    }
    // The same frames as one session, after a real handshake and subscription.
    let session = [
        r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.1\",\"activity_timeout\":30}"}"#.to_owned(),
        r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-match.1","data":"{}"}"#.to_owned(),
    ]
    .into_iter()
    .chain(frames.iter().cloned())
    .collect::<Vec<_>>()
    .join("\n");
    frame_target(&session);
}

/// Run `f`, catching what a Rust `catch_unwind` cannot: a JavaScript exception thrown through
/// the wasm (and a trap). Err holds what was thrown.
fn survives(f: impl FnOnce() + 'static) -> Result<(), String> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let f = Closure::once_into_js(f);
    let guard = js_sys::Function::new_with_args("f", "try { f(); return null; } catch (e) { return String(e); }");
    let thrown = guard.call1(&wasm_bindgen::JsValue::NULL, f.unchecked_ref::<js_sys::Function>()).unwrap_or_default();
    match thrown.as_string() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Is this one of the nested values that make serde-wasm-bindgen throw (see below)?
fn deeply_nested(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.starts_with("[[[[") || v.starts_with(r#"{"a":{"a":{"a""#))
}

/// A known bug in the shipped codec, reported, not fixed here (src/ is not this test's):
/// Fixed since (kept as a check): serde-wasm-bindgen 0.6, which decoded payloads then, formatted a value of the wrong type with `{:?}` for its error
/// message, and wasm-bindgen's debug formatting recurses in JavaScript: a value nested a few
/// thousand deep where a number or string belongs (10 KB of `[[[…]]]`, well under the 256 KB
/// frame limit) throws "RangeError: Maximum call stack size exceeded" through the wasm,
/// out of `decode_message::<BrowserJson>` and `from_js`. In the widget that exception unwinds
/// through `Connection::pump` and leaves its `pumping` flag set: no action is performed
/// again. When src/ fixes it, this turns false and the test says so.
const KNOWN_BUG_DEEP_VALUE_THROWS: bool = false;

#[wasm_bindgen_test]
fn hostile_values_in_every_payload_field() {
    let values = hostile_values();
    let refused = std::rc::Rc::new(std::cell::Cell::new(0));
    let taken = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut failures: Vec<String> = vec![];
    let mut deep_throws = 0;
    let mut deep_cases = 0;
    for (template, fields, kind) in [(EVENT, EVENT_FIELDS, 'e'), (STATUS, STATUS_FIELDS, 's'), (SNAPSHOT, SNAPSHOT_FIELDS, 'n')] {
        for field in fields {
            let mut cases: Vec<Option<String>> = values.iter().map(|v| Some(v.clone())).collect();
            cases.push(None); // the field left out
            for value in cases {
                let payload = with_field(template, field, value.as_deref());
                let (refused, taken, field_owned, value_owned) = (refused.clone(), taken.clone(), field.to_string(), value.clone());
                let outcome = survives(move || {
                    let (field, value) = (field_owned.as_str(), value_owned.as_deref());
                // The decoders alone: exact or refused, and readable when refused.
                let decoded = match kind {
                    'e' | 's' => {
                        let name = if kind == 'e' { "event.received" } else { "status.changed" };
                        decode_message::<BrowserJson>(name, &payload).map(|m| m.map(|m| m.match_id()))
                    }
                    _ => <BrowserJson as JsonCodec>::decode::<MatchSnapshot>(&payload).map(|s| Some(s.id)),
                };
                match &decoded {
                    Ok(id) => {
                        taken.set(taken.get() + 1);
                        if matches!(field, "match_id" | "id") {
                            let literal = value.unwrap_or("");
                            assert_eq!(*id, exact_integer(literal), "{kind}: `{field}` = {} came out as {id:?}", clip(literal));
                        }
                    }
                    Err(e) => {
                        refused.set(refused.get() + 1);
                        readable(&format!("{kind}: `{field}`"), &payload, &e.0);
                    }
                }
                // Then through the fuzz targets: the reducer, and (pushes) a live engine.
                reducer_target(&format!("{kind}{payload}"));
                if kind != 'n' {
                    let event = if kind == 'e' { "event.received" } else { "status.changed" };
                    let session = [
                        r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.1\",\"activity_timeout\":30}"}"#.to_owned(),
                        r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-match.1","data":"{}"}"#.to_owned(),
                        as_frame(event, "private-match.1", &payload),
                    ];
                    frame_target(&session.join("\n"));
                }
                });
                let deep = deeply_nested(value.as_deref());
                deep_cases += usize::from(deep);
                match outcome {
                    Err(e) if deep && e.contains("Maximum call stack") => deep_throws += 1,
                    Err(e) => failures.push(format!("{kind}: `{field}` = {}: {}", clip(value.as_deref().unwrap_or("(left out)")), clip(&e))),
                    Ok(()) => {}
                }
            }
        }
    }
    let (taken, refused) = (taken.get(), refused.get());
    web_sys::console::log_1(
        &format!("codec corpus: {taken} payloads taken, {refused} refused; {deep_throws} of {deep_cases} deeply nested values threw").into(),
    );
    assert!(failures.is_empty(), "{} payloads broke the shipped codec:\n{}", failures.len(), failures.join("\n"));
    assert!(refused > 100 && taken > 10, "{taken} taken, {refused} refused: the corpus is not doing its job");
    let echoes = ECHOES.with(|e| e.get());
    web_sys::console::log_1(&format!("codec corpus: {echoes} errors echoed a whole value of more than {MAX_ERROR} bytes").into());
    if KNOWN_BUG_ERRORS_ECHO_VALUES {
        assert!(echoes > 0, "no error echoes a whole value any more: set KNOWN_BUG_ERRORS_ECHO_VALUES to false");
    } else {
        assert_eq!(echoes, 0, "{echoes} errors echoed a whole value");
    }
    if KNOWN_BUG_DEEP_VALUE_THROWS {
        assert!(deep_throws > 0, "no deeply nested value throws any more: set KNOWN_BUG_DEEP_VALUE_THROWS to false");
    } else {
        assert_eq!(deep_throws, 0, "{deep_throws} deeply nested values threw through the codec");
    }
}

#[wasm_bindgen_test]
fn integers_beyond_2_53_are_refused_not_rounded() {
    for (literal, exact) in [("9007199254740991", true), ("9007199254740992", true), ("9007199254740993", false), ("18446744073709551615", false)] {
        for field in ["event.id", "match_id"] {
            let payload = with_field(EVENT, field, Some(literal));
            match decode_message::<BrowserJson>("event.received", &payload) {
                Ok(Some(MatchMessage::Event(e))) => {
                    let got = if field == "match_id" { e.match_id } else { e.event.id };
                    assert!(exact, "`{field}` = {literal} was taken as {got}");
                    assert_eq!(got.to_string(), literal, "`{field}` rounded");
                }
                Ok(other) => panic!("`{field}` = {literal}: {other:?}"),
                Err(e) => {
                    assert!(!exact || literal.parse::<u64>().unwrap() > (1 << 53) - 1, "`{field}` = {literal} refused: {}", e.0);
                    readable(field, &payload, &e.0);
                }
            }
        }
    }
}

/// The corpus libFuzzer grew in the test command's fuzzing stage, through the same targets on
/// the shipped codec: scripts/test.sh serves every input of each target that is UTF-8 (what the
/// targets read) as one JSON file and names it in `COURTSIDE_E2E_FUZZ_CORPUS`. Thousands of
/// inputs the native fuzzers found interesting (each reached new code in `SerdeJson`'s path),
/// none of which may panic, throw or break an invariant in `BrowserJson`'s.
#[wasm_bindgen_test]
async fn the_fuzzers_grown_corpus_passes_through_the_shipped_codec() {
    let Some(url) = option_env!("COURTSIDE_E2E_FUZZ_CORPUS") else {
        web_sys::console::log_1(&"fuzz corpus: not served (scripts/test.sh sets COURTSIDE_E2E_FUZZ_CORPUS); skipped".into());
        return;
    };
    let body = gloo_net::http::Request::get(url).send().await.expect("the corpus is served");
    assert_eq!(body.status(), 200, "{url}");
    let corpus = js_sys::JSON::parse(&body.text().await.expect("a body")).expect("the corpus is JSON");
    let targets: [(&str, fn(&str)); 2] = [("frame_decoder", frame_target), ("reducer", reducer_target)];
    let mut failures = vec![];
    let mut report = vec![];
    for (target, run) in targets {
        let inputs = js_sys::Reflect::get(&corpus, &target.into()).expect("the corpus names every target");
        let inputs: js_sys::Array = inputs.dyn_into().expect("a list of inputs");
        for input in inputs.iter() {
            let text = input.as_string().expect("inputs are text");
            let for_run = text.clone();
            if let Err(e) = survives(move || run(&for_run)) {
                failures.push(format!("{target}: {}: {}", clip(&text), clip(&e)));
            }
        }
        // The seeds alone are one or two: a grown corpus is hundreds after 60 s.
        assert!(inputs.length() >= 100, "{target}: only {} inputs; did the fuzzing stage run?", inputs.length());
        report.push(format!("{target} {}", inputs.length()));
    }
    web_sys::console::log_1(&format!("fuzz corpus through the shipped codec: {} inputs, {} failed", report.join(", "), failures.len()).into());
    assert!(failures.is_empty(), "{} grown-corpus inputs broke the shipped codec:\n{}", failures.len(), failures.join("\n"));
}
