//! `fetch` with a deadline, for channel auth and snapshots.

use super::json::from_js;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestInit, Response};

/// How a request ended.
pub enum HttpResult<T> {
    Ok(T),
    /// A non-2xx status.
    Status(u16),
    /// No usable answer: network error, timeout, unreadable body.
    Failed(String),
}

const TIMEOUT_MS: i32 = 10_000;

async fn send(url: &str, method: &str, body: Option<&str>, bearer: Option<&str>) -> Result<Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let headers = Headers::new().map_err(|_| "headers")?;
    let _ = headers.set("Accept", "application/json");
    if body.is_some() {
        let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
    }
    if let Some(token) = bearer {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    let abort = AbortController::new().ok();
    if let Some(a) = &abort {
        init.set_signal(Some(&a.signal()));
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| format!("bad URL {url}"))?;
    let deadline = abort.map(|a| Deadline::new(&window, move || a.abort()));
    let result = JsFuture::from(window.fetch_with_request(&request)).await;
    drop(deadline);
    let response = result.map_err(|_| "network error or timeout".to_string())?;
    response.dyn_into::<Response>().map_err(|_| "not a response".into())
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

async fn json_body<T: DeserializeOwned>(response: Response) -> HttpResult<T> {
    decode(raw_body(response).await)
}

async fn raw_body(response: Response) -> HttpResult<JsValue> {
    let body = match response.json() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    match body {
        Ok(v) => HttpResult::Ok(v),
        Err(_) => HttpResult::Failed("body is not JSON".into()),
    }
}

/// Decode a parsed JSON body into `T`.
pub fn decode<T: DeserializeOwned>(answer: HttpResult<JsValue>) -> HttpResult<T> {
    match answer {
        HttpResult::Ok(v) => match from_js(v) {
            Ok(t) => HttpResult::Ok(t),
            Err(e) => HttpResult::Failed(format!("unexpected body: {}", e.0)),
        },
        HttpResult::Status(s) => HttpResult::Status(s),
        HttpResult::Failed(e) => HttpResult::Failed(e),
    }
}

/// GET a JSON body, parsed by the browser but not decoded.
pub async fn get_raw(url: &str, bearer: Option<&str>) -> HttpResult<JsValue> {
    match send(url, "GET", None, bearer).await {
        Ok(r) if r.ok() => raw_body(r).await,
        Ok(r) => HttpResult::Status(r.status()),
        Err(e) => HttpResult::Failed(e),
    }
}

pub async fn post_form<T: DeserializeOwned>(url: &str, form: &[(&str, &str)], bearer: Option<&str>) -> HttpResult<T> {
    let mut body = String::new();
    for (i, (k, v)) in form.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        body.push_str(k);
        body.push('=');
        body.push_str(&String::from(js_sys::encode_uri_component(v)));
    }
    match send(url, "POST", Some(&body), bearer).await {
        Ok(r) if r.ok() => json_body(r).await,
        Ok(r) => HttpResult::Status(r.status()),
        Err(e) => HttpResult::Failed(e),
    }
}
