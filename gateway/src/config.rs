//! Configuration from flags and environment variables, validated at start-up.

use std::net::SocketAddr;

pub const HELP: &str = "\
courtside-gateway: tokens, channel auth and match snapshots for courtside widgets

USAGE: courtside-gateway --mode upstream|relay|local|demo [--listen ADDR] [--help]

Every flag has an environment variable; flags win. The mode has no default.
  --mode, COURTSIDE_MODE            demo: a simulated league for trying courtside out (loopback
                                    only unless COURTSIDE_DEMO_PUBLIC=1; never in production)
                                    local: signs channel auth with the app secret
                                    upstream: forwards auth and reads to the stats API
                                    relay: one upstream socket, republished to the site's own
                                    Pusher server; snapshots from a live mirror
  --listen, COURTSIDE_LISTEN        address to bind (default 127.0.0.1:8787)
  COURTSIDE_TOKEN_KEY               key that signs widget tokens, 32+ characters, the same on every
                                    replica; required outside demo mode (demo: a random key)
  COURTSIDE_TOKEN_TTL_S             widget token lifetime in seconds, 60..3600 (default 300; the
                                    widget renews 30 s before expiry); a token whose expiry is
                                    further ahead than this plus 60 s of clock skew is refused
  COURTSIDE_CACHE_TTL_MS            snapshot cache lifetime (default 2000)
  COURTSIDE_RATE_PER_IP             requests per second per client address (default 50); IPv6
                                    addresses count per /64
  COURTSIDE_RATE_PER_TOKEN          requests per second per widget token (default 20)
  COURTSIDE_RATE_TOKEN_PER_IP       POST /token per second per client address (default 5)
  COURTSIDE_RATE_AUTH_GLOBAL        POST /auth per second across all clients (default 200)
  COURTSIDE_AUTH_CONCURRENCY        upstream mode: channel auth calls to the stats API at once
                                    (default 32); a call that finds no slot within 500 ms gets 503
  COURTSIDE_LIMIT_KEYS              client addresses (and tokens) each rate limiter tracks, at
                                    most (default 100000); when every slot is active, requests
                                    from new addresses are refused with 429
  COURTSIDE_TRUST_FORWARDED         1: the gateway runs behind exactly one reverse proxy that
                                    appends the client's address to X-Forwarded-For; the client
                                    address is the right-most entry of the last such header line
                                    (what that proxy wrote). Do not set it without such a proxy,
                                    nor behind a chain of proxies: the address would be spoofable
  COURTSIDE_ALLOWED_ORIGINS         comma-separated page origins allowed to call the gateway;
                                    required outside demo mode (demo: any origin)
  COURTSIDE_CHANNELS                channel allow-list, comma-separated: exact names, `{id}` for
                                    a match or competition id (digits, 1 to 2^53-1, no leading
                                    zero), or a `*` suffix (any text at all: prefer `{id}`);
                                    `!` in front to deny
                                    (default private-match.{id},private-competition.{id},private-games)
  COURTSIDE_HEADER_TIMEOUT_S        seconds a client has to send a request's headers, idle
                                    keep-alive time included (default 10)
  COURTSIDE_REQUEST_TIMEOUT_S       seconds from a request's headers to its answer, its body
                                    included (default 15; then 408)
  COURTSIDE_MAX_CONNECTIONS         client connections at once (default 4096; more wait in the
                                    listen backlog)
  COURTSIDE_SHUTDOWN_S              on SIGTERM or Ctrl-C, seconds to let requests in flight
                                    finish before the gateway exits anyway (default 10)
  COURTSIDE_DIRECTORY               a team and player directory (JSON) joined into every
                                    snapshot; checked at start, reloaded when the file changes
local, demo and relay:
  PUSHER_APP_ID, PUSHER_APP_KEY, PUSHER_APP_SECRET   the Pusher/Reverb app credentials
demo and relay:
  PUSHER_HTTP_URL                   the Pusher server's HTTP API (default http://127.0.0.1:6001)
