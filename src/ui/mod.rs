//! Leptos components. They render store state and call nothing but formatting.

pub mod format;
pub mod labels;
pub mod scoreboard;

pub use labels::{for_lang, Labels};
pub use scoreboard::Scoreboard;
