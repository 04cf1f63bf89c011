//! courtside's gateway: the backend a news site runs so that the stats API's secrets never
//! reach a browser. `app` is the HTTP surface (with `error`, `guards`, `backend`, `demo`);
//! `relay` holds the one upstream connection (`pusher_client`), the live `mirror`, and the
//! republishing to the site's own Pusher servers under a Redis `lease`.

pub mod adapter;
pub mod app;
pub mod backend;
pub mod cache;
pub mod config;
pub mod demo;
pub mod directory;
pub mod error;
pub mod guards;
pub mod league;
pub mod lease;
pub mod limits;
pub mod mirror;
pub mod publisher;
pub mod pusher_client;
pub mod relay;
pub mod serve;
pub mod signing;
pub mod tokens;
pub mod upstream;
pub mod validate;
