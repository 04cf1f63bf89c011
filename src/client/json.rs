//! The protocol's JSON seam implemented with the browser's own `JSON.parse`: no JSON parser
//! ships in the wasm.

use crate::protocol::{Envelope, JsonCodec, JsonError};
use js_sys::{Reflect, JSON};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

pub struct BrowserJson;

fn parse(text: &str) -> Result<JsValue, JsonError> {
    JSON::parse(text).map_err(|_| JsonError("not JSON".into()))
}

impl JsonCodec for BrowserJson {
    fn envelope(text: &str) -> Result<Envelope, JsonError> {
        let value = parse(text)?;
        if !value.is_object() || js_sys::Array::is_array(&value) {
            return Err(JsonError("frame is not a JSON object".into()));
        }
        let field = |name: &str| Reflect::get(&value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        let event = field("event").as_string().ok_or_else(|| JsonError("frame has no string `event`".into()))?;
        let channel = field("channel");
        let channel = if channel.is_undefined() || channel.is_null() {
            None
        } else {
            Some(channel.as_string().ok_or_else(|| JsonError("`channel` is not a string".into()))?)
        };
        let data = field("data");
        let data = if data.is_undefined() || data.is_null() {
            None
        } else if let Some(s) = data.as_string() {
            Some(s)
        } else {
            JSON::stringify(&data).ok().and_then(|s| s.as_string())
        };
        Ok(Envelope { event, channel, data })
    }

    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
        shallow(text)?;
        decode_value(parse(text)?)
    }
}

/// No payload of the contract nests deeper than this; a value that does is refused before
/// serde-wasm-bindgen sees it (its error path formats the value recursively, in JavaScript,
/// and a few thousand levels overflow the stack through the wasm).
const MAX_DEPTH: usize = 32;
/// Error texts are cut to this: serde's "invalid type" message carries the whole value.
const MAX_ERROR: usize = 160;

/// Refuse JSON text nested deeper than [`MAX_DEPTH`] (brackets outside strings).
fn shallow(text: &str) -> Result<(), JsonError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(JsonError("nested too deep".into()));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn decode_value<T: DeserializeOwned>(value: JsValue) -> Result<T, JsonError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let mut text = e.to_string();
        if text.len() > MAX_ERROR {
            let mut end = MAX_ERROR;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push('…');
        }
        JsonError(text)
    })
}

/// Decode an already-parsed JS value (a `fetch` body), after the same depth check.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsonError> {
    let text = JSON::stringify(&value).ok().and_then(|s| s.as_string()).unwrap_or_default();
    shallow(&text)?;
    decode_value(value)
}

/// What a contract field must hold, for naming the field a payload got wrong.
#[derive(Clone, Copy)]
enum Kind {
    /// A non-negative integer JavaScript holds exactly (ids, scores).
    Count,
    Text,
    Object,
}

/// The pushed payloads' fields, `?` marking optional ones (see `crate::wire`).
const EVENT_FIELDS: &[(&str, Kind)] = &[
    ("match_id", Kind::Count),
    ("home_score", Kind::Count),
    ("away_score", Kind::Count),
    ("current_period?", Kind::Count),
    ("current_clock?", Kind::Text),
    ("status", Kind::Text),
    ("event", Kind::Object),
    ("event.id", Kind::Count),
    ("event.type", Kind::Text),
    ("event.team_id?", Kind::Count),
    ("event.player_id?", Kind::Count),
    ("event.period?", Kind::Count),
    ("event.clock?", Kind::Text),
];
const STATUS_FIELDS: &[(&str, Kind)] = &[
    ("match_id", Kind::Count),
    ("competition_id?", Kind::Count),
    ("status", Kind::Text),
    ("previous_status?", Kind::Text),
    ("home_score?", Kind::Count),
    ("away_score?", Kind::Count),
];

/// The first field of a pushed payload that breaks the contract, and how ("`event.id` is not a
/// whole number JavaScript can hold"). Only called on the failure path.
pub fn bad_field(event: &str, text: &str) -> String {
    let Ok(value) = JSON::parse(text) else { return "the payload is not JSON".into() };
    let fields = match event.trim_start_matches('.') {
        crate::wire::EVENT_RECEIVED => EVENT_FIELDS,
        _ => STATUS_FIELDS,
    };
    for (spec, kind) in fields {
        let (path, optional) = match spec.strip_suffix('?') {
            Some(p) => (p, true),
            None => (*spec, false),
        };
        let mut v = value.clone();
        for part in path.split('.') {
            v = if v.is_object() { Reflect::get(&v, &JsValue::from_str(part)).unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED };
        }
        if v.is_undefined() || v.is_null() {
            if optional {
                continue;
            }
            return format!("`{path}` is missing");
        }
        let fits = match kind {
            Kind::Count => js_sys::Number::is_safe_integer(&v) && v.as_f64().is_some_and(|n| n >= 0.0),
            Kind::Text => v.is_string(),
            Kind::Object => v.is_object() && !js_sys::Array::is_array(&v),
        };
        if !fits {
            return match kind {
                Kind::Count => format!("`{path}` is not a whole number from 0 to 2^53"),
                Kind::Text => format!("`{path}` is not a string"),
                Kind::Object => format!("`{path}` is not an object"),
            };
        }
    }
    "a field does not fit the contract".into()
}

/// The match a payload names, if it names one readably.
pub fn match_id_of(text: &str) -> Option<u64> {
    let value = JSON::parse(text).ok()?;
    let id = Reflect::get(&value, &JsValue::from_str("match_id")).ok()?;
    js_sys::Number::is_safe_integer(&id).then(|| id.as_f64()).flatten().filter(|n| *n > 0.0).map(|n| n as u64)
}
