//! Publishing through a Pusher server's HTTP trigger API (sockudo, Reverb, Pusher).

use crate::config::AppCredentials;
use crate::league::Publication;
use crate::signing::trigger_query;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

    pub async fn publish(&self, p: &Publication) -> Result<(), String> {
        // The trigger API wants `data` as a JSON string.
        let body = serde_json::json!({ "name": p.name, "channels": p.channels, "data": p.data.to_string() }).to_string();
        let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let query = trigger_query(&self.app.id, &self.app.key, &self.app.secret, &body, ts);
        let url = format!("{}/apps/{}/events?{}", self.base_url, self.app.id, query);
        let res = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("trigger request failed: {}", e.without_url()))?;
        if res.status().is_success() {
            Ok(())
        } else {
            let status = res.status();
            let text = res.text().await.unwrap_or_default();
            Err(format!("trigger answered {status}: {}", text.chars().take(200).collect::<String>()))
        }
    }
}
