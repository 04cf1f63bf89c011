//! courtside-peer: a scriptable Pusher 7 server plus gateway stand-in for the tests.
//!
//! The library holds the whole peer ([`router`]); `main.rs` is the binary that binds a port.
//! Native tests (the gateway's upstream driver) serve [`router`] in-process on an ephemeral port.
//!
//! The app key names the scenario (`/app/<scenario>.<run>`); the gateway routes live under
//! `/s/<scenario>.<run>/…` (`token`, `auth`, `api/matches/{id}`). `/s/<key>/truth` tells a
//! test what the widget must end up showing and everything the peer saw, with times: each
//! connection attempt and its end, subscribe, auth call, token, snapshot call, ping and pong
//! (the runner checks each scenario's counts and gaps in it). `POST /s/<key>/mark/<name>` lets
//! the test page say it is dispatching a browser event (`online`, `pageshow` …) that a script
//! is waiting for. Tokens minted by `/token` are checked by auth and the read API, and a
//! revoked one answers 401. It speaks like Laravel Reverb: `data` as a JSON string, pongs
//! without `data`, 4009 without a channel, no close frame after an error.

mod scenarios;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Form, Json, Router};
use hmac::{Hmac, Mac};
use scenarios::{AuthBehaviour, DoneWhen, Expect, Hello, RawFrame, Scenario, SnapshotBehaviour, Step, SubscribeReply, TokenBehaviour};
use serde::Deserialize;
use courtside::wire::{EventReceived, MatchSnapshot, MatchStatus, StatEvent, StatusChanged, Team, SNAPSHOT_VERSION};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const APP_KEY: &str = "peer-key";
const SECRET: &str = "peer-secret";
const MATCH_ID: u64 = 1;
/// The period every event is in (the clock is what moves).
const PERIOD: u32 = 2;

/// The game clock after event `id`: it moves with every event, by a step no two neighbours
/// share, so a missed event always leaves another clock than the event before it.
fn clock_after(id: u64) -> String {
    let left = 600 - (id * 17) % 600;
    format!("{:02}:{:02}", left / 60, left % 60)
}

#[derive(Clone, Debug, Default)]
struct Truth {
    home: u32,
    away: u32,
    last_event_id: u64,
    /// The clock as the last clocked event left it.
    clock: Option<String>,
    /// The last event, as pushed or missed.
    last: Option<StatEvent>,
    finished: bool,
}

impl Truth {
    /// The next event (two points home on even ids, three away on odd ones), with the clock
    /// (`clocked`) or without; returns its `.event.received` payload.
    fn advance_with(&mut self, clocked: bool) -> Value {
        self.last_event_id += 1;
        let id = self.last_event_id;
        let home_side = id % 2 == 0;
        if home_side {
            self.home += 2;
        } else {
            self.away += 3;
        }
        let clock = clocked.then(|| clock_after(id));
        if clocked {
            self.clock.clone_from(&clock);
        }
        self.last = Some(StatEvent {
            id,
            client_id: Some(format!("peer-{id}")),
            kind: if home_side { "2pt_made" } else { "3pt_made" }.to_owned(),
            team_id: Some(if home_side { 16 } else { 17 }),
            player_id: Some(5 + id % 20),
            period: Some(PERIOD),
            clock,
            x: Some(10.5),
            y: Some(20.0),
            event_at: Some("2026-04-13T20:15:30+00:00".into()),
        });
        self.event_payload(clocked)
    }

    fn advance(&mut self) -> Value {
        self.advance_with(true)
    }

    fn status(&self) -> MatchStatus {
        if self.finished {
            MatchStatus::Finished
        } else {
            MatchStatus::InProgress
        }
    }

    /// `.event.received` for the last event (a JSON null when none happened yet, which no
    /// scenario sends); `clocked: false` leaves the clock and period out.
    fn event_payload(&self, clocked: bool) -> Value {
        let Some(event) = self.last.clone() else { return Value::Null };
        let payload = EventReceived {
            match_id: MATCH_ID,
            home_score: self.home,
            away_score: self.away,
            current_period: clocked.then_some(PERIOD),
            current_clock: if clocked { self.clock.clone() } else { None },
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
            current_period: Some(PERIOD),
            current_clock: self.clock.clone(),
            last_event: self.last.clone(),
            ..MatchSnapshot::bare(MATCH_ID, self.status())
        };
        serde_json::to_value(snapshot).unwrap_or(Value::Null)
    }
}

