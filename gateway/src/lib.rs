//! courtside's gateway: the backend a news site runs so that the stats API's secrets never
//! reach a browser. `app` is the HTTP surface; the other modules are its parts.

pub mod app;
pub mod config;
pub mod league;
pub mod publisher;
pub mod signing;
pub mod validate;
