//! The HTTP surface: one router, one state, one error type.

use crate::cache::{Cached, ResponseCache};
use crate::config::{Config, Mode};
use crate::league::League;
use crate::limits::Limits;
use crate::publisher::Publisher;
use crate::signing::channel_auth;
use crate::tokens::{self, Claims, TokenError, TokenKey};
use crate::upstream::UpstreamClient;
use crate::validate;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
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
    pub league: Option<Mutex<League>>,
    pub publisher: Option<Publisher>,
    pub upstream: Option<UpstreamClient>,
    pub cache: ResponseCache,
    pub limits: Limits,
    token_key: TokenKey,
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
        let upstream = config.upstream.clone().map(UpstreamClient::new);
        let cache = ResponseCache::new(Duration::from_millis(config.cache_ttl_ms));
        let limits = Limits::new(config.rate_per_ip, config.rate_per_token);
        let token_key = TokenKey::new(config.token_key.0.as_bytes());
        AppState(Arc::new(Inner { config, league, publisher, upstream, cache, limits, token_key }))
    }

    pub fn inner(&self) -> &Inner {
        &self.0
    }

    fn with_league<T>(&self, f: impl FnOnce(&mut League) -> T) -> Option<T> {
        let league = self.0.league.as_ref()?;
        let mut guard = league.lock().unwrap_or_else(|p| p.into_inner());
        Some(f(&mut guard))
    }
}

/// Every refusal the gateway gives, with its status and a short JSON body.
#[derive(Debug)]
pub enum ApiError {
    BadRequest(&'static str),
    Unauthorized(&'static str),
    Forbidden(&'static str),
    NotFound(&'static str),
    TooManyRequests,
    PayloadTooLarge,
    /// An upstream answer passed on as it came (status and body).
    Upstream(Cached),
    BadGateway(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.to_owned()),
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m.to_owned()),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m.to_owned()),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m.to_owned()),
            ApiError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too many requests".to_owned()),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body too large".to_owned()),
            ApiError::Upstream(c) => return cached_response(&c),
            ApiError::BadGateway(m) => (StatusCode::BAD_GATEWAY, m),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}

fn cached_response(c: &Cached) -> Response {
    let status = StatusCode::from_u16(c.status).unwrap_or(StatusCode::BAD_GATEWAY);
    (status, [(header::CONTENT_TYPE, "application/json")], c.body.to_vec()).into_response()
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
        api = api.route("/demo/publish", post(demo_publish));
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

/// The client's address: the socket peer, or the proxy's `X-Forwarded-For` when trusted.
fn client_address(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
    if state.inner().config.trust_forwarded {
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok()) {
            return Some(ip);
        }
    }
    peer.map(|p| p.ip())
}

async fn limit_by_address(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if let Some(ip) = client_address(&state, request.headers(), peer) {
        if !state.inner().limits.allow_ip(ip) {
            return ApiError::TooManyRequests.into_response();
        }
    }
    next.run(request).await
}

/// The page origin a request comes from, checked against the allow-list. `None` when the
/// browser sent none (same-origin GET, or not a browser).
fn checked_origin(state: &AppState, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(origin) = headers.get(header::ORIGIN) else { return Ok(None) };
    let origin = origin.to_str().map_err(|_| ApiError::BadRequest("malformed Origin"))?;
    let allowed = &state.inner().config.allowed_origins;
    if allowed.is_empty() || allowed.iter().any(|o| o == origin) {
        Ok(Some(origin.to_owned()))
    } else {
        Err(ApiError::Forbidden("origin not allowed"))
    }
}

/// A request carrying a valid, unexpired widget token for its origin.
pub struct Authorized(pub Claims);

impl FromRequestParts<AppState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let origin = checked_origin(state, &parts.headers)?;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized("a widget token is required (POST /token)"))?;
        let claims = tokens::verify(&state.inner().token_key, token, now_ms() / 1000).map_err(|e| match e {
            TokenError::Expired => ApiError::Unauthorized("token expired"),
            TokenError::Malformed | TokenError::BadSignature => ApiError::Unauthorized("invalid token"),
        })?;
        if let Some(origin) = origin {
            if claims.origin != origin && claims.origin != "*" {
                return Err(ApiError::Forbidden("token was issued for another origin"));
            }
        }
        if !state.inner().limits.allow_token(token) {
            return Err(ApiError::TooManyRequests);
        }
        Ok(Authorized(claims))
    }
}

async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    let mode = match state.inner().config.mode {
        Mode::Demo => "demo",
        Mode::Local => "local",
        Mode::Upstream => "upstream",
    };
    Json(json!({ "status": "ok", "mode": mode }))
}

async fn mint_token(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let config = &state.inner().config;
    let origin = match checked_origin(&state, &headers)? {
        Some(o) => o,
        None if config.allowed_origins.is_empty() => "*".to_owned(),
        None => return Err(ApiError::Forbidden("an allowed Origin is required")),
    };
    let ttl = config.token_ttl_s;
    let token = tokens::mint(&state.inner().token_key, &origin, now_ms() / 1000, ttl);
    let body = Json(json!({ "token": token, "expires_in": ttl }));
    Ok(([(header::CACHE_CONTROL, "no-store")], body).into_response())
}

