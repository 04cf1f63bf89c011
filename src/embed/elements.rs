//! The custom-element classes (a few lines of JS, since a class must extend `HTMLElement`)
//! and the wasm start function that defines them.

use super::mounts::mount;
use super::page::configure;
use super::settings::Settings;
use crate::js::define_elements;
use wasm_bindgen::prelude::*;

// style/widget.css, minified by build.rs.
const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

/// `host: self`: the socket goes through the page's own origin (a reverse proxy, or the dev
/// server).
pub fn resolve_self_host(settings: &mut Settings) {
    if settings.host == "self" {
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            let tls = location.protocol().is_ok_and(|p| p == "https:");
            settings.host = location.hostname().unwrap_or_default();
            settings.tls = tls;
            settings.port = location.port().ok().and_then(|p| p.parse().ok()).unwrap_or(if tls { 443 } else { 80 });
        }
    }
}

/// Read the settings from the page's `<script data-gateway …>` tag, if it has one.
pub fn configure_from_page() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Ok(Some(tag)) = doc.query_selector("script[data-gateway]") else { return false };
    let (mut settings, problems) = Settings::from_attributes(&|name| tag.get_attribute(&format!("data-{name}")));
    for p in problems {
        web_sys::console::error_1(&format!("courtside: {p}").into());
    }
    resolve_self_host(&mut settings);
    configure(settings);
    true
}

thread_local! {
    static DEFINED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Define the custom elements (once per page).
pub fn define() {
    if DEFINED.with(|d| d.replace(true)) {
        return;
    }
    let mount = Closure::<dyn Fn(String, web_sys::HtmlElement, web_sys::ShadowRoot) -> JsValue>::new(mount);
    define_elements(mount.as_ref().unchecked_ref(), STYLE);
    // One closure for the life of the page: the element classes call it on every mount.
    mount.forget();
}

/// A page's own channel authorizer, instead of the gateway's `/auth`:
/// `import { setAuthorizer } from '.../courtside.js'; setAuthorizer(async (channel, socketId) => ({ auth }))`.
/// Pass `null` to go back to the gateway.
#[wasm_bindgen(js_name = setAuthorizer)]
pub fn set_authorizer(authorizer: Option<js_sys::Function>) {
    crate::client::auth::set_custom_authorizer(authorizer);
}

#[wasm_bindgen(js_name = courtsideStart, start)]
pub fn start() {
    console_error_panic_hook::set_once();
    configure_from_page();
    define();
}
