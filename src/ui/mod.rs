//! Leptos components. They render store state and call nothing but formatting.

pub mod badge;
pub mod format;
pub mod game_card;
pub mod labels;
pub mod scoreboard;
pub mod ticker;

pub use labels::{for_lang, Labels};
pub use scoreboard::Scoreboard;
pub use ticker::{CarouselState, CompetitionGrid, GamesView, Ticker};
