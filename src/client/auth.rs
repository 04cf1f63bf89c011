//! Channel auth through the gateway: `POST {gateway}/auth` with the socket id and channel,
//! carrying the widget token.

use super::http::{decode, post_form, HttpResult};
use super::token::with_token;
use crate::protocol::AuthResult;
use serde::Deserialize;

#[derive(Deserialize)]
struct AuthBody {
    auth: String,
}

thread_local! {
    static CUSTOM: std::cell::RefCell<Option<js_sys::Function>> = const { std::cell::RefCell::new(None) };
}

/// Use a page's own async authorizer instead of the gateway: `(channel, socketId) =>
/// Promise<{auth}>`. A rejection carrying a numeric `status` counts as that HTTP status (403:
/// denied for good, 5xx: retried); any other rejection is a passing failure.
pub fn set_custom_authorizer(f: Option<js_sys::Function>) {
    CUSTOM.with(|c| *c.borrow_mut() = f);
}

async fn custom(f: &js_sys::Function, channel: &str, socket_id: &str) -> AuthResult {
    use wasm_bindgen::{JsCast, JsValue};
    let called = f.call2(&JsValue::NULL, &JsValue::from_str(channel), &JsValue::from_str(socket_id));
    let settled = match called {
        Ok(v) => match v.dyn_into::<js_sys::Promise>() {
            Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await,
            Err(v) => Ok(v),
        },
        Err(e) => Err(e),
    };
    let field = |v: &JsValue, name: &str| js_sys::Reflect::get(v, &JsValue::from_str(name)).ok();
    match settled {
        Ok(v) => match field(&v, "auth").and_then(|a| a.as_string()) {
            Some(auth) if auth.contains(':') => AuthResult::Signed(auth),
            _ => AuthResult::Unreachable("the authorizer returned no {auth: \"KEY:SIGNATURE\"}".into()),
        },
        Err(e) => match field(&e, "status").and_then(|s| s.as_f64()) {
            Some(status) if (100.0..600.0).contains(&status) => AuthResult::Status(status as u16),
            _ => AuthResult::Unreachable("the authorizer failed".into()),
        },
    }
}

pub async fn authorize(gateway: &str, channel: &str, socket_id: &str) -> AuthResult {
    if let Some(f) = CUSTOM.with(|c| c.borrow().clone()) {
        return custom(&f, channel, socket_id).await;
    }
    let url = format!("{gateway}/auth");
    let form = [("socket_id", socket_id), ("channel_name", channel)];
    let answer = with_token(gateway, |token| {
        let url = url.clone();
        async move { post_form(&url, &form, Some(&token)).await }
    })
    .await;
    match decode::<AuthBody>(answer) {
        HttpResult::Ok(body) if body.auth.contains(':') => AuthResult::Signed(body.auth),
        HttpResult::Ok(_) => AuthResult::Unreachable("auth answer has no KEY:SIGNATURE".into()),
        HttpResult::Status(s) => AuthResult::Status(s),
        HttpResult::Failed(e) => AuthResult::Unreachable(e),
    }
}
