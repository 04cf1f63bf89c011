//! courtside-peer: a scriptable Pusher 7 server plus gateway stand-in for the tests.
//!
//! The library holds the whole peer ([`router`]); `main.rs` is the binary that binds a port.
//! Native tests (the gateway's upstream driver) serve [`router`] in-process on an ephemeral port.
//!
//! The app key names the scenario (`/app/<scenario>.<run>`); the gateway routes live under
//! `/s/<scenario>.<run>/…` (`token`, `auth`, `api/matches/{id}`), and `/s/<key>/truth` tells a
//! test what the widget must end up showing. It speaks like Laravel Reverb: `data` as a JSON
//! string, pongs without `data`, 4009 without a channel, no close frame after an error.

mod scenarios;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Form, Json, Router};
use hmac::{Hmac, Mac};
use scenarios::{AuthBehaviour, Expect, Hello, RawFrame, Scenario, SnapshotBehaviour, Step, SubscribeReply};
use serde::Deserialize;
use courtside::wire::{EventReceived, MatchSnapshot, MatchStatus, StatEvent, StatusChanged, Team, SNAPSHOT_VERSION};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

const APP_KEY: &str = "peer-key";
const SECRET: &str = "peer-secret";
const MATCH_ID: u64 = 1;

#[derive(Clone, Debug, Default)]
struct Truth {
    home: u32,
    away: u32,
    last_event_id: u64,
    finished: bool,
}

impl Truth {
    fn advance(&mut self) -> Value {
        self.last_event_id += 1;
        let home_side = self.last_event_id % 2 == 0;
        if home_side {
            self.home += 2;
        } else {
            self.away += 3;
        }
        self.event_payload()
    }

    /// The last event, in the stats API's shape (the wire contract's type).
    fn last_event(&self) -> Option<StatEvent> {
        if self.last_event_id == 0 {
            return None;
        }
        let home_side = self.last_event_id % 2 == 0;
        Some(StatEvent {
            id: self.last_event_id,
            client_id: Some(format!("peer-{}", self.last_event_id)),
            kind: if home_side { "2pt_made" } else { "3pt_made" }.to_owned(),
            team_id: Some(if home_side { 16 } else { 17 }),
            player_id: Some(5 + self.last_event_id % 20),
            period: Some(2),
            clock: Some("05:00".into()),
            x: Some(10.5),
            y: Some(20.0),
            event_at: Some("2026-04-13T20:15:30+00:00".into()),
        })
    }

    fn status(&self) -> MatchStatus {
        if self.finished {
            MatchStatus::Finished
        } else {
            MatchStatus::InProgress
        }
    }

    /// `.event.received` for the last event (a JSON null when none happened yet, which no
    /// scenario sends).
    fn event_payload(&self) -> Value {
        let Some(event) = self.last_event() else { return Value::Null };
        let payload = EventReceived {
            match_id: MATCH_ID,
            home_score: self.home,
            away_score: self.away,
            current_period: Some(2),
            current_clock: Some("05:00".into()),
            status: self.status(),
            event,
        };
        serde_json::to_value(payload).unwrap_or(Value::Null)
    }

    /// The gateway's snapshot (the contract's `MatchSnapshot`).
    fn snapshot(&self) -> Value {
        let team = |id, name: &str, short: &str| Team { id, name: Some(name.into()), short_name: Some(short.into()), ..Team::default() };
        let snapshot = MatchSnapshot {
            version: Some(SNAPSHOT_VERSION),
            competition_id: Some(4),
            home_team: Some(team(16, "Peer Home", "PHO")),
            away_team: Some(team(17, "Peer Away", "PAW")),
            home_score: self.home,
            away_score: self.away,
            current_period: Some(2),
            current_clock: Some("05:00".into()),
            last_event: self.last_event(),
            ..MatchSnapshot::bare(MATCH_ID, self.status())
        };
        serde_json::to_value(snapshot).unwrap_or(Value::Null)
    }
}

struct Run {
    scenario: Scenario,
    connections: usize,
    truth: Truth,
    auth_calls: u32,
    snapshot_calls: u32,
    violations: Vec<String>,
    /// The last plan's steps have all been played: the whole fault script has run.
    done: bool,
}

#[derive(Clone, Default)]
struct Peer(Arc<Mutex<HashMap<String, Run>>>);

