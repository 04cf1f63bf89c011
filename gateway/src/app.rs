//! The HTTP surface: one state, one router, the handlers. Errors live in `error`, guards
//! (address limits, origin, widget token) in `guards`, the backend chosen at start in
//! `backend`, the demo's own routes in `demo`, the relay in `relay`.

use crate::backend::{Backend, ChannelAuth, Found};
use crate::config::{Config, Mode};
use crate::directory::DirectoryHandle;
use crate::error::{cached_response, ApiError, Form, Path, Query};
use crate::guards::{checked_origin, limit_by_address, Authorized};
use crate::league::League;
use crate::limits::Limits;
use crate::mirror::Mirror;
use crate::signing::channel_auth;
use crate::tokens::{self, TokenKey};
use crate::validate;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub backend: Backend,
    pub limits: Limits,
    /// The demo league (demo mode only).
    pub league: Option<Arc<Mutex<League>>>,
    /// The live mirror (relay mode, and upstream mode with `COURTSIDE_MIRROR=1`).
    pub mirror: Option<Arc<Mirror>>,
    pub relay_stats: Arc<crate::relay::RelayStats>,
    token_key: TokenKey,
}

impl AppState {
    /// The state for `config` with no directory file.
    pub fn new(config: Config) -> Self {
        AppState::with_directory(config, DirectoryHandle::empty())
    }

    pub fn with_directory(config: Config, directory: DirectoryHandle) -> Self {
        let league = (config.mode == Mode::Demo)
            .then(|| Arc::new(Mutex::new(League::new(now_ms(), config.demo_pace_ms, 5, now_ms()))));
        let mirror = config.mirror.then(|| Arc::new(Mirror::new()));
        let backend = Backend::new(&config, directory, league.clone(), mirror.clone());
        let limits = Limits::from_config(&config);
        let token_key = TokenKey::new(config.token_key.0.as_bytes());
        let relay_stats = Arc::default();
        AppState(Arc::new(Inner { config, backend, limits, league, mirror, relay_stats, token_key }))
    }

    pub fn inner(&self) -> &Inner {
        &self.0
    }

    pub fn token_key(&self) -> &TokenKey {
        &self.0.token_key
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
        .max_age(Duration::from_secs(600));
    let mut api = Router::new()
        .route("/token", post(mint_token))
        .route("/auth", post(auth))
        .route("/api/matches", get(list_matches))
        .route("/api/matches/{id}", get(get_match));
    if config.mode == Mode::Demo {
        api = api.merge(crate::demo::routes());
    }
    let api = api.layer(middleware::from_fn_with_state(state.clone(), limit_by_address));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api)
        .layer(RequestBodyLimitLayer::new(4 * 1024))
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let inner = state.inner();
    let mode = match inner.config.mode {
        Mode::Demo => "demo",
        Mode::Local => "local",
        Mode::Upstream => "upstream",
        Mode::Relay => "relay",
    };
    let mut body = json!({ "status": "ok", "mode": mode });
    if let Some(m) = &inner.mirror {
        body["upstream"] = json!(if m.is_delayed() { "lost" } else { "connected" });
        body["mirrored_matches"] = json!(m.len());
    }
    if inner.config.mode == Mode::Relay {
        let s = &inner.relay_stats;
        use std::sync::atomic::Ordering::Relaxed;
        body["relay"] = json!({
            "publishing": s.leader.load(Relaxed),
            "published": s.published.load(Relaxed),
            "publish_failures": s.publish_failures.load(Relaxed),
            "replayed": s.replayed.load(Relaxed),
        });
    }
    Json(body)
}

async fn mint_token(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let config = &state.inner().config;
    let origin = match checked_origin(&state, &headers)? {
        Some(o) => o,
        None if config.allowed_origins.is_empty() => "*".to_owned(),
        None => return Err(ApiError::Forbidden("an allowed Origin is required")),
    };
    let ttl = config.token_ttl_s;
    let token = tokens::mint(state.token_key(), &origin, now_ms() / 1000, ttl);
    let body = Json(json!({ "token": token, "expires_in": ttl }));
    Ok(([(header::CACHE_CONTROL, "no-store")], body).into_response())
}

