//! The gateway against an attacker (issue 12): global and per-address limits, the client
//! address behind a proxy, a hostile upstream, channel shapes, token lifetimes, and slow
//! clients against the real server (`courtside_gateway::serve`). Each test here failed on the
//! gateway before the fix it names.

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::Router;
use courtside_gateway::app::{now_ms, router, AppState};
use courtside_gateway::config::{Config, Parsed};
use courtside_gateway::tokens::{mint, TokenKey};
use http_body_util::BodyExt;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const ORIGIN: &str = "https://news.example";
const TOKEN_KEY: &str = "test-token-key-0123456789abcdef0123456789";
const UPSTREAM_TOKEN: &str = "upstream-bearer-secret-42";

fn config(mode: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        ("COURTSIDE_ALLOWED_ORIGINS", ORIGIN),
        ("COURTSIDE_TOKEN_KEY", TOKEN_KEY),
        ("PUSHER_APP_ID", "1"),
        ("PUSHER_APP_KEY", "278d425bdf160c739803"),
        ("PUSHER_APP_SECRET", "7ad3773142a6692b25b8"),
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

/// A fresh widget token for ORIGIN, minted with the test key (`ttl_s` from now).
fn token_for(ttl_s: u64) -> String {
    mint(&TokenKey::new(TOKEN_KEY.as_bytes()), ORIGIN, now_ms() / 1000, ttl_s)
}

fn auth_request(token: &str, channel: &str) -> Request<Body> {
    Request::post("/auth")
        .header(header::ORIGIN, ORIGIN)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("socket_id=1.1&channel_name={channel}")))
        .unwrap()
}

fn from_address(mut req: Request<Body>, peer: &str) -> Request<Body> {
    let peer: SocketAddr = peer.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

fn is_json_error(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body).is_ok_and(|v| v["error"].is_string())
}

// ---------------------------------------------------------------------------------------
// Item 3: /auth is bounded globally, IPv6 by /64, /token per address, upstream auth calls.

#[tokio::test]
async fn auth_has_a_global_limit_whatever_the_tokens() {
    let app = router(AppState::new(config("local", &[("COURTSIDE_RATE_AUTH_GLOBAL", "3")])));
    let mut ok = 0;
    for _ in 0..20 {
        // A fresh token each time, as a script minting freely would have.
        let a = call(&app, auth_request(&token_for(300), "private-games")).await;
        match a.status {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => assert!(is_json_error(&a.body), "{}", a.body),
            s => panic!("unexpected {s}: {}", a.body),
        }
    }
    assert!(ok <= 6, "a burst of twice the global rate at most, not {ok} of 20");
}