impl Peer {
    /// The run for `key` (`scenario.run`), created on first use.
    fn with<T>(&self, key: &str, f: impl FnOnce(&mut Run) -> T) -> Option<T> {
        let mut runs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !runs.contains_key(key) {
            let name = key.split('.').next().unwrap_or("");
            let scenario = scenarios::scenario(name)?;
            let mut truth = Truth::default();
            for _ in 0..scenario.initial_events {
                truth.advance();
            }
            runs.insert(key.to_owned(), Run { scenario, connections: 0, truth, auth_calls: 0, snapshot_calls: 0, violations: vec![], done: false });
        }
        runs.get_mut(key).map(f)
    }
}

fn sign(socket_id: &str, channel: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(format!("{socket_id}:{channel}").as_bytes());
    format!("{APP_KEY}:{}", hex::encode(mac.finalize().into_bytes()))
}

/// A frame the way Reverb writes it: `data` as a JSON string, or left out.
fn frame(event: &str, channel: Option<&str>, data: Option<&Value>) -> String {
    let mut f = json!({ "event": event });
    if let Some(c) = channel {
        f["channel"] = json!(c);
    }
    if let Some(d) = data {
        f["data"] = json!(d.to_string());
    }
    f.to_string()
}

fn error_frame(code: Option<u16>, message: &str, object: bool) -> String {
    let data = json!({ "code": code, "message": message });
    if object {
        json!({ "event": "pusher:error", "data": data }).to_string()
    } else {
        frame("pusher:error", None, Some(&data))
    }
}

enum Out {
    Text(String),
    Binary,
    Drop,
    Close(u16),
    Mute,
}

async fn socket(ws: WebSocketUpgrade, Path(key): Path<String>, State(peer): State<Peer>) -> Response {
    let known = peer.with(&key, |_| ()).is_some();
    if !known {
        return (StatusCode::NOT_FOUND, "unknown scenario").into_response();
    }
    ws.max_message_size(1 << 20).on_upgrade(move |s| connection(s, key, peer))
}

async fn connection(mut ws: WebSocket, key: String, peer: Peer) {
    let Some((index, plan, last)) = peer.with(&key, |r| {
        r.connections += 1;
        (r.connections, r.scenario.plan(r.connections - 1).clone(), r.connections >= r.scenario.plans.len())
    }) else {
        return;
    };
    let socket_id = format!("{}.{}", 1000 + index, 4242 + index * 7);
    let channel = format!("private-match.{MATCH_ID}");
    let established = json!({ "socket_id": socket_id, "activity_timeout": 30 });
    match plan.hello {
        Hello::Silent => {
            while let Some(Ok(_)) = ws.recv().await {}
            return;
        }
        Hello::ErrorThenDrop { code } => {
            let _ = ws.send(Message::Text(error_frame(code, "refused", false).into())).await;
            return; // dropped without a close frame
        }
        Hello::Normal { activity_timeout, object } => {
            let data = json!({ "socket_id": socket_id, "activity_timeout": activity_timeout });
            let text = if object {
                json!({ "event": "pusher:connection_established", "data": data }).to_string()
            } else {
                frame("pusher:connection_established", None, Some(&data))
            };
            let _ = ws.send(Message::Text(text.into())).await;
        }
        Hello::Twice => {
            let text = frame("pusher:connection_established", None, Some(&established));
            let _ = ws.send(Message::Text(text.clone().into())).await;
            let _ = ws.send(Message::Text(text.into())).await;
        }
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    let mut muted = false;
    let mut awaiting_pong: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            incoming = ws.recv() => {
                let Some(Ok(message)) = incoming else { return };
                if muted {
                    continue;
                }
                let Message::Text(text) = message else { continue };
                let Ok(v) = serde_json::from_str::<Value>(&text) else {
                    let _ = ws.send(Message::Text(error_frame(Some(4200), "Invalid message format", false).into())).await;
                    continue;
                };
                match v["event"].as_str().unwrap_or("") {
                    "pusher:ping" => {
                        let _ = ws.send(Message::Text(frame("pusher:pong", None, None).into())).await;
                    }
                    "pusher:pong" => {
                        awaiting_pong = None;
                    }
                    "pusher:subscribe" => {
                        let wanted = v["data"]["channel"].as_str().unwrap_or("").to_owned();
                        let auth = v["data"]["auth"].as_str().unwrap_or("");
                        if auth != sign(&socket_id, &wanted) {
                            peer.with(&key, |r| r.violations.push(format!("bad signature for {wanted} on {socket_id}")));
                            let _ = ws.send(Message::Text(error_frame(Some(4009), "Connection is unauthorized", false).into())).await;
                            continue;
                        }
                        let succeeded = frame("pusher_internal:subscription_succeeded", Some(&wanted), Some(&json!({})));
                        match plan.subscribe {
                            SubscribeReply::Unauthorized4009NoChannel => {
                                let _ = ws.send(Message::Text(error_frame(Some(4009), "Connection is unauthorized", false).into())).await;
                                continue;
                            }
                            SubscribeReply::Unauthorized4009WithChannel => {
                                let mut f: Value = serde_json::from_str(&error_frame(Some(4009), "Unauthorized", false)).unwrap_or_default();
                                f["channel"] = json!(wanted);
                                let _ = ws.send(Message::Text(f.to_string().into())).await;
                                continue;
                            }
                            SubscribeReply::Succeed => {
                                let _ = ws.send(Message::Text(succeeded.into())).await;
                            }
                            SubscribeReply::SucceedTwice => {
                                let _ = ws.send(Message::Text(succeeded.clone().into())).await;
                                let _ = ws.send(Message::Text(succeeded.into())).await;
                            }
                        }
                        if wanted == channel {
                            tokio::spawn(play(plan.after.clone(), last, key.clone(), peer.clone(), tx.clone()));
                        }
                    }
                    "pusher:unsubscribe" => {}
                    _ => {
                        let _ = ws.send(Message::Text(error_frame(Some(4200), "Invalid message format", false).into())).await;
                    }
                }
            }
            out = rx.recv() => {
                match out {
                    Some(Out::Text(t)) => {
                        if t.contains("\"pusher:ping\"") {
                            awaiting_pong = Some(tokio::time::Instant::now());
                        }
                        let _ = ws.send(Message::Text(t.into())).await;
                    }
                    Some(Out::Binary) => {
                        let _ = ws.send(Message::Binary(vec![0u8, 159, 146, 150].into())).await;
                    }
                    Some(Out::Drop) | None => return,
                    Some(Out::Close(code)) => {
                        let _ = ws.send(Message::Close(Some(CloseFrame { code, reason: "bye".into() }))).await;
                        return;
                    }
                    Some(Out::Mute) => muted = true,
                }
            }
            _ = tokio::time::sleep(Duration::from_millis(200)), if awaiting_pong.is_some() => {
                if awaiting_pong.is_some_and(|t| t.elapsed() > Duration::from_secs(3)) {
                    peer.with(&key, |r| r.violations.push("no pong to a server ping within 3 s".into()));
                    awaiting_pong = None;
                }
            }
        }
    }
}