/// One thing the peer saw or did, `at` ms after the run started. `what` is one of: `connect`
/// (a socket upgraded; `conn` is its number from 1), `close` (that socket ended, whoever ended
/// it), `subscribe` (a `pusher:subscribe` on it), `client_ping`, `client_pong` (the client's
/// answer to a server ping), `server_ping`, `auth` (a channel auth request; `status` the
/// answer), `token` (a token minted), `snapshot` (a snapshot request; `status` the answer once
/// sent), `mark` (the test page's mark `name`).
#[derive(Clone, Debug, serde::Serialize)]
struct Entry {
    at: f64,
    what: &'static str,
    conn: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

struct Run {
    scenario: Scenario,
    started: Instant,
    connections: usize,
    truth: Truth,
    auth_calls: u32,
    snapshot_calls: u32,
    /// Snapshot requests being answered (a slow one is still in flight).
    in_flight: u32,
    /// Tokens minted, and whether each is still good.
    tokens: Vec<(String, bool)>,
    log: Vec<Entry>,
    /// The mark an `Await` step is waiting for.
    waiting: Option<&'static str>,
    violations: Vec<String>,
    /// The last plan's steps have all been played: the whole fault script has run.
    done: bool,
}

impl Run {
    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Record `what` on connection `conn`; returns the entry's index.
    fn note(&mut self, what: &'static str, conn: usize) -> usize {
        let at = self.now();
        self.log.push(Entry { at, what, conn, status: None, name: None });
        self.log.len() - 1
    }

    /// Has the peer played its whole part, by the scenario's own measure?
    fn part_played(&self) -> bool {
        let count = |what: &str| self.log.iter().filter(|e| e.what == what).count();
        match self.scenario.done_when {
            DoneWhen::Played => self.done,
            DoneWhen::Closed(n) => self.log.iter().any(|e| e.what == "close" && e.conn == n),
            DoneWhen::Auths(n) => self.log.iter().filter(|e| e.what == "auth" && e.status.is_some()).count() >= n,
            DoneWhen::Subscribes(n) => count("subscribe") >= n,
        }
    }

    fn has_mark(&self, name: &str) -> bool {
        self.log.iter().any(|e| e.what == "mark" && e.name.as_deref() == Some(name))
    }

    /// The token check of auth and the read API: a token this peer minted must still be good;
    /// any other bearer (the native driver's fixed secret) and none at all (a page's own
    /// authorizer) pass.
    fn token_ok(&self, headers: &HeaderMap) -> bool {
        let Some(bearer) = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) else {
            return true;
        };
        match self.tokens.iter().find(|(t, _)| t == bearer) {
            Some((_, good)) => *good && self.scenario.tokens == TokenBehaviour::Honest,
            None => !bearer.starts_with("peer-minted-"),
        }
    }
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
            runs.insert(
                key.to_owned(),
                Run {
                    scenario,
                    started: Instant::now(),
                    connections: 0,
                    truth,
                    auth_calls: 0,
                    snapshot_calls: 0,
                    in_flight: 0,
                    tokens: vec![],
                    log: vec![],
                    waiting: None,
                    violations: vec![],
                    done: false,
                },
            );
        }
        runs.get_mut(key).map(f)
    }
}

/// Notes a socket's end in the run's log, however the connection task returns.
struct Closing {
    peer: Peer,
    key: String,
    conn: usize,
}

