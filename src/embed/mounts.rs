//! Mounting a widget into an element's shadow root, and taking everything down on removal.

use super::host_events;
use super::settings::Settings;
use crate::client::{self, follow_match, ClientSettings, Connection, ConnectionView, FeedUpdate, MatchFeed};
use crate::protocol::ConnectionState;
use crate::store::{Badge, MatchView};
use crate::ui::{for_lang, Labels, Scoreboard};
use leptos::prelude::*;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static SETTINGS: RefCell<Option<Settings>> = const { RefCell::new(None) };
}

/// Set the page's connection settings (the script tag does this; tests call it directly).
pub fn configure(settings: Settings) {
    SETTINGS.with(|s| *s.borrow_mut() = Some(settings));
}

fn client_settings() -> Option<ClientSettings> {
    SETTINGS.with(|s| {
        s.borrow().as_ref().map(|s| ClientSettings {
            socket_url: s.socket_url(env!("CARGO_PKG_VERSION")),
            gateway: s.gateway.clone(),
        })
    })
}

/// A mounted widget; JS calls `free()` on it when the element leaves the page.
#[wasm_bindgen]
pub struct Mounted {
    feed: Option<MatchFeed>,
    watcher: Option<client::connection::StateListener>,
    handle: Option<Box<dyn Any>>,
    owner: Option<Owner>,
    container: web_sys::Element,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // Stop the inputs first, then the view, then the signals it read.
        self.feed.take();
        self.watcher.take();
        self.handle.take();
        if let Some(owner) = self.owner.take() {
            owner.cleanup();
        }
        self.container.remove();
    }
}

fn labels_for(host: &web_sys::HtmlElement) -> &'static Labels {
    let lang = host
        .get_attribute("lang")
        .or_else(|| web_sys::window().and_then(|w| w.navigator().language()))
        .unwrap_or_default();
    for_lang(&lang)
}

fn badge_of(view: &ConnectionView) -> Badge {
    match view.state {
        ConnectionState::Connected => Badge::Live,
        ConnectionState::Failed => Badge::Failed(view.error.clone().unwrap_or_default()),
        _ if !view.online => Badge::Offline,
        ConnectionState::Unavailable => Badge::Offline,
        _ => Badge::Reconnecting,
    }
}

fn message(container: &web_sys::Element, text: &str) {
    container.set_inner_html("");
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(p) = doc.create_element("p") {
            p.set_class_name("cs-message cs-error");
            p.set_text_content(Some(text));
            let _ = container.append_child(&p);
        }
    }
}

/// Called by the element classes: mount widget `kind` into `root`.
pub fn mount(kind: String, host: web_sys::HtmlElement, root: web_sys::ShadowRoot) -> JsValue {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return JsValue::NULL };
    let Ok(container) = doc.create_element("div") else { return JsValue::NULL };
    container.set_class_name("cs-root");
    if root.append_child(&container).is_err() {
        return JsValue::NULL;
    }
    let mut mounted =
        Mounted { feed: None, watcher: None, handle: None, owner: None, container: container.clone() };
    let Some(settings) = client_settings() else {
        web_sys::console::error_1(&"courtside: no settings; add data-gateway to the script tag".into());
        message(&container, "courtside: not configured");
        return mounted.into();
    };
    let result = match kind.as_str() {
        "courtside-scoreboard" => mount_scoreboard(&mut mounted, &host, &settings),
        other => Err(format!("unknown element {other}")),
    };
    if let Err(e) = result {
        web_sys::console::error_1(&format!("courtside: {e}").into());
        message(&container, &e);
    }
    mounted.into()
}

fn mount_scoreboard(m: &mut Mounted, host: &web_sys::HtmlElement, settings: &ClientSettings) -> Result<(), String> {
    let raw = host.get_attribute("match").unwrap_or_default();
    let match_id = match raw.trim().parse::<u64>() {
        Ok(id) if id > 0 => id,
        _ => return Err(format!("<courtside-scoreboard match=\"{raw}\">: match must be a positive number")),
    };
    let conn = client::shared(settings);
    bind_scoreboard(m, &conn, Some(host.clone()), match_id, labels_for(host));
    Ok(())
}

/// Render a scoreboard for `match_id` into `container`, fed by `conn`. `host` receives the DOM
/// events. Dropping the result takes everything down.
pub fn scoreboard_on(
    conn: &Rc<Connection>,
    container: web_sys::Element,
    host: Option<web_sys::HtmlElement>,
    match_id: u64,
    labels: &'static Labels,
) -> Mounted {
    let mut m = Mounted { feed: None, watcher: None, handle: None, owner: None, container };
    bind_scoreboard(&mut m, conn, host, match_id, labels);
    m
}

fn bind_scoreboard(
    m: &mut Mounted,
    conn: &Rc<Connection>,
    host: Option<web_sys::HtmlElement>,
    match_id: u64,
    labels: &'static Labels,
) {
    let owner = Owner::new();
    let (view, badge) = owner.with(|| (RwSignal::new(MatchView::new(match_id)), RwSignal::new(Badge::Reconnecting)));
    let host_for_updates = host.clone();
    let on_update = Rc::new(move |u: FeedUpdate| {
        let before = view.try_with_untracked(|v| (v.state.home_score, v.state.away_score, v.state.status));
        let synced = matches!(u, FeedUpdate::Snapshot(_));
        view.try_update(|v| match u {
            FeedUpdate::Snapshot(s) => {
                v.apply_snapshot(&s);
            }
            FeedUpdate::Message(msg) => {
                v.apply_message(&msg);
            }
            FeedUpdate::UnknownMatch => v.mark_unknown(),
            FeedUpdate::Denied { status } => v.mark_denied(status),
            FeedUpdate::Trouble(why) => web_sys::console::warn_1(&format!("courtside: {why}").into()),
        });
        let after = view.try_with_untracked(|v| (v.state.home_score, v.state.away_score, v.state.status, v.state.is_known()));
        if let (Some(host), Some((h0, a0, s0)), Some((h1, a1, s1, known))) = (&host_for_updates, before, after) {
            if known && (h0, a0) != (h1, a1) {
                host_events::score(host, match_id, h1, a1);
            }
            if known && s0 != s1 {
                host_events::status(host, match_id, s1.as_str(), s0.as_str());
            }
            if synced {
                host_events::synced(host, match_id);
            }
        }
    });
    m.feed = Some(follow_match(conn, match_id, on_update));
    m.watcher = Some(conn.watch(move |cv| {
        let b = badge_of(cv);
        if badge.try_get_untracked().as_ref() != Some(&b) {
            if let Some(host) = &host {
                host_events::connection(host, &b);
            }
            badge.try_set(b);
        }
    }));
    let container: web_sys::HtmlElement = m.container.clone().unchecked_into();
    let handle = owner.with(|| {
        leptos::mount::mount_to(container, move || {
            view! { <Scoreboard view=view.into() badge=badge.into() labels=labels /> }
        })
    });
    m.handle = Some(Box::new(handle));
    m.owner = Some(owner);
}
