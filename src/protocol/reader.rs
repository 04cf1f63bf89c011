//! A strict JSON reader for serde, in plain Rust: the widget's codec.
//!
//! A frame arrives as text and is read here once, envelope and payload, straight into the wire
//! types: no detour through the browser's `JSON.parse` and back (the text crossed from wasm to
//! JavaScript and back twice a frame, and every field name once more). The grammar is RFC 8259
//! and serde_json's rules for reading it: an integer is written without fraction or exponent
//! (`5.0` is a float, refused where a count is expected), `null` is `None`, an absent field is
//! missing, a field given twice is refused, nothing may follow the value. One rule is the
//! browser's: an integer beyond 2^53 − 1 is refused, as JavaScript cannot hold it exactly.
//! Nesting deeper than [`MAX_DEPTH`] is refused before it is read further. Errors name the
//! field path ("`event.id`: invalid type: a string, expected u64") and never print the refused
//! value: not a megabyte string, and never a float through Rust's float formatter.
//!
//! Fractional numbers (court coordinates) are the one thing parsed outside: `P::parse_float`,
//! the browser's own `parseFloat` in the widget (Rust's float parser would add kilobytes to
//! the wasm), `str::parse` natively.

use super::json::{Envelope, JsonCodec, JsonError};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use std::borrow::Cow;
use std::marker::PhantomData;

/// No payload of the contract nests deeper than this.
pub const MAX_DEPTH: usize = 32;
/// Error texts are cut to this many bytes.
const MAX_ERROR: usize = 160;
/// The largest integer JavaScript holds exactly.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// How a fractional number's text becomes an `f64`.
pub trait ParseFloat {
    fn parse_float(text: &str) -> Option<f64>;
}

/// Rust's own float parser, for native builds.
pub struct RustFloats;

impl ParseFloat for RustFloats {
    fn parse_float(text: &str) -> Option<f64> {
        text.parse().ok()
    }
}

/// The codec: [`Reader`] for envelopes and payloads, floats parsed by `P`.
pub struct StrictJson<P>(PhantomData<P>);

impl<P: ParseFloat> JsonCodec for StrictJson<P> {
    fn envelope(text: &str) -> Result<Envelope, JsonError> {
        envelope(text, P::parse_float).map_err(cut)
    }

    fn decode<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
        decode(text, P::parse_float)
    }
}

/// Read `text` as one `T`, nothing after it.
pub fn decode<T: DeserializeOwned>(text: &str, float: fn(&str) -> Option<f64>) -> Result<T, JsonError> {
    let mut r = Reader { text, at: 0, depth: 0, float, whole_values: false };
    T::deserialize(&mut r).and_then(|v| r.end().map(|()| v)).map_err(cut)
}

#[cold]
fn cut(e: DecodeError) -> JsonError {
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
}

/// A frame's envelope: `event` a string, `channel` a string or absent or `null`, `data` a
/// string (kept as it is) or any other value (kept as its JSON text) or absent or `null`.
/// Other fields are read and ignored; of a field given twice the last counts, as in a JSON
/// object read into a map.
fn envelope(text: &str, float: fn(&str) -> Option<f64>) -> Result<Envelope, DecodeError> {
    let mut r = Reader { text, at: 0, depth: 0, float, whole_values: true };
    r.ws();
    if r.peek() != Some(b'{') {
        return Err(DecodeError("frame is not a JSON object".into()));
    }
    let (mut event, mut channel, mut data) = (None, Ok(None), None);
    let mut first = true;
    r.enter()?;
    while r.next_member(&mut first, b'}')? {
        let key = r.key()?;
        match &*key {
            "event" => event = if r.peek() == Some(b'"') { Some(r.string()?.into_owned()) } else { r.skip().map(|()| None)? },
            "channel" => {
                channel = match r.peek() {
                    Some(b'"') => Ok(Some(r.string()?.into_owned())),
                    Some(b'n') => r.literal("null").map(|()| Ok(None))?,
                    _ => r.skip().map(|()| Err(()))?,
                }
            }
            "data" => {
                data = match r.peek() {
                    Some(b'"') => Some(r.string()?.into_owned()),
                    Some(b'n') => r.literal("null").map(|()| None)?,
                    _ => {
                        let start = r.at;
                        r.skip()?;
                        Some(text[start..r.at].to_owned())
                    }
                }
            }
            _ => r.skip()?,
        }
    }
    r.leave();
    r.end()?;
    let event = event.ok_or_else(|| DecodeError("frame has no string `event`".into()))?;
    let channel = channel.map_err(|()| DecodeError("`channel` is not a string".into()))?;
    Ok(Envelope { event, channel, data })
}

