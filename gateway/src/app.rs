//! The HTTP surface: one router, one state, one error type.

use crate::config::{Config, Mode};
use crate::league::League;
use crate::publisher::Publisher;
use crate::signing::channel_auth;
use crate::validate;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub league: Option<Mutex<League>>,
    pub publisher: Option<Publisher>,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let (league, publisher) = match (config.mode, &config.app) {
            (Mode::Demo, Some(app)) => (
                Some(Mutex::new(League::new(now_ms(), config.demo_pace_ms, 5, now_ms()))),
                Some(Publisher::new(&config.pusher_http_url, app.clone())),
            ),
            _ => (None, None),
        };
        AppState(Arc::new(Inner { config, league, publisher }))
    }

    pub fn inner(&self) -> &Inner {
        &self.0
    }

    fn with_league<T>(&self, f: impl FnOnce(&mut League) -> T) -> Result<T, ApiError> {
        let league = self.0.league.as_ref().ok_or(ApiError::NotFound("no such route in this mode"))?;
        let mut guard = league.lock().map_err(|_| ApiError::Internal)?;
        Ok(f(&mut guard))
    }
}

/// Every refusal the gateway gives, with its status and a short JSON body.
#[derive(Debug)]
pub enum ApiError {
    BadRequest(&'static str),
    Forbidden(&'static str),
    NotFound(&'static str),
    Upstream(String),
    Internal,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.to_owned()),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m.to_owned()),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m.to_owned()),
            ApiError::Upstream(m) => (StatusCode::BAD_GATEWAY, m),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal error".to_owned()),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

pub fn router(state: AppState) -> Router {
    let config = &state.inner().config;
    let origins = if config.allowed_origins.is_empty() {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(config.allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600));
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/auth", post(auth))
        .route("/api/matches", get(list_matches))
        .route("/api/matches/{id}", get(get_match));
    if config.mode == Mode::Demo {
        router = router.route("/demo/publish", post(demo_publish));
    }
    router.layer(RequestBodyLimitLayer::new(4 * 1024)).layer(cors).with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let mode = match state.inner().config.mode {
        Mode::Demo => "demo",
        Mode::Local => "local",
        Mode::Upstream => "upstream",
    };
    Json(json!({ "status": "ok", "mode": mode }))
}

#[derive(Deserialize)]
struct AuthForm {
    socket_id: Option<String>,
    channel_name: Option<String>,
}

async fn auth(State(state): State<AppState>, form: Result<Form<AuthForm>, FormRejection>) -> Result<Response, ApiError> {
    let Form(form) = form.map_err(|_| ApiError::BadRequest("expected a form body with socket_id and channel_name"))?;
    let socket_id = form.socket_id.ok_or(ApiError::BadRequest("socket_id is missing"))?;
    let channel = form.channel_name.ok_or(ApiError::BadRequest("channel_name is missing"))?;
    if !validate::socket_id(&socket_id) {
        return Err(ApiError::BadRequest("socket_id is malformed"));
    }
    if !validate::channel_name(&channel) {
        return Err(ApiError::BadRequest("channel_name is malformed"));
    }
    let config = &state.inner().config;
    if !validate::channel_allowed(&config.channels, &channel) {
        return Err(ApiError::Forbidden("channel not allowed"));
    }
    match (&config.app, &config.upstream) {
        (Some(app), _) => {
            let auth = channel_auth(&app.key, &app.secret, &socket_id, &channel);
            Ok(Json(json!({ "auth": auth })).into_response())
        }
        (None, Some(_)) => Err(ApiError::Upstream("upstream mode is not available in this build".into())),
        (None, None) => Err(ApiError::Internal),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list_matches(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let live_only = match q.status.as_deref() {
        None | Some("all") => false,
        Some("live") => true,
        Some(_) => return Err(ApiError::BadRequest("status must be live or all")),
    };
    state.with_league(|l| {
        let matches = if live_only { l.live() } else { l.all() };
        Json(json!({ "matches": matches }))
    })
}

async fn get_match(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let id: u64 = id.parse().map_err(|_| ApiError::BadRequest("match id must be a positive integer"))?;
    // Reading a match is allowed exactly when following its channel is.
    if !validate::channel_allowed(&state.inner().config.channels, &format!("private-match.{id}")) {
        return Err(ApiError::Forbidden("match not allowed"));
    }
    state.with_league(|l| l.get(id).map(|m| Json(json!(m))))?.ok_or(ApiError::NotFound("unknown match"))
}

#[derive(Deserialize)]
struct PublishRequest {
    match_id: u64,
    home_score: u32,
    away_score: u32,
    #[serde(default)]
    kind: Option<String>,
}

/// Demo only: set a match's score by hand and publish it (tests and live demos).
async fn demo_publish(
    State(state): State<AppState>,
    body: Result<Json<PublishRequest>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Json(req) = body.map_err(|_| ApiError::BadRequest("expected JSON {match_id, home_score, away_score}"))?;
    let kind: &'static str = match req.kind.as_deref() {
        None | Some("2pt_made") => "2pt_made",
        Some("3pt_made") => "3pt_made",
        Some("ft_made") => "ft_made",
        Some(_) => return Err(ApiError::BadRequest("kind must be 2pt_made, 3pt_made or ft_made")),
    };
    let publication = state.with_league(|l| l.manual_event(req.match_id, req.home_score, req.away_score, kind, now_ms()))?;
    let publisher = state.inner().publisher.as_ref().ok_or(ApiError::Internal)?;
    publisher.publish(&publication).await.map_err(ApiError::Upstream)?;
    Ok(Json(publication.data))
}

/// Runs the demo league until the process stops: ticks when a match is due, publishes in order.
pub async fn run_league(state: AppState) {
    let Some(publisher) = state.inner().publisher.clone() else { return };
    loop {
        let (publications, next) = match state.with_league(|l| (l.tick(now_ms()), l.next_due())) {
            Ok(v) => v,
            Err(_) => return,
        };
        for p in publications {
            if let Err(e) = publisher.publish(&p).await {
                tracing::warn!(event = p.name, error = %e, "publish failed");
            }
        }
        let wait = next.map_or(250, |t| t.saturating_sub(now_ms()).clamp(10, 250));
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    }
}
