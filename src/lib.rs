//! courtside: live basketball scores for news pages.
//!
//! Layers, each depending only on the ones before it:
//! - [`wire`]: the payloads, the gateway's snapshot format and the channel names, defined once;
//! - [`protocol`]: a pure Pusher 7 engine (sans-IO), tested natively;
//! - [`store`]: pure match state and its reducer;
//! - `client` (browser only): drives the engine with a web-sys WebSocket, timers and fetch;
//! - `ui` (browser only): the view models a frame from `client` goes into (through the store's
//!   reducer, into signals, and out to the host page as DOM events) and the Leptos components
//!   that render them;
//! - `embed` (browser only): custom elements, their attributes, page settings and mounting (a
//!   model handed to a component); it does no state work;
//! - `api` (browser only): what the JavaScript API (`api.js`, shaped like Laravel Echo) calls.

pub mod protocol;
pub mod store;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
pub mod ui;
