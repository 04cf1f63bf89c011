//! Every refusal the gateway gives, with its status and a short JSON body, and the one place
//! where extractor rejections (form, JSON, path, query) become such a refusal.

use crate::cache::Cached;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::json;

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

/// A cached answer as a JSON response.
pub fn cached_response(c: &Cached) -> Response {
    let status = StatusCode::from_u16(c.status).unwrap_or(StatusCode::BAD_GATEWAY);
    (status, [(header::CONTENT_TYPE, "application/json")], c.body.to_vec()).into_response()
}

fn too_large_or(status: StatusCode, otherwise: &'static str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(otherwise)
    }
}

impl From<FormRejection> for ApiError {
    fn from(r: FormRejection) -> Self {
        too_large_or(r.status(), "expected a form body")
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        too_large_or(r.status(), "expected a JSON body")
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::BadRequest("ids are positive integers")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        ApiError::BadRequest("malformed query")
    }
}

/// axum's extractors with their rejections turned into [`ApiError`]: handlers take these.
pub struct Form<T>(pub T);
pub struct JsonBody<T>(pub T);
pub struct Path<T>(pub T);
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Ok(Form(axum::Form::<T>::from_request(req, state).await?.0))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Ok(JsonBody(axum::Json::<T>::from_request(req, state).await?.0))
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(Path(axum::extract::Path::<T>::from_request_parts(parts, state).await?.0))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(Query(axum::extract::Query::<T>::from_request_parts(parts, state).await?.0))
    }
}
