//! The gateway in process, against a fake stats API: modes, tokens, policy, cache, secrets.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use courtside_gateway::app::{router, AppState};
use courtside_gateway::config::{Config, Parsed};
use courtside_gateway::tokens::{mint, TokenKey};
use http_body_util::BodyExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

const ORIGIN: &str = "https://news.example";
const TOKEN_KEY: &str = "test-token-key-0123456789abcdef0123456789";
const UPSTREAM_TOKEN: &str = "upstream-bearer-secret-42";
const APP_SECRET: &str = "7ad3773142a6692b25b8";

fn config(mode: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        ("COURTSIDE_ALLOWED_ORIGINS", ORIGIN),
        ("COURTSIDE_TOKEN_KEY", TOKEN_KEY),
        ("PUSHER_APP_ID", "1"),
        ("PUSHER_APP_KEY", "278d425bdf160c739803"),
        ("PUSHER_APP_SECRET", APP_SECRET),
        ("COURTSIDE_CHANNELS", "private-match.*,private-games,!private-match.666"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    match Config::parse(&["--mode".into(), mode.into()], |k| vars.get(k).cloned()) {
        Ok(Parsed::Run(c)) => c,
        Ok(Parsed::Help) => panic!("help"),
        Err(e) => panic!("{e}"),
    }
}

struct Answer {
    status: StatusCode,
    body: String,
}

async fn call(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.expect("router answers");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    Answer { status, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn token(app: &Router) -> String {
    let a = call(app, Request::post("/token").header(header::ORIGIN, ORIGIN).body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert_eq!(v["expires_in"], 300);
    v["token"].as_str().unwrap().to_owned()
}

fn auth_request(token: &str, body: &str) -> Request<Body> {
    Request::post("/auth")
        .header(header::ORIGIN, ORIGIN)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn local_mode_signs_the_reference_vector() {
    let app = router(AppState::new(config("local", &[])));
    let t = token(&app).await;
    let a = call(&app, auth_request(&t, "socket_id=1234.1234&channel_name=private-games")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // The same HMAC as Pusher's vector, for this channel.
    let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    assert!(v["auth"].as_str().unwrap().starts_with("278d425bdf160c739803:"));
    assert_eq!(
        courtside_gateway::signing::channel_auth("278d425bdf160c739803", APP_SECRET, "1234.1234", "private-foobar"),
        "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
    );
}

#[tokio::test]
async fn tokens_are_required_and_checked() {
    let app = router(AppState::new(config("local", &[])));
    let body = "socket_id=1.1&channel_name=private-games";
    let no_token = Request::post("/auth")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(call(&app, no_token).await.status, StatusCode::UNAUTHORIZED);
    let key = TokenKey::new(TOKEN_KEY.as_bytes());
    let expired = mint(&key, ORIGIN, 1_000, 60);
    let a = call(&app, auth_request(&expired, body)).await;
    assert_eq!((a.status, a.body.contains("expired")), (StatusCode::UNAUTHORIZED, true));
    let good = token(&app).await;
    let tampered = good.replacen("v1.", "v1.9", 1);
    assert_eq!(call(&app, auth_request(&tampered, body)).await.status, StatusCode::UNAUTHORIZED);
    let now = courtside_gateway::app::now_ms() / 1000;
    let foreign = mint(&TokenKey::new(*b"someone else's key, 32 bytes...."), ORIGIN, now, 60);
    assert_eq!(call(&app, auth_request(&foreign, body)).await.status, StatusCode::UNAUTHORIZED);
    let other_origin = mint(&key, "https://other.example", now, 60);
    assert_eq!(call(&app, auth_request(&other_origin, body)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(call(&app, auth_request(&good, body)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn tokens_only_for_allowed_origins() {
    let app = router(AppState::new(config("local", &[])));
    let evil = Request::post("/token").header(header::ORIGIN, "https://evil.example").body(Body::empty()).unwrap();
    assert_eq!(call(&app, evil).await.status, StatusCode::FORBIDDEN);
    let none = Request::post("/token").body(Body::empty()).unwrap();
    assert_eq!(call(&app, none).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_policy_refusal_has_its_status_and_a_json_error() {
    let app = router(AppState::new(config("local", &[])));
    let t = token(&app).await;
    let cases = [
        ("socket_id=abc&channel_name=private-games", StatusCode::BAD_REQUEST),
        ("socket_id=1.1&channel_name=private%20games", StatusCode::BAD_REQUEST),
        ("channel_name=private-games", StatusCode::BAD_REQUEST),
        ("socket_id=1.1", StatusCode::BAD_REQUEST),
        ("socket_id=1.1&channel_name=private-competition.4", StatusCode::FORBIDDEN),
        ("socket_id=1.1&channel_name=presence-x", StatusCode::FORBIDDEN),
        ("socket_id=1.1&channel_name=private-match.666", StatusCode::FORBIDDEN),
    ];
    for (body, want) in cases {
        let a = call(&app, auth_request(&t, body)).await;
        assert_eq!(a.status, want, "{body}: {}", a.body);
        let v: serde_json::Value = serde_json::from_str(&a.body).expect("JSON error body");
        assert!(v["error"].is_string(), "{body}");
    }
    let huge = format!("socket_id=1.1&channel_name=private-games&pad={}", "x".repeat(10_000));
    assert_eq!(call(&app, auth_request(&t, &huge)).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let a = call(&app, get("/api/matches/abc", &t)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = call(&app, get("/api/matches/666", &t)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "snapshot follows the channel policy");
}

#[tokio::test]
async fn tokens_are_rate_limited() {
    let app = router(AppState::new(config("local", &[("COURTSIDE_RATE_PER_TOKEN", "5")])));
    let t = token(&app).await;
    let mut statuses = vec![];
    for _ in 0..15 {
        statuses.push(call(&app, auth_request(&t, "socket_id=1.1&channel_name=private-games")).await.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 10, "burst of twice the rate");
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
}

/// A fake stats API that counts calls and checks the Bearer token.
struct FakeUpstream {
    url: String,
    calls: Arc<AtomicUsize>,
}

async fn fake_upstream(delay: Duration) -> FakeUpstream {
    fake_upstream_gated(delay, None).await
}

/// The fake stats API; with a `gate`, every match read waits until the gate is closed.
async fn fake_upstream_gated(delay: Duration, gate: Option<Arc<tokio::sync::Semaphore>>) -> FakeUpstream {
    use axum::extract::Path;
    use axum::http::HeaderMap;
    use axum::routing::{get, post};
    let calls = Arc::new(AtomicUsize::new(0));
    let authorized = |h: &HeaderMap| h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&*format!("Bearer {UPSTREAM_TOKEN}"));
    let c = calls.clone();
    let app = Router::new()
        .route(
            "/api/v1/broadcasting/auth",
            post(move |h: HeaderMap, body: String| async move {
                if !authorized(&h) {
                    return (StatusCode::UNAUTHORIZED, "{}".to_string());
                }
                if body.contains("private-match.403") {
                    return (StatusCode::FORBIDDEN, r#"{"message":"denied"}"#.to_string());
                }
                (StatusCode::OK, r#"{"auth":"key:upstreamsig"}"#.to_string())
            }),
        )
        .route(
            "/api/v1/matches/{id}",
            get(move |h: HeaderMap, Path(id): Path<u64>| {
                let (c, gate) = (c.clone(), gate.clone());
                async move {
                    c.fetch_add(1, Ordering::SeqCst);
                    if let Some(gate) = gate {
                        // Closed by the test: every waiter passes at once.
                        let _ = gate.acquire().await;
                    }
                    tokio::time::sleep(delay).await;
                    if !authorized(&h) {
                        return (StatusCode::UNAUTHORIZED, "{}".to_string());
                    }
                    match id {
                        404 => (StatusCode::NOT_FOUND, "{}".to_string()),
                        500 => (StatusCode::INTERNAL_SERVER_ERROR, r#"{"message":"Server Error","trace":"upstream internals"}"#.to_string()),
                        _ => (StatusCode::OK, read_api_match(id)),
                    }
                }
            }),
        )
        .route(
            "/api/v1/matches",
            get(move |h: HeaderMap| async move {
                if !authorized(&h) {
                    return (StatusCode::UNAUTHORIZED, "{}".to_string());
                }
                let data: Vec<String> = [10, 11, 666].iter().map(|id| {
                    let one: serde_json::Value = serde_json::from_str(&read_api_match(*id)).unwrap();
                    one.get("data").cloned().unwrap_or(one).to_string()
                }).collect();
                (StatusCode::OK, format!(r#"{{"data":[{}],"meta":{{"current_page":1,"total":3}},"links":{{}}}}"#, data.join(",")))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    FakeUpstream { url, calls }
}

/// What the undocumented read API might answer, a different shape per match id.
fn read_api_match(id: u64) -> String {
    match id {
        // Laravel API resource, ids as strings, teams embedded, a roster.
        10 => r#"{"data":{"id":"10","competition":{"id":"4"},"status":"in_progress","home_team":{"id":"16","name":"Harbor City Herons","abbreviation":"HCH"},
            "away_team":{"id":17},"home_score":"45","away_score":42,"period":2,"clock":"07:23",
            "players":[{"id":"88","team_id":16,"name":"Jane Doe","jersey_number":7}]}}"#.into(),
        // Teams as ids only, a status beyond the three.
        11 => r#"{"data":{"id":11,"status":"postponed","home_team_id":16,"away_team_id":"17","starts_at":"2026-04-13T19:00:00Z"}}"#.into(),
        // A shape nobody can map: no status, an id that is no id.
        12 => r#"{"data":{"id":true}}"#.into(),
        // Another match than the one asked for.
        13 => r#"{"data":{"id":14,"status":"in_progress"}}"#.into(),
        _ => format!(r#"{{"id":{id},"status":"in_progress"}}"#),
    }
}

fn upstream_config(url: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars = vec![("STATS_API_URL", url), ("STATS_API_TOKEN", UPSTREAM_TOKEN)];
    vars.extend_from_slice(extra);
    config("upstream", &vars)
}

#[tokio::test]
async fn upstream_mode_forwards_auth_with_the_bearer_and_maps_denials() {
    let up = fake_upstream(Duration::ZERO).await;
    let app = router(AppState::new(upstream_config(&up.url, &[])));
    let t = token(&app).await;
    let a = call(&app, auth_request(&t, "socket_id=1.1&channel_name=private-match.7")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body, r#"{"auth":"key:upstreamsig"}"#);
    let a = call(&app, auth_request(&t, "socket_id=1.1&channel_name=private-match.403")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = call(&app, get("/api/matches/9", &t)).await;
    assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, r#"{"version":1,"id":9,"status":"in_progress","home_score":0,"away_score":0}"#));
    assert_eq!(call(&app, get("/api/matches/404", &t)).await.status, StatusCode::NOT_FOUND);
    let a = call(&app, get("/api/matches/500", &t)).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "an upstream failure is the gateway's 502");
    assert!(!a.body.contains("internals"), "upstream's body does not pass through: {}", a.body);
}

fn directory_file(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("courtside-http-{name}-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r##"{"teams":[{"id":16,"name":"Directory Herons","short_name":"DHE"},{"id":17,"name":"Mesa Verde Coyotes","short_name":"MVC","colour":"#c2410c"}],
            "players":[{"id":88,"team_id":16,"name":"Directory Jane","shirt_number":"9"},{"id":90,"team_id":17,"name":"Ana Ruiz","shirt_number":"00"}]}"##,
    )
    .unwrap();
    path
}

#[tokio::test]
async fn read_api_shapes_become_the_snapshot_contract_with_the_directory_filling_gaps() {
    use courtside::wire::{MatchList, MatchSnapshot, MatchStatus};
    let up = fake_upstream(Duration::ZERO).await;
    let path = directory_file("shapes");
    let dir = courtside_gateway::directory::DirectoryHandle::load(&path).unwrap();
    let app = router(AppState::with_directory(upstream_config(&up.url, &[]), dir));
    let t = token(&app).await;
    // Wrapped, string ids, embedded teams: the read API's names win, the directory fills gaps.
    let a = call(&app, get("/api/matches/10", &t)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let s: MatchSnapshot = serde_json::from_str(&a.body).unwrap();
    assert_eq!((s.version, s.id, s.competition_id, s.home_score, s.away_score), (Some(1), 10, Some(4), 45, 42));
    let home = s.home_team.unwrap();
    assert_eq!((home.name.as_deref(), home.short_name.as_deref()), (Some("Harbor City Herons"), Some("HCH")), "the read API wins");
    let away = s.away_team.unwrap();
    assert_eq!((away.name.as_deref(), away.colour.as_deref()), (Some("Mesa Verde Coyotes"), Some("#c2410c")), "the directory fills");
    let jane = s.players.iter().find(|p| p.id == 88).unwrap();
    assert_eq!((jane.name.as_deref(), jane.shirt_number.as_deref()), (Some("Jane Doe"), Some("7")));
    assert!(s.players.iter().any(|p| p.id == 90 && p.name.as_deref() == Some("Ana Ruiz")), "the away roster from the directory");
    // Teams as ids only: every name from the directory; the status as announced.
    let s: MatchSnapshot = serde_json::from_str(&call(&app, get("/api/matches/11", &t)).await.body).unwrap();
    assert_eq!(s.status, MatchStatus::Postponed);
    assert_eq!(s.home_team.and_then(|t| t.name).as_deref(), Some("Directory Herons"));
    assert_eq!(s.scheduled_at.as_deref(), Some("2026-04-13T19:00:00Z"));
    // Unmappable, or the wrong match: a short 502, never upstream's body.
    for id in [12, 13] {
        let a = call(&app, get(&format!("/api/matches/{id}"), &t)).await;
        assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{id}: {}", a.body);
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        assert!(v["error"].as_str().unwrap().contains("shape"), "{}", a.body);
    }
    // The list: Laravel's data/meta/links; the denied match 666 is filtered by the same policy.
    let a = call(&app, get("/api/matches?status=live", &t)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let list: MatchList = serde_json::from_str(&a.body).unwrap();
    let ids: Vec<u64> = list.matches.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![10], "live only (11 is postponed), and 666 is denied: {}", a.body);
    assert_eq!(list.matches[0].home_team.as_ref().and_then(|t| t.name.as_deref()), Some("Harbor City Herons"));
    let all: MatchList = serde_json::from_str(&call(&app, get("/api/matches?status=all", &t)).await.body).unwrap();
    assert_eq!(all.matches.iter().map(|m| m.id).collect::<Vec<_>>(), vec![10, 11]);
    let _ = std::fs::remove_file(path);
}

/// Issue 12, item 4: `GET /api/matches?status=all` (no competition) carries no match the
/// single route refuses, whatever the policy; and every match it leaves out is refused alone.
#[tokio::test]
async fn lists_never_carry_a_denied_match() {
    use courtside::wire::MatchList;
    let up = fake_upstream(Duration::ZERO).await;
    // The fake's list holds 10 (competition 4), 11 and 666.
    let policies: [(&str, &[u64]); 5] = [
        ("private-match.*,private-games,!private-match.666", &[10, 11]),
        ("private-match.{id},private-competition.{id},private-games,!private-match.666", &[10, 11]),
        ("private-match.{id},!private-match.1*", &[666]),
        ("private-match.10,private-games", &[10]),
        ("private-games,private-competition.{id}", &[]),
    ];
    for (channels, visible) in policies {
        let app = router(AppState::new(upstream_config(&up.url, &[("COURTSIDE_CHANNELS", channels)])));
        let t = token(&app).await;
        for query in ["status=all", "status=live", ""] {
            let a = call(&app, get(&format!("/api/matches?{query}"), &t)).await;
            assert_eq!(a.status, StatusCode::OK, "{channels} {query}: {}", a.body);
            let list: MatchList = serde_json::from_str(&a.body).unwrap();
            let ids: Vec<u64> = list.matches.iter().map(|m| m.id).collect();
            let expected: Vec<u64> = visible.iter().copied().filter(|id| query != "status=live" || *id == 10 || *id == 666).collect();
            assert_eq!(ids, expected, "{channels} {query}");
            assert!(!a.body.contains("666") || visible.contains(&666), "{channels} {query}: {}", a.body);
        }
        for id in [10, 11, 666] {
            let single = call(&app, get(&format!("/api/matches/{id}"), &t)).await.status;
            assert_eq!(single != StatusCode::FORBIDDEN, visible.contains(&id), "{channels}: match {id} alone is {single}");
        }
    }
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_bad_gateway_not_a_hang() {
    let app = router(AppState::new(upstream_config("http://127.0.0.1:9", &[])));
    let t = token(&app).await;
    let a = call(&app, get("/api/matches/1", &t)).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.body);
    let a = call(&app, auth_request(&t, "socket_id=1.1&channel_name=private-games")).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_snapshot_requests_reach_upstream_once() {
    // The upstream answer is held until all 10,000 requests wait on the one fetch in flight,
    // and the cache keeps nothing (lifetime 0): only coalescing can make this one call, and no
    // clock is raced however slow the machine.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let up = fake_upstream_gated(Duration::ZERO, Some(gate.clone())).await;
    let state = AppState::new(upstream_config(&up.url, &[("COURTSIDE_RATE_PER_TOKEN", "1000000"), ("COURTSIDE_CACHE_TTL_MS", "0")]));
    let app = router(state.clone());
    let t = token(&app).await;
    let mut tasks = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        let (app, t) = (app.clone(), t.clone());
        tasks.push(tokio::spawn(async move { call(&app, get("/api/matches/77", &t)).await.status }));
    }
    let cache = &state.inner().backend.cache;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while cache.waiting("/api/v1/matches/77") < 10_000 {
        assert!(up.calls.load(Ordering::SeqCst) <= 1, "{} upstream calls", up.calls.load(Ordering::SeqCst));
        assert!(std::time::Instant::now() < deadline, "{} of 10,000 requests joined the fetch", cache.waiting("/api/v1/matches/77"));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(up.calls.load(Ordering::SeqCst), 1, "one upstream call while 10,000 requests wait");
    gate.close();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(up.calls.load(Ordering::SeqCst), 1, "coalesced into one upstream call");
}

/// A writer for tracing that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_appear_in_responses_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    // As in production (main.rs, `serve::init_logging`): the log bridge, so that `log` records
    // (reqwest's among them) are scanned too, and a fmt subscriber with an env filter, here at
    // its most verbose.
    courtside_gateway::serve::install_log_bridge();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let up = fake_upstream(Duration::ZERO).await;
    let upstream = upstream_config(&up.url, &[]);
    tracing::info!(config = ?upstream, "starting");
    let app = router(AppState::new(upstream));
    let t = token(&app).await;
    let mut bodies = vec![];
    for req in [
        auth_request(&t, "socket_id=1.1&channel_name=private-match.7"),
        auth_request(&t, "socket_id=1.1&channel_name=private-match.403"),
        auth_request(&t, "socket_id=bad&channel_name=private-match.7"),
        get("/api/matches/9", &t),
        get("/api/matches/500", &t),
        get("/api/matches/404", &t),
        get("/api/matches?status=live", &t),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    ] {
        bodies.push(call(&app, req).await.body);
    }
    let local = router(AppState::new(config("local", &[])));
    let lt = token(&local).await;
    bodies.push(call(&local, auth_request(&lt, "socket_id=1.1&channel_name=private-games")).await.body);
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(logs.contains("starting"), "logs were captured");
    assert!(logs.contains("reqwest::connect"), "reqwest's log records were captured through the bridge");
    for secret in [UPSTREAM_TOKEN, APP_SECRET, TOKEN_KEY] {
        assert!(!logs.contains(secret), "{secret} in logs");
        for b in &bodies {
            assert!(!b.contains(secret), "{secret} in a response: {b}");
        }
    }
}
