//! Components in headless Chromium: mount, feed state, assert DOM text, attributes and ARIA.
#![cfg(target_arch = "wasm32")]

use courtside::store::{Badge, MatchSnapshot, MatchState, MatchView};
use courtside::ui::labels::{DE, EN};
use courtside::ui::{CarouselState, GamesView, Scoreboard, Ticker};
use leptos::prelude::*;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

fn text(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector).unwrap().map(|e| e.text_content().unwrap_or_default()).unwrap_or_default()
}

fn snapshot(id: u64, home: u32, away: u32, status: &str) -> MatchSnapshot {
    let text = format!(
        r#"{{"id":{id},"status":"{status}","home_team":{{"id":16,"name":"Harbor City Herons","short_name":"HCH"}},
        "away_team":{{"id":17,"name":"Mesa Verde Coyotes","short_name":"MVC"}},"home_score":{home},"away_score":{away},
        "current_period":2,"current_clock":"07:23","last_event":{{"id":9,"type":"3pt_made","team_id":16,"player_id":88}}}}"#
    );
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(&text).unwrap()).unwrap()
}

/// Let Leptos flush its effects.
async fn settle() {
    let p = js_sys::Promise::new(&mut |r, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&r, 0).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn scoreboard_renders_state_and_announces_scores() {
    let root = container();
    let view = RwSignal::new(MatchView::new(5));
    let badge = RwSignal::new(Badge::Reconnecting);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Scoreboard view=view.into() badge=badge.into() labels=&EN /> }
    });
    settle().await;
    assert_eq!(text(&root, ".cs-message"), "Loading the score…");
    assert_eq!(text(&root, ".cs-badge"), "Reconnecting");
    view.update(|v| {
        v.apply_snapshot(&snapshot(5, 45, 42, "in_progress"));
    });
    badge.set(Badge::Live);
    settle().await;
    assert_eq!(text(&root, "[data-score=home]"), "45");
    assert_eq!(text(&root, "[data-score=away]"), "42");
    assert_eq!(text(&root, ".cs-status-text"), "Live");
    assert_eq!(text(&root, ".cs-clock"), "Q2 07:23");
    assert_eq!(text(&root, ".cs-last-text"), "3-pointer, #88 (HCH)");
    assert!(root.query_selector(".cs-badge").unwrap().is_none(), "no badge while live");
    let live = root.query_selector("[aria-live=polite]").unwrap().expect("a polite live region");
    assert_eq!(live.text_content().unwrap(), "Score: Harbor City Herons 45, Mesa Verde Coyotes 42");
    let board = root.query_selector(".cs-board").unwrap().unwrap();
    assert_eq!(board.get_attribute("data-status").as_deref(), Some("in_progress"));
    assert_eq!(board.get_attribute("lang").as_deref(), Some("en"));
    view.update(|v| {
        v.apply_snapshot(&snapshot(5, 89, 84, "finished"));
    });
    badge.set(Badge::Failed("4001: unknown app".into()));
    settle().await;
    assert_eq!(text(&root, ".cs-status-text"), "Final");
    assert_eq!(text(&root, ".cs-clock"), "");
    assert_eq!(text(&root, ".cs-badge-failed"), "Live updates stopped: 4001: unknown app");
    root.remove();
}

#[wasm_bindgen_test]
async fn scoreboard_speaks_german_and_shows_clear_error_states() {
    let root = container();
    let view = RwSignal::new(MatchView::new(5));
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Scoreboard view=view.into() badge=Signal::stored(Badge::Offline) labels=&DE /> }
    });
    settle().await;
    assert_eq!(text(&root, ".cs-badge-offline"), "Offline");
    view.update(|v| v.mark_unknown());
    settle().await;
    assert_eq!(text(&root, ".cs-message"), "Dieses Spiel ist nicht verfügbar.");
    view.update(|v| v.mark_denied(403));
    settle().await;
    assert_eq!(text(&root, ".cs-message"), "Der Zugriff auf dieses Spiel wurde verweigert.");
    view.update(|v| {
        v.availability = courtside::store::Availability::Ready;
        v.apply_snapshot(&snapshot(5, 10, 8, "in_progress"));
    });
    settle().await;
    assert_eq!(text(&root, ".cs-last-text"), "Dreier, #88 (HCH)");
    assert_eq!(text(&root, ".cs-clock"), "V2 07:23");
    root.remove();
}