#[derive(Deserialize)]
struct AuthForm {
    socket_id: Option<String>,
    channel_name: Option<String>,
}

async fn auth(State(state): State<AppState>, _token: Authorized, Form(form): Form<AuthForm>) -> Result<Response, ApiError> {
    let socket_id = form.socket_id.ok_or(ApiError::BadRequest("socket_id is missing"))?;
    let channel = form.channel_name.ok_or(ApiError::BadRequest("channel_name is missing"))?;
    if !validate::socket_id(&socket_id) {
        return Err(ApiError::BadRequest("socket_id is malformed"));
    }
    if !validate::channel_name(&channel) {
        return Err(ApiError::BadRequest("channel_name is malformed"));
    }
    let inner = state.inner();
    if !validate::channel_allowed(&inner.config.channels, &channel) {
        return Err(ApiError::Forbidden("channel not allowed"));
    }
    match &inner.backend.auth {
        ChannelAuth::Local(app) => Ok(Json(json!({ "auth": channel_auth(&app.key, &app.secret, &socket_id, &channel) })).into_response()),
        ChannelAuth::Upstream(upstream) => {
            let answer = upstream.auth(&socket_id, &channel).await;
            match answer.status {
                200 => Ok(cached_response(&answer)),
                // Laravel's denial; the widget shows it as such.
                401 | 403 => Err(ApiError::Forbidden("the stats API refused this channel")),
                _ => Err(ApiError::Upstream(answer)),
            }
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    competition: Option<String>,
}

/// Snapshot answers' caching: private (per reader) unless the site's channels are public,
/// where a CDN may serve them to everyone and absorb a reconnect storm.
fn cache_headers(state: &AppState) -> [(header::HeaderName, &'static str); 1] {
    if state.inner().config.public_channels {
        [(header::CACHE_CONTROL, "public, max-age=2, stale-while-revalidate=30")]
    } else {
        [(header::CACHE_CONTROL, "private, no-store")]
    }
}

/// Snapshot reads want a widget token, except from a relay on public channels: there the
/// same answer goes to everyone, so that a CDN can serve it without the gateway.
fn reader(state: &AppState, token: Result<Authorized, ApiError>) -> Result<(), ApiError> {
    if state.inner().config.public_channels {
        return Ok(());
    }
    token.map(|_| ())
}

async fn list_matches(
    State(state): State<AppState>,
    token: Result<Authorized, ApiError>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    reader(&state, token)?;
    let live_only = match q.status.as_deref() {
        None | Some("all") => false,
        Some("live") => true,
        Some(_) => return Err(ApiError::BadRequest("status must be live or all")),
    };
    let competition = match q.competition.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<u64>().map_err(|_| ApiError::BadRequest("competition must be a positive integer"))?),
    };
    let backend = &state.inner().backend;
    if competition.is_some_and(|c| !backend.competition_allowed(c)) {
        return Err(ApiError::Forbidden("competition not allowed"));
    }
    match backend.list(live_only, competition).await {
        Ok(list) => Ok((cache_headers(&state), Json(list)).into_response()),
        Err(answer) => Ok(cached_response(&answer)),
    }
}

async fn get_match(State(state): State<AppState>, token: Result<Authorized, ApiError>, Path(id): Path<u64>) -> Result<Response, ApiError> {
    reader(&state, token)?;
    let backend = &state.inner().backend;
    // Reading a match is allowed exactly when following its channel is.
    if !backend.match_allowed(id) {
        return Err(ApiError::Forbidden("match not allowed"));
    }
    let response = match backend.snapshot(id).await {
        Found::Match(s) => (cache_headers(&state), Json(s)).into_response(),
        Found::Answer(a) if a.status == 200 => (cache_headers(&state), cached_response(&a)).into_response(),
        Found::Answer(a) => cached_response(&a),
    };
    Ok(response)
}

/// Forgets idle rate-limit keys once a minute.
pub async fn run_housekeeping(state: AppState) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        state.inner().limits.forget_idle();
    }
}
