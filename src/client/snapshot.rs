//! Fetching a snapshot through the gateway with the widget token, retried a few times after
//! a passing failure. Used after every (re)subscription so that nothing missed stays missed.

use super::http::{decode, get_raw, HttpResult};
use super::token::with_token;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Requests for the same URL started within this long share one answer: two scoreboards for
/// one match, or a widget mounted, removed and mounted again, cost one request.
const SHARE_MS: f64 = 1_000.0;

thread_local! {
    static RECENT: RefCell<Vec<(String, f64, js_sys::Promise)>> = const { RefCell::new(Vec::new()) };
}

/// GET `url` through the gateway with the widget token, shared with a request for the same
/// URL started in the last second, but not before `not_before` (a backfill after a
/// resubscription must not reuse an answer older than the subscription).
async fn shared_get(gateway: &str, url: &str, not_before: f64) -> HttpResult<JsValue> {
    let now = js_sys::Date::now();
    let promise = RECENT.with(|r| {
        let mut recent = r.borrow_mut();
        recent.retain(|(_, at, _)| now - at < SHARE_MS);
        if let Some((_, _, p)) = recent.iter().find(|(u, at, _)| u == url && *at >= not_before) {
            return p.clone();
        }
        let (gateway, owned) = (gateway.to_owned(), url.to_owned());
        let p = wasm_bindgen_futures::future_to_promise(async move {
            let answer = with_token(&gateway, |token| {
                let url = owned.clone();
                async move { get_raw(&url, Some(&token)).await }
            })
            .await;
            match answer {
                HttpResult::Ok(v) => Ok(v),
                HttpResult::Status(s) => Err(JsValue::from_f64(f64::from(s))),
                HttpResult::Failed(e) => Err(JsValue::from_str(&e)),
            }
        });
        recent.push((url.to_owned(), now, p.clone()));
        p
    });
    match JsFuture::from(promise).await {
        Ok(v) => HttpResult::Ok(v),
        Err(e) => match e.as_f64() {
            Some(s) => HttpResult::Status(s as u16),
            None => HttpResult::Failed(e.as_string().unwrap_or_else(|| "request failed".into())),
        },
    }
}

/// How many times a failed fetch (5xx, network) is retried, 1.5 s, 3 s, 4.5 s apart.
const RETRIES: u32 = 3;

/// A function that fetches `url` and hands every answer to `on_answer`, for as long as `alive`
/// holds; passing failures are retried. Called with `true` after a (re)subscription: the
/// answer must then be newer than the call.
pub fn fetcher<T: DeserializeOwned + 'static>(
    gateway: String,
    url: String,
    alive: Rc<Cell<bool>>,
    on_answer: Rc<dyn Fn(HttpResult<T>)>,
) -> Rc<dyn Fn(bool)> {
    // Only the decoding is per type; the fetching and retrying below is one body for all.
    fetch_raw(
        gateway,
        url,
        alive,
        Rc::new(move |raw| {
            let answer = decode::<T>(raw);
            let passing = match &answer {
                HttpResult::Status(s) => *s >= 500 || *s == 429 || *s == 408,
                HttpResult::Failed(_) => true,
                HttpResult::Ok(_) => false,
            };
            on_answer(answer);
            passing
        }),
    )
}

/// `fetcher` for a body not yet decoded: `on_answer` decodes and delivers it, and says whether
/// it was a passing failure (retried).
fn fetch_raw(
    gateway: String,
    url: String,
    alive: Rc<Cell<bool>>,
    on_answer: Rc<dyn Fn(HttpResult<JsValue>) -> bool>,
) -> Rc<dyn Fn(bool)> {
    let again: Rc<RefCell<Weak<dyn Fn(bool)>>> = Rc::new(RefCell::new(Weak::<Box<dyn Fn(bool)>>::new()));
    let retries = Rc::new(Cell::new(0u32));
    let fetch: Rc<dyn Fn(bool)> = {
        let again = again.clone();
        Rc::new(move |fresh: bool| {
            let not_before = if fresh { js_sys::Date::now() } else { 0.0 };
            let (gateway, url, alive, on_answer, again, retries) =
                (gateway.clone(), url.clone(), alive.clone(), on_answer.clone(), again.clone(), retries.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let raw = shared_get(&gateway, &url, not_before).await;
                if !alive.get() {
                    return;
                }
                let passing = on_answer(raw);
                let attempt = retries.get();
                if passing && attempt < RETRIES {
                    retries.set(attempt + 1);
                    if let (Some(w), Some(again)) = (web_sys::window(), again.borrow().upgrade()) {
                        let cb = wasm_bindgen::closure::Closure::once_into_js(move || again(true));
                        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                            wasm_bindgen::JsCast::unchecked_ref(&cb),
                            1500 * (attempt as i32 + 1),
                        );
                    }
                } else {
                    retries.set(0);
                }
            });
        })
    };
    *again.borrow_mut() = Rc::downgrade(&fetch);
    fetch
}