demo:
  COURTSIDE_DEMO_PACE_MS            milliseconds between a match's events, MIN,MAX (default 1000,3000)
  COURTSIDE_DEMO_TOKEN              a Bearer token for POST /demo/publish (hand-made scores);
                                    without it the route does not exist
  COURTSIDE_DEMO_MAX_MANUAL         hand-made matches kept at most, 1..100000 (default 200);
                                    the one touched longest ago leaves for a new one
  COURTSIDE_DEMO_PUBLIC             1: allow demo mode on a non-loopback address
  COURTSIDE_DEMO_STATS_TOKEN        a Bearer token: the league also plays the stats API
                                    (/api/v1/broadcasting/auth, /api/v1/matches…) for a relay
upstream and relay (and optionally local, for snapshots):
  STATS_API_URL                     base URL, e.g. https://stats-api.ds2.app
  STATS_API_TOKEN                   the Bearer token (secret; never logged)
  STATS_API_AUTH_PATH               default /api/v1/broadcasting/auth
  STATS_API_MATCH_PATH              default /api/v1/matches/{id}
  STATS_API_LIVE_PATH               default /api/v1/matches?status=live
  STATS_API_TIMEOUT_MS              deadline for one call, body included (default 5000);
                                    answers over 1 MiB are refused, redirects never followed
  STATS_API_SOCKET                  the stats API's Reverb (default wss://stats-api.ds2.app:443)
  STATS_API_KEY                     its app key (default stats-admin-public-key)
  COURTSIDE_UPSTREAM_CHANNELS       what the mirror follows (default private-games)
  COURTSIDE_MIRROR                  upstream mode: 1 to answer snapshots from a live mirror
relay:
  COURTSIDE_RELAY_CHANNELS          public (default: match.{id}, competition.{id}, games, no
                                    auth per reader) or private (signed here, no upstream call)
  COURTSIDE_REDIS_URL               redis://HOST:PORT: replicas share a publish lease there;
                                    without it this replica always publishes
  COURTSIDE_RELAY_ID                this replica's name in the lease (default host-pid)
";

/// The widget renews its token this long before expiry (`MARGIN_MS` in src/client/token.rs).
pub const WIDGET_RENEWAL_MARGIN_S: u64 = 30;

/// The shortest token lifetime: twice the widget's renewal margin, so a token serves at least
/// half its life (at 30 s, the margin itself, the widget would mint one for every request).
pub const MIN_TOKEN_TTL_S: u64 = 2 * WIDGET_RENEWAL_MARGIN_S;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Local,
    Upstream,
    Relay,
}

#[derive(Clone)]
pub struct AppCredentials {
    pub id: String,
    pub key: String,
    pub secret: String,
}

impl std::fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCredentials").field("id", &self.id).field("key", &self.key).field("secret", &"<redacted>").finish()
    }
}

#[derive(Clone)]
pub struct Upstream {
    pub base_url: String,
    pub token: String,
    pub auth_path: String,
    pub match_path: String,
    pub live_path: String,
    /// `ws(s)://host:port` of the stats API's Pusher server.
    pub socket: String,
    pub key: String,
    /// Deadline for one call, the body included.
    pub timeout_ms: u64,
    /// Channel auth calls in flight at once.
    pub auth_concurrency: usize,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream").field("base_url", &self.base_url).field("token", &"<redacted>").finish()
    }
}

#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub listen: SocketAddr,
    /// Empty: any origin (demo only).
    pub allowed_origins: Vec<String>,
    pub channels: Vec<String>,
    pub app: Option<AppCredentials>,
    pub pusher_http_url: String,
    pub demo_pace_ms: (u64, u64),
    /// Hand-made matches (`/demo/publish`) the demo league keeps at most.
    pub demo_max_manual: usize,
    pub upstream: Option<Upstream>,
    pub token_key: Secret,
    pub token_ttl_s: u64,
    pub cache_ttl_ms: u64,
    pub rate_per_ip: u32,
    pub rate_per_token: u32,
    /// `POST /token` per second per client address.
    pub rate_token_per_ip: u32,
    /// `POST /auth` per second, all clients together.
    pub rate_auth_global: u32,
    /// Keys (addresses, tokens) each keyed rate limiter tracks at most.
    pub limit_keys: usize,
    /// Behind exactly one proxy: the client address is the right-most `X-Forwarded-For` entry.
    pub trust_forwarded: bool,
    /// The server's own limits (see `serve::ServeLimits`).
    pub header_timeout_s: u64,
    pub request_timeout_s: u64,
    pub max_connections: usize,
    pub shutdown_s: u64,
    pub directory: Option<std::path::PathBuf>,
    /// Answer snapshots from a live mirror of the upstream socket (relay; upstream by choice).
    pub mirror: bool,
    pub upstream_channels: Vec<String>,
    /// Relay: readers follow public channels (no auth per reader).
    pub public_channels: bool,
    pub redis_url: Option<String>,
    pub relay_id: String,
    pub demo_stats_token: Option<Secret>,
    /// Bearer for `/demo/publish`.
    pub demo_token: Option<Secret>,
}