/// Play a connection's steps after the match channel is subscribed.
async fn play(steps: Vec<Step>, last: bool, key: String, peer: Peer, tx: mpsc::UnboundedSender<Out>) {
    let channel = format!("private-match.{MATCH_ID}");
    let send = |t: String| tx.send(Out::Text(t)).is_ok();
    for step in steps {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let ok = match step {
            Step::Events(n) => {
                let mut ok = true;
                for _ in 0..n {
                    let Some(payload) = peer.with(&key, |r| r.truth.advance()) else { return };
                    ok &= send(frame("event.received", Some(&channel), Some(&payload)));
                    tokio::time::sleep(Duration::from_millis(40)).await;
                }
                ok
            }
            Step::Miss(n) => {
                peer.with(&key, |r| (0..n).for_each(|_| drop(r.truth.advance())));
                true
            }
            Step::Drop => tx.send(Out::Drop).is_ok(),
            Step::Close(code) => tx.send(Out::Close(code)).is_ok(),
            Step::Error { code, message, object, then_drop } => {
                let ok = send(error_frame(code, message, object));
                if then_drop {
                    let _ = tx.send(Out::Drop);
                }
                ok
            }
            Step::Raw(raw) => {
                let text = match raw {
                    RawFrame::NotJson => "this is not json {".to_owned(),
                    RawFrame::Oversized => {
                        let pad = "x".repeat(300_000);
                        frame("event.received", Some(&channel), Some(&json!({ "pad": pad })))
                    }
                    RawFrame::UnknownPusherEvent => frame("pusher:signin_success", None, Some(&json!({}))),
                    RawFrame::OtherChannel => {
                        let fake = json!({ "match_id": MATCH_ID, "home_score": 999, "away_score": 999, "status": "in_progress",
                                           "event": { "id": 999_999, "type": "3pt_made" } });
                        frame("event.received", Some("private-match.999"), Some(&fake))
                    }
                    RawFrame::DuplicateLast => {
                        let Some(p) = peer.with(&key, |r| r.truth.event_payload()) else { return };
                        frame("event.received", Some(&channel), Some(&p))
                    }
                    RawFrame::OlderEvent => {
                        let old = json!({ "match_id": MATCH_ID, "home_score": 0, "away_score": 1, "status": "in_progress",
                                          "event": { "id": 1, "type": "ft_made" } });
                        frame("event.received", Some(&channel), Some(&old))
                    }
                    RawFrame::PongWithoutData => frame("pusher:pong", None, None),
                    RawFrame::ErrorNullCode => error_frame(None, "Something went wrong", false),
                };
                send(text)
            }
            Step::Binary => tx.send(Out::Binary).is_ok(),
            Step::Ping => send(frame("pusher:ping", None, Some(&json!({})))),
            Step::StopAnswering => tx.send(Out::Mute).is_ok(),
            Step::Pause(d) => {
                tokio::time::sleep(d).await;
                true
            }
            Step::Final => {
                let Some(data) = peer.with(&key, |r| {
                    r.truth.finished = true;
                    let payload = StatusChanged {
                        match_id: MATCH_ID,
                        competition_id: Some(4),
                        status: MatchStatus::Finished,
                        previous_status: Some(MatchStatus::InProgress),
                        home_score: Some(r.truth.home),
                        away_score: Some(r.truth.away),
                    };
                    serde_json::to_value(payload).unwrap_or(Value::Null)
                }) else {
                    return;
                };
                send(frame("status.changed", Some(&channel), Some(&data)))
            }
            Step::StatusBack => {
                let data = json!({ "match_id": MATCH_ID, "status": "in_progress", "previous_status": "finished" });
                send(frame("status.changed", Some(&channel), Some(&data)))
            }
        };
        if !ok {
            return;
        }
    }
    if last {
        peer.with(&key, |r| r.done = true);
    }
}

