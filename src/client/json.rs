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
        from_js(parse(text)?)
    }
}

/// Decode an already-parsed JS value (a `fetch` body).
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsonError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsonError(e.to_string()))
}
