//! The widgets' view models and Leptos components.
//!
//! A frame from `client` goes into a model (`match_model`, `games_model`): the store's reducer
//! updates the pure state, the model copies it into signals (the game list onto its cards,
//! once per animation frame) and tells the host page what changed (`host_events`). The
//! components render those signals and call nothing but formatting; a game card is patched
//! by hand (`game_card`).

pub mod badge;
pub mod format;
pub mod game_card;
pub mod games_model;
pub mod host_events;
pub mod labels;
pub mod match_model;
pub mod scoreboard;
pub mod ticker;

pub use games_model::GamesModel;
pub use labels::{for_lang, Labels};
pub use match_model::MatchModel;
pub use scoreboard::Scoreboard;
pub use game_card::CardList;
pub use ticker::{CarouselState, CompetitionGrid, GamesView, SharedCards, Ticker};
