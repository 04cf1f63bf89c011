//! The protocol's JSON seam implemented with the browser's own `JSON.parse`: no JSON parser
//! ships in the wasm. Parsed values are read into the wire types by [`Strict`], a serde
//! deserializer over the parsed value that applies serde-wasm-bindgen's rules for JSON values
//! with an error type of its own: serde-wasm-bindgen's deserializer (whose error formats the
//! refused value through serde's `Unexpected`, and so brings in Rust's float formatter) cost
//! 5.8 KB gzip of wasm more. serde-wasm-bindgen still serializes for the JavaScript API.

use crate::protocol::{Envelope, JsonCodec, JsonError};
use js_sys::{Reflect, JSON};
use serde::de::{self, DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};

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

/// No payload of the contract nests deeper than this; a value that does is refused before it
/// is read (reading recurses once per level: a few thousand levels would overflow the stack;
/// serde-wasm-bindgen, which read them before, also formatted them recursively in JavaScript).
const MAX_DEPTH: usize = 32;
/// Error texts are cut to this (a long field path, a long custom message).
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
    T::deserialize(Strict(value)).map_err(|e| {
        let mut text = e.0;
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

/// A decoding error: what was wrong, after the dotted path of the field it was in
/// ("`event.id`: invalid type: a floating-point number, expected u64").
pub struct DecodeError(String);

impl DecodeError {
    /// The error one level up: inside item `index` of an array.
    #[inline(never)]
    fn at_item(self, index: u32) -> Self {
        self.at(&index.to_string())
    }

    /// The error one level up: inside field `name`.
    #[inline(never)]
    fn at(mut self, name: &str) -> Self {
        if self.0.starts_with('`') {
            self.0.insert_str(1, &[name, "."].concat());
        } else {
            self.0 = ["`", name, "`: ", &self.0].concat();
        }
        self
    }
}

/// What a refused value was, in words: never its text (a megabyte string, a deep object) and
/// never a float through Rust's float formatter (8.6 KB of wasm that nothing else needs).
fn unexpected(u: de::Unexpected) -> String {
    match u {
        de::Unexpected::Bool(b) => (if b { "boolean `true`" } else { "boolean `false`" }).into(),
        de::Unexpected::Unsigned(n) => ["integer `", &n.to_string(), "`"].concat(),
        de::Unexpected::Signed(n) => ["integer `", &n.to_string(), "`"].concat(),
        de::Unexpected::Float(_) => "a floating-point number".into(),
        de::Unexpected::Str(_) => "a string".into(),
        de::Unexpected::Unit => "null".into(),
        de::Unexpected::Seq => "an array".into(),
        de::Unexpected::Map => "an object".into(),
        de::Unexpected::Other(o) => o.into(),
        _ => "a value of another type".into(),
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        DecodeError(msg.to_string())
    }
    fn invalid_type(u: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DecodeError(format!("invalid type: {}, expected {exp}", unexpected(u)))
    }
    fn invalid_value(u: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DecodeError(format!("invalid value: {}, expected {exp}", unexpected(u)))
    }
}

/// A JSON value the browser parsed, read by serde: the same rules serde-wasm-bindgen's
/// deserializer applies to JSON values (integers must be safe integers, `null` is `None`, a
/// field that is absent is missing), with an error type that does not format floats and
/// names the field.
struct Strict(JsValue);

impl Strict {
    /// The error for a value of the wrong type (one copy, whatever the visitor).
    #[cold]
    #[inline(never)]
    fn refused(&self, exp: &dyn de::Expected) -> DecodeError {
        let v = &self.0;
        let u = if v.is_null() || v.is_undefined() {
            de::Unexpected::Unit
        } else if let Some(b) = v.as_bool() {
            de::Unexpected::Bool(b)
        } else if let Some(n) = v.as_f64() {
            if js_sys::Number::is_safe_integer(v) {
                de::Unexpected::Signed(n as i64)
            } else {
                de::Unexpected::Float(n)
            }
        } else if v.is_string() {
            de::Unexpected::Str("")
        } else if js_sys::Array::is_array(v) {
            de::Unexpected::Seq
        } else if v.is_object() {
            de::Unexpected::Map
        } else {
            de::Unexpected::Other("a value JSON does not have")
        };
        de::Error::invalid_type(u, exp)
    }

    fn safe_integer(&self) -> Option<i64> {
        js_sys::Number::is_safe_integer(&self.0).then(|| self.0.as_f64().unwrap_or_default() as i64)
    }
}

impl<'de> de::Deserializer<'de> for Strict {
    type Error = DecodeError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let v = &self.0;
        if v.is_null() || v.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = self.safe_integer() {
            visitor.visit_i64(n)
        } else if let Some(n) = v.as_f64() {
            visitor.visit_f64(n)
        } else if let Some(s) = v.as_string() {
            visitor.visit_string(s)
        } else if js_sys::Array::is_array(v) {
            self.deserialize_seq(visitor)
        } else if v.is_object() {
            self.deserialize_map(visitor)
        } else {
            Err(self.refused(&visitor))
        }
    }

    fn deserialize_bool<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_i64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.safe_integer() {
            Some(n) => visitor.visit_i64(n),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_u64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.safe_integer() {
            Some(n) if n >= 0 => visitor.visit_u64(n as u64),
            _ => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_f64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0.as_f64() {
            Some(n) => visitor.visit_f64(n),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_string<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0.as_string() {
            Some(s) => visitor.visit_string(s),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_unit()
        } else {
            Err(self.refused(&visitor))
        }
    }

    fn deserialize_unit_struct<V: de::Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0.dyn_ref::<js_sys::Array>() {
            Some(a) => visitor.visit_seq(Items { array: a.clone(), next: 0 }),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_tuple<V: de::Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: de::Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.0.is_object() && !js_sys::Array::is_array(&self.0) {
            let entries = js_sys::Object::entries(self.0.unchecked_ref());
            visitor.visit_map(Entries { entries, next: 0, value: None })
        } else {
            Err(self.refused(&visitor))
        }
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if self.0.is_object() {
            visitor.visit_map(Fields { object: self.0, fields: fields.iter(), value: None })
        } else {
            Err(self.refused(&visitor))
        }
    }

    fn deserialize_ignored_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    // As serde-wasm-bindgen: every integer read as a 64-bit one (serde checks the range),
    // f32 as f64, every string as an owned one.
    fn deserialize_u32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u8<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i8<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_f32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf enum
    }
}

/// A struct's fields, in the order serde lists them; a field the object lacks is missing.
struct Fields {
    object: JsValue,
    fields: std::slice::Iter<'static, &'static str>,
    value: Option<(&'static str, JsValue)>,
}

impl Fields {
    /// The next field the object has (its value kept for `next_value_seed`).
    #[inline(never)]
    fn next_present(&mut self) -> Option<&'static str> {
        for name in &mut self.fields {
            let value = Reflect::get(&self.object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
            if !value.is_undefined() {
                self.value = Some((name, value));
                return Some(name);
            }
        }
        None
    }
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = DecodeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DecodeError> {
        match self.next_present() {
            Some(name) => seed.deserialize(de::value::BorrowedStrDeserializer::new(name)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DecodeError> {
        let (name, value) = self.value.take().unwrap_or(("", JsValue::UNDEFINED));
        seed.deserialize(Strict(value)).map_err(|e| e.at(name))
    }
}

/// An object's own entries, for a map.
struct Entries {
    entries: js_sys::Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = DecodeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DecodeError> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let pair: js_sys::Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = Some(pair.get(1));
        seed.deserialize(Strict(pair.get(0))).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DecodeError> {
        seed.deserialize(Strict(self.value.take().unwrap_or(JsValue::UNDEFINED)))
    }
}

/// An array's items.
struct Items {
    array: js_sys::Array,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = DecodeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let (item, at) = (self.array.get(self.next), self.next);
        self.next += 1;
        seed.deserialize(Strict(item)).map(Some).map_err(|e| e.at_item(at))
    }
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
