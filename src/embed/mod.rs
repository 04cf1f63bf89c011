//! Embedding: custom elements on any page, their configuration, and mounting.
//!
//! A page loads the module and writes `<courtside-scoreboard match="123">`; the element
//! attaches a shadow root, adopts the shared stylesheet and mounts a Leptos root into it.
//! Every element on the page shares the one connection in `crate::client`.
//!
//! `elements` defines the classes, `attributes` reads an element's attributes, `page` holds
//! the page's settings, stats and the `Mounted` handle, and `mounts` makes a view model from
//! `crate::ui` and hands it to its component. The frames themselves never come up here: they
//! go from the client's feeds into the models in `crate::ui`.

pub mod settings;

#[cfg(target_arch = "wasm32")]
mod attributes;
#[cfg(target_arch = "wasm32")]
mod elements;
#[cfg(target_arch = "wasm32")]
mod mounts;
#[cfg(target_arch = "wasm32")]
mod page;

#[cfg(target_arch = "wasm32")]
pub use elements::{configure_from_page, define, resolve_self_host, set_authorizer, start};
#[cfg(target_arch = "wasm32")]
pub use mounts::{bind_games, scoreboard_on};
#[cfg(target_arch = "wasm32")]
pub use page::{client_settings, configure, configured, Mounted};
