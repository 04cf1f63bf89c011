//! The relay: one upstream connection to the stats API for the whole site, driven by the same
//! engine the widget runs (`pusher_client`), feeding the live mirror (`mirror`), and, on the
//! replica holding the lease (`lease`), republishing every new message to the site's own
//! Pusher-compatible servers through the HTTP API's batch endpoint.
//!
//! - Nothing doubled: the mirror applies each message once (event ids, status stages), and
//!   only what it applied as new is republished; widgets dedupe by event id as well.
//! - Nothing lost on a takeover: a standby keeps the last [`REPLAY`] of messages and, when it
//!   takes the lease, republishes them (readers' widgets drop what they already had).
//! - An upstream outage is visible: `relay.status` `{"delayed":true}` goes out on every channel
//!   readers follow, `{"delayed":false}` when the stats API is back, and snapshots carry
//!   `delayed` meanwhile.

use crate::adapter;
use crate::app::AppState;
use crate::config::{parse_socket, Config, Mode, Secret};
use crate::lease::{self, Lease};
use crate::mirror::{Mirror, Pushed};
use crate::publisher::{BatchEvent, Publisher};
use crate::pusher_client::{self, UpstreamEvent, UpstreamSocket};
use crate::upstream::UpstreamClient;
use courtside::store::MatchMessage;
use courtside::wire::{self, Access, RelayStatus};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// How far back a new lease holder republishes: the lease's lifetime, the standby's polling,
/// and a margin for a publish in flight when the old holder died.
pub const REPLAY: Duration = Duration::from_secs(10);
/// Messages kept for replay, at most.
const REPLAY_MAX: usize = 20_000;

/// Counters for `/healthz`, tests and benchmarks.
#[derive(Default)]
pub struct RelayStats {
    pub leader: AtomicBool,
    pub published: AtomicU64,
    pub publish_failures: AtomicU64,
    pub replayed: AtomicU64,
    pub undecodable: AtomicU64,
}

/// One message to republish: its name, the site channels, and the upstream's JSON text as is.
#[derive(Clone)]
struct Out {
    at: Instant,
    name: String,
    channels: Vec<String>,
    data: String,
}

fn site_channels(config: &Config, m: &MatchMessage) -> Vec<String> {
    let access = if config.public_channels { Access::Public } else { Access::Private };
    match m {
        MatchMessage::Event(e) => wire::event_channels(access, e.match_id),
        MatchMessage::Status(s) => wire::status_channels(access, s.match_id, s.competition_id),
    }
}

fn batch(outs: &[Out]) -> Vec<BatchEvent<'_>> {
    outs.iter()
        .flat_map(|o| o.channels.iter().map(move |c| BatchEvent { channel: c, name: &o.name, data: &o.data }))
        .collect()
}

/// Runs the upstream connection, the mirror and (relay mode) the republishing, until the
/// process stops. Upstream mode with a mirror runs the same loop without publishing.
pub async fn run(state: AppState) {
    let inner = state.inner();
    let (Some(up), Some(mirror)) = (inner.config.upstream.clone(), inner.mirror.clone()) else { return };
    let config = &inner.config;
    let publishing = config.mode == Mode::Relay;
    let Some((tls, host, port)) = parse_socket(&up.socket) else {
        tracing::error!("STATS_API_SOCKET is not ws(s)://HOST:PORT; the relay does not start");
        return;
    };
    let socket_url = courtside::protocol::socket_url(tls, host, port, &up.key, env!("CARGO_PKG_VERSION"));
    let auth_url = format!("{}{}", up.base_url, up.auth_path);
    let (tx, mut rx) = mpsc::channel(4096);
    // One client for the whole site: no crowd to spread, so it comes back quickly (a reader's
    // backoff grows to 30 s; measured, the relay then lagged the stats API by 3–22 s).
    let socket = UpstreamSocket::new(socket_url, auth_url, Secret(up.token.clone()))
        .channels(config.upstream_channels.clone())
        .tune(|c| c.backoff_cap_ms = 5_000);
    let _handle = pusher_client::spawn(socket, tx);
    let Some(reads) = inner.backend.upstream.clone() else { return };
    let stats = inner.relay_stats.clone();
    let publisher = config.app.clone().map(|app| Publisher::new(&config.pusher_http_url, app));
    let (leader_tx, mut leader_rx) = watch::channel(false);
    if publishing {
        match &config.redis_url {
            Some(url) => {
                tokio::spawn(hold_lease(url.clone(), config.relay_id.clone(), leader_tx));
            }
            None => {
                let _ = leader_tx.send(true);
            }
        }
    }
    let mut recent: VecDeque<Out> = VecDeque::new();
    let mut delayed_announced = false;
    let mut undecodable_logged: Option<Instant> = None;
    let mut leader = *leader_rx.borrow();
    stats.leader.store(leader, Ordering::Relaxed);
    loop {
        tokio::select! {
            changed = leader_rx.changed() => {
                if changed.is_err() { continue; }
                let now_leader = *leader_rx.borrow();
                if now_leader && !leader {
                    // Taking over: what the old holder may not have published goes out again.
                    let cutoff = Instant::now().checked_sub(REPLAY);
                    let replay: Vec<Out> = recent.iter().filter(|o| cutoff.is_none_or(|c| o.at >= c)).cloned().collect();
                    tracing::info!(replay = replay.len(), "relay took the publish lease");
                    if let Some(p) = &publisher {
                        send(p, &replay, &stats).await;
                        stats.replayed.fetch_add(replay.len() as u64, Ordering::Relaxed);
                    }
                } else if !now_leader && leader {
                    tracing::warn!("relay lost the publish lease; publishing stops");
                }
                leader = now_leader;
                stats.leader.store(leader, Ordering::Relaxed);
            }
            event = rx.recv() => {
                let Some(event) = event else { break };
                match event {
                    UpstreamEvent::Subscribed { .. } => {
                        let was_delayed = mirror.is_delayed();
                        mirror.set_connected(true);
                        refresh(&reads, &mirror).await;
                        if was_delayed && delayed_announced && leader {
                            if let Some(p) = &publisher {
                                announce(p, config, &mirror, false, &stats).await;
                            }
                            delayed_announced = false;
                        }
                    }
                    UpstreamEvent::Disconnected | UpstreamEvent::Failed { .. } => {
                        if let UpstreamEvent::Failed { reason } = &event {
                            tracing::error!(reason, "the stats API refused the relay's connection for good");
                        } else {
                            tracing::warn!("lost the stats API; the relay reconnects");
                        }
                        mirror.set_connected(false);
                        if leader && !delayed_announced {
                            if let Some(p) = &publisher {
                                announce(p, config, &mirror, true, &stats).await;
                            }
                            delayed_announced = true;
                        }
                    }
                    UpstreamEvent::SubscriptionFailed { channel, reason, retrying } => {
                        tracing::warn!(channel, reason, retrying, "upstream subscription failed");
                    }
                    UpstreamEvent::Connected { .. } => {}
                    UpstreamEvent::Message { event, data, .. } => {
                        let now = Instant::now();
                        match mirror.push(&event, &data, now) {
                            Pushed::New(m) => {
                                if !publishing {
                                    continue;
                                }
                                let out = Out { at: now, name: event.trim_start_matches('.').to_owned(), channels: site_channels(config, &m), data };
                                while recent.front().is_some_and(|o| now.duration_since(o.at) > REPLAY) || recent.len() >= REPLAY_MAX {
                                    recent.pop_front();
                                }
                                recent.push_back(out.clone());
                                if leader {
                                    if let Some(p) = &publisher {
                                        send(p, std::slice::from_ref(&out), &stats).await;
                                    }
                                }
                            }
                            Pushed::Undecodable(why) => {
                                stats.undecodable.fetch_add(1, Ordering::Relaxed);
                                if undecodable_logged.is_none_or(|t| now.duration_since(t) >= Duration::from_secs(60)) {
                                    tracing::warn!(event, why, "a pushed message did not fit the contract; not republished");
                                    undecodable_logged = Some(now);
                                }
                            }
                            Pushed::Duplicate | Pushed::Ignored => {}
                        }
                    }
                }
            }
        }
    }
}

