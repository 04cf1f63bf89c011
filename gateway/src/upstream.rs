//! The stats API behind the gateway: channel auth and read endpoints, with the Bearer token
//! that never leaves this process. Timeouts on every call; GETs retried once within a budget.

use crate::cache::Cached;
use crate::config::Upstream;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

pub struct UpstreamClient {
    http: reqwest::Client,
    config: Upstream,
    /// Retries allowed per second across all requests: a failing upstream gets no retry storm.
    retry_budget: DefaultDirectRateLimiter,
}

fn error(status: u16, message: &str) -> Cached {
    Cached { status, body: Arc::from(serde_json::json!({ "error": message }).to_string().into_bytes()) }
}

impl UpstreamClient {
    pub fn new(config: Upstream) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(2))
            .build()
            .unwrap_or_default();
        let retry_budget = RateLimiter::direct(Quota::per_second(NonZeroU32::new(10).expect("10 is not zero")));
        UpstreamClient { http, config, retry_budget }
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

    async fn answer(result: Result<reqwest::Response, reqwest::Error>) -> Cached {
        match result {
            Ok(r) => {
                let status = r.status().as_u16();
                match r.bytes().await {
                    Ok(b) if b.len() <= 1 << 20 => Cached { status, body: Arc::from(&b[..]) },
                    Ok(_) => error(502, "upstream answer too large"),
                    Err(_) => error(502, "upstream answer unreadable"),
                }
            }
            Err(e) if e.is_timeout() => error(504, "upstream timed out"),
            Err(_) => error(502, "upstream unreachable"),
        }
    }

    /// Forward channel auth: the upstream's status and body come back as they are.
    pub async fn auth(&self, socket_id: &str, channel: &str) -> Cached {
        let url = format!("{}{}", self.config.base_url, self.config.auth_path);
        let sent = self
            .http
            .post(url)
            .bearer_auth(&self.config.token)
            .header("accept", "application/json")
            .form(&[("socket_id", socket_id), ("channel_name", channel)])
            .send()
            .await;
        Self::answer(sent).await
    }

    pub async fn get(&self, path: &str) -> Cached {
        let url = format!("{}{}", self.config.base_url, path);
        let mut attempt = 0;
        loop {
            let sent = self.http.get(&url).bearer_auth(&self.config.token).header("accept", "application/json").send().await;
            let answer = Self::answer(sent).await;
            attempt += 1;
            if answer.status < 500 || attempt > 1 || self.retry_budget.check().is_err() {
                if answer.status >= 500 {
                    tracing::warn!(path, status = answer.status, "upstream read failed");
                }
                return answer;
            }
        }
    }
}
