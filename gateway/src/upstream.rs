//! The stats API behind the gateway: channel auth and read endpoints, with the Bearer token
//! that never leaves this process.
//!
//! Its answers are trusted no further than needed: one deadline per call, body included
//! (`STATS_API_TIMEOUT_MS`); bodies capped at [`MAX_BODY`] while they are read (a larger
//! `content-length` is refused unread); redirects never followed (the token stays with the
//! stats API, and no other service is reached through it); an answer that is not what the
//! gateway asked for is replaced by the gateway's own short JSON error, never passed on. GETs
//! are retried once, within a budget, when the stats API failed fast (a 5xx answer, no
//! connection); never after a timeout or a too-large answer. Channel auth calls are capped
//! (`COURTSIDE_AUTH_CONCURRENCY`): a call that finds no slot soon is refused with a 503.

use crate::cache::Cached;
use crate::config::Upstream;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The largest answer body the gateway reads.
pub const MAX_BODY: usize = 1 << 20;

/// How long a channel auth waits for a free slot before it is refused.
pub const AUTH_SLOT_WAIT: Duration = Duration::from_millis(500);

pub struct UpstreamClient {
    http: reqwest::Client,
    config: Upstream,
    /// Retries allowed per second across all requests: a failing upstream gets no retry storm.
    retry_budget: DefaultDirectRateLimiter,
    /// Channel auth calls in flight.
    auth_slots: Semaphore,
}

fn error(status: u16, message: &str) -> Cached {
    Cached { status, body: Arc::from(serde_json::json!({ "error": message }).to_string().into_bytes()) }
}

/// The gateway's own answer when a call failed, and whether trying again may help.
struct Failure {
    answer: Cached,
    retry: bool,
}

fn failure(status: u16, message: &str, retry: bool) -> Failure {
    Failure { answer: error(status, message), retry }
}

impl UpstreamClient {
    pub fn new(config: Upstream) -> Self {
        let timeout = Duration::from_millis(config.timeout_ms.max(1));
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(2)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        let retry_budget = RateLimiter::direct(Quota::per_second(NonZeroU32::new(10).expect("10 is not zero")));
        let auth_slots = Semaphore::new(config.auth_concurrency.max(1));
        UpstreamClient { http, config, retry_budget, auth_slots }
    }

    pub fn match_path(&self, id: u64) -> String {
        self.config.match_path.replace("{id}", &id.to_string())
    }

    /// The configured match path with `{id}` in place (one failure log per route, not per id).
    pub fn match_path_template(&self) -> &str {
        &self.config.match_path
    }

    pub fn live_path(&self) -> &str {
        &self.config.live_path
    }

    /// The upstream's status and body, read under the cap; or the gateway's own failure.
    async fn read(result: Result<reqwest::Response, reqwest::Error>) -> Result<Cached, Failure> {
        let mut r = match result {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Err(failure(504, "upstream timed out", false)),
            Err(_) => return Err(failure(502, "upstream unreachable", true)),
        };
        let status = r.status().as_u16();
        let announced = r.content_length();
        if announced.is_some_and(|n| n > MAX_BODY as u64) {
            return Err(failure(502, "upstream answer too large", false));
        }
        let mut body = Vec::with_capacity(announced.unwrap_or(0) as usize);
        loop {
            match r.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY {
                        return Err(failure(502, "upstream answer too large", false));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(failure(504, "upstream timed out", false)),
                Err(_) => return Err(failure(502, "upstream answer unreadable", false)),
            }
        }
        Ok(Cached { status, body: Arc::from(body) })
    }

    /// Forward channel auth. Comes back: the stats API's 200 (its signature, re-serialised,
    /// nothing else of its body), its 401 or 403 (a refusal), or the gateway's own short JSON
    /// error for everything else (503 when every auth slot stayed busy).
    pub async fn auth(&self, socket_id: &str, channel: &str) -> Cached {
        let Ok(Ok(_slot)) = tokio::time::timeout(AUTH_SLOT_WAIT, self.auth_slots.acquire()).await else {
            tracing::warn!("upstream channel auth: every slot busy");
            return error(503, "the stats API is busy; try again shortly");
        };
        let url = format!("{}{}", self.config.base_url, self.config.auth_path);
        let sent = self
            .http
            .post(url)
            .bearer_auth(&self.config.token)
            .header("accept", "application/json")
            .form(&[("socket_id", socket_id), ("channel_name", channel)])
            .send()
            .await;
        match Self::read(sent).await {
            Ok(a) if a.status == 200 => match signature(&a.body) {
                Some(body) => Cached { status: 200, body: Arc::from(body.into_bytes()) },
                None => error(502, "the stats API answered auth in a shape the gateway cannot read"),
            },
            Ok(a) if a.status == 401 || a.status == 403 => error(a.status, "the stats API refused this channel"),
            Ok(a) => {
                tracing::warn!(status = a.status, "upstream channel auth failed");
                error(502, &format!("the stats API answered {}", a.status))
            }
            Err(f) => {
                tracing::warn!(status = f.answer.status, "upstream channel auth failed");
                f.answer
            }
        }
    }

    /// A read. A 200 comes back as the stats API sent it (for the adapter); any other answer
    /// keeps its status with the gateway's own body in place of the stats API's.
    pub async fn get(&self, path: &str) -> Cached {
        let url = format!("{}{}", self.config.base_url, path);
        let mut attempt = 0;
        loop {
            let sent = self.http.get(&url).bearer_auth(&self.config.token).header("accept", "application/json").send().await;
            attempt += 1;
            let (answer, retry) = match Self::read(sent).await {
                Ok(a) if (200..300).contains(&a.status) => (a, false),
                Ok(a) => (error(a.status, &format!("the stats API answered {}", a.status)), a.status >= 500),
                Err(f) => (f.answer, f.retry),
            };
            if !retry || attempt > 1 || self.retry_budget.check().is_err() {
                if answer.status >= 500 {
                    tracing::warn!(path, status = answer.status, "upstream read failed");
                }
                return answer;
            }
        }
    }
}

/// A Pusher auth answer: `auth`, and `channel_data` / `shared_secret` when present, as JSON.
fn signature(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut out = serde_json::Map::new();
    out.insert("auth".into(), serde_json::Value::String(v.get("auth")?.as_str()?.to_owned()));
    for field in ["channel_data", "shared_secret"] {
        if let Some(s) = v.get(field).and_then(|f| f.as_str()) {
            out.insert(field.into(), serde_json::Value::String(s.to_owned()));
        }
    }
    Some(serde_json::Value::Object(out).to_string())
}
