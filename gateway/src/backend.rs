//! The gateway's backend, chosen once at start from its mode: who signs channel
//! subscriptions, and where match snapshots come from. Handlers ask it; they never look at
//! which configuration fields happen to be set.

use crate::adapter::{self, FailureLog};
use crate::cache::{Cached, ResponseCache};
use crate::config::{AppCredentials, Config, Mode};
use crate::directory::DirectoryHandle;
use crate::league::League;
use crate::mirror::Mirror;
use crate::upstream::UpstreamClient;
use crate::validate;
use courtside::wire::{self, Access, MatchList, MatchSnapshot, SNAPSHOT_VERSION};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Who signs a widget's channel subscription.
pub enum ChannelAuth {
    /// With the Pusher app's secret, here (demo, local, relay: the site's own Pusher server).
    Local(AppCredentials),
    /// By the stats API, with the Bearer token (upstream: readers on the stats API's Reverb).
    Upstream(Arc<UpstreamClient>),
}

/// Where match snapshots come from.
pub enum Snapshots {
    /// The demo league, in memory.
    League(Arc<Mutex<League>>),
    /// The stats API's read API, through the adapter, cached and coalesced.
    ReadApi(Arc<UpstreamClient>),
    /// A live mirror of the upstream socket; the read API, when there is one, fills what the
    /// mirror has not seen.
    Mirror(Arc<Mirror>, Option<Arc<UpstreamClient>>),
    /// Nothing to read from (local mode without `STATS_API_URL`).
    Nothing,
}

pub struct Backend {
    pub auth: ChannelAuth,
    pub snapshots: Snapshots,
    pub directory: DirectoryHandle,
    pub cache: ResponseCache,
    /// The stats API's HTTP client, one per process (its limits are per client): auth,
    /// reads and the relay's refreshes all go through it.
    pub upstream: Option<Arc<UpstreamClient>>,
    failures: FailureLog,
    /// The channel allow-list, for filtering lists by the same policy as single matches.
    channels: Vec<String>,
    /// Which channel names readers follow (a relay's public ones, or the stats API's).
    access: Access,
}

/// A snapshot lookup's result, already in the contract (or a refusal).
pub enum Found {
    Match(MatchSnapshot),
    /// A ready answer: a cached contract body, or a mapped upstream refusal.
    Answer(Cached),
}

fn error_answer(status: u16, message: &str) -> Cached {
    Cached { status, body: Arc::from(json!({ "error": message }).to_string().into_bytes()) }
}

impl Backend {
    /// Chooses the backend for `config`'s mode. `league` and `mirror` are given by the caller
    /// when its mode runs one.
    pub fn new(config: &Config, directory: DirectoryHandle, league: Option<Arc<Mutex<League>>>, mirror: Option<Arc<Mirror>>) -> Backend {
        let upstream = config.upstream.clone().map(|u| Arc::new(UpstreamClient::new(u)));
        let auth = match (config.mode, &config.app, &upstream) {
            (Mode::Upstream, _, Some(u)) => ChannelAuth::Upstream(u.clone()),
            (_, Some(app), _) => ChannelAuth::Local(app.clone()),
            // Config::parse guarantees one or the other for every mode.
            (_, None, Some(u)) => ChannelAuth::Upstream(u.clone()),
            (_, None, None) => unreachable!("Config::parse requires app credentials or an upstream"),
        };
        let snapshots = match (league, mirror, upstream.clone()) {
            (Some(l), _, _) => Snapshots::League(l),
            (None, Some(m), reads) => Snapshots::Mirror(m, reads),
            (None, None, Some(u)) => Snapshots::ReadApi(u),
            (None, None, None) => Snapshots::Nothing,
        };
        Backend {
            auth,
            snapshots,
            directory,
            upstream,
            cache: ResponseCache::new(std::time::Duration::from_millis(config.cache_ttl_ms)),
            failures: FailureLog::new(),
            channels: config.channels.clone(),
            access: if config.public_channels { Access::Public } else { Access::Private },
        }
    }

    /// May a reader see this match? Exactly when following its channel is allowed, whether
    /// asked for alone or within a list.
    pub fn match_allowed(&self, id: u64) -> bool {
        validate::channel_allowed(&self.channels, &wire::match_channel(self.access, id))
    }

    pub fn competition_allowed(&self, c: u64) -> bool {
        validate::channel_allowed(&self.channels, &wire::competition_channel(self.access, c))
    }

    /// The contract's form of a snapshot: the directory joined in, the version set.
    pub fn finish(&self, mut s: MatchSnapshot) -> MatchSnapshot {
        self.directory.current().join(&mut s);
        s.version = Some(SNAPSHOT_VERSION);
        s
    }