fn games(n: u64) -> (RwSignal<Vec<u64>>, StoredValue<HashMap<u64, RwSignal<MatchState>>>) {
    let ids: Vec<u64> = (1..=n).collect();
    let cards = ids.iter().map(|id| (*id, RwSignal::new(MatchState::from_snapshot(&snapshot(*id, 10 + *id as u32, 3, "in_progress"))))).collect();
    (RwSignal::new(ids), StoredValue::new(cards))
}

fn mount_ticker(n: u64) -> (web_sys::HtmlElement, CarouselState, StoredValue<HashMap<u64, RwSignal<MatchState>>>) {
    let root = container();
    let (ids, cards) = games(n);
    let carousel = CarouselState { index: RwSignal::new(0), hovered: RwSignal::new(false), focused: RwSignal::new(false) };
    let step = Callback::new(move |d: i32| {
        let len = ids.with_untracked(Vec::len) as i64;
        if len > 0 {
            carousel.index.update(|i| *i = (*i as i64 + i64::from(d)).rem_euclid(len) as usize);
        }
    });
    let view_games = GamesView { ids: ids.into(), cards };
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Ticker games=view_games carousel=carousel badge=Signal::stored(Badge::Live) labels=&EN step=step /> }
    });
    std::mem::forget(handle);
    (root, carousel, cards)
}

fn key(root: &web_sys::Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    root.query_selector(".cs-ticker").unwrap().unwrap().dispatch_event(&e).unwrap();
}

#[wasm_bindgen_test]
async fn ticker_is_a_keyboard_carousel_with_buttons() {
    let (root, carousel, cards) = mount_ticker(3);
    settle().await;
    let region = root.query_selector(".cs-ticker").unwrap().unwrap();
    assert_eq!(region.get_attribute("role").as_deref(), Some("region"));
    assert_eq!(region.get_attribute("aria-roledescription").as_deref(), Some("carousel"));
    assert_eq!(region.get_attribute("tabindex").as_deref(), Some("0"), "reachable by keyboard");
    assert_eq!(root.query_selector_all(".cs-card").unwrap().length(), 3);
    assert_eq!(text(&root, ".cs-position"), "1 of 3");
    let next: web_sys::HtmlElement = root.query_selector(".cs-next").unwrap().unwrap().unchecked_into();
    assert_eq!(next.get_attribute("aria-label").as_deref(), Some("Next game"));
    next.click();
    settle().await;
    assert_eq!(text(&root, ".cs-position"), "2 of 3");
    key(&root, "ArrowRight");
    key(&root, "ArrowRight");
    settle().await;
    assert_eq!(text(&root, ".cs-position"), "1 of 3", "wraps around");
    key(&root, "ArrowLeft");
    settle().await;
    assert_eq!(carousel.index.get_untracked(), 2);
    // A game updates in place: same card element, new score.
    let card = root.query_selector("[data-match='2']").unwrap().unwrap();
    cards.with_value(|c| c[&2].update(|m| m.home_score = 99));
    settle().await;
    let again = root.query_selector("[data-match='2']").unwrap().unwrap();
    assert!(card.is_same_node(Some(&again)), "the card was updated, not rebuilt");
    assert!(again.text_content().unwrap().contains("99"));
    root.remove();
}

#[wasm_bindgen_test]
async fn ticker_with_no_games_and_with_three_hundred() {
    let (root, _, _) = mount_ticker(0);
    settle().await;
    assert_eq!(text(&root, ".cs-message"), "No live games right now.");
    assert_eq!(text(&root, ".cs-position"), "");
    root.remove();
    let (root, _, _) = mount_ticker(300);
    settle().await;
    assert_eq!(root.query_selector_all(".cs-card").unwrap().length(), 300);
    assert_eq!(text(&root, ".cs-position"), "1 of 300");
    root.remove();
}
