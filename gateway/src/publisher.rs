//! Publishing through a Pusher server's HTTP trigger API (sockudo, Reverb, Pusher).

use crate::config::AppCredentials;
use crate::league::Publication;
use crate::signing::signed_query;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Events per batch call (the Pusher HTTP API's limit).
pub const BATCH: usize = 10;

/// One event of a batch.
#[derive(Debug, Clone, Copy)]
pub struct BatchEvent<'a> {
    pub channel: &'a str,
    pub name: &'a str,
    pub data: &'a str,
}

#[derive(Clone)]
pub struct Publisher {
    http: reqwest::Client,
    base_url: String,
    app: AppCredentials,
}

impl Publisher {
    pub fn new(base_url: &str, app: AppCredentials) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default();
        Publisher { http, base_url: base_url.trim_end_matches('/').to_owned(), app }
    }

    /// Up to [`BATCH`] events in one call (`POST /apps/{id}/batch_events`): one channel each,
    /// `data` as the JSON text to deliver.
    pub async fn publish_batch(&self, events: &[BatchEvent<'_>]) -> Result<(), String> {
        for chunk in events.chunks(BATCH) {
            let batch: Vec<_> =
                chunk.iter().map(|e| serde_json::json!({ "channel": e.channel, "name": e.name, "data": e.data })).collect();
            let body = serde_json::json!({ "batch": batch }).to_string();
            self.post(&format!("/apps/{}/batch_events", self.app.id), body).await?;
        }
        Ok(())
    }

    async fn post(&self, path: &str, body: String) -> Result<(), String> {
        let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let query = signed_query(path, &self.app.key, &self.app.secret, &body, ts);
        let url = format!("{}{path}?{query}", self.base_url);
        let res = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("publish request failed: {}", e.without_url()))?;
        if res.status().is_success() {
            Ok(())
        } else {
            let status = res.status();
            let text = res.text().await.unwrap_or_default();
            Err(format!("publish answered {status}: {}", text.chars().take(200).collect::<String>()))
        }
    }

    pub async fn publish(&self, p: &Publication) -> Result<(), String> {
        // The trigger API wants `data` as a JSON string.
        let body = serde_json::json!({ "name": p.name, "channels": p.channels, "data": p.data.to_string() }).to_string();
        self.post(&format!("/apps/{}/events", self.app.id), body).await
    }
}
