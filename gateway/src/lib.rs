//! courtside's gateway: the backend a news site runs so that the stats API's secrets never
//! reach a browser. `app` is the HTTP surface; the other modules are its parts.

pub mod app;
pub mod cache;
pub mod config;
pub mod league;
pub mod limits;
pub mod publisher;
pub mod signing;
pub mod tokens;
pub mod upstream;
pub mod validate;
