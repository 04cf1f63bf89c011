//! Publishing the benchmark's events through the demo league: `POST /demo/publish` with a
//! batch (an array of score events), so that every event the run sends also moves the league's
//! state, which the snapshots (`GET /api/matches…`) serve. After a run the snapshot of every game
//! is its last published event, and a card that missed events on its socket can still be right
//! (recovered by a snapshot) or not (lost).
//!
//! Events go out in lanes: a game always rides the same lane, and a lane sends one request at
//! a time, so each game's events reach the league and the Pusher server in the order sent; the
//! lanes run side by side. A request carries at most [`PER_REQUEST`] events, well under the
//! gateway's 4 KB body limit.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Events in one request: about 52 bytes each as JSON, 60 stay under the 4 KB body limit.
pub const PER_REQUEST: usize = 60;

/// What the league made of everything sent through one [`LeaguePublisher`].
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub requests: u64,
    /// Requests the gateway did not answer with 200, and the events they carried.
    pub refused_requests: u64,
    pub refused_events: u64,
    pub first_refusal: Option<String>,
    /// From the first event handed over to the last request answered.
    pub seconds: f64,
}

pub struct LeaguePublisher {
    lanes: Vec<mpsc::UnboundedSender<Vec<(u64, u64)>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    outcome: Arc<Mutex<Outcome>>,
    started: Instant,
}

impl LeaguePublisher {
    /// `lanes` requests in flight at most, against the gateway `BENCH_GATEWAY` with the demo
    /// token (`DEMO_TOKEN`, exported by scripts/lib.sh).
    pub fn start(http: &reqwest::Client, lanes: usize) -> Self {
        let url = format!("{}/demo/publish", super::env("BENCH_GATEWAY"));
        let token = std::env::var("DEMO_TOKEN").unwrap_or_default();
        let outcome = Arc::new(Mutex::new(Outcome::default()));
        let (mut senders, mut tasks) = (vec![], vec![]);
        for _ in 0..lanes.max(1) {
            let (tx, mut rx) = mpsc::unbounded_channel::<Vec<(u64, u64)>>();
            let (http, url, token, outcome) = (http.clone(), url.clone(), token.clone(), outcome.clone());
            tasks.push(tokio::spawn(async move {
                while let Some(events) = rx.recv().await {
                    let body: Vec<Value> = events.iter().map(|(game, home)| json!({ "match_id": game, "home_score": home, "away_score": 0 })).collect();
                    let answer = http.post(&url).bearer_auth(&token).timeout(Duration::from_secs(30)).json(&body).send().await;
                    let refusal = match answer {
                        Ok(r) if r.status().is_success() => None,
                        Ok(r) => Some(format!("{}: {}", r.status(), r.text().await.unwrap_or_default().chars().take(200).collect::<String>())),
                        Err(e) => Some(e.to_string()),
                    };
                    let mut o = outcome.lock().unwrap_or_else(|p| p.into_inner());
                    o.requests += 1;
                    if let Some(why) = refusal {
                        o.refused_requests += 1;
                        o.refused_events += events.len() as u64;
                        o.first_refusal.get_or_insert(why);
                    }
                }
            }));
            senders.push(tx);
        }
        LeaguePublisher { lanes: senders, tasks, outcome, started: Instant::now() }
    }

    /// Queues `(game, home_score)` score events (away 0), in order per game.
    pub fn send(&self, events: &[(u64, u64)]) {
        let n = self.lanes.len() as u64;
        let mut per_lane: Vec<Vec<(u64, u64)>> = vec![vec![]; self.lanes.len()];
        for &(game, home) in events {
            per_lane[(game % n) as usize].push((game, home));
        }
        for (lane, events) in self.lanes.iter().zip(per_lane) {
            for chunk in events.chunks(PER_REQUEST) {
                // A lane only ends when this publisher is finished.
                let _ = lane.send(chunk.to_vec());
            }
        }
    }

    /// Waits until every queued request is answered.
    pub async fn finish(self) -> Outcome {
        drop(self.lanes);
        for t in self.tasks {
            let _ = t.await;
        }
        let mut o = self.outcome.lock().unwrap_or_else(|p| p.into_inner()).clone();
        o.seconds = self.started.elapsed().as_secs_f64();
        o
    }
}

/// Sends `events` through the league and waits for them; panics when the gateway refused any
/// (set-up steps, where nothing can be measured without them).
pub async fn publish_now(http: &reqwest::Client, events: &[(u64, u64)]) {
    let p = LeaguePublisher::start(http, 1);
    p.send(events);
    let o = p.finish().await;
    assert_eq!(o.refused_requests, 0, "the league refused set-up events: {}", o.first_refusal.unwrap_or_default());
}
