//! The widget token: minted by the gateway (`POST /token`), sent as Bearer with every auth and
//! snapshot request, renewed before it expires and once more on a 401. One request in flight
//! per page, however many widgets ask at once.

use super::http::{decode, post_form, HttpResult};
use serde::Deserialize;
use std::cell::RefCell;
use std::future::Future;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

#[derive(Deserialize)]
struct TokenBody {
    token: String,
    expires_in: f64,
}

/// Renew this long before the gateway's expiry, so a token never dies on the way.
const MARGIN_MS: f64 = 30_000.0;

thread_local! {
    /// Per gateway: the current token and when it expires (ms).
    static CURRENT: RefCell<Vec<(String, String, f64)>> = const { RefCell::new(Vec::new()) };
    /// Per gateway: the mint request in flight, shared by every caller.
    static IN_FLIGHT: RefCell<Vec<(String, js_sys::Promise)>> = const { RefCell::new(Vec::new()) };
}

enum Failure {
    Status(u16),
    Failed(String),
}

async fn bearer(gateway: &str, renew: bool) -> Result<String, Failure> {
    let now = js_sys::Date::now();
    if !renew {
        let valid = CURRENT.with(|c| {
            c.borrow().iter().find(|(g, _, exp)| g == gateway && *exp - MARGIN_MS > now).map(|(_, t, _)| t.clone())
        });
        if let Some(t) = valid {
            return Ok(t);
        }
    }
    let promise = IN_FLIGHT.with(|f| {
        let mut in_flight = f.borrow_mut();
        if let Some((_, p)) = in_flight.iter().find(|(g, _)| g == gateway) {
            return p.clone();
        }
        let url = format!("{gateway}/token");
        let owner = gateway.to_owned();
        let promise = wasm_bindgen_futures::future_to_promise(async move {
            let result = decode::<TokenBody>(post_form(&url, &[], None).await);
            IN_FLIGHT.with(|f| f.borrow_mut().retain(|(g, _)| *g != owner));
            match result {
                HttpResult::Ok(b) if !b.token.is_empty() && b.expires_in > 0.0 => {
                    let expires_at = js_sys::Date::now() + b.expires_in * 1000.0;
                    CURRENT.with(|c| {
                        let mut c = c.borrow_mut();
                        c.retain(|(g, _, _)| *g != owner);
                        c.push((owner.clone(), b.token.clone(), expires_at));
                    });
                    Ok(JsValue::from_str(&b.token))
                }
                HttpResult::Ok(_) => Err(JsValue::from_str("token answer is empty")),
                HttpResult::Status(s) => Err(JsValue::from_f64(f64::from(s))),
                HttpResult::Failed(e) => Err(JsValue::from_str(&e)),
            }
        });
        in_flight.push((gateway.to_owned(), promise.clone()));
        promise
    });
    match JsFuture::from(promise).await {
        Ok(v) => v.as_string().ok_or_else(|| Failure::Failed("token is not text".into())),
        Err(e) => Err(match e.as_f64() {
            Some(status) => Failure::Status(status as u16),
            None => Failure::Failed(e.as_string().unwrap_or_else(|| "token request failed".into())),
        }),
    }
}

/// Run `send` with a valid token; on a 401, renew the token once and send again.
pub async fn with_token<T, F, Fut>(gateway: &str, send: F) -> HttpResult<T>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = HttpResult<T>>,
{
    let first = match bearer(gateway, false).await {
        Ok(t) => send(t).await,
        Err(Failure::Status(s)) => return HttpResult::Status(s),
        Err(Failure::Failed(e)) => return HttpResult::Failed(e),
    };
    match first {
        HttpResult::Status(401) => match bearer(gateway, true).await {
            Ok(t) => send(t).await,
            Err(Failure::Status(s)) => HttpResult::Status(s),
            Err(Failure::Failed(e)) => HttpResult::Failed(e),
        },
        other => other,
    }
}