async fn token() -> Json<Value> {
    Json(json!({ "token": "peer-token", "expires_in": 300 }))
}

#[derive(Deserialize)]
struct AuthForm {
    socket_id: String,
    channel_name: String,
}

async fn auth(State(peer): State<Peer>, Path(key): Path<String>, Form(form): Form<AuthForm>) -> Response {
    let Some(behaviour) = peer.with(&key, |r| {
        r.auth_calls += 1;
        (r.scenario.auth, r.auth_calls)
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match behaviour {
        (AuthBehaviour::Deny, _) => (StatusCode::FORBIDDEN, Json(json!({ "message": "This action is unauthorized." }))).into_response(),
        (AuthBehaviour::FailFirst(n, status), calls) if calls <= n => {
            (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), "{}").into_response()
        }
        _ => Json(json!({ "auth": sign(&form.socket_id, &form.channel_name) })).into_response(),
    }
}

async fn snapshot(State(peer): State<Peer>, Path((key, id)): Path<(String, u64)>) -> Response {
    let Some((behaviour, calls, body)) = peer.with(&key, |r| {
        r.snapshot_calls += 1;
        (r.scenario.snapshot, r.snapshot_calls, r.truth.snapshot())
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if id != MATCH_ID {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown match" }))).into_response();
    }
    match behaviour {
        SnapshotBehaviour::NotFound => (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown match" }))).into_response(),
        SnapshotBehaviour::FailFirst(n) if calls <= n => (StatusCode::INTERNAL_SERVER_ERROR, "{}").into_response(),
        SnapshotBehaviour::Slow(d) => {
            tokio::time::sleep(d).await;
            Json(body).into_response()
        }
        _ => Json(body).into_response(),
    }
}

async fn truth(State(peer): State<Peer>, Path(key): Path<String>) -> Response {
    let found = peer.with(&key, |r| {
        let expect = match r.scenario.expect {
            Expect::Truth => "truth",
            Expect::Failed => "failed",
            Expect::Denied => "denied",
            Expect::Unknown => "unknown",
        };
        json!({ "home": r.truth.home, "away": r.truth.away, "status": r.truth.status(), "expect": expect,
                "connections": r.connections, "violations": r.violations,
                "done": r.done || r.scenario.expect != Expect::Truth })
    });
    match found {
        Some(v) => Json(v).into_response(),
        None => (StatusCode::NOT_FOUND, "unknown scenario").into_response(),
    }
}

/// The peer's routes, with fresh state: every scenario run starts from nothing.
pub fn router() -> Router {
    Router::new()
        .route("/app/{key}", any(socket))
        .route("/s/{key}/token", post(token))
        .route("/s/{key}/auth", post(auth))
        .route("/s/{key}/api/matches/{id}", get(snapshot))
        .route("/s/{key}/truth", get(truth))
        .layer(tower_http::cors::CorsLayer::permissive())
        .with_state(Peer::default())
}