async fn send(p: &Publisher, outs: &[Out], stats: &RelayStats) {
    if outs.is_empty() {
        return;
    }
    match p.publish_batch(&batch(outs)).await {
        Ok(()) => {
            stats.published.fetch_add(outs.len() as u64, Ordering::Relaxed);
        }
        Err(e) => {
            stats.publish_failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "republishing failed");
        }
    }
}

/// `relay.status` on every channel readers of the mirrored matches follow.
async fn announce(p: &Publisher, config: &Config, mirror: &Mirror, delayed: bool, stats: &RelayStats) {
    let access = if config.public_channels { Access::Public } else { Access::Private };
    let data = serde_json::to_string(&RelayStatus { delayed }).unwrap_or_default();
    let mut channels = vec![wire::games_channel(access)];
    for s in mirror.list() {
        channels.push(wire::match_channel(access, s.id));
        if let Some(c) = s.competition_id {
            channels.push(wire::competition_channel(access, c));
        }
    }
    channels.sort();
    channels.dedup();
    let out = Out { at: Instant::now(), name: wire::RELAY_STATUS.to_owned(), channels, data };
    send(p, std::slice::from_ref(&out), stats).await;
}

/// After a (re)connect: the read API's list of every match (names, schedule, postponements),
/// and each match the mirror could not confirm, when a read API answers. Without one, pushes
/// confirm matches as they come.
async fn refresh(reads: &UpstreamClient, mirror: &Mirror) {
    let now = Instant::now();
    let list = reads.get(&reads.live_path().replace("status=live", "status=all")).await;
    if list.status == 200 {
        match adapter::adapt_list(&list.body) {
            Ok((matches, _)) => matches.iter().for_each(|s| mirror.refresh(s, now)),
            Err(e) => tracing::warn!(field = %e.path, problem = %e.problem, "the live list could not be read"),
        }
    }
    for id in mirror.unconfirmed().into_iter().take(200) {
        let answer = reads.get(&reads.match_path(id)).await;
        if answer.status == 200 {
            if let Ok(s) = adapter::adapt_match(&answer.body) {
                if s.id == id {
                    mirror.refresh(&s, Instant::now());
                }
            }
        }
    }
}

/// Hold the lease while this replica lives: renew every third of its lifetime, report holding
/// it only while the last renewal is within its lifetime.
async fn hold_lease(url: String, me: String, leader: watch::Sender<bool>) {
    let mut lease = Lease::new(&url, &me);
    loop {
        let asked = Instant::now();
        let ours = match lease.hold().await {
            Ok(ours) => ours,
            Err(e) => {
                tracing::warn!(error = %e, "redis unreachable; not publishing until the lease is confirmed");
                false
            }
        };
        let held_since = ours.then_some(asked);
        let _ = leader.send_if_modified(|v| std::mem::replace(v, ours) != ours);
        let next = if ours { lease::TTL / 3 } else { Duration::from_millis(500) };
        tokio::time::sleep(next).await;
        // A renewal that could not even be tried in time: stop publishing first.
        if held_since.is_some_and(|t| t.elapsed() >= lease::TTL) {
            let _ = leader.send_if_modified(|v| std::mem::replace(v, false));
        }
    }
}
