//! The relay's HTTP surface in process: snapshots from its mirror (filled by the read API),
//! public and cacheable when readers follow public channels, a widget token otherwise.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use courtside_gateway::app::{router, AppState};
use courtside_gateway::config::{Config, Parsed};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn read_api() -> String {
    let app = Router::new().route(
        "/api/v1/matches/{id}",
        get(|axum::extract::Path(id): axum::extract::Path<u64>| async move {
            format!(r#"{{"data":{{"id":{id},"status":"in_progress","home_team_id":16,"away_team_id":17,"home_score":3}}}}"#)
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn relay(url: &str, channels: &str) -> Router {
    let vars = [
        ("COURTSIDE_ALLOWED_ORIGINS", "https://news.example"),
        ("COURTSIDE_TOKEN_KEY", "test-token-key-0123456789abcdef0123456789"),
        ("PUSHER_APP_ID", "1"),
        ("PUSHER_APP_KEY", "site-key"),
        ("PUSHER_APP_SECRET", "site-secret"),
        ("STATS_API_URL", url),
        ("STATS_API_TOKEN", "bearer"),
        ("COURTSIDE_RELAY_CHANNELS", channels),
    ];
    let config = match Config::parse(&["--mode".into(), "relay".into()], |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())) {
        Ok(Parsed::Run(c)) => c,
        _ => panic!("config"),
    };
    router(AppState::new(config))
}

async fn get_match(app: &Router, id: u64) -> (StatusCode, Option<String>, String) {
    let res = app.clone().oneshot(Request::get(format!("/api/matches/{id}")).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let cache = res.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    (status, cache, body)
}

#[tokio::test]
async fn public_relay_snapshots_need_no_token_and_a_cdn_may_keep_them() {
    let url = read_api().await;
    let app = relay(&url, "public");
    let (status, cache, body) = get_match(&app, 9).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(cache.as_deref(), Some("public, max-age=2, stale-while-revalidate=30"));
    let s: courtside::wire::MatchSnapshot = serde_json::from_str(&body).unwrap();
    assert_eq!((s.id, s.home_score, s.home_team.map(|t| t.id)), (9, 3, Some(16)), "the mirror filled from the read API");
}

#[tokio::test]
async fn private_relay_snapshots_want_a_widget_token() {
    let url = read_api().await;
    let app = relay(&url, "private");
    let (status, cache, _) = get_match(&app, 9).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_ne!(cache.as_deref(), Some("public, max-age=2, stale-while-revalidate=30"));
}

/// Demo mode's hand-made scores want the demo token; without one configured the route is gone.
#[tokio::test]
async fn demo_publish_wants_the_demo_token() {
    let app = |token: Option<&str>| {
        let mut vars = vec![("PUSHER_APP_ID", "1"), ("PUSHER_APP_KEY", "k"), ("PUSHER_APP_SECRET", "s"), ("PUSHER_HTTP_URL", "http://127.0.0.1:9")];
        if let Some(t) = token {
            vars.push(("COURTSIDE_DEMO_TOKEN", t));
        }
        let config = match Config::parse(&["--mode".into(), "demo".into()], |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())) {
            Ok(Parsed::Run(c)) => c,
            _ => panic!("config"),
        };
        router(AppState::new(config))
    };
    let publish = |bearer: Option<&str>| {
        let mut req = Request::post("/demo/publish").header(header::CONTENT_TYPE, "application/json");
        if let Some(b) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
        }
        req.body(Body::from(r#"{"match_id":5,"home_score":2,"away_score":0}"#)).unwrap()
    };
    let status = |app: Router, req: Request<Body>| async move { app.oneshot(req).await.unwrap().status() };
    assert_eq!(status(app(None), publish(Some("anything-at-all-here"))).await, StatusCode::NOT_FOUND, "no token configured: no route");
    let token = "demo-token-0123456789";
    assert_eq!(status(app(Some(token)), publish(None)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status(app(Some(token)), publish(Some("demo-token-0123456788"))).await, StatusCode::UNAUTHORIZED);
    // The right token gets through to publishing (nothing listens on port 9: a bad gateway).
    assert_eq!(status(app(Some(token)), publish(Some(token))).await, StatusCode::BAD_GATEWAY);
}
