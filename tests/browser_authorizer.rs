//! A page's own async authorizer instead of the gateway's /auth, against the scripted peer.
#![cfg(target_arch = "wasm32")]

use courtside::client::{ClientSettings, Connection};
use courtside::ui::labels::EN;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PEER_PORT: &str = env!("COURTSIDE_PEER_PORT");

async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// An authorizer written the way a site would: fetch its own endpoint, count the calls.
fn authorizer(base: &str, deny: bool) -> js_sys::Function {
    let make = js_sys::Function::new_with_args(
        "base, deny",
        "return async (channel, socketId) => {
            window.__authCalls = (window.__authCalls || 0) + 1;
            if (deny) { throw { status: 403 }; }
            const r = await fetch(base + '/auth', { method: 'POST',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: 'socket_id=' + encodeURIComponent(socketId) + '&channel_name=' + encodeURIComponent(channel) });
            if (!r.ok) { throw { status: r.status }; }
            return r.json();
        };",
    );
    make.call2(&JsValue::NULL, &JsValue::from_str(base), &JsValue::from_bool(deny)).unwrap().into()
}

fn calls() -> f64 {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &"__authCalls".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
}

async fn board_text(key: &str, deny: bool, done: impl Fn(&web_sys::Element) -> bool) -> web_sys::Element {
    let base = format!("http://127.0.0.1:{PEER_PORT}/s/{key}");
    courtside::embed::set_authorizer(Some(authorizer(&base, deny)));
    let conn = Connection::standalone(
        ClientSettings {
            socket_url: format!("ws://127.0.0.1:{PEER_PORT}/app/{key}?protocol=7&client=courtside&version=test"),
            gateway: base,
            access: courtside::wire::Access::Private,
        },
        |_| {},
    );
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let mounted = courtside::embed::scoreboard_on(&conn, root.clone(), None, 1, &EN);
    let start = js_sys::Date::now();
    while !done(&root) {
        assert!(js_sys::Date::now() - start < 15_000.0, "timed out; screen: {:?}", root.text_content());
        tick(50).await;
    }
    drop(mounted);
    conn.shutdown();
    courtside::embed::set_authorizer(None);
    root
}

#[wasm_bindgen_test]
async fn a_custom_authorizer_signs_the_subscription() {
    let key = format!("clean-connect.auth{}", (js_sys::Math::random() * 1e9) as u32);
    let before = calls();
    // clean-connect publishes 5 events after the subscription: 3 initial + 5 = home 8, away 12.
    board_text(&key, false, |root| {
        root.query_selector("[data-score=home]").ok().flatten().and_then(|e| e.text_content()).as_deref() == Some("8")
            && root.query_selector("[data-score=away]").ok().flatten().and_then(|e| e.text_content()).as_deref() == Some("12")
    })
    .await;
    assert!(calls() > before, "the page's authorizer was used");
}

#[wasm_bindgen_test]
async fn a_custom_authorizer_refusing_with_403_is_a_visible_denial() {
    let key = format!("clean-connect.deny{}", (js_sys::Math::random() * 1e9) as u32);
    board_text(&key, true, |root| {
        root.query_selector(".cs-message").ok().flatten().and_then(|e| e.text_content()).as_deref() == Some(EN.denied)
    })
    .await;
}
