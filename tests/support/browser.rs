//! Helpers shared by the end-to-end browser tests (`#[path]`-included by each test file, which
//! cargo builds as a crate of its own).

use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Wait `ms` on the page's own timer (never an assertion: `eventually` is).
pub async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Poll `probe` until it returns Some, or fail after `limit` naming `what`.
pub async fn eventually<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let start = js_sys::Date::now();
    loop {
        if let Some(v) = probe() {
            return v;
        }
        if js_sys::Date::now() - start > limit.as_millis() as f64 {
            panic!("timed out after {limit:?} waiting for {what}");
        }
        tick(25).await;
    }
}

/// `POST {gateway}/demo/publish` with the demo token and a JSON body; fails the test unless 2xx.
pub async fn demo_publish(gateway: &str, token: &str, body: &str) {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().unwrap();
    headers.set("Content-Type", "application/json").unwrap();
    headers.set("Authorization", &format!("Bearer {token}")).unwrap();
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    let req = web_sys::Request::new_with_str_and_init(&format!("{gateway}/demo/publish"), &init).unwrap();
    let resp: web_sys::Response =
        JsFuture::from(web_sys::window().unwrap().fetch_with_request(&req)).await.unwrap().unchecked_into();
    assert!(resp.ok(), "publish answered {}", resp.status());
}

/// A custom element with attributes, appended to the page.
pub fn mount(tag: &str, attrs: &[(&str, &str)]) -> web_sys::Element {
    let el = document().create_element(tag).unwrap();
    for (k, v) in attrs {
        el.set_attribute(k, v).unwrap();
    }
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// The text of the first match of `selector` inside an element's shadow root.
pub fn shadow_text(el: &web_sys::Element, selector: &str) -> Option<String> {
    el.shadow_root()?.query_selector(selector).ok()??.text_content()
}
