//! The one seam between the pure protocol and a JSON implementation.
//!
//! The widget reads JSON with the strict reader of [`super::reader`] (plain Rust, straight from
//! the text); native builds (tests, fuzzing, the gateway's peers) use serde_json, and the
//! tests and fuzz targets hold the two to the same results. Both produce the same
//! [`Envelope`] and the same typed payloads through serde.

use serde::de::DeserializeOwned;

/// A frame split into its three fields, with `data` normalised to JSON text whether the
/// server sent it as a string (Reverb, Pusher) or as an object (sockudo's errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub event: String,
    pub channel: Option<String>,
    pub data: Option<String>,
}

/// Why a piece of JSON could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

/// A JSON implementation the protocol can be driven with.
pub trait JsonCodec {
    /// Split a frame's text into its envelope.
    fn envelope(text: &str) -> Result<Envelope, JsonError>;
    /// Decode a payload's JSON text into a typed value.
    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, JsonError>;
}

/// Append `s` to `out` as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// serde_json, for native builds.
#[cfg(not(target_arch = "wasm32"))]
pub struct SerdeJson;

#[cfg(not(target_arch = "wasm32"))]
impl JsonCodec for SerdeJson {
    fn envelope(text: &str) -> Result<Envelope, JsonError> {
        use serde_json::Value;
        let value: Value = serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))?;
        let Value::Object(mut map) = value else {
            return Err(JsonError("frame is not a JSON object".into()));
        };
        let event = match map.remove("event") {
            Some(Value::String(s)) => s,
            _ => return Err(JsonError("frame has no string `event`".into())),
        };
        let channel = match map.remove("channel") {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => None,
            Some(_) => return Err(JsonError("`channel` is not a string".into())),
        };
        let data = match map.remove("data") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
        };
        Ok(Envelope { event, channel, data })
    }

    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
        serde_json::from_str(text).map_err(|e| JsonError(e.to_string()))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        let mut out = String::new();
        push_json_string(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
        let back: String = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(back, "a\"b\\c\nd\u{1}é");
    }

    #[test]
    fn envelope_accepts_string_object_and_absent_data() {
        let s = SerdeJson::envelope(r#"{"event":"x","data":"{\"a\":1}"}"#).unwrap();
        assert_eq!(s.data.as_deref(), Some(r#"{"a":1}"#));
        let o = SerdeJson::envelope(r#"{"event":"x","data":{"a":1}}"#).unwrap();
        assert_eq!(o.data.as_deref(), Some(r#"{"a":1}"#));
        let n = SerdeJson::envelope(r#"{"event":"pusher:pong"}"#).unwrap();
        assert_eq!(n.data, None);
        assert_eq!(n.channel, None);
    }

    #[test]
    fn envelope_rejects_non_objects_and_missing_event() {
        assert!(SerdeJson::envelope("[1,2]").is_err());
        assert!(SerdeJson::envelope(r#"{"channel":"a"}"#).is_err());
        assert!(SerdeJson::envelope(r#"{"event":5}"#).is_err());
        assert!(SerdeJson::envelope(r#"{"event":"e","channel":7}"#).is_err());
        assert!(SerdeJson::envelope("not json").is_err());
    }
}
