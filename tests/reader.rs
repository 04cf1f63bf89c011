//! The widget's JSON reader (`courtside::protocol::reader`) against serde_json, the reader the
//! gateway, the peers and the native tests use: the same payloads taken with the same values
//! and the same refused, over every contract shape and thousands of malformed variants of them;
//! and each of its own rules stated once.
#![cfg(not(target_arch = "wasm32"))]

use courtside::protocol::json::SerdeJson;
use courtside::protocol::reader::{RustFloats, StrictJson, MAX_DEPTH};
use courtside::protocol::{Envelope, JsonCodec};
use courtside::wire::{EventReceived, MatchList, MatchSnapshot, RelayStatus, StatusChanged};
use serde::de::DeserializeOwned;
use std::fmt::Debug;

type Strict = StrictJson<RustFloats>;

const EVENT: &str = r#"{"match_id":123,"home_score":45,"away_score":42,"current_period":2,"current_clock":"07:23","status":"in_progress","event":{"id":9871,"type":"3pt_made","team_id":16,"player_id":88,"period":2,"clock":"07:23","x":1.5,"y":-2.25}}"#;
const STATUS: &str = r#"{"match_id":123,"competition_id":4,"status":"finished","previous_status":"in_progress","home_score":89,"away_score":84}"#;
const SNAPSHOT: &str = r#"{"version":1,"id":123,"competition_id":4,"status":"in_progress","home_team":{"id":16,"name":"A \"B\" \u00e9\ud83c\udfc0","short_name":"AAA"},"away_team":{"id":17,"name":"B"},"home_score":3,"away_score":1,"current_period":2,"current_clock":"07:00","periods":4,"last_event":{"id":5,"type":"ft_made"},"players":[{"id":88,"team_id":16,"name":"P\\n","shirt_number":"0"},{"id":89,"team_id":17}],"delayed":false}"#;
const LIST: &str = r#"{"matches":[{"id":1,"status":"scheduled","home_score":0,"away_score":0},{"id":2,"status":"postponed","home_score":0,"away_score":0}]}"#;
const RELAY: &str = r#"{"delayed":true}"#;
const FRAMES: &[&str] = &[
    r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.1\",\"activity_timeout\":30}"}"#,
    r#"{"event":"pusher:error","data":{"code":4201,"message":"x"}}"#,
    r#"{"event":"event.received","channel":"private-match.123","data":"{\"match_id\":123}"}"#,
    r#"{"event":"pusher:pong","channel":null,"data":null}"#,
    r#"{"channel":"a","event":"b","extra":[1,{"x":null}],"data":[true,false]}"#,
    // Found by the fuzzer: a number beyond f64's range in a value the reader only skips.
    r#"{"event":"rror","data":{"code":5e700,"message":"x"}}"#,
];

/// The outcome of decoding `text` as `T` with one reader, as text to compare.
fn outcome<T: DeserializeOwned + Debug, C: JsonCodec>(text: &str) -> Result<String, String> {
    C::decode::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.0)
}

/// Where the two readers may differ, by design: an integer JavaScript cannot hold exactly, a
/// lone UTF-16 surrogate (read as U+FFFD, as the browser hands such a string over), nesting
/// beyond MAX_DEPTH (serde_json allows 128).
fn allowed_difference(ours: &Result<String, String>, text: &str) -> bool {
    match ours {
        Err(e) => e.contains("beyond 2^53") || e.contains("nested too deep"),
        Ok(_) => text.to_ascii_lowercase().contains("\\ud"),
    }
}

#[derive(Default)]
struct Tally {
    same_taken: usize,
    same_refused: usize,
    allowed: usize,
}

fn compare<T: DeserializeOwned + Debug>(text: &str, tally: &mut Tally) {
    let ours = outcome::<T, Strict>(text);
    let theirs = outcome::<T, SerdeJson>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) if a == b => tally.same_taken += 1,
        (Err(e), Err(_)) => {
            assert!(e.chars().count() <= 161, "an error longer than 160 bytes: {e}");
            tally.same_refused += 1;
        }
        _ if allowed_difference(&ours, text) => tally.allowed += 1,
        _ => panic!("the readers disagree on {}:\n  ours   {ours:?}\n  serde  {theirs:?}", clip(text)),
    }
}