/// `ws(s)://host:port` → (tls, host, port): `STATS_API_SOCKET`, checked here at start and read
/// by the relay.
pub fn parse_socket(s: &str) -> Option<(bool, &str, u16)> {
    let (tls, rest) = match s.strip_prefix("wss://") {
        Some(r) => (true, r),
        None => (false, s.strip_prefix("ws://")?),
    };
    let (host, port) = rest.trim_end_matches('/').rsplit_once(':')?;
    Some((tls, host, port.parse().ok()?))
}

/// A configuration problem, naming the variable.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub enum Parsed {
    Run(Config),
    Help,
}

impl Config {
    /// Reads flags from `args` (without the program name) and variables through `env`.
    pub fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Parsed, ConfigError> {
        let mut mode = env("COURTSIDE_MODE");
        let mut listen = env("COURTSIDE_LISTEN");
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (arg.as_str(), None),
            };
            let mut value = |flag: &str| {
                inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| ConfigError(format!("{flag} needs a value")))
            };
            match name {
                "-h" | "--help" => return Ok(Parsed::Help),
                "--mode" => mode = Some(value("--mode")?),
                "--listen" => listen = Some(value("--listen")?),
                other => return Err(ConfigError(format!("unknown argument {other:?}; see --help"))),
            }
        }
        let Some(mode) = mode.filter(|m| !m.trim().is_empty()) else {
            return Err(ConfigError(
                "COURTSIDE_MODE (or --mode) is required: upstream, relay, local, or demo for a simulated league".into(),
            ));
        };
        let mode = match mode.as_str() {
            "demo" => Mode::Demo,
            "local" => Mode::Local,
            "upstream" => Mode::Upstream,
            "relay" => Mode::Relay,
            other => return Err(ConfigError(format!("COURTSIDE_MODE must be demo, local, upstream or relay, not {other:?}"))),
        };
        let listen: SocketAddr = listen
            .as_deref()
            .unwrap_or("127.0.0.1:8787")
            .parse()
            .map_err(|_| ConfigError("COURTSIDE_LISTEN must be an address like 127.0.0.1:8787".into()))?;
        let list = |v: Option<String>| -> Vec<String> {
            v.map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
        };
        let allowed_origins = list(env("COURTSIDE_ALLOWED_ORIGINS"));
        if mode != Mode::Demo && allowed_origins.is_empty() {
            return Err(ConfigError("COURTSIDE_ALLOWED_ORIGINS is required outside demo mode (e.g. https://news.example)".into()));
        }
        for o in &allowed_origins {
            if !(o.starts_with("https://") || o.starts_with("http://")) || o.ends_with('/') {
                return Err(ConfigError(format!("COURTSIDE_ALLOWED_ORIGINS: {o:?} is not an origin like https://news.example")));
            }
        }
        let mut channels = list(env("COURTSIDE_CHANNELS"));
        let channels_given = !channels.is_empty();
        if channels.is_empty() {
            channels = vec!["private-match.{id}".into(), "private-competition.{id}".into(), "private-games".into()];
        }
        let required = |name: &str| -> Result<String, ConfigError> {
            env(name).filter(|v| !v.trim().is_empty()).ok_or_else(|| ConfigError(format!("{name} is required in this mode")))
        };
        let app = match mode {
            Mode::Demo | Mode::Local | Mode::Relay => Some(AppCredentials {
                id: required("PUSHER_APP_ID")?,
                key: required("PUSHER_APP_KEY")?,
                secret: required("PUSHER_APP_SECRET")?,
            }),
            Mode::Upstream => None,
        };
        let number = |name: &str, default: u64, min: u64, max: u64| -> Result<u64, ConfigError> {
            match env(name) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(n),
                    _ => Err(ConfigError(format!("{name} must be a number from {min} to {max}"))),
                },
            }
        };
        let upstream = match (mode, env("STATS_API_URL")) {
            (Mode::Demo, _) | (Mode::Local, None) => None,
            (Mode::Upstream | Mode::Relay, _) | (Mode::Local, Some(_)) => {
                let base_url = required("STATS_API_URL")?;
                if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
                    return Err(ConfigError("STATS_API_URL must start with https:// or http://".into()));
                }
                let path = |name: &str, default: &str| -> Result<String, ConfigError> {
                    let p = env(name).unwrap_or_else(|| default.to_owned());
                    if p.starts_with('/') {
                        Ok(p)
                    } else {
                        Err(ConfigError(format!("{name} must start with /")))
                    }
                };
                let match_path = path("STATS_API_MATCH_PATH", "/api/v1/matches/{id}")?;
                if !match_path.contains("{id}") {
                    return Err(ConfigError("STATS_API_MATCH_PATH must contain {id}".into()));
                }
                let socket = env("STATS_API_SOCKET").unwrap_or_else(|| "wss://stats-api.ds2.app:443".into());
                if parse_socket(&socket).is_none_or(|(_, host, _)| host.is_empty()) {
                    return Err(ConfigError("STATS_API_SOCKET must be ws(s)://HOST:PORT".into()));
                }
                let key = env("STATS_API_KEY").unwrap_or_else(|| "stats-admin-public-key".into());
                if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
                    return Err(ConfigError("STATS_API_KEY must be an app key (letters, digits, - _ .)".into()));
                }
                Some(Upstream {
                    base_url: base_url.trim_end_matches('/').to_owned(),
                    token: required("STATS_API_TOKEN")?,
                    auth_path: path("STATS_API_AUTH_PATH", "/api/v1/broadcasting/auth")?,
                    match_path,
                    live_path: path("STATS_API_LIVE_PATH", "/api/v1/matches?status=live")?,
                    socket,
                    key,
                    timeout_ms: number("STATS_API_TIMEOUT_MS", 5000, 100, 60_000)?,
                    auth_concurrency: number("COURTSIDE_AUTH_CONCURRENCY", 32, 1, 10_000)? as usize,
                })
            }
        };
        let token_key = match env("COURTSIDE_TOKEN_KEY") {
            Some(k) if k.len() >= 32 => k,
            Some(_) => return Err(ConfigError("COURTSIDE_TOKEN_KEY must be at least 32 characters".into())),
            None if mode == Mode::Demo => format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            None => return Err(ConfigError("COURTSIDE_TOKEN_KEY is required in this mode (32+ random characters)".into())),
        };
        let token_ttl_s = number("COURTSIDE_TOKEN_TTL_S", 300, MIN_TOKEN_TTL_S, 3600)?;
        let cache_ttl_ms = number("COURTSIDE_CACHE_TTL_MS", 2000, 0, 60_000)?;
        let rate_per_ip = number("COURTSIDE_RATE_PER_IP", 50, 1, 1_000_000)? as u32;
        let rate_per_token = number("COURTSIDE_RATE_PER_TOKEN", 20, 1, 1_000_000)? as u32;
        let rate_token_per_ip = number("COURTSIDE_RATE_TOKEN_PER_IP", 5, 1, 1_000_000)? as u32;
        let rate_auth_global = number("COURTSIDE_RATE_AUTH_GLOBAL", 200, 1, 1_000_000)? as u32;
        let limit_keys = number("COURTSIDE_LIMIT_KEYS", 100_000, 16, 10_000_000)? as usize;
        let header_timeout_s = number("COURTSIDE_HEADER_TIMEOUT_S", 10, 1, 600)?;
        let request_timeout_s = number("COURTSIDE_REQUEST_TIMEOUT_S", 15, 1, 600)?;
        let max_connections = number("COURTSIDE_MAX_CONNECTIONS", 4096, 1, 1_000_000)? as usize;
        let shutdown_s = number("COURTSIDE_SHUTDOWN_S", 10, 0, 600)?;
        let trust_forwarded = match env("COURTSIDE_TRUST_FORWARDED").as_deref() {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(_) => return Err(ConfigError("COURTSIDE_TRUST_FORWARDED must be 1 or 0".into())),
        };
        let pusher_http_url = env("PUSHER_HTTP_URL").unwrap_or_else(|| "http://127.0.0.1:6001".into());
        let flag = |name: &str| -> Result<bool, ConfigError> {
            match env(name).as_deref() {
                None | Some("0") | Some("false") => Ok(false),
                Some("1") | Some("true") => Ok(true),
                Some(_) => Err(ConfigError(format!("{name} must be 1 or 0"))),
            }
        };
        let mirror = match mode {
            Mode::Relay => true,
            Mode::Upstream => flag("COURTSIDE_MIRROR")?,
            _ => false,
        };
        let mut upstream_channels = list(env("COURTSIDE_UPSTREAM_CHANNELS"));
        if upstream_channels.is_empty() {
            upstream_channels = vec!["private-games".into()];
        }
        let public_channels = match (mode, env("COURTSIDE_RELAY_CHANNELS").as_deref()) {
            (Mode::Relay, None | Some("public")) => true,
            (Mode::Relay, Some("private")) => false,
            (Mode::Relay, Some(other)) => return Err(ConfigError(format!("COURTSIDE_RELAY_CHANNELS must be public or private, not {other:?}"))),
            _ => false,
        };
        if public_channels && !channels_given {
            channels = vec!["match.{id}".into(), "competition.{id}".into(), "games".into()];
        }
        let redis_url = env("COURTSIDE_REDIS_URL").filter(|v| !v.is_empty());
        if let Some(r) = &redis_url {
            let ok = r.strip_prefix("redis://").and_then(|hp| hp.split('/').next()).is_some_and(|hp| hp.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()));
            if !ok {
                return Err(ConfigError("COURTSIDE_REDIS_URL must be redis://HOST:PORT".into()));
            }
        }
        let relay_id = env("COURTSIDE_RELAY_ID").unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_default();
            format!("{host}-{}", std::process::id())
        });
        let demo_stats_token = env("COURTSIDE_DEMO_STATS_TOKEN").filter(|t| !t.is_empty()).map(Secret);
        let demo_token = env("COURTSIDE_DEMO_TOKEN").filter(|t| !t.is_empty()).map(Secret);
        for (name, token) in [("COURTSIDE_DEMO_TOKEN", &demo_token), ("COURTSIDE_DEMO_STATS_TOKEN", &demo_stats_token)] {
            if token.as_ref().is_some_and(|t| t.0.len() < 16) {
                return Err(ConfigError(format!("{name} must be at least 16 characters")));
            }
        }
        // The demo signs with a known secret and lets anyone with its token set scores: it
        // stays on this machine unless the operator says otherwise, in so many words.
        if mode == Mode::Demo && !listen.ip().is_loopback() && !flag("COURTSIDE_DEMO_PUBLIC")? {
            return Err(ConfigError(format!(
                "demo mode listens on loopback only; {} is not (set COURTSIDE_DEMO_PUBLIC=1 to allow it)",
                listen.ip()
            )));
        }
        let directory = env("COURTSIDE_DIRECTORY").filter(|p| !p.is_empty()).map(std::path::PathBuf::from);
        let demo_pace_ms = match env("COURTSIDE_DEMO_PACE_MS") {
            None => (1000, 3000),
            Some(v) => {
                let parsed = v.split_once(',').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
                match parsed {
                    Some((a, b)) if a >= 10 && a <= b => (a, b),
                    _ => return Err(ConfigError("COURTSIDE_DEMO_PACE_MS must be MIN,MAX milliseconds, 10 <= MIN <= MAX".into())),
                }
            }
        };
        let demo_max_manual = number("COURTSIDE_DEMO_MAX_MANUAL", crate::league::League::MAX_MANUAL as u64, 1, 100_000)? as usize;
        Ok(Parsed::Run(Config {
            mode,
            listen,
            allowed_origins,
            channels,
            app,
            pusher_http_url,
            demo_pace_ms,
            demo_max_manual,
            upstream,
            token_key: Secret(token_key),
            token_ttl_s,
            cache_ttl_ms,
            rate_per_ip,
            rate_per_token,
            rate_token_per_ip,
            rate_auth_global,
            limit_keys,
            trust_forwarded,
            header_timeout_s,
            request_timeout_s,
            max_connections,
            shutdown_s,
            directory,
            mirror,
            upstream_channels,
            public_channels,
            redis_url,
            relay_id,
            demo_stats_token,
            demo_token,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(args: &[&str], vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match Config::parse(&args, |k| vars.get(k).cloned())? {
            Parsed::Run(c) => Ok(c),
            Parsed::Help => Err(ConfigError("help".into())),
        }
    }

    const APP: [(&str, &str); 3] = [("PUSHER_APP_ID", "1"), ("PUSHER_APP_KEY", "k"), ("PUSHER_APP_SECRET", "s")];

    #[test]
    fn the_mode_is_never_assumed() {
        let e = parse(&[], &APP).unwrap_err();
        assert!(e.0.starts_with("COURTSIDE_MODE (or --mode) is required"), "{e}");
    }

    #[test]
    fn demo_mode_stays_on_loopback_unless_told_otherwise() {
        let e = parse(&["--mode", "demo", "--listen", "0.0.0.0:8787"], &APP).unwrap_err();
        assert!(e.0.contains("loopback only"), "{e}");
        let e = parse(&["--mode", "demo", "--listen", "[::]:8787"], &APP).unwrap_err();
        assert!(e.0.contains("loopback only"), "{e}");
        let mut v = APP.to_vec();
        v.push(("COURTSIDE_DEMO_PUBLIC", "1"));
        assert_eq!(parse(&["--mode", "demo", "--listen", "0.0.0.0:8787"], &v).unwrap().listen.to_string(), "0.0.0.0:8787");
        assert!(parse(&["--mode", "demo", "--listen", "[::1]:8787"], &APP).is_ok());
        let mut v = APP.to_vec();
        v.push(("COURTSIDE_DEMO_TOKEN", "short"));
        assert!(parse(&["--mode", "demo"], &v).unwrap_err().0.starts_with("COURTSIDE_DEMO_TOKEN must be"));
    }

    #[test]
    fn demo_defaults() {
        let c = parse(&["--mode", "demo"], &APP).unwrap();
        assert_eq!(c.mode, Mode::Demo);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8787");
        assert!(c.allowed_origins.is_empty());
        assert_eq!(c.channels.len(), 3);
        assert_eq!(c.demo_max_manual, 200);
        let mut v = APP.to_vec();
        v.push(("COURTSIDE_DEMO_MAX_MANUAL", "1300"));
        assert_eq!(parse(&["--mode", "demo"], &v).unwrap().demo_max_manual, 1300);
    }

    #[test]
    fn each_missing_variable_is_named() {
        assert_eq!(parse(&["--mode", "demo"], &[]).unwrap_err().0, "PUSHER_APP_ID is required in this mode");
        let e = parse(&["--mode", "local"], &APP).unwrap_err();
        assert!(e.0.starts_with("COURTSIDE_ALLOWED_ORIGINS"), "{e}");
        let o = ("COURTSIDE_ALLOWED_ORIGINS", "https://a.example");
        let e = parse(&["--mode=upstream"], &[o]).unwrap_err();
        assert_eq!(e.0, "STATS_API_URL is required in this mode");
        let e = parse(&["--mode=upstream"], &[o, ("STATS_API_URL", "https://x")]).unwrap_err();
        assert_eq!(e.0, "STATS_API_TOKEN is required in this mode");
        let e = parse(&["--mode=upstream"], &[o, ("STATS_API_URL", "https://x"), ("STATS_API_TOKEN", "t")]).unwrap_err();
        assert!(e.0.starts_with("COURTSIDE_TOKEN_KEY is required"), "{e}");
        let k = ("COURTSIDE_TOKEN_KEY", "short");
        let e = parse(&["--mode=upstream"], &[o, ("STATS_API_URL", "https://x"), ("STATS_API_TOKEN", "t"), k]).unwrap_err();
        assert!(e.0.starts_with("COURTSIDE_TOKEN_KEY must be"), "{e}");
    }

    #[test]
    fn malformed_values_are_refused() {
        assert!(parse(&["--mode", "prod"], &APP).unwrap_err().0.starts_with("COURTSIDE_MODE"));
        assert!(parse(&["--mode", "demo", "--listen", "nope"], &APP).unwrap_err().0.starts_with("COURTSIDE_LISTEN"));
        assert!(parse(&["--bogus"], &APP).unwrap_err().0.contains("--bogus"));
        let mut v = APP.to_vec();
        v.push(("COURTSIDE_DEMO_PACE_MS", "3000,1000"));
        assert!(parse(&["--mode", "demo"], &v).unwrap_err().0.starts_with("COURTSIDE_DEMO_PACE_MS"));
        for bad in ["0", "-1", "100001", "many", ""] {
            let mut v = APP.to_vec();
            v.push(("COURTSIDE_DEMO_MAX_MANUAL", bad));
            assert_eq!(parse(&["--mode", "demo"], &v).unwrap_err().0, "COURTSIDE_DEMO_MAX_MANUAL must be a number from 1 to 100000", "{bad:?}");
        }
        let mut v = APP.to_vec();
        v.push(("COURTSIDE_ALLOWED_ORIGINS", "news.example"));
        assert!(parse(&["--mode", "demo"], &v).unwrap_err().0.starts_with("COURTSIDE_ALLOWED_ORIGINS"));
    }

    #[test]
    fn the_shortest_token_lifetime_outlasts_the_widgets_renewal_margin() {
        // The widget's own constant, read from its source, so the two cannot drift apart.
        let client = include_str!("../../src/client/token.rs");
        let line = client.lines().find(|l| l.contains("const MARGIN_MS")).expect("the widget's MARGIN_MS");
        let margin_ms: f64 = line.split('=').nth(1).unwrap().trim().trim_end_matches(';').replace('_', "").parse().unwrap();
        assert_eq!(margin_ms, (WIDGET_RENEWAL_MARGIN_S * 1000) as f64);
        assert!(MIN_TOKEN_TTL_S as f64 * 1000.0 > margin_ms);
        let ttl = |v: &'static str| {
            let mut vars = APP.to_vec();
            vars.push(("COURTSIDE_TOKEN_TTL_S", v));
            parse(&["--mode", "demo"], &vars).map(|c| c.token_ttl_s)
        };
        assert!(ttl("30").unwrap_err().0.starts_with("COURTSIDE_TOKEN_TTL_S"), "a token as short as the margin");
        assert!(ttl("59").is_err());
        assert_eq!(ttl("60"), Ok(60));
        assert_eq!(ttl("3600"), Ok(3600));
    }

    #[test]
    fn default_channels_name_the_id_shape() {
        let c = parse(&["--mode", "demo"], &APP).unwrap();
        assert_eq!(c.channels, ["private-match.{id}", "private-competition.{id}", "private-games"]);
        let relay = [
            ("COURTSIDE_ALLOWED_ORIGINS", "https://a.example"),
            ("STATS_API_URL", "https://up.example"),
            ("STATS_API_TOKEN", "t"),
            ("COURTSIDE_TOKEN_KEY", "token-key-0123456789abcdef0123456789"),
        ];
        let mut vars = APP.to_vec();
        vars.extend_from_slice(&relay);
        let c = parse(&["--mode", "relay"], &vars).unwrap();
        assert!(c.public_channels);
        assert_eq!(c.channels, ["match.{id}", "competition.{id}", "games"]);
        vars.push(("COURTSIDE_RELAY_CHANNELS", "private"));
        let c = parse(&["--mode", "relay"], &vars).unwrap();
        assert_eq!(c.channels, ["private-match.{id}", "private-competition.{id}", "private-games"]);
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let c = parse(
            &["--mode", "local"],
            &[
                ("PUSHER_APP_ID", "1"),
                ("PUSHER_APP_KEY", "k"),
                ("PUSHER_APP_SECRET", "topsecretvalue"),
                ("COURTSIDE_ALLOWED_ORIGINS", "https://a.example"),
                ("STATS_API_URL", "https://up.example"),
                ("STATS_API_TOKEN", "bearer-secret-123"),
                ("COURTSIDE_TOKEN_KEY", "token-key-0123456789abcdef0123456789"),
            ],
        )
        .unwrap();
        let shown = format!("{c:?}");
        for secret in ["topsecretvalue", "bearer-secret-123", "token-key-0123456789abcdef0123456789"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(c.upstream.is_some(), "local mode may read snapshots upstream");
    }
}
