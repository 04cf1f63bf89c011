//! `fetch` with a deadline, for channel auth and snapshots, on gloo-net's `http` module: the
//! request (method, headers, body, abort signal) is built and sent by gloo-net; the body is
//! read as text and decoded by the protocol's strict reader (`super::json::BrowserJson`).

use super::json::BrowserJson;
use crate::protocol::JsonCodec;
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

/// How a request ended.
pub enum HttpResult<T> {
    Ok(T),
    /// A non-2xx status.
    Status(u16),
    /// No usable answer: network error, timeout, unreadable body.
    Failed(String),
}

const TIMEOUT_MS: i32 = 10_000;

async fn send(url: &str, method: Method, body: Option<&str>, bearer: Option<&str>) -> Result<Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    // gloo-net rebuilds the URL from its path and its query parameters (joining a query already
    // in the URL with `&` and its own, even when it has none): the query goes in as parameters,
    // so that the URL sent is the URL given.
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .query(query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))))
        .header("Accept", "application/json");
    if body.is_some() {
        builder = builder.header("Content-Type", "application/x-www-form-urlencoded");
    }
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let abort = AbortController::new().ok();
    let builder = builder.abort_signal(abort.as_ref().map(AbortController::signal).as_ref());
    let request = match body {
        Some(body) => builder.body(JsValue::from_str(body)),
        None => builder.build(),
    }
    .map_err(|_| format!("bad URL {url}"))?;
    let deadline = abort.map(|a| Deadline::new(&window, move || a.abort()));
    let result = request.send().await;
    drop(deadline);
    result.map_err(|_| "network error or timeout".to_string())
}

/// Aborts the request after [`TIMEOUT_MS`] unless dropped first; dropping it clears the timer
/// and frees the callback (a `once_into_js` callback is freed only when called, so one per
/// request leaked whenever the answer came in time: 1,000 reconnects cost about 0.6 MB).
struct Deadline {
    window: web_sys::Window,
    handle: Option<i32>,
    _abort: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Deadline {
    fn new(window: &web_sys::Window, abort: impl FnMut() + 'static) -> Self {
        let abort = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(abort);
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(abort.as_ref().unchecked_ref(), TIMEOUT_MS)
            .ok();
        Deadline { window: window.clone(), handle, _abort: abort }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(h) = self.handle {
            self.window.clear_timeout_with_handle(h);
        }
    }
}

/// The body as text (a JavaScript string, so that an answer shared by several readers is
/// copied into the wasm only by those that decode it).
async fn raw_body(response: Response) -> HttpResult<JsValue> {
    let body = match web_sys::Response::from(response).text() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    match body {
        Ok(v) if v.is_string() => HttpResult::Ok(v),
        _ => HttpResult::Failed("body could not be read".into()),
    }
}

/// Decode a body's JSON text into `T`.
pub fn decode<T: DeserializeOwned>(answer: HttpResult<JsValue>) -> HttpResult<T> {
    match answer {
        HttpResult::Ok(v) => match BrowserJson::decode(&v.as_string().unwrap_or_default()) {
            Ok(t) => HttpResult::Ok(t),
            Err(e) => HttpResult::Failed(format!("unexpected body: {}", e.0)),
        },
        HttpResult::Status(s) => HttpResult::Status(s),
        HttpResult::Failed(e) => HttpResult::Failed(e),
    }
}

/// GET a body, as text, not decoded.
pub async fn get_raw(url: &str, bearer: Option<&str>) -> HttpResult<JsValue> {
    match send(url, Method::GET, None, bearer).await {
        Ok(r) if r.ok() => raw_body(r).await,
        Ok(r) => HttpResult::Status(r.status()),
        Err(e) => HttpResult::Failed(e),
    }
}

/// POST a form; the body as text, not decoded (one body for every caller: decoding, the only
/// part that depends on the type, is theirs, with `decode`).
pub async fn post_form(url: &str, form: &[(&str, &str)], bearer: Option<&str>) -> HttpResult<JsValue> {
    let mut body = String::new();
    for (i, (k, v)) in form.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        body.push_str(k);
        body.push('=');
        body.push_str(&String::from(js_sys::encode_uri_component(v)));
    }
    match send(url, Method::POST, Some(&body), bearer).await {
        Ok(r) if r.ok() => raw_body(r).await,
        Ok(r) => HttpResult::Status(r.status()),
        Err(e) => HttpResult::Failed(e),
    }
}