impl Drop for Closing {
    fn drop(&mut self) {
        let conn = self.conn;
        self.peer.with(&self.key, |r| r.note("close", conn));
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
        r.note("connect", r.connections);
        (r.connections, r.scenario.plan(r.connections - 1).clone(), r.connections >= r.scenario.plans.len())
    }) else {
        return;
    };
    let _closing = Closing { peer: peer.clone(), key: key.clone(), conn: index };
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
                let Message::Text(text) = message else { continue };
                let v = serde_json::from_str::<Value>(&text).ok();
                let event = v.as_ref().and_then(|v| v["event"].as_str()).unwrap_or("").to_owned();
                // Recorded even when muted: a half-open server still receives what is sent.
                match event.as_str() {
                    "pusher:ping" => drop(peer.with(&key, |r| r.note("client_ping", index))),
                    "pusher:pong" => drop(peer.with(&key, |r| r.note("client_pong", index))),
                    "pusher:subscribe" => drop(peer.with(&key, |r| r.note("subscribe", index))),
                    _ => {}
                }
                if muted {
                    continue;
                }
                let Some(v) = v else {
                    let _ = ws.send(Message::Text(error_frame(Some(4200), "Invalid message format", false).into())).await;
                    continue;
                };
                match event.as_str() {
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
                            SubscribeReply::Unanswered => {}
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
                            peer.with(&key, |r| r.note("server_ping", index));
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

/// Wait for the widget's snapshot after this connection subscribed (see [`Step::AwaitBackfill`]).
async fn await_backfill(peer: &Peer, key: &str, since: f64) {
    let browser = peer.with(key, |r| r.snapshot_calls > 0).unwrap_or(false);
    if !browser {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(4);
    while Instant::now() < deadline {
        let answered = peer
            .with(key, |r| r.in_flight == 0 && r.log.iter().any(|e| e.what == "snapshot" && e.at >= since && e.status.is_some()))
            .unwrap_or(true);
        if answered {
            tokio::time::sleep(Duration::from_millis(400)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Play a connection's steps after the match channel is subscribed.
async fn play(steps: Vec<Step>, last: bool, key: String, peer: Peer, tx: mpsc::UnboundedSender<Out>) {
    let channel = format!("private-match.{MATCH_ID}");
    let send = |t: String| tx.send(Out::Text(t)).is_ok();
    let Some(since) = peer.with(&key, |r| r.now()) else { return };
    for step in steps {
        tokio::time::sleep(Duration::from_millis(60)).await;
        let ok = match step {
            Step::Events(n) | Step::Tail(n) => {
                let clocked = matches!(step, Step::Events(_));
                let mut ok = true;
                for _ in 0..n {
                    let Some(payload) = peer.with(&key, |r| r.truth.advance_with(clocked)) else { return };
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
                                           "current_period": 4, "current_clock": "00:09",
                                           "event": { "id": 999_999, "type": "3pt_made" } });
                        frame("event.received", Some("private-match.999"), Some(&fake))
                    }
                    RawFrame::DuplicateRestamped => {
                        let Some(mut p) = peer.with(&key, |r| r.truth.event_payload(true)) else { return };
                        p["current_clock"] = json!("00:01");
                        p["event"]["type"] = json!("timeout");
                        frame("event.received", Some(&channel), Some(&p))
                    }
                    RawFrame::OlderEvent => {
                        let old = json!({ "match_id": MATCH_ID, "home_score": 0, "away_score": 1, "status": "in_progress",
                                          "current_period": 1, "current_clock": "11:11",
                                          "event": { "id": 1, "type": "ft_made" } });
                        frame("event.received", Some(&channel), Some(&old))
                    }
                    RawFrame::PongWithoutData => frame("pusher:pong", None, None),
                    RawFrame::ErrorNullCode => error_frame(None, "Something went wrong", false),
                    RawFrame::SubscribedAgain => frame("pusher_internal:subscription_succeeded", Some(&channel), Some(&json!({}))),
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
            Step::AwaitSnapshotRequest => {
                let deadline = Instant::now() + Duration::from_secs(4);
                while Instant::now() < deadline {
                    let asked = peer.with(&key, |r| r.log.iter().any(|e| e.what == "snapshot" && e.at >= since)).unwrap_or(true);
                    if asked {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                true
            }
            Step::AwaitBackfill => {
                await_backfill(&peer, &key, since).await;
                true
            }
            Step::Await(mark) => {
                let deadline = Instant::now() + Duration::from_secs(20);
                loop {
                    let seen = peer
                        .with(&key, |r| {
                            let seen = r.has_mark(mark);
                            r.waiting = (!seen).then_some(mark);
                            seen
                        })
                        .unwrap_or(true);
                    if seen {
                        break;
                    }
                    if Instant::now() > deadline {
                        peer.with(&key, |r| r.violations.push(format!("the test page never marked {mark}")));
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                true
            }
            Step::RevokeTokens => {
                peer.with(&key, |r| r.tokens.iter_mut().for_each(|t| t.1 = false));
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
        // A socket that is gone ends the script, except for waits that outlive it (a page
        // asleep, a mark to come): those steps never fail.
        if !ok {
            return;
        }
    }
    if last {
        peer.with(&key, |r| r.done = true);
    }
}

async fn token(State(peer): State<Peer>, Path(key): Path<String>) -> Response {
    let minted = peer.with(&key, |r| {
        r.note("token", r.connections);
        let token = format!("peer-minted-{}", r.tokens.len() + 1);
        r.tokens.push((token.clone(), true));
        token
    });
    match minted {
        Some(token) => Json(json!({ "token": token, "expires_in": 300 })).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Deserialize)]
struct AuthForm {
    socket_id: String,
    channel_name: String,
}

async fn auth(State(peer): State<Peer>, Path(key): Path<String>, headers: HeaderMap, Form(form): Form<AuthForm>) -> Response {
    let Some((behaviour, calls, entry, token_ok)) = peer.with(&key, |r| {
        r.auth_calls += 1;
        let entry = r.note("auth", r.connections);
        (r.scenario.auth.clone(), r.auth_calls, entry, r.token_ok(&headers))
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let status = if !token_ok {
        401
    } else {
        match behaviour {
            AuthBehaviour::Deny => 403,
            AuthBehaviour::FailFirst(statuses) => statuses.get(calls as usize - 1).copied().unwrap_or(200),
            AuthBehaviour::Sign => 200,
        }
    };
    peer.with(&key, |r| r.log[entry].status = Some(status));
    match status {
        200 => Json(json!({ "auth": sign(&form.socket_id, &form.channel_name) })).into_response(),
        401 => (StatusCode::UNAUTHORIZED, Json(json!({ "message": "token expired" }))).into_response(),
        403 => (StatusCode::FORBIDDEN, Json(json!({ "message": "This action is unauthorized." }))).into_response(),
        s => (StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), "{}").into_response(),
    }
}

async fn snapshot(State(peer): State<Peer>, Path((key, id)): Path<(String, u64)>, headers: HeaderMap) -> Response {
    let Some((behaviour, calls, body, entry, token_ok)) = peer.with(&key, |r| {
        r.snapshot_calls += 1;
        r.in_flight += 1;
        let entry = r.note("snapshot", r.connections);
        (r.scenario.snapshot, r.snapshot_calls, r.truth.snapshot(), entry, r.token_ok(&headers))
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Counted out even when the client gives up on a slow answer (the future is dropped).
    let mut answered = Answered { peer: peer.clone(), key: key.clone(), entry, status: 0 };
    let response = if !token_ok {
        (StatusCode::UNAUTHORIZED, Json(json!({ "error": "token expired" }))).into_response()
    } else if id != MATCH_ID {
        (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown match" }))).into_response()
    } else {
        match behaviour {
            SnapshotBehaviour::NotFound => (StatusCode::NOT_FOUND, Json(json!({ "error": "unknown match" }))).into_response(),
            SnapshotBehaviour::FailFirst(n) if calls <= n => (StatusCode::INTERNAL_SERVER_ERROR, "{}").into_response(),
            SnapshotBehaviour::Slow(d) => {
                tokio::time::sleep(d).await;
                Json(body).into_response()
            }
            _ => Json(body).into_response(),
        }
    };
    answered.status = response.status().as_u16();
    response
}

/// Ends a snapshot request in the run: out of `in_flight`, its status (0: abandoned) noted.
struct Answered {
    peer: Peer,
    key: String,
    entry: usize,
    status: u16,
}

impl Drop for Answered {
    fn drop(&mut self) {
        let (entry, status) = (self.entry, self.status);
        self.peer.with(&self.key, |r| {
            r.in_flight = r.in_flight.saturating_sub(1);
            r.log[entry].status = Some(status);
        });
    }
}

/// The test page's mark (it is about to dispatch the browser event `name`).
async fn mark(State(peer): State<Peer>, Path((key, name)): Path<(String, String)>) -> Response {
    let found = peer.with(&key, |r| {
        let i = r.note("mark", r.connections);
        r.log[i].name = Some(name);
        r.waiting = None;
    });
    match found {
        Some(()) => StatusCode::NO_CONTENT.into_response(),
        None => (StatusCode::NOT_FOUND, "unknown scenario").into_response(),
    }
}

/// What the widget must end up showing, and everything the peer saw (see [`Entry`]).
async fn truth(State(peer): State<Peer>, Path(key): Path<String>) -> Response {
    let found = peer.with(&key, |r| {
        let expect = match r.scenario.expect {
            Expect::Truth => "truth",
            Expect::Failed => "failed",
            Expect::Denied => "denied",
            Expect::Unknown => "unknown",
        };
        json!({ "home": r.truth.home, "away": r.truth.away, "status": r.truth.status(), "expect": expect,
                "period": PERIOD, "clock": r.truth.clock, "last_kind": r.truth.last.as_ref().map(|e| e.kind.clone()),
                "connections": r.connections, "auth_calls": r.auth_calls, "snapshot_calls": r.snapshot_calls,
                "in_flight": r.in_flight, "waiting": r.waiting, "now": r.now(), "log": r.log,
                "violations": r.violations,
                "done": r.done || r.part_played() })
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
        .route("/s/{key}/mark/{name}", post(mark))
        .route("/s/{key}/truth", get(truth))
        .layer(tower_http::cors::CorsLayer::permissive())
        .with_state(Peer::default())
}