fn clip(s: &str) -> String {
    if s.len() <= 300 {
        return s.to_owned();
    }
    let mut end = 300;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// `text` and every variant of it with one byte deleted, and with one of a set of characters
/// inserted at each position: thousands of malformed and oddly formed neighbours.
fn neighbours(text: &str) -> Vec<String> {
    let mut out = vec![text.to_owned()];
    let cuts: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    for w in cuts.windows(2) {
        out.push(format!("{}{}", &text[..w[0]], &text[w[1]..]));
    }
    for &i in &cuts {
        for ins in ["\"", "\\", ",", "{", "}", "[", "]", ":", " ", "0", "-", ".", "e", "n", "\u{1}", "1.0", "null", "\\u", "é"] {
            out.push(format!("{}{ins}{}", &text[..i], &text[i..]));
        }
    }
    out
}

/// Values that do not belong where a number, a string or an object is expected, spliced into
/// `template` in place of each number and string literal in turn.
fn substitutions(template: &str) -> Vec<String> {
    let values = [
        "9007199254740991", "9007199254740992", "18446744073709551616", "-1", "-0", "3.5", "3.0", "0.1e1", "1e400", "-1e-400",
        "\"45\"", "\"\"", "null", "true", "[]", "{}", "[1,2]", "{\"id\":1}", "\"\\ud800\"", "\"\\ud83c\\udfc0\"",
        "\"a\\u0000b\"", "01", "+1", ".5", "1.", "1e", "NaN", "Infinity", "\"\\x\"",
    ];
    // Literal spans found by a small scan (inside the template, which is well formed).
    let b = template.as_bytes();
    let mut spans = vec![];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                // A key is followed by a colon: only values are replaced.
                if b.get(i) != Some(&b':') {
                    spans.push((start, i));
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                spans.push((start, i));
            }
            _ => i += 1,
        }
    }
    let mut out = vec![];
    for (s, e) in spans {
        for v in values {
            out.push(format!("{}{v}{}", &template[..s], &template[e..]));
        }
    }
    out
}

#[test]
fn every_payload_shape_and_its_malformed_neighbours_read_as_serde_json_reads_them() {
    let mut tally = Tally::default();
    for text in neighbours(EVENT).iter().chain(&substitutions(EVENT)) {
        compare::<EventReceived>(text, &mut tally);
    }
    for text in neighbours(STATUS).iter().chain(&substitutions(STATUS)) {
        compare::<StatusChanged>(text, &mut tally);
    }
    for text in neighbours(SNAPSHOT).iter().chain(&substitutions(SNAPSHOT)) {
        compare::<MatchSnapshot>(text, &mut tally);
    }
    for text in neighbours(LIST).iter().chain(&substitutions(LIST)) {
        compare::<MatchList>(text, &mut tally);
    }
    for text in neighbours(RELAY) {
        compare::<RelayStatus>(&text, &mut tally);
    }
    let Tally { same_taken, same_refused, allowed } = tally;
    println!("reader vs serde_json: {same_taken} taken alike, {same_refused} refused alike, {allowed} differences by design");
    assert!(same_taken > 1_000 && same_refused > 10_000, "the corpus is not doing its job: {same_taken} / {same_refused}");
    assert!(allowed < (same_taken + same_refused) / 50, "{allowed} differences");
}

fn envelope_outcome<C: JsonCodec>(text: &str) -> Result<(String, Option<String>, Option<serde_json::Value>), ()> {
    // `data` that is not a string is kept as JSON text: the same value, if not the same spacing.
    C::envelope(text)
        .map(|Envelope { event, channel, data }| {
            let data = data.map(|d| serde_json::from_str(&d).unwrap_or(serde_json::Value::String(d)));
            (event, channel, data)
        })
        .map_err(drop)
}

