//! Reading an element's attributes: required ids, optional numbers of seconds, the period
//! count, and the labels (its language and any `label-…` overrides).

use crate::ui::{for_lang, labels, Labels};
use std::cell::RefCell;

/// A required positive-integer attribute.
/// `kind` is the element's name (the one it was defined with: the same as its `localName`).
pub fn positive(host: &web_sys::HtmlElement, kind: &str, name: &str) -> Result<u64, String> {
    let raw = host.get_attribute(name).unwrap_or_default();
    match raw.trim().parse::<u64>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!("<{kind} {name}=\"{raw}\">: {name} must be a positive number")),
    }
}

/// `periods="2"` (halves) or `"4"` (quarters, the default): what to assume until a snapshot says.
pub fn periods(host: &web_sys::HtmlElement) -> Option<u32> {
    let raw = host.get_attribute("periods")?;
    match raw.trim() {
        "2" => Some(2),
        "4" => Some(4),
        _ => {
            web_sys::console::warn_1(&format!("courtside: periods=\"{raw}\" must be 2 or 4; using 4").into());
            None
        }
    }
}

/// An optional number of seconds within `range`; the default (with a warning) otherwise.
pub fn seconds(host: &web_sys::HtmlElement, name: &str, default: u32, range: std::ops::RangeInclusive<u32>) -> u32 {
    let Some(raw) = host.get_attribute(name) else { return default };
    match raw.trim().parse::<u32>() {
        Ok(v) if range.contains(&v) => v,
        _ => {
            web_sys::console::warn_1(
                &format!("courtside: {name}=\"{raw}\" must be {} to {} seconds; using {default}", range.start(), range.end()).into(),
            );
            default
        }
    }
}

thread_local! {
    /// Override texts and label sets built from them, kept for the page's life and shared by
    /// every element with the same language and overrides, so re-mounting does not grow memory.
    static INTERNED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    static CUSTOM_LABELS: RefCell<Vec<(&'static str, Vec<(usize, &'static str)>, &'static Labels)>> =
        const { RefCell::new(Vec::new()) };
}

fn intern(value: &str) -> &'static str {
    INTERNED.with(|i| {
        let mut i = i.borrow_mut();
        if let Some(s) = i.iter().find(|s| **s == value) {
            return *s;
        }
        let s: &'static str = Box::leak(value.to_owned().into_boxed_str());
        i.push(s);
        s
    })
}

/// The element's labels: its `lang` (or the browser's language), with any `label-live="…"`,
/// `label-final="…"` … attributes taking precedence.
pub fn labels_for(host: &web_sys::HtmlElement) -> &'static Labels {
    let lang = host
        .get_attribute("lang")
        .or_else(|| web_sys::window().and_then(|w| w.navigator().language()))
        .unwrap_or_default();
    let base = for_lang(&lang);
    // The overrides as (slot, interned text): a set of labels is known by its base language
    // and these, so finding one again compares a few pointers, not every text.
    let mut overrides = Vec::new();
    for (slot, name) in labels::OVERRIDABLE.iter().enumerate() {
        let Some(value) = host.get_attribute(&format!("label-{name}")) else { continue };
        let value = value.trim();
        if value.is_empty() || value.len() > 80 {
            continue;
        }
        overrides.push((slot, intern(value)));
    }
    if overrides.is_empty() {
        return base;
    }
    CUSTOM_LABELS.with(|c| {
        let mut known = c.borrow_mut();
        let same = |(l, o, _): &&(&'static str, Vec<(usize, &'static str)>, &'static Labels)| {
            *l == base.lang && o.len() == overrides.len() && o.iter().zip(&overrides).all(|(a, b)| a.0 == b.0 && std::ptr::eq(a.1, b.1))
        };
        if let Some((_, _, l)) = known.iter().find(same) {
            return *l;
        }
        let mut wanted = base.clone();
        for (slot, value) in &overrides {
            if let Some(s) = labels::override_slot(&mut wanted, labels::OVERRIDABLE[*slot]) {
                *s = value;
            }
        }
        let built: &'static Labels = Box::leak(Box::new(wanted));
        known.push((base.lang, overrides, built));
        built
    })
}
