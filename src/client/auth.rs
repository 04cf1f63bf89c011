//! Channel auth through the gateway: `POST {gateway}/auth` with the socket id and channel,
//! carrying the widget token.

use super::http::{post_form, HttpResult};
use super::token::with_token;
use crate::protocol::AuthResult;
use serde::Deserialize;

#[derive(Deserialize)]
struct AuthBody {
    auth: String,
}

pub async fn authorize(gateway: &str, channel: &str, socket_id: &str) -> AuthResult {
    let url = format!("{gateway}/auth");
    let form = [("socket_id", socket_id), ("channel_name", channel)];
    let answer = with_token(gateway, |token| {
        let url = url.clone();
        async move { post_form::<AuthBody>(&url, &form, Some(&token)).await }
    })
    .await;
    match answer {
        HttpResult::Ok(body) if body.auth.contains(':') => AuthResult::Signed(body.auth),
        HttpResult::Ok(_) => AuthResult::Unreachable("auth answer has no KEY:SIGNATURE".into()),
        HttpResult::Status(s) => AuthResult::Status(s),
        HttpResult::Failed(e) => AuthResult::Unreachable(e),
    }
}