#[test]
fn frames_and_their_malformed_neighbours_split_as_serde_json_splits_them() {
    let (mut taken, mut refused) = (0, 0);
    let deep = format!(r#"{{"event":"x","data":{}1{}}}"#, "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(Strict::envelope(&deep).unwrap_err().0, "nested too deep", "a difference by design");
    for frame in FRAMES {
        for text in neighbours(frame) {
            let ours = envelope_outcome::<Strict>(&text);
            let theirs = envelope_outcome::<SerdeJson>(&text);
            if ours != theirs && !text.to_ascii_lowercase().contains("\\ud") {
                panic!("the readers disagree on {text}:\n  ours   {ours:?}\n  serde  {theirs:?}");
            }
            if ours.is_ok() { taken += 1 } else { refused += 1 }
        }
    }
    assert!(taken > 200 && refused > 1_000, "{taken} taken, {refused} refused");
}

#[test]
fn a_refusal_names_the_field_path_and_what_was_there_never_the_value() {
    let bad = EVENT.replace(r#""id":9871"#, &format!(r#""id":"{}""#, "9".repeat(100_000)));
    let e = Strict::decode::<EventReceived>(&bad).unwrap_err().0;
    assert_eq!(e, "`event.id`: invalid type: a string, expected u64");
    let e = Strict::decode::<MatchSnapshot>(&SNAPSHOT.replace(r#""id":89"#, r#""id":true"#)).unwrap_err().0;
    assert_eq!(e, "`players.1.id`: invalid type: boolean `true`, expected u64");
    let e = Strict::decode::<StatusChanged>(&STATUS.replace(r#""match_id":123,"#, "")).unwrap_err().0;
    assert_eq!(e, "missing field `match_id`");
    let e = Strict::decode::<StatusChanged>(&STATUS.replace(r#""status":"finished","#, r#""status":"finished","status":"x","#)).unwrap_err().0;
    assert_eq!(e, "duplicate field `status`");
    let e = Strict::decode::<StatusChanged>(&format!("{STATUS} x")).unwrap_err().0;
    assert!(e.starts_with("not JSON: more after the value at byte"), "{e}");
}

#[test]
fn a_count_is_a_whole_number_javascript_holds_exactly() {
    let id = |v: &str| Strict::decode::<StatusChanged>(&STATUS.replace("123", v)).map(|s| s.match_id).map_err(|e| e.0);
    assert_eq!(id("9007199254740991"), Ok(9_007_199_254_740_991));
    assert_eq!(id("-0").unwrap_err(), "`match_id`: invalid type: a floating-point number, expected u64");
    assert_eq!(id("9007199254740992").unwrap_err(), "`match_id`: invalid type: an integer beyond 2^53 - 1, expected u64");
    assert_eq!(id("5.0").unwrap_err(), "`match_id`: invalid type: a floating-point number, expected u64");
    assert_eq!(id("-3").unwrap_err(), "`match_id`: invalid type: integer `-3`, expected u64");
    let home = |v: &str| Strict::decode::<StatusChanged>(&STATUS.replace("89", v)).map(|s| s.home_score).map_err(|e| e.0);
    assert_eq!(home("4294967295"), Ok(Some(4_294_967_295)));
    assert_eq!(home("4294967296").unwrap_err(), "`home_score`: invalid value: integer `4294967296`, expected u32");
}

#[test]
fn coordinates_are_read_as_floats_and_infinity_is_refused() {
    let e = Strict::decode::<EventReceived>(EVENT).unwrap();
    assert_eq!((e.event.x, e.event.y), (Some(1.5), Some(-2.25)));
    let e = Strict::decode::<EventReceived>(&EVENT.replace("1.5", "3")).unwrap();
    assert_eq!(e.event.x, Some(3.0));
    let e = Strict::decode::<EventReceived>(&EVENT.replace("1.5", "1e400")).unwrap_err().0;
    assert_eq!(e, "`event.x`: a number out of range");
}

#[test]
fn strings_keep_every_escape_and_a_lone_surrogate_becomes_a_replacement_character() {
    let s = Strict::decode::<MatchSnapshot>(SNAPSHOT).unwrap();
    assert_eq!(s.home_team.unwrap().name.as_deref(), Some("A \"B\" é🏀"));
    assert_eq!(s.players[0].name.as_deref(), Some("P\\n"));
    let t: String = Strict::decode(r#""\/\b\f\n\r\t\u0041\ud800x\udc00\ud83c""#).unwrap();
    assert_eq!(t, "/\u{8}\u{c}\n\r\tA\u{fffd}x\u{fffd}\u{fffd}");
    assert!(Strict::decode::<String>("\"a\u{1}\"").is_err(), "a raw control character in a string");
}

#[test]
fn a_number_beyond_f64_is_refused_in_a_frame_and_ignored_in_an_unknown_payload_field() {
    // As serde_json: a frame is read as a whole value; a payload's unknown field is skipped
    // with its syntax checked (found by the fuzzers, both ways).
    let frame = r#"{"event":"x","data":{"code":5e700}}"#;
    assert_eq!(Strict::envelope(frame).unwrap_err().0, "a number out of range");
    assert!(SerdeJson::envelope(frame).is_err());
    let payload = STATUS.replace(r#""match_id":123"#, r#""hom":1E888888,"match_id":123"#);
    assert_eq!(Strict::decode::<StatusChanged>(&payload).map(|s| s.match_id), Ok(123));
    assert!(SerdeJson::decode::<StatusChanged>(&payload).is_ok());
}

#[test]
fn nesting_is_bounded_before_it_is_read() {
    let depth = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let unknown = |v: &str| STATUS.replace(r#""match_id":123"#, &format!(r#""extra":{v},"match_id":123"#));
    // An unknown field is skipped, up to the bound; beyond it (and 100,000 deep) it is refused
    // without recursing that deep.
    assert!(Strict::decode::<StatusChanged>(&unknown(&depth(MAX_DEPTH - 1))).is_ok());
    for n in [MAX_DEPTH, 100_000] {
        assert_eq!(Strict::decode::<StatusChanged>(&unknown(&depth(n))).unwrap_err().0, "`extra`: nested too deep");
    }
    let frame = format!(r#"{{"event":"x","data":{}}}"#, depth(100_000));
    assert_eq!(Strict::envelope(&frame).unwrap_err().0, "nested too deep");
}

#[test]
fn an_envelope_keeps_object_data_as_its_text_and_the_last_of_a_repeated_field() {
    let e = Strict::envelope(r#"{"event":"a","data":{"code": 4201},"event":"b","channel":null}"#).unwrap();
    assert_eq!(e, Envelope { event: "b".into(), channel: None, data: Some(r#"{"code": 4201}"#.into()) });
    assert_eq!(Strict::envelope(r#"{"event":"a"} {"#).unwrap_err().0, "not JSON: more after the value at byte 14");
    assert_eq!(Strict::envelope("[1]").unwrap_err().0, "frame is not a JSON object");
    assert_eq!(Strict::envelope(r#"{"event":7}"#).unwrap_err().0, "frame has no string `event`");
}