    /// One match.
    pub async fn snapshot(&self, id: u64) -> Found {
        match &self.snapshots {
            Snapshots::League(l) => {
                let found = l.lock().unwrap_or_else(|p| p.into_inner()).get(id).map(|m| m.snapshot());
                match found {
                    Some(s) => Found::Match(self.finish(s)),
                    None => Found::Answer(error_answer(404, "unknown match")),
                }
            }
            Snapshots::Mirror(m, reads) => match (m.snapshot(id), reads) {
                // Heard of through pushes only: the read API names the teams and the roster
                // (once; the mirror keeps them).
                (Some(s), Some(u)) if s.home_team.is_none() || s.away_team.is_none() => {
                    let answer = self.read_match(u, id).await;
                    if let Ok(read) = serde_json::from_slice::<MatchSnapshot>(&answer.body) {
                        if answer.status == 200 {
                            m.refresh(&read, Instant::now());
                        }
                    }
                    Found::Match(self.finish(m.snapshot(id).unwrap_or(s)))
                }
                (Some(s), _) => Found::Match(self.finish(s)),
                (None, Some(u)) => Found::Answer(self.read_match(u, id).await),
                (None, None) => Found::Answer(error_answer(404, "unknown match")),
            },
            Snapshots::ReadApi(u) => Found::Answer(self.read_match(u, id).await),
            Snapshots::Nothing => Found::Answer(error_answer(404, "no read API is configured")),
        }
    }

    /// The live matches (`live_only`) or all of them, optionally of one competition; only
    /// matches the channel policy allows.
    pub async fn list(&self, live_only: bool, competition: Option<u64>) -> Result<MatchList, Cached> {
        let keep = |s: &MatchSnapshot| {
            (!live_only || s.status.stage() == Some(1))
                && competition.is_none_or(|c| s.competition_id == Some(c))
                && self.match_allowed(s.id)
        };
        let (matches, delayed) = match &self.snapshots {
            Snapshots::League(l) => {
                let l = l.lock().unwrap_or_else(|p| p.into_inner());
                (l.all().into_iter().map(|m| m.snapshot()).filter(|s| keep(s)).collect::<Vec<_>>(), false)
            }
            Snapshots::Mirror(m, _) => (m.list().into_iter().filter(|s| keep(s)).collect(), m.is_delayed()),
            Snapshots::ReadApi(u) => {
                let answer = self.read_list(u, live_only, competition).await;
                if answer.status != 200 {
                    return Err(answer);
                }
                let list: MatchList = serde_json::from_slice(&answer.body).map_err(|_| error_answer(502, "unreadable list"))?;
                (list.matches.into_iter().filter(|s| keep(s)).collect(), false)
            }
            Snapshots::Nothing => return Err(error_answer(404, "no read API is configured")),
        };
        let matches = matches.into_iter().map(|s| MatchSnapshot { version: None, ..self.finish(s) }).collect();
        Ok(MatchList { version: Some(SNAPSHOT_VERSION), matches, delayed })
    }

    /// A read API answer, mapped into the contract and cached (the body is the contract's).
    async fn read_match(&self, u: &Arc<UpstreamClient>, id: u64) -> Cached {
        let path = u.match_path(id);
        self.cache
            .get_or_fetch(&path, || async {
                let raw = u.get(&path).await;
                self.map_answer(u.match_path_template(), raw, |body| {
                    let s = adapter::adapt_match(body)?;
                    if s.id != id {
                        return Err(adapter::AdaptError { path: "id".into(), problem: format!("asked for match {id}, the answer is match {}", s.id) });
                    }
                    Ok(Cached { status: 200, body: Arc::from(serde_json::to_vec(&self.finish(s)).unwrap_or_default()) })
                })
            })
            .await
    }

    async fn read_list(&self, u: &Arc<UpstreamClient>, live_only: bool, competition: Option<u64>) -> Cached {
        let mut path = if live_only { u.live_path().to_owned() } else { u.live_path().replace("status=live", "status=all") };
        if let Some(c) = competition {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&format!("competition={c}"));
        }
        self.cache
            .get_or_fetch(&path, || async {
                let raw = u.get(&path).await;
                self.map_answer(&path, raw, |body| {
                    let (matches, skipped) = adapter::adapt_list(body)?;
                    if let Some(first) = skipped.first() {
                        self.log_failure(&path, first);
                    }
                    let body = serde_json::to_vec(&MatchList { version: None, matches, delayed: false }).unwrap_or_default();
                    Ok(Cached { status: 200, body: Arc::from(body) })
                })
            })
            .await
    }

    /// An upstream answer in the contract: 200 mapped by `adapt` (or a 502 naming nothing of
    /// upstream's body), 404 as unknown, 401/403 as refused, anything else as a bad gateway.
    fn map_answer(&self, path: &str, raw: Cached, adapt: impl FnOnce(&[u8]) -> Result<Cached, adapter::AdaptError>) -> Cached {
        match raw.status {
            200 => match adapt(&raw.body) {
                Ok(answer) => answer,
                Err(e) => {
                    self.log_failure(path, &e);
                    error_answer(502, "the stats API answered in a shape the gateway cannot read")
                }
            },
            404 => error_answer(404, "unknown match"),
            401 | 403 => error_answer(403, "the stats API refused this"),
            // Our own errors (timeouts, unreachable) pass; upstream's bodies do not.
            502 | 504 if raw.body.starts_with(b"{\"error\"") => raw,
            s => error_answer(502, &format!("the stats API answered {s}")),
        }
    }

    fn log_failure(&self, path: &str, e: &adapter::AdaptError) {
        self.failures.record(path, e, Instant::now());
    }
}
