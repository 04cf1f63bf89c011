//! What every request passes before a handler runs: the client's address and its rate limit,
//! the page origin, and the widget token.

use crate::app::{now_ms, AppState};
use crate::error::ApiError;
use crate::tokens::{self, Claims, TokenError};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The client's address: the socket peer, or, behind the one trusted proxy
/// (`COURTSIDE_TRUST_FORWARDED=1`), the right-most `X-Forwarded-For` entry across every line of
/// that header: the one the proxy appended. Everything left of it came from the client and
/// may be anything. When that entry is no address, the peer (the proxy) is used.
pub fn client_address(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
    if state.inner().config.trust_forwarded {
        let last_line = headers.get_all("x-forwarded-for").iter().next_back();
        let last_entry = last_line.and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next());
        if let Some(ip) = last_entry.and_then(|v| v.trim().parse().ok()) {
            return Some(ip);
        }
    }
    peer.map(|p| p.ip())
}

pub async fn limit_by_address(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    if let Some(ip) = client_address(&state, request.headers(), peer) {
        let limits = &state.inner().limits;
        // Minting is free for a script (it can claim any Origin): its own, tighter limit.
        if !limits.allow_ip(ip) || (request.uri().path() == "/token" && !limits.allow_mint(ip)) {
            return ApiError::TooManyRequests.into_response();
        }
    }
    next.run(request).await
}

/// The page origin a request comes from, checked against the allow-list. `None` when the
/// browser sent none (same-origin GET, or not a browser).
pub fn checked_origin(state: &AppState, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
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
        let max_ttl_s = state.inner().config.token_ttl_s;
        let claims = tokens::verify(state.token_key(), token, now_ms() / 1000, max_ttl_s).map_err(|e| match e {
            TokenError::Expired => ApiError::Unauthorized("token expired"),
            TokenError::Malformed | TokenError::BadSignature | TokenError::TooLong => ApiError::Unauthorized("invalid token"),
        })?;
        if let Some(origin) = origin {
            if claims.origin != origin && claims.origin != "*" {
                return Err(ApiError::Forbidden("token was issued for another origin"));
            }
        }
        let limits = &state.inner().limits;
        if !limits.allow_token(token) {
            return Err(ApiError::TooManyRequests);
        }
        // Channel auth is a signing oracle for anyone holding a token, and tokens are free:
        // one bound for everyone together.
        if parts.uri.path() == "/auth" && !limits.allow_auth() {
            return Err(ApiError::TooManyRequests);
        }
        Ok(Authorized(claims))
    }
}
