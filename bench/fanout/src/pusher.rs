//! The Pusher side: HTTP API signing (as gateway/src/signing.rs does it), the socket URL, and
//! the few frames a reader sends.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};

fn hmac_hex(secret: &str, message: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The signed query string for a `POST` to `path` of the Pusher HTTP API with `body`.
pub fn signed_query(path: &str, key: &str, secret: &str, body: &str) -> String {
    let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let body_md5 = hex::encode(Md5::digest(body.as_bytes()));
    let params = format!("auth_key={key}&auth_timestamp={ts}&auth_version=1.0&body_md5={body_md5}");
    let sig = hmac_hex(secret, &format!("POST\n{path}\n{params}"));
    format!("{params}&auth_signature={sig}")
}

/// Publishes to a Pusher server's HTTP API (`POST /apps/{id}/batch_events`).
#[derive(Clone)]
pub struct HttpApi {
    pub http: reqwest::Client,
    pub base: String,
    pub id: String,
    pub key: String,
    pub secret: String,
}

impl HttpApi {
    /// One batch: (channel, event name, data as JSON text).
    pub async fn batch(&self, events: &[(&str, &str, &str)]) -> Result<(), String> {
        let batch: Vec<_> = events.iter().map(|(c, n, d)| serde_json::json!({ "channel": c, "name": n, "data": d })).collect();
        let body = serde_json::json!({ "batch": batch }).to_string();
        let path = format!("/apps/{}/batch_events", self.id);
        let url = format!("{}{path}?{}", self.base, signed_query(&path, &self.key, &self.secret, &body));
        let res = self.http.post(url).header("content-type", "application/json").body(body).send().await.map_err(|e| e.to_string())?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("batch_events answered {}", res.status()))
        }
    }
}

pub fn socket_url(hostport: &str, key: &str) -> String {
    format!("ws://{hostport}/app/{key}?protocol=7&client=courtside-fanout&version=0.1.0&flash=false")
}

pub fn subscribe(channel: &str, auth: Option<&str>) -> String {
    match auth {
        Some(a) => serde_json::json!({ "event": "pusher:subscribe", "data": { "channel": channel, "auth": a } }).to_string(),
        None => serde_json::json!({ "event": "pusher:subscribe", "data": { "channel": channel } }).to_string(),
    }
}

pub const PONG: &str = r#"{"event":"pusher:pong","data":{}}"#;

/// A frame's `event`, `channel` and `data` (as text: Pusher sends data as a JSON string).
pub fn frame(text: &str) -> Option<(String, Option<String>, Option<String>)> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let event = v.get("event")?.as_str()?.to_owned();
    let channel = v.get("channel").and_then(|c| c.as_str()).map(str::to_owned);
    let data = match v.get("data") {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
        None => None,
    };
    Some((event, channel, data))
}
