//! Channel auth through the gateway: `POST {gateway}/auth` with the socket id and channel.

use super::http::{post_form, HttpResult};
use crate::protocol::AuthResult;
use serde::Deserialize;

#[derive(Deserialize)]
struct AuthBody {
    auth: String,
}

pub async fn authorize(gateway: &str, channel: &str, socket_id: &str) -> AuthResult {
    let url = format!("{gateway}/auth");
    match post_form::<AuthBody>(&url, &[("socket_id", socket_id), ("channel_name", channel)], None).await {
        HttpResult::Ok(body) if body.auth.contains(':') => AuthResult::Signed(body.auth),
        HttpResult::Ok(_) => AuthResult::Unreachable("auth answer has no KEY:SIGNATURE".into()),
        HttpResult::Status(s) => AuthResult::Status(s),
        HttpResult::Failed(e) => AuthResult::Unreachable(e),
    }
}