#[derive(Deserialize)]
struct AuthForm {
    socket_id: Option<String>,
    channel_name: Option<String>,
}

async fn auth(
    State(state): State<AppState>,
    _token: Authorized,
    form: Result<Form<AuthForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let Form(form) = form.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest("expected a form body with socket_id and channel_name"),
    })?;
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
    match (&inner.config.app, &inner.upstream) {
        (Some(app), _) => Ok(Json(json!({ "auth": channel_auth(&app.key, &app.secret, &socket_id, &channel) })).into_response()),
        (None, Some(upstream)) => {
            let answer = upstream.auth(&socket_id, &channel).await;
            if answer.status == 200 {
                Ok(cached_response(&answer))
            } else if answer.status == 401 || answer.status == 403 {
                // Laravel's denial; the widget shows it as such.
                Err(ApiError::Forbidden("the stats API refused this channel"))
            } else {
                Err(ApiError::Upstream(answer))
            }
        }
        (None, None) => Err(ApiError::BadGateway("no way to sign channels is configured".into())),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    competition: Option<String>,
}

async fn list_matches(
    State(state): State<AppState>,
    _token: Authorized,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let live_only = match q.status.as_deref() {
        None | Some("all") => false,
        Some("live") => true,
        Some(_) => return Err(ApiError::BadRequest("status must be live or all")),
    };
    let competition = match q.competition.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<u64>().map_err(|_| ApiError::BadRequest("competition must be a positive integer"))?),
    };
    if let Some(c) = competition {
        if !validate::channel_allowed(&state.inner().config.channels, &format!("private-competition.{c}")) {
            return Err(ApiError::Forbidden("competition not allowed"));
        }
    }
    let listed = state.with_league(|l| {
        let matches: Vec<_> = (if live_only { l.live() } else { l.all() })
            .into_iter()
            .filter(|m| competition.is_none_or(|c| m.competition_id == c))
            .collect();
        json!({ "matches": matches })
    });
    if let Some(body) = listed {
        return Ok(Json(body).into_response());
    }
    let upstream = state.inner().upstream.as_ref().ok_or(ApiError::NotFound("no read API is configured"))?;
    let mut path = if live_only { upstream.live_path().to_owned() } else { upstream.live_path().replace("status=live", "status=all") };
    if let Some(c) = competition {
        path.push(if path.contains('?') { '&' } else { '?' });
        path.push_str(&format!("competition={c}"));
    }
    let answer = state.inner().cache.get_or_fetch(&path, || upstream.get(&path)).await;
    Ok(cached_response(&answer))
}

async fn get_match(State(state): State<AppState>, _token: Authorized, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id: u64 = id.parse().map_err(|_| ApiError::BadRequest("match id must be a positive integer"))?;
    // Reading a match is allowed exactly when following its channel is.
    if !validate::channel_allowed(&state.inner().config.channels, &format!("private-match.{id}")) {
        return Err(ApiError::Forbidden("match not allowed"));
    }
    if let Some(found) = state.with_league(|l| l.get(id).map(|m| json!(m))) {
        return found.map(|m| Json(m).into_response()).ok_or(ApiError::NotFound("unknown match"));
    }
    let upstream = state.inner().upstream.as_ref().ok_or(ApiError::NotFound("no read API is configured"))?;
    let path = upstream.match_path(id);
    let answer = state.inner().cache.get_or_fetch(&path, || upstream.get(&path)).await;
    match answer.status {
        200 => Ok(cached_response(&answer)),
        404 => Err(ApiError::NotFound("unknown match")),
        401 | 403 => Err(ApiError::Forbidden("the stats API refused this match")),
        _ => Err(ApiError::Upstream(answer)),
    }
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
    let Json(req) = body.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest("expected JSON {match_id, home_score, away_score}"),
    })?;
    let kind: &'static str = match req.kind.as_deref() {
        None | Some("2pt_made") => "2pt_made",
        Some("3pt_made") => "3pt_made",
        Some("ft_made") => "ft_made",
        Some(_) => return Err(ApiError::BadRequest("kind must be 2pt_made, 3pt_made or ft_made")),
    };
    let publication = state
        .with_league(|l| l.manual_event(req.match_id, req.home_score, req.away_score, kind, now_ms()))
        .ok_or(ApiError::NotFound("demo mode only"))?;
    let publisher = state.inner().publisher.as_ref().ok_or(ApiError::NotFound("demo mode only"))?;
    publisher.publish(&publication).await.map_err(ApiError::BadGateway)?;
    Ok(Json(publication.data))
}

/// Runs the demo league until the process stops: ticks when a match is due, publishes in order.
pub async fn run_league(state: AppState) {
    let Some(publisher) = state.inner().publisher.clone() else { return };
    loop {
        let Some((publications, next)) = state.with_league(|l| (l.tick(now_ms()), l.next_due())) else { return };
        for p in publications {
            if let Err(e) = publisher.publish(&p).await {
                tracing::warn!(event = p.name, error = %e, "publish failed");
            }
        }
        let wait = next.map_or(250, |t| t.saturating_sub(now_ms()).clamp(10, 250));
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

/// Forgets idle rate-limit keys once a minute.
pub async fn run_housekeeping(state: AppState) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        state.inner().limits.forget_idle();
    }
}
