//! A pure Pusher 7 client engine (sans-IO): frames, connection states, timers as data,
//! subscriptions and the error policy. Nothing here touches a socket, a clock or the DOM;
//! `crate::client` drives it in the browser and the tests drive it with a fake clock.

pub mod backoff;
pub mod engine;
pub mod error_policy;
pub mod frame;
pub mod json;
pub mod reader;
pub mod subscriptions;

pub use engine::{Action, AuthResult, Config, ConnectionState, Engine, Event, Millis};
pub use json::{Envelope, JsonCodec, JsonError};
pub use subscriptions::SubscriptionError;

/// The connection URL for an app key on a host.
pub fn socket_url(tls: bool, host: &str, port: u16, key: &str, version: &str) -> String {
    let scheme = if tls { "wss" } else { "ws" };
    let mut url = String::with_capacity(64 + host.len() + key.len());
    url.push_str(scheme);
    url.push_str("://");
    url.push_str(host);
    url.push(':');
    url.push_str(&port.to_string());
    url.push_str("/app/");
    url.push_str(key);
    url.push_str("?protocol=7&client=courtside&version=");
    url.push_str(version);
    url
}
