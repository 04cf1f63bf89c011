//! Mounting a widget into an element's shadow root: read the element's attributes, make the
//! widget's view model, hand it to its component. `Mounted` takes everything down on removal.

use super::attributes::{labels_for, periods, positive, seconds};
use super::page::{client_settings, Interval, Mounted};
use crate::client::{self, ClientSettings, Connection};
use crate::store::ListScope;
use crate::ui::{CompetitionGrid, GamesModel, Labels, MatchModel, Scoreboard, Ticker};
use leptos::prelude::*;
use std::any::Any;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

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
    let mut mounted = Mounted::empty(container.clone());
    let Some(settings) = client_settings() else {
        web_sys::console::error_1(&"courtside: no settings; add data-gateway to the script tag".into());
        message(&container, "courtside: not configured");
        return mounted.into();
    };
    let result = match kind.as_str() {
        "courtside-scoreboard" => mount_scoreboard(&mut mounted, &host, &settings),
        "courtside-ticker" => mount_games(&mut mounted, &host, &settings, ListScope::Live),
        "courtside-competition" => match positive(&host, &kind, "competition") {
            Ok(c) => mount_games(&mut mounted, &host, &settings, ListScope::Competition(c)),
            Err(e) => Err(e),
        },
        other => Err(format!("unknown element {other}")),
    };
    if let Err(e) = result {
        web_sys::console::error_1(&format!("courtside: {e}").into());
        message(&container, &e);
    }
    mounted.into()
}

fn mount_scoreboard(m: &mut Mounted, host: &web_sys::HtmlElement, settings: &ClientSettings) -> Result<(), String> {
    let match_id = positive(host, "courtside-scoreboard", "match")?;
    let conn = client::shared(settings);
    bind_scoreboard(m, &conn, Some(host.clone()), match_id, labels_for(host), periods(host));
    Ok(())
}

fn mount_games(m: &mut Mounted, host: &web_sys::HtmlElement, settings: &ClientSettings, scope: ListScope) -> Result<(), String> {
    let interval_s = seconds(host, "interval", 6, 2..=120);
    let leave_s = seconds(host, "leave-after", 60, 0..=3600);
    let conn = client::shared(settings);
    bind_games(m, &conn, Some(host.clone()), scope, labels_for(host), interval_s, leave_s, periods(host));
    Ok(())
}

/// Render the ticker (live scope) or a competition grid into the widget's container, fed by
/// `conn`: a games model, the ticker's timers, and the component.
pub fn bind_games(
    m: &mut Mounted,
    conn: &Rc<Connection>,
    host: Option<web_sys::HtmlElement>,
    scope: ListScope,
    labels: &'static Labels,
    interval_s: u32,
    leave_s: u32,
    periods: Option<u32>,
) {
    let owner = Owner::new();
    let model = GamesModel::new(&owner, scope, periods, host, labels);
    let (feed, watcher) = model.follow(conn);
    m.games = Some(feed);
    m.watcher = Some(watcher);
    if scope == ListScope::Live {
        // Finished games leave the ticker after their delay.
        let leaving = model.clone();
        let leave_ms = u64::from(leave_s) * 1000;
        m.timers.extend(Interval::every(1000, move || leaving.remove_finished(leave_ms)));
        let advancing = model.clone();
        m.timers.extend(Interval::every(interval_s as i32 * 1000, move || advancing.advance()));
    }
    let GamesModel { games, cards, carousel, badge, .. } = model;
    let container = m.container();
    // Each kind mounted as its own type (no `AnyView`): the handle is boxed either way.
    m.handle = Some(owner.with(|| -> Box<dyn Any> {
        match scope {
            ListScope::Live => Box::new(leptos::mount::mount_to(container, move || {
                view! { <Ticker games=games cards=cards.clone() carousel=carousel badge=badge labels=labels /> }
            })),
            ListScope::Competition(c) => Box::new(leptos::mount::mount_to(container, move || {
                view! { <CompetitionGrid games=games cards=cards.clone() badge=badge labels=labels competition=c /> }
            })),
        }
    }));
    m.owner = Some(owner);
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
    let mut m = Mounted::empty(container);
    bind_scoreboard(&mut m, conn, host, match_id, labels, None);
    m
}

/// A match model and the scoreboard that shows it.
fn bind_scoreboard(
    m: &mut Mounted,
    conn: &Rc<Connection>,
    host: Option<web_sys::HtmlElement>,
    match_id: u64,
    labels: &'static Labels,
    periods: Option<u32>,
) {
    let owner = Owner::new();
    let model = MatchModel::new(&owner, match_id, periods);
    let (feed, watcher) = model.follow(conn, host);
    m.feed = Some(feed);
    m.watcher = Some(watcher);
    let container = m.container();
    let handle = owner.with(|| {
        leptos::mount::mount_to(container, move || {
            view! { <Scoreboard view=model.view badge=model.badge speak=model.speak labels=labels /> }
        })
    });
    m.handle = Some(Box::new(handle));
    m.owner = Some(owner);
}