#[tokio::test]
async fn ipv6_clients_are_limited_per_64() {
    let app = router(AppState::new(config("local", &[("COURTSIDE_RATE_PER_IP", "5")])));
    let mut limited = 0;
    for i in 1..=20 {
        // Rotating the interface id within one /64.
        let req = from_address(Request::get("/api/matches/1").body(Body::empty()).unwrap(), &format!("[2001:db8:1:2::{i:x}]:4000"));
        if call(&app, req).await.status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 10, "one /64 is one client: {limited} of 20 limited");
    let other = from_address(Request::get("/api/matches/1").body(Body::empty()).unwrap(), "[2001:db8:1:3::1]:4000");
    assert_ne!(call(&app, other).await.status, StatusCode::TOO_MANY_REQUESTS, "the next /64 is another client");
    let v4 = from_address(Request::get("/api/matches/1").body(Body::empty()).unwrap(), "198.51.100.7:4000");
    assert_ne!(call(&app, v4).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn token_minting_has_a_tighter_limit_per_address() {
    let app = router(AppState::new(config("local", &[("COURTSIDE_RATE_TOKEN_PER_IP", "1")])));
    let mint_from = |peer: &str| from_address(Request::post("/token").header(header::ORIGIN, ORIGIN).body(Body::empty()).unwrap(), peer);
    let mut statuses = vec![];
    for _ in 0..6 {
        statuses.push(call(&app, mint_from("192.0.2.7:5000")).await.status);
    }
    assert!(statuses.iter().filter(|s| **s == StatusCode::OK).count() <= 2, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert_eq!(call(&app, mint_from("192.0.2.8:5000")).await.status, StatusCode::OK, "another address mints");
    // The general per-address limit (50/s) is not what refused them.
    let read = from_address(Request::get("/api/matches/1").body(Body::empty()).unwrap(), "192.0.2.7:5000");
    assert_eq!(call(&app, read).await.status, StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------
// Item 6: X-Forwarded-For, right-most entry across every header line.

#[tokio::test]
async fn forwarded_for_takes_the_right_most_entry_across_lines() {
    use courtside_gateway::guards::client_address;
    let state = AppState::new(config("local", &[("COURTSIDE_TRUST_FORWARDED", "1")]));
    let peer: SocketAddr = "10.0.0.2:443".parse().unwrap();
    let mut h = HeaderMap::new();
    // The client's own (spoofed) line, then the line the proxy appended.
    h.append("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 5.6.7.8"));
    h.append("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
    assert_eq!(client_address(&state, &h, Some(peer)), Some("203.0.113.9".parse().unwrap()));
    let mut h = HeaderMap::new();
    h.append("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 203.0.113.10"));
    assert_eq!(client_address(&state, &h, Some(peer)), Some("203.0.113.10".parse().unwrap()));
    let mut h = HeaderMap::new();
    h.append("x-forwarded-for", HeaderValue::from_static("1.2.3.4"));
    h.append("x-forwarded-for", HeaderValue::from_static("not an address"));
    assert_eq!(client_address(&state, &h, Some(peer)), Some(peer.ip()), "garbage from the proxy: the proxy's own address");

    // And so a client rotating its own line stays one client for the limit.
    let app = router(AppState::new(config("local", &[("COURTSIDE_TRUST_FORWARDED", "1"), ("COURTSIDE_RATE_PER_IP", "2")])));
    let mut limited = 0;
    for i in 0..10 {
        let req = Request::get("/api/matches/1")
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .header("x-forwarded-for", "203.0.113.9")
            .body(Body::empty())
            .unwrap();
        if call(&app, from_address(req, "10.0.0.2:443")).await.status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 6, "{limited} of 10 limited");
}

// ---------------------------------------------------------------------------------------
// Item 8: channel patterns name the id shape, and the defaults use them.

#[tokio::test]
async fn default_channel_patterns_sign_only_ids() {
    let app = router(AppState::new(config("local", &[])));
    let t = token_for(300);
    for channel in ["private-match.12", "private-competition.4", "private-games"] {
        let a = call(&app, auth_request(&t, channel)).await;
        assert_eq!(a.status, StatusCode::OK, "{channel}: {}", a.body);
    }
    for channel in [
        "private-match.1,private-games",
        "private-match.1.officials",
        "private-match.abc",
        "private-match.01",
        "private-match.",
        "private-competition.4;x",
        "private-match.99999999999999999999",
    ] {
        let a = call(&app, auth_request(&t, channel)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{channel}: {}", a.body);
    }
}

// ---------------------------------------------------------------------------------------
// Item 9: a token promising more than the configured lifetime is refused.

#[tokio::test]
async fn tokens_expiring_beyond_the_lifetime_are_refused() {
    let app = router(AppState::new(config("local", &[])));
    let a = call(&app, auth_request(&token_for(300), "private-games")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = call(&app, auth_request(&token_for(330), "private-games")).await;
    assert_eq!(a.status, StatusCode::OK, "within the clock skew: {}", a.body);
    for ttl in [400, 86_400, 10 * 365 * 86_400] {
        let a = call(&app, auth_request(&token_for(ttl), "private-games")).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "ttl {ttl}: {}", a.body);
    }
}

// ---------------------------------------------------------------------------------------
// Item 7: a hostile (or compromised) upstream.

struct Hostile {
    url: String,
    /// Calls per path (`/api/v1/matches/1`, `auth`).
    calls: Arc<std::sync::Mutex<HashMap<String, usize>>>,
    /// The other local service a redirect points at: how often it was reached.
    other_hits: Arc<AtomicUsize>,
    auth_in_flight_max: Arc<AtomicUsize>,
}

impl Hostile {
    fn calls(&self, path: &str) -> usize {
        self.calls.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

const SQL_ERROR: &str = "SQLSTATE[42S02]: Base table or view not found: select * from `matches` in /var/www/stats/app/Http/Controllers/MatchController.php:88";

/// A body that sends `first` bytes at once, then `drip` one byte every 100 ms, then never ends.
fn endless_body(first: usize, drip: bool) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        let mut sent = 0;
        while sent < first {
            let n = (first - sent).min(64 * 1024);
            if tx.send(Bytes::from(vec![b' '; n])).await.is_err() {
                return;
            }
            sent += n;
        }
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if drip && tx.send(Bytes::from_static(b" ")).await.is_err() {
                return;
            }
            if tx.is_closed() {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<_, std::convert::Infallible>(b), rx)) });
    Body::from_stream(stream)
}

async fn hostile_upstream() -> Hostile {
    use axum::extract::{Path, State};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{any, get, post};
    // The other local service (say, an admin API on the same host) that must never be reached.
    let other_hits = Arc::new(AtomicUsize::new(0));
    let hits = other_hits.clone();
    let other = Router::new().route(
        "/{*rest}",
        any(move || {
            let hits = hits.clone();
            async move {
                hits.fetch_add(1, Ordering::SeqCst);
                r#"{"auth":"OTHER-SERVICE","id":4,"status":"in_progress","data":"OTHER-SERVICE"}"#
            }
        }),
    );
    let other_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_url = format!("http://{}", other_listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(other_listener, other).await });

    #[derive(Clone)]
    struct S {
        calls: Arc<std::sync::Mutex<HashMap<String, usize>>>,
        other_url: String,
        in_flight: Arc<AtomicUsize>,
        in_flight_max: Arc<AtomicUsize>,
    }
    let s = S {
        calls: Arc::default(),
        other_url,
        in_flight: Arc::default(),
        in_flight_max: Arc::default(),
    };
    let count = |s: &S, k: &str| *s.calls.lock().unwrap().entry(k.to_owned()).or_default() += 1;
    let app = Router::new()
        .route(
            "/api/v1/matches/{id}",
            get(move |State(s): State<S>, Path(id): Path<u64>| async move {
                count(&s, &format!("/api/v1/matches/{id}"));
                let r: Response = match id {
                    // Two MiB, announced.
                    1 => (StatusCode::OK, vec![b' '; 2 << 20]).into_response(),
                    // Two MiB, chunked, then a stall.
                    2 => (StatusCode::OK, endless_body(2 << 20, false)).into_response(),
                    // A few bytes, then one byte every 100 ms, forever.
                    3 => (StatusCode::OK, endless_body(10, true)).into_response(),
                    4 => (StatusCode::FOUND, [(header::LOCATION, format!("{}/internal/match", s.other_url))]).into_response(),
                    5 => (StatusCode::INTERNAL_SERVER_ERROR, SQL_ERROR).into_response(),
                    _ => (StatusCode::OK, format!(r#"{{"id":{id},"status":"in_progress"}}"#)).into_response(),
                };
                r
            }),
        )
        .route(
            "/api/v1/broadcasting/auth",
            post(move |State(s): State<S>, body: String| async move {
                count(&s, "auth");
                let r: Response = if body.contains("private-match.5") {
                    (StatusCode::INTERNAL_SERVER_ERROR, SQL_ERROR).into_response()
                } else if body.contains("private-match.6") {
                    (StatusCode::IM_A_TEAPOT, format!("<html>{SQL_ERROR}</html>")).into_response()
                } else if body.contains("private-match.4") {
                    (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, format!("{}/internal/auth", s.other_url))]).into_response()
                } else if body.contains("private-match.1") {
                    (StatusCode::OK, endless_body(2 << 20, false)).into_response()
                } else if body.contains("private-match.7") {
                    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    s.in_flight_max.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    s.in_flight.fetch_sub(1, Ordering::SeqCst);
                    (StatusCode::OK, r#"{"auth":"key:sig"}"#).into_response()
                } else {
                    (StatusCode::OK, r#"{"auth":"key:sig"}"#).into_response()
                };
                r
            }),
        )
        .with_state(s.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Hostile { url, calls: s.calls, other_hits, auth_in_flight_max: s.in_flight_max }
}

fn upstream_app(up: &Hostile, extra: &[(&str, &str)]) -> Router {
    let mut vars = vec![("STATS_API_URL", up.url.as_str()), ("STATS_API_TOKEN", UPSTREAM_TOKEN)];
    vars.extend_from_slice(extra);
    router(AppState::new(config("upstream", &vars)))
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn an_oversized_upstream_answer_is_cut_while_reading_and_not_retried() {
    let up = hostile_upstream().await;
    let app = upstream_app(&up, &[]);
    let t = token_for(300);
    for id in [1, 2] {
        let started = Instant::now();
        let a = call(&app, get(&format!("/api/matches/{id}"), &t)).await;
        let took = started.elapsed();
        println!("match {id}: {} in {took:?}", a.status);
        assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{id}: {}", a.body);
        assert!(is_json_error(&a.body) && a.body.len() < 200, "{}", a.body);
        assert!(took < Duration::from_secs(3), "match {id}: the answer took {took:?}");
        assert_eq!(up.calls(&format!("/api/v1/matches/{id}")), 1, "match {id}: a too-large answer is not retried");
    }
    // The same for channel auth, whose 200 body would otherwise reach the browser.
    let started = Instant::now();
    let a = call(&app, auth_request(&t, "private-match.1")).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.body);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_dripping_upstream_answer_is_cut_at_the_deadline_and_not_retried() {
    let up = hostile_upstream().await;
    let app = upstream_app(&up, &[("STATS_API_TIMEOUT_MS", "1000")]);
    let t = token_for(300);
    let started = Instant::now();
    let a = call(&app, get("/api/matches/3", &t)).await;
    let took = started.elapsed();
    println!("dripping match: {} in {took:?}", a.status);
    assert!(a.status == StatusCode::GATEWAY_TIMEOUT || a.status == StatusCode::BAD_GATEWAY, "{}: {}", a.status, a.body);
    assert!(is_json_error(&a.body), "{}", a.body);
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(up.calls("/api/v1/matches/3"), 1, "not retried");
}

#[tokio::test]
async fn upstream_redirects_are_not_followed() {
    let up = hostile_upstream().await;
    let app = upstream_app(&up, &[]);
    let t = token_for(300);
    let a = call(&app, get("/api/matches/4", &t)).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.body);
    assert!(!a.body.contains("OTHER-SERVICE"), "{}", a.body);
    let a = call(&app, auth_request(&t, "private-match.4")).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.body);
    assert!(!a.body.contains("OTHER-SERVICE"), "{}", a.body);
    assert_eq!(up.other_hits.load(Ordering::SeqCst), 0, "the other service was reached through a redirect");
}

#[tokio::test]
async fn upstream_error_bodies_never_reach_the_browser() {
    let up = hostile_upstream().await;
    let app = upstream_app(&up, &[]);
    let t = token_for(300);
    for req in [get("/api/matches/5", &t), auth_request(&t, "private-match.5"), auth_request(&t, "private-match.6")] {
        let a = call(&app, req).await;
        assert_eq!(a.status, StatusCode::BAD_GATEWAY, "{}", a.body);
        assert!(is_json_error(&a.body), "the gateway's own JSON error: {}", a.body);
        for leak in ["SQL", "/var/www", "html"] {
            assert!(!a.body.contains(leak), "{leak} in {}", a.body);
        }
    }
    // What the widget needs still passes: a 200 signature, a refusal as a refusal.
    let a = call(&app, auth_request(&t, "private-match.9")).await;
    assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, r#"{"auth":"key:sig"}"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_auth_calls_are_capped() {
    let up = hostile_upstream().await;
    let app = upstream_app(&up, &[("COURTSIDE_AUTH_CONCURRENCY", "2")]);
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..6 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let a = call(&app, auth_request(&token_for(300), "private-match.7")).await;
            (a, started.elapsed())
        }));
    }
    let mut busy = 0;
    for t in tasks {
        let (a, took) = t.await.unwrap();
        match a.status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(is_json_error(&a.body), "{}", a.body);
                assert!(took < Duration::from_millis(1400), "refused without waiting for the slow calls: {took:?}");
                busy += 1;
            }
            s => panic!("{s}: {}", a.body),
        }
    }
    assert_eq!(busy, 4, "two calls at once, the others refused");
    assert!(up.auth_in_flight_max.load(Ordering::SeqCst) <= 2, "upstream saw {} at once", up.auth_in_flight_max.load(Ordering::SeqCst));
}

