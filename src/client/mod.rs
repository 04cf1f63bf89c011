//! The browser driver: a web-sys WebSocket, one timer and `fetch`, feeding the pure engine.

pub mod auth;
pub mod connection;
pub mod game_feed;
pub mod http;
pub mod json;
pub mod match_feed;
pub mod snapshot;
pub mod token;

pub use connection::{shared, ChannelListener, ChannelSignal, ClientSettings, Connection, ConnectionView};
pub use game_feed::{follow_games, GamesFeed, GamesUpdate};
pub use match_feed::{follow_match, FeedUpdate, MatchFeed};
