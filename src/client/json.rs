//! The widget's JSON: frames and HTTP bodies are read in Rust by the protocol's strict reader
//! (`crate::protocol::reader`), straight from the text into the wire types; fractional numbers
//! (court coordinates) are parsed by the browser's own `parseFloat`, so that Rust's float
//! parser stays out of the wasm.

use crate::protocol::reader::{ParseFloat, StrictJson};

/// The browser's `parseFloat`, for the reader's fractional numbers (already checked to be
/// JSON numbers, so the browser reads them the same way `JSON.parse` would).
pub struct JsFloats;

impl ParseFloat for JsFloats {
    fn parse_float(text: &str) -> Option<f64> {
        let f = js_sys::parse_float(text);
        (!f.is_nan()).then_some(f)
    }
}

/// The widget's codec.
pub type BrowserJson = StrictJson<JsFloats>;

/// The match a payload names, if it names one readably (for a push that did not decode as a
/// whole: the match whose snapshot to fetch again).
pub fn match_id_of(text: &str) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Named {
        match_id: u64,
    }
    <BrowserJson as crate::protocol::JsonCodec>::decode::<Named>(text).ok().map(|n| n.match_id).filter(|id| *id > 0)
}