/// A decoding error: what was wrong, after the dotted path of the field it was in.
pub struct DecodeError(pub String);

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

/// What a refused value was, in words: never its text, never a float's digits.
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

/// A number as written: an integer JavaScript holds exactly (its magnitude and whether it is
/// negative), or any other number's text.
enum Number<'a> {
    Int(u64, bool),
    /// With a fraction or an exponent.
    Float(&'a str),
    /// An integer beyond 2^53 − 1.
    Big(&'a str),
}

/// The reader: a position in the text and the depth of nesting there.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
    float: fn(&str) -> Option<f64>,
    /// Values skipped are still read whole: numbers in f64's range (the envelope's rule).
    whole_values: bool,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    #[cold]
    #[inline(never)]
    fn syntax(&self) -> DecodeError {
        DecodeError(if self.at >= self.text.len() {
            "not JSON: the text ends early".into()
        } else {
            ["not JSON: unexpected character at byte ", &self.at.to_string()].concat()
        })
    }

    fn expect(&mut self, b: u8) -> Result<(), DecodeError> {
        self.ws();
        if self.peek() != Some(b) {
            return Err(self.syntax());
        }
        self.at += 1;
        Ok(())
    }

    /// The start of the next value, white space skipped.
    #[inline(never)]
    fn value_start(&mut self) -> Result<u8, DecodeError> {
        self.ws();
        self.peek().ok_or_else(|| self.syntax())
    }

    #[inline(never)]
    fn end(&mut self) -> Result<(), DecodeError> {
        self.ws();
        if self.at != self.text.len() {
            return Err(DecodeError(["not JSON: more after the value at byte ", &self.at.to_string()].concat()));
        }
        Ok(())
    }

    #[inline(never)]
    fn literal(&mut self, word: &str) -> Result<(), DecodeError> {
        if !self.text[self.at..].starts_with(word) {
            return Err(self.syntax());
        }
        self.at += word.len();
        Ok(())
    }

    /// Past an opening bracket, one level deeper.
    #[inline(never)]
    fn enter(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(DecodeError("nested too deep".into()));
        }
        self.at += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
        self.at += 1; // the closing bracket, which `next_member` found
    }

    /// Whether another member or item follows in an object or array closed by `close`: its
    /// separating comma consumed, white space skipped.
    #[inline(never)]
    fn next_member(&mut self, first: &mut bool, close: u8) -> Result<bool, DecodeError> {
        self.ws();
        match self.peek() {
            Some(b) if b == close => Ok(false),
            _ if *first => {
                *first = false;
                Ok(true)
            }
            Some(b',') => {
                self.at += 1;
                self.ws();
                Ok(true)
            }
            _ => Err(self.syntax()),
        }
    }

    /// An object's key and the colon after it.
    #[inline(never)]
    fn key(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax());
        }
        let key = self.string()?;
        self.expect(b':')?;
        self.ws();
        Ok(key)
    }

    /// A string, at its opening quote: borrowed from the text unless it has escapes.
    #[inline(never)]
    fn string(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        self.at += 1;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&b) = bytes.get(self.at) else { return Err(self.syntax()) };
            match b {
                b'"' => {
                    let tail = &self.text[run..self.at];
                    self.at += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    let Some(&e) = bytes.get(self.at) else { return Err(self.syntax()) };
                    self.at += 1;
                    match e {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'n' => s.push('\n'),
                        b'r' => s.push('\r'),
                        b't' => s.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let c = if (0xd800..0xdc00).contains(&unit) && self.text[self.at..].starts_with("\\u") {
                                // A high surrogate: with the low one after it, one character.
                                let save = self.at;
                                self.at += 2;
                                let low = self.hex4()?;
                                if (0xdc00..0xe000).contains(&low) {
                                    char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))
                                } else {
                                    self.at = save;
                                    None
                                }
                            } else {
                                char::from_u32(unit)
                            };
                            // A lone surrogate becomes U+FFFD, as when the browser hands such a string over.
                            s.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.at -= 1;
                            return Err(self.syntax());
                        }
                    }
                    run = self.at;
                }
                0..=0x1f => return Err(self.syntax()),
                _ => self.at += 1,
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.syntax()),
            };
            n = n * 16 + u32::from(d);
            self.at += 1;
        }
        Ok(n)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// A number, at its first character.
    #[inline(never)]
    fn number(&mut self) -> Result<Number<'a>, DecodeError> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let int_start = self.at;
        match self.digits() {
            0 => return Err(self.syntax()),
            n if n > 1 && self.text.as_bytes()[int_start] == b'0' => {
                self.at = int_start + 1;
                return Err(self.syntax());
            }
            _ => {}
        }
        let int_end = self.at;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.syntax());
            }
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax());
            }
            float = true;
        }
        let text = &self.text[start..self.at];
        if float {
            return Ok(Number::Float(text));
        }
        let mut n: u64 = 0;
        for d in self.text[int_start..int_end].bytes() {
            n = n * 10 + u64::from(d - b'0');
            if n > MAX_SAFE {
                return Ok(Number::Big(text));
            }
        }
        if negative && n == 0 {
            return Ok(Number::Float(text)); // `-0`, as serde_json reads it
        }
        Ok(Number::Int(n, negative))
    }

    #[inline(never)]
    fn to_f64(&self, n: Number) -> Result<f64, DecodeError> {
        match n {
            Number::Int(n, negative) => Ok(if negative { -(n as f64) } else { n as f64 }),
            // Beyond f64's range (`1e400`) is refused, as serde_json does, not read as infinity.
            Number::Float(t) | Number::Big(t) => {
                (self.float)(t).filter(|f| f.is_finite()).ok_or_else(|| DecodeError("a number out of range".into()))
            }
        }
    }

    /// Any value, read and dropped (checked as strictly as one that is kept).
    #[inline(never)]
    fn skip(&mut self) -> Result<(), DecodeError> {
        match self.value_start()? {
            b'"' => self.string().map(drop),
            b'{' => {
                self.enter()?;
                let mut first = true;
                while self.next_member(&mut first, b'}')? {
                    self.key()?;
                    self.skip()?;
                }
                self.leave();
                Ok(())
            }
            b'[' => {
                self.enter()?;
                let mut first = true;
                while self.next_member(&mut first, b']')? {
                    self.skip()?;
                }
                self.leave();
                Ok(())
            }
            b'n' => self.literal("null"),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            _ => match self.number()? {
                // A frame's envelope holds every number to f64's range, as serde_json does when
                // it reads a frame as a value; a payload's unknown fields are checked for syntax only.
                n @ (Number::Float(_) | Number::Big(_)) if self.whole_values => self.to_f64(n).map(drop),
                _ => Ok(()),
            },
        }
    }

    /// An integer here (its magnitude, and whether it is negative), or None when the value is
    /// of another kind (left unread, for `refused`).
    #[inline(never)]
    fn integer(&mut self) -> Result<Option<(u64, bool)>, DecodeError> {
        if let b'-' | b'0'..=b'9' = self.value_start()? {
            let at = self.at;
            if let Number::Int(n, negative) = self.number()? {
                return Ok(Some((n, negative)));
            }
            self.at = at;
        }
        Ok(None)
    }

    /// A string here, or None when the value is of another kind.
    #[inline(never)]
    fn string_value(&mut self) -> Result<Option<Cow<'a, str>>, DecodeError> {
        if self.value_start()? == b'"' {
            return self.string().map(Some);
        }
        Ok(None)
    }

    /// `null` here (read), or false when the value is something else (left unread).
    #[inline(never)]
    fn null(&mut self) -> Result<bool, DecodeError> {
        if self.value_start()? == b'n' {
            return self.literal("null").map(|()| true);
        }
        Ok(false)
    }

    /// A boolean here, or None when the value is of another kind.
    #[inline(never)]
    fn boolean(&mut self) -> Result<Option<bool>, DecodeError> {
        Ok(match self.value_start()? {
            b't' => self.literal("true").map(|()| Some(true))?,
            b'f' => self.literal("false").map(|()| Some(false))?,
            _ => None,
        })
    }

    /// Into an object or array opened by `open`, or false when the value is something else.
    #[inline(never)]
    fn open(&mut self, open: u8) -> Result<bool, DecodeError> {
        if self.value_start()? != open {
            return Ok(false);
        }
        self.enter().map(|()| true)
    }

    /// Out of the object or array closed by `close`, whose reader stopped at its end.
    #[inline(never)]
    fn close(&mut self, close: u8) -> Result<(), DecodeError> {
        let mut first = false;
        if self.next_member(&mut first, close)? {
            return Err(DecodeError(
                (if close == b']' { "an array longer than expected" } else { "an object with more members than expected" }).into(),
            ));
        }
        self.leave();
        Ok(())
    }

    /// The error for a value of the wrong type (one copy, whatever the visitor).
    #[cold]
    #[inline(never)]
    fn refused(&mut self, exp: &dyn de::Expected) -> DecodeError {
        let u = match self.peek() {
            Some(b'n') => de::Unexpected::Unit,
            Some(b't') => de::Unexpected::Bool(true),
            Some(b'f') => de::Unexpected::Bool(false),
            Some(b'"') => de::Unexpected::Str(""),
            Some(b'[') => de::Unexpected::Seq,
            Some(b'{') => de::Unexpected::Map,
            _ => match self.number() {
                Ok(Number::Int(n, false)) => de::Unexpected::Unsigned(n),
                Ok(Number::Int(n, true)) => de::Unexpected::Signed(-(n as i64)),
                Ok(Number::Float(_)) => de::Unexpected::Float(0.0),
                Ok(Number::Big(_)) => de::Unexpected::Other("an integer beyond 2^53 - 1"),
                Err(e) => return e,
            },
        };
        de::Error::invalid_type(u, exp)
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value_start()? {
            b'n' => self.literal("null").and_then(|()| visitor.visit_unit()),
            b't' => self.literal("true").and_then(|()| visitor.visit_bool(true)),
            b'f' => self.literal("false").and_then(|()| visitor.visit_bool(false)),
            b'"' => visitor.visit_str(&self.string()?),
            b'[' => self.deserialize_seq(visitor),
            b'{' => self.deserialize_map(visitor),
            _ => match self.number()? {
                Number::Int(n, false) => visitor.visit_u64(n),
                Number::Int(n, true) => visitor.visit_i64(-(n as i64)),
                other => {
                    let f = self.to_f64(other)?;
                    visitor.visit_f64(f)
                }
            },
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.boolean()? {
            Some(b) => visitor.visit_bool(b),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.integer()? {
            Some((n, negative)) => visitor.visit_i64(if negative { -(n as i64) } else { n as i64 }),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.integer()? {
            Some((n, false)) => visitor.visit_u64(n),
            Some((n, true)) => Err(de::Error::invalid_type(de::Unexpected::Signed(-(n as i64)), &visitor)),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if let b'-' | b'0'..=b'9' = self.value_start()? {
            let n = self.number()?;
            let f = self.to_f64(n)?;
            return visitor.visit_f64(f);
        }
        Err(self.refused(&visitor))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        // One way in for every string (`visit_str`), whether or not it had escapes: a visitor's
        // other string paths would be code in the wasm for every type that reads one.
        match self.string_value()? {
            Some(s) => visitor.visit_str(&s),
            None => Err(self.refused(&visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.null()? {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.null()? {
            visitor.visit_unit()
        } else {
            Err(self.refused(&visitor))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if !self.open(b'[')? {
            return Err(self.refused(&visitor));
        }
        let value = visitor.visit_seq(Items { r: self, first: true, index: 0 })?;
        self.close(b']')?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if !self.open(b'{')? {
            return Err(self.refused(&visitor));
        }
        let value = visitor.visit_map(Members { r: self, first: true, key: Cow::Borrowed("") })?;
        self.close(b'}')?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.skip()?;
        visitor.visit_unit()
    }

    // Every integer read as a 64-bit one (serde checks the range), f32 as f64.
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf enum
    }
}

/// An object's members; the key of the one being read kept for the error path.
struct Members<'r, 'a> {
    r: &'r mut Reader<'a>,
    first: bool,
    key: Cow<'a, str>,
}

impl Members<'_, '_> {
    /// Whether another member follows: if so, its key read.
    #[inline(never)]
    fn next_key(&mut self) -> Result<bool, DecodeError> {
        if !self.r.next_member(&mut self.first, b'}')? {
            return Ok(false);
        }
        self.key = self.r.key()?;
        Ok(true)
    }
}

impl<'de> de::MapAccess<'de> for Members<'_, 'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DecodeError> {
        if !self.next_key()? {
            return Ok(None);
        }
        let key: &str = &self.key;
        seed.deserialize(de::value::StrDeserializer::<DecodeError>::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DecodeError> {
        seed.deserialize(&mut *self.r).map_err(|e| e.at(&self.key))
    }
}

/// An array's items.
struct Items<'r, 'a> {
    r: &'r mut Reader<'a>,
    first: bool,
    index: u32,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        if !self.r.next_member(&mut self.first, b']')? {
            return Ok(None);
        }
        let index = self.index;
        self.index += 1;
        seed.deserialize(&mut *self.r).map(Some).map_err(|e| e.at_item(index))
    }
}
