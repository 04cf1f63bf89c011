//! Demo mode's `POST /demo/publish` with a batch (an array of score events), in process against
//! a fake Pusher server that records what it is asked to publish: the demo token is required,
//! oversize and malformed batches are refused before anything moves, a batch reaches the
//! league's state (what snapshots serve) and the Pusher server in its order, and the cap on
//! hand-made matches follows `COURTSIDE_DEMO_MAX_MANUAL`.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use courtside_gateway::app::{router, AppState};
use courtside_gateway::config::{Config, Parsed};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const DEMO_TOKEN: &str = "demo-publish-token-0123456789";
const ORIGIN: &str = "http://127.0.0.1:8080";

/// Every event the fake Pusher server was asked to publish, in order: (channel, name, data),
/// and the size of each batch call.
#[derive(Default)]
struct Published {
    events: Vec<(String, String, Value)>,
    batch_sizes: Vec<usize>,
}

async fn fake_pusher() -> (String, Arc<Mutex<Published>>) {
    use axum::routing::post;
    let seen = Arc::new(Mutex::new(Published::default()));
    let (a, b) = (seen.clone(), seen.clone());
    let app = Router::new()
        .route(
            "/apps/{app}/batch_events",
            post(move |body: String| {
                let seen = a.clone();
                async move {
                    let v: Value = serde_json::from_str(&body).unwrap();
                    let batch = v["batch"].as_array().unwrap();
                    let mut seen = seen.lock().unwrap();
                    seen.batch_sizes.push(batch.len());
                    for e in batch {
                        let data = serde_json::from_str(e["data"].as_str().unwrap()).unwrap();
                        seen.events.push((e["channel"].as_str().unwrap().into(), e["name"].as_str().unwrap().into(), data));
                    }
                    "{}"
                }
            }),
        )
        .route(
            "/apps/{app}/events",
            post(move |body: String| {
                let seen = b.clone();
                async move {
                    let v: Value = serde_json::from_str(&body).unwrap();
                    let data: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
                    for c in v["channels"].as_array().unwrap() {
                        seen.lock().unwrap().events.push((c.as_str().unwrap().into(), v["name"].as_str().unwrap().into(), data.clone()));
                    }
                    "{}"
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

fn demo(pusher_url: &str, extra: &[(&str, &str)]) -> Router {
    let mut vars = vec![
        ("PUSHER_APP_ID", "1"),
        ("PUSHER_APP_KEY", "demo-key"),
        ("PUSHER_APP_SECRET", "demo-secret"),
        ("PUSHER_HTTP_URL", pusher_url),
        ("COURTSIDE_DEMO_TOKEN", DEMO_TOKEN),
        // Every call here comes from one address; the limits are not what is tested.
        ("COURTSIDE_RATE_PER_IP", "1000000"),
        ("COURTSIDE_RATE_PER_TOKEN", "1000000"),
        ("COURTSIDE_RATE_TOKEN_PER_IP", "1000000"),
    ];
    vars.extend_from_slice(extra);
    let config = match Config::parse(&["--mode".into(), "demo".into()], |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())) {
        Ok(Parsed::Run(c)) => c,
        _ => panic!("demo config"),
    };
    router(AppState::new(config))
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.expect("router answers");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn publish(bearer: Option<&str>, body: impl Into<String>) -> Request<Body> {
    let mut req = Request::post("/demo/publish").header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    req.body(Body::from(body.into())).unwrap()
}

/// The league's snapshot of `id` through `GET /api/matches/{id}`: (status, home, away).
async fn snapshot(app: &Router, id: u64) -> (StatusCode, Value) {
    let (status, body) = call(app, Request::post("/token").header(header::ORIGIN, ORIGIN).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["token"].as_str().unwrap().to_owned();
    let req = Request::get(format!("/api/matches/{id}")).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let (status, body) = call(app, req).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn events(items: &[(u64, u32, u32)]) -> String {
    let v: Vec<Value> = items.iter().map(|(id, h, a)| json!({ "match_id": id, "home_score": h, "away_score": a })).collect();
    Value::from(v).to_string()
}

#[tokio::test]
async fn a_batch_wants_the_demo_token() {
    let (url, seen) = fake_pusher().await;
    let app = demo(&url, &[]);
    let body = events(&[(4001, 2, 0)]);
    assert_eq!(call(&app, publish(None, body.clone())).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&app, publish(Some("demo-publish-token-0123456788"), body.clone())).await.0, StatusCode::UNAUTHORIZED);
    assert!(seen.lock().unwrap().events.is_empty(), "nothing published without the token");
    assert_eq!(snapshot(&app, 4001).await.0, StatusCode::NOT_FOUND, "nor applied to the league");
    assert_eq!(call(&app, publish(Some(DEMO_TOKEN), body)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn oversize_and_malformed_batches_are_refused_before_anything_moves() {
    let (url, seen) = fake_pusher().await;
    let app = demo(&url, &[]);
    // Over the gateway's 4 KB body limit.
    let big: Vec<(u64, u32, u32)> = (0..90).map(|i| (4100 + i, 100 + i as u32, 0)).collect();
    let body = events(&big);
    assert!(body.len() > 4096);
    let (status, text) = call(&app, publish(Some(DEMO_TOKEN), body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    // Small enough for the body limit, more events than a batch holds.
    let many: Vec<Value> = (0..101).map(|i| json!({ "match_id": 4200 + i })).collect();
    let body = Value::from(many).to_string();
    assert!(body.len() < 4096);
    let (status, text) = call(&app, publish(Some(DEMO_TOKEN), body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert!(text.contains("at most 100"), "{text}");
    // Malformed: each a 400 with a JSON error.
    for (body, says) in [
        ("[]".to_string(), "empty batch"),
        ("[1, 2]".to_string(), "expected a JSON object"),
        ("[[4309, 2, 0]]".to_string(), "expected a JSON object"),
        ("[{\"match_id\":4301,\"home_score\":\"two\"}]".to_string(), "expected a JSON body"),
        ("[{\"match_id\":4302,\"home_score\":2},{\"home_score\":3}]".to_string(), "expected a JSON body"),
        ("[{\"match_id\":4303,\"home_score\":2".to_string(), "expected a JSON body"),
        ("[{\"match_id\":4304,\"home_score\":2},{\"match_id\":4305,\"kind\":\"dunk\"}]".to_string(), "kind must be"),
        ("[{\"match_id\":4306,\"home_score\":2},{\"match_id\":4307,\"status\":\"finished\"}]".to_string(), "score events only"),
        ("[{\"match_id\":4308,\"home_score\":2,\"garble\":\"wrong_types\"}]".to_string(), "score events only"),
    ] {
        let (status, text) = call(&app, publish(Some(DEMO_TOKEN), body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {text}");
        assert!(text.contains(says), "{body}: {text}");
        assert!(serde_json::from_str::<Value>(&text).is_ok_and(|v| v["error"].is_string()), "{text}");
    }
    assert!(seen.lock().unwrap().events.is_empty(), "nothing published");
    for id in [4100, 4200, 4302, 4304, 4305, 4306, 4308] {
        assert_eq!(snapshot(&app, id).await.0, StatusCode::NOT_FOUND, "match {id}: a refused batch changes nothing");
    }
}

#[tokio::test]
async fn a_batch_reaches_the_league_state_and_the_pusher_server_in_order() {
    let (url, seen) = fake_pusher().await;
    let app = demo(&url, &[]);
    // 60 events over 25 matches, every match more than once: the last one of each is its state.
    let items: Vec<(u64, u32, u32)> = (0..60u32).map(|i| (5000 + u64::from(i % 25), i / 25 + 1, i % 3)).collect();
    let (status, text) = call(&app, publish(Some(DEMO_TOKEN), events(&items))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), json!({ "published": 60 }));
    for id in 5000..5025u64 {
        let (_, h, a) = *items.iter().rev().find(|(m, _, _)| *m == id).unwrap();
        let (status, s) = snapshot(&app, id).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((s["home_score"].as_u64(), s["away_score"].as_u64(), s["status"].as_str()), (Some(h.into()), Some(a.into()), Some("in_progress")), "match {id}");
        assert!(s["last_event"]["id"].is_u64(), "the snapshot carries the last event");
    }
    let seen = seen.lock().unwrap();
    assert!(seen.batch_sizes.iter().all(|n| *n <= 10), "the Pusher API's batch limit: {:?}", seen.batch_sizes);
    // Each event on its match's channel and on private-games, in the batch's order.
    assert_eq!(seen.events.len(), 120);
    let mut last_id = 0;
    for (i, (id, h, a)) in items.iter().enumerate() {
        let (pair_a, pair_b) = (&seen.events[2 * i], &seen.events[2 * i + 1]);
        assert_eq!((pair_a.0.as_str(), pair_b.0.as_str()), (format!("private-match.{id}").as_str(), "private-games"));
        for (_, name, data) in [pair_a, pair_b] {
            assert_eq!(name, "event.received");
            assert_eq!((data["match_id"].as_u64(), data["home_score"].as_u64(), data["away_score"].as_u64()), (Some(*id), Some((*h).into()), Some((*a).into())));
        }
        let event_id = pair_a.2["event"]["id"].as_u64().unwrap();
        assert!(event_id > last_id, "event ids rise in the batch's order");
        last_id = event_id;
    }
}

#[tokio::test]
async fn the_cap_on_hand_made_matches_is_configurable() {
    let (url, _) = fake_pusher().await;
    let app = demo(&url, &[("COURTSIDE_DEMO_MAX_MANUAL", "3")]);
    let (status, text) = call(&app, publish(Some(DEMO_TOKEN), events(&[(6001, 1, 0), (6002, 1, 0), (6003, 1, 0), (6004, 1, 0)]))).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(snapshot(&app, 6001).await.0, StatusCode::NOT_FOUND, "the oldest left");
    for id in 6002..=6004 {
        assert_eq!(snapshot(&app, id).await.0, StatusCode::OK, "match {id}");
    }
    // One at a time follows the same cap.
    let (status, _) = call(&app, publish(Some(DEMO_TOKEN), json!({ "match_id": 6005, "home_score": 2 }).to_string())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(snapshot(&app, 6002).await.0, StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&app, 6005).await.0, StatusCode::OK);
    // 300 games, as the throughput benchmark plays them, need a cap of at least 300.
    let app = demo(&url, &[("COURTSIDE_DEMO_MAX_MANUAL", "300")]);
    for chunk in (0..300u64).collect::<Vec<_>>().chunks(60) {
        let items: Vec<(u64, u32, u32)> = chunk.iter().map(|i| (7000 + i, 0, 0)).collect();
        assert_eq!(call(&app, publish(Some(DEMO_TOKEN), events(&items))).await.0, StatusCode::OK);
    }
    for id in [7000, 7150, 7299] {
        assert_eq!(snapshot(&app, id).await.0, StatusCode::OK, "match {id} is still kept");
    }
}