// ---------------------------------------------------------------------------------------
// Item 5: slow clients against the real server (`serve`), and shutdown with a deadline.

mod slow_clients {
    use super::*;
    use courtside_gateway::serve::{serve, ServeLimits};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::sync::oneshot;

    struct Server {
        addr: SocketAddr,
        stop: Option<oneshot::Sender<()>>,
        done: tokio::task::JoinHandle<std::io::Result<()>>,
    }

    async fn start(limits: ServeLimits, extra: &[(&str, &str)]) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = router(AppState::new(config("local", extra)));
        let (stop, stopped) = oneshot::channel::<()>();
        let done = tokio::spawn(serve(listener, app, limits, async move {
            let _ = stopped.await;
        }));
        Server { addr, stop: Some(stop), done }
    }

    fn limits(header_ms: u64, request_ms: u64, max_connections: usize, shutdown_ms: u64) -> ServeLimits {
        ServeLimits {
            header_read_timeout: Duration::from_millis(header_ms),
            request_timeout: Duration::from_millis(request_ms),
            max_connections,
            shutdown_deadline: Duration::from_millis(shutdown_ms),
        }
    }

    /// Reads until the server closes the connection (or `within` passes: `None`).
    async fn read_until_closed(s: &mut TcpStream, within: Duration) -> Option<String> {
        let mut got = vec![];
        let read = tokio::time::timeout(within, async {
            let mut buf = [0u8; 4096];
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        read.ok().map(|_| String::from_utf8_lossy(&got).into_owned())
    }

    async fn healthz(addr: SocketAddr) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n").await.unwrap();
        read_until_closed(&mut s, Duration::from_secs(5)).await.expect("an answer")
    }

    #[tokio::test]
    async fn the_server_answers_and_knows_the_peer_address() {
        let server = start(limits(1000, 5000, 16, 1000), &[("COURTSIDE_RATE_PER_IP", "1")]).await;
        assert!(healthz(server.addr).await.starts_with("HTTP/1.1 200"));
        // The per-address limit sees the peer: a burst of 2, then 429.
        let mut statuses = vec![];
        for _ in 0..4 {
            let mut s = TcpStream::connect(server.addr).await.unwrap();
            s.write_all(b"GET /api/matches/1 HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n").await.unwrap();
            statuses.push(read_until_closed(&mut s, Duration::from_secs(5)).await.unwrap()[..12].to_owned());
        }
        assert_eq!(statuses, ["HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 429", "HTTP/1.1 429"]);
    }

    #[tokio::test]
    async fn a_stalled_header_is_cut_at_the_header_timeout() {
        let server = start(limits(500, 10_000, 16, 1000), &[]).await;
        let started = Instant::now();
        let mut partial = TcpStream::connect(server.addr).await.unwrap();
        partial.write_all(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: aaaa").await.unwrap();
        let mut silent = TcpStream::connect(server.addr).await.unwrap();
        let closed = read_until_closed(&mut partial, Duration::from_secs(5)).await;
        let took = started.elapsed();
        println!("partial header: closed after {took:?}");
        assert!(closed.is_some(), "a partial header was still open after 5 s");
        assert!(took < Duration::from_millis(2500), "{took:?}");
        assert!(read_until_closed(&mut silent, Duration::from_secs(3)).await.is_some(), "a silent connection is closed too");
        // An idle keep-alive connection gets the same deadline for its next request.
        let mut keep = TcpStream::connect(server.addr).await.unwrap();
        keep.write_all(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 1024];
        let n = keep.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        assert!(read_until_closed(&mut keep, Duration::from_secs(3)).await.is_some(), "an idle keep-alive connection is closed");
        assert!(healthz(server.addr).await.starts_with("HTTP/1.1 200"), "the server is fine");
    }

    #[tokio::test]
    async fn a_slow_body_is_cut_at_the_request_timeout() {
        let server = start(limits(1000, 1000, 16, 1000), &[]).await;
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        let head = format!(
            "POST /auth HTTP/1.1\r\nHost: gateway\r\nOrigin: {ORIGIN}\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nsocket_id=1.1",
            token_for(300)
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let (mut reader, mut writer) = s.into_split();
        let drip = tokio::spawn(async move {
            // One byte every 200 ms: the whole body would take 40 s.
            while writer.write_all(b"&").await.is_ok() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let mut got = vec![];
        let answered = tokio::time::timeout(Duration::from_secs(5), async {
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        let took = started.elapsed();
        drip.abort();
        let got = String::from_utf8_lossy(&got);
        println!("slow body: {:?} after {took:?}", got.lines().next());
        assert!(answered.is_ok(), "a slow body was still being read after 5 s");
        assert!(got.starts_with("HTTP/1.1 408"), "{got}");
        assert!(took < Duration::from_millis(2500), "{took:?}");
    }

    #[tokio::test]
    async fn connections_are_capped() {
        let server = start(limits(2000, 5000, 2, 1000), &[]).await;
        let first = TcpStream::connect(server.addr).await.unwrap();
        let second = TcpStream::connect(server.addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        // The third waits in the backlog, unanswered, until a slot frees.
        let mut third = TcpStream::connect(server.addr).await.unwrap();
        third.write_all(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 64];
        assert!(tokio::time::timeout(Duration::from_millis(500), third.read(&mut buf)).await.is_err(), "a third connection was served");
        drop((first, second));
        let answer = read_until_closed(&mut third, Duration::from_secs(5)).await.expect("served once a slot freed");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    #[tokio::test]
    async fn shutdown_finishes_within_its_deadline_despite_stalled_clients() {
        // Long client deadlines: only the shutdown deadline can end these connections soon.
        let mut server = start(limits(30_000, 30_000, 16, 1000), &[]).await;
        let mut partial = TcpStream::connect(server.addr).await.unwrap();
        partial.write_all(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: aaaa").await.unwrap();
        let mut body = TcpStream::connect(server.addr).await.unwrap();
        let head = format!(
            "POST /auth HTTP/1.1\r\nHost: gateway\r\nOrigin: {ORIGIN}\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\nsocket",
            token_for(300)
        );
        body.write_all(head.as_bytes()).await.unwrap();
        let mut idle = TcpStream::connect(server.addr).await.unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 1024];
        let n = idle.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        tokio::time::sleep(Duration::from_millis(200)).await;

        let started = Instant::now();
        server.stop.take().unwrap().send(()).unwrap();
        let finished = tokio::time::timeout(Duration::from_secs(5), &mut server.done).await;
        let took = started.elapsed();
        println!("shutdown took {took:?}");
        assert!(finished.is_ok(), "serve still running 5 s after the shutdown signal");
        finished.unwrap().unwrap().unwrap();
        assert!(took < Duration::from_millis(2500), "{took:?}");
        for s in [&mut partial, &mut body, &mut idle] {
            assert!(read_until_closed(s, Duration::from_secs(1)).await.is_some(), "a connection outlived the server");
        }
        assert!(TcpStream::connect(server.addr).await.is_err(), "still accepting");
    }
}
