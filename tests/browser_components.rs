//! Components in headless Chromium: mount, feed state, assert DOM text, attributes and ARIA.
#![cfg(target_arch = "wasm32")]

use courtside::store::{Badge, MatchSnapshot, MatchState, MatchView};
use courtside::ui::labels::{DE, EN};
use courtside::ui::{CardList, CarouselState, GamesView, Scoreboard, SharedCards, Ticker};
use std::cell::RefCell;
use std::rc::Rc;
use leptos::prelude::*;
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
    // The model flips `speak` when screen readers should hear the score (at most every 2 s:
    // store::SpeechThrottle, tested natively); the board reads the announcement then only.
    let speak = RwSignal::new(false);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Scoreboard view=view.into() badge=badge.into() speak=speak labels=&EN /> }
    });
    settle().await;
    assert_eq!(text(&root, ".cs-message"), "Loading the score…");
    assert_eq!(text(&root, ".cs-badge"), "Reconnecting");
    view.update(|v| {
        v.apply_snapshot(&snapshot(5, 45, 42, "in_progress"));
    });
    badge.set(Badge::Live);
    settle().await;
    let live = root.query_selector("[aria-live=polite]").unwrap().expect("a polite live region");
    assert_eq!(live.text_content().unwrap(), "", "not read again until the model says");
    speak.update(|b| *b = !*b);
    settle().await;
    assert_eq!(text(&root, "[data-score=home]"), "45");
    assert_eq!(text(&root, "[data-score=away]"), "42");
    assert_eq!(text(&root, ".cs-status-text"), "Live");
    assert_eq!(text(&root, ".cs-clock"), "Q2 07:23");
    assert_eq!(text(&root, ".cs-last-text"), "3-pointer (HCH)", "player 88 is in no roster: no name, and never #88");
    assert!(root.query_selector(".cs-badge").unwrap().is_none(), "no badge while live");
    assert_eq!(live.text_content().unwrap(), "Score: Harbor City Herons 45, Mesa Verde Coyotes 42");
    let board = root.query_selector(".cs-board").unwrap().unwrap();
    assert_eq!(board.get_attribute("data-status").as_deref(), Some("in_progress"));
    assert_eq!(board.get_attribute("lang").as_deref(), Some("en"));
    view.update(|v| {
        v.apply_snapshot(&snapshot(5, 89, 84, "finished"));
    });
    badge.set(Badge::Failed("4001: unknown app".into()));
    settle().await;
    assert_eq!(live.text_content().unwrap(), "Score: Harbor City Herons 45, Mesa Verde Coyotes 42", "the score on screen moves at once, the announcement when told");
    assert_eq!(text(&root, "[data-score=home]"), "89");
    speak.update(|b| *b = !*b);
    settle().await;
    assert_eq!(live.text_content().unwrap(), "Score: Harbor City Herons 89, Mesa Verde Coyotes 84");
    assert_eq!(text(&root, ".cs-status-text"), "Final");
    assert_eq!(text(&root, ".cs-clock"), "");
    assert_eq!(text(&root, ".cs-badge-failed"), "Live updates stopped: 4001: unknown app");
    root.remove();
}

/// A `MutationObserver` on a subtree (texts, attributes, children) that keeps every record,
/// those delivered to its callback (after a microtask) and those still pending.
struct Observed {
    observer: web_sys::MutationObserver,
    delivered: js_sys::Array,
}

impl Observed {
    /// Every record since the last call, in order.
    fn take_records(&self) -> js_sys::Array {
        let all = self.delivered.concat(&self.observer.take_records());
        self.delivered.set_length(0);
        all
    }

    fn disconnect(&self) {
        self.observer.disconnect();
    }
}

/// Every record since the last call, as "kind target-class" in order (a text node's change
/// counted on its parent element).
fn records(observer: &Observed) -> Vec<String> {
    observer
        .take_records()
        .iter()
        .map(|r| {
            let r: web_sys::MutationRecord = r.unchecked_into();
            let target = r.target().unwrap();
            let el = target.dyn_ref::<web_sys::Element>().cloned().or_else(|| target.parent_element()).unwrap();
            format!("{} {}", r.type_(), el.class_name())
        })
        .collect()
}

fn observe(root: &web_sys::Element) -> Observed {
    let delivered = js_sys::Array::new();
    let keep = js_sys::Function::new_with_args("list", "this.push(...list)").bind(&delivered);
    let observer = web_sys::MutationObserver::new(&keep).unwrap();
    let init = web_sys::MutationObserverInit::new();
    init.set_subtree(true);
    init.set_child_list(true);
    init.set_attributes(true);
    init.set_character_data(true);
    observer.observe_with_options(root, &init).unwrap();
    Observed { observer, delivered }
}

#[wasm_bindgen_test]
async fn the_scorers_row_flashes_after_its_score_is_written() {
    use courtside::store::Side;
    let root = container();
    let view = RwSignal::new(MatchView::new(5));
    view.update(|v| {
        v.apply_snapshot(&snapshot(5, 45, 42, "in_progress"));
    });
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Scoreboard view=view.into() badge=RwSignal::new(Badge::Live).into() speak=RwSignal::new(false) labels=&EN /> }
    });
    settle().await;
    let flash = |side: &str| root.query_selector(&format!("[data-side={side}] .cs-flash")).unwrap().unwrap().class_name();
    let observer = observe(&root);
    view.update(|v| {
        v.state.home_score = 47;
        v.state.last_scorer = Some(Side::Home);
        v.state.last_event_id = 10;
    });
    settle().await;
    assert_eq!(flash("home"), "cs-flash cs-flash-a");
    assert_eq!(flash("away"), "cs-flash");
    let seen = records(&observer);
    let score = seen.iter().position(|r| r.ends_with(" cs-score")).expect("the score written");
    let flashed = seen.iter().position(|r| r == "attributes cs-flash cs-flash-a").expect("the flash restarted");
    assert!(score < flashed, "the score first: {seen:?}");
    assert!(!seen.iter().any(|r| r.starts_with("attributes cs-team")), "the row is not restyled: {seen:?}");
    // Another score by the same team restarts it (the other name); a final score does not flash.
    view.update(|v| {
        v.state.home_score = 49;
        v.state.last_event_id = 11;
    });
    settle().await;
    assert_eq!(flash("home"), "cs-flash cs-flash-b");
    view.update(|v| v.state.status = courtside::store::MatchStatus::Finished);
    settle().await;
    assert_eq!(flash("home"), "cs-flash", "no flash once the game is over");
    observer.disconnect();
    root.remove();
}

#[wasm_bindgen_test]
async fn scoreboard_speaks_german_and_shows_clear_error_states() {
    let root = container();
    let view = RwSignal::new(MatchView::new(5));
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Scoreboard view=view.into() badge=RwSignal::new(Badge::Offline) speak=RwSignal::new(false) labels=&DE /> }
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
    assert_eq!(text(&root, ".cs-last-text"), "Dreier (HCH)");
    assert_eq!(text(&root, ".cs-clock"), "V2 07:23");
    root.remove();
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).unwrap()).unwrap()
}

fn mount_board(view: RwSignal<MatchView>, labels: &'static courtside::ui::Labels) -> web_sys::HtmlElement {
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Scoreboard view=view.into() badge=RwSignal::new(Badge::Live) speak=RwSignal::new(false) labels=labels /> }
    });
    std::mem::forget(handle);
    root
}

#[wasm_bindgen_test]
async fn pushes_alone_show_home_and_away_and_never_an_id() {
    let view = RwSignal::new(MatchView::new(123));
    let root = mount_board(view, &EN);
    let push: courtside::store::EventReceived = decode(
        r#"{"match_id":123,"home_score":45,"away_score":42,"current_period":2,"current_clock":"07:23","status":"in_progress",
        "event":{"id":9871,"client_id":"7b2a","type":"3pt_made","team_id":16,"player_id":88,"period":2,"clock":"07:23","x":42.5,"y":18.2,"event_at":"2026-04-13T20:15:30+00:00"}}"#,
    );
    view.update(|v| {
        v.apply_message(&courtside::store::MatchMessage::Event(push));
    });
    settle().await;
    let names: Vec<String> = (0..2).map(|i| root.query_selector_all(".cs-name").unwrap().item(i).unwrap().text_content().unwrap()).collect();
    assert_eq!(names, ["Home", "Away"], "localised sides, no made-up codes");
    assert_eq!(text(&root, ".cs-code"), "", "no code without a source");
    assert_eq!(text(&root, ".cs-last-text"), "3-pointer", "team 16 is not known to play here; player 88 has no name");
    assert!(!root.text_content().unwrap().contains("88"), "the database id is nowhere on screen");
    assert!(!root.text_content().unwrap().contains("HOME"));
    root.remove();
    let view = RwSignal::new(MatchView::new(1));
    let root = mount_board(view, &DE);
    view.update(|v| {
        v.apply_snapshot(&decode::<MatchSnapshot>(r#"{"id":1,"status":"in_progress","home_team":{"id":3},"away_team":{"id":4,"name":"Gäste FC"}}"#));
    });
    settle().await;
    assert_eq!(text(&root, ".cs-name"), "Heim");
    assert!(root.text_content().unwrap().contains("Gäste FC"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_roster_names_the_player_and_each_name_is_isolated() {
    let view = RwSignal::new(MatchView::new(7));
    let root = mount_board(view, &EN);
    let rtl = "\u{645}\u{62d}\u{645}\u{62f} \u{627}\u{644}\u{639}\u{644}\u{64a}"; // an Arabic name
    let long = "Internationale Basketballgemeinschaft Nord";
    let snap = format!(
        r#"{{"id":7,"status":"in_progress","home_team":{{"id":16,"name":"{long}","short_name":"{evil}"}},"away_team":{{"id":17,"name":"{rtl}"}},
        "players":[{{"id":88,"team_id":16,"name":"Jane Doe","shirt_number":"7"}},{{"id":90,"team_id":17,"name":"{rtl}"}}],
        "home_score":3,"current_period":5,"current_clock":"02:00","last_event":{{"id":1,"type":"3pt_made","team_id":16,"player_id":88}}}}"#,
        evil = "\u{202e}EVIL"
    );
    view.update(|v| {
        v.apply_snapshot(&decode::<MatchSnapshot>(&snap));
    });
    settle().await;
    assert_eq!(text(&root, ".cs-last-text"), "3-pointer, Jane Doe #7 (\u{202e}EVIL)");
    assert_eq!(text(&root, ".cs-clock"), "OT1 02:00", "the fifth period of four is overtime");
    for sel in [".cs-name", ".cs-code bdi", ".cs-player", ".cs-last-team", ".cs-status-text"] {
        let el = root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("{sel}"));
        assert_eq!(el.local_name(), "bdi", "{sel} is isolated");
    }
    let name = root.query_selector(".cs-name").unwrap().unwrap();
    assert_eq!(name.text_content().as_deref(), Some(long), "the full name stays for screen readers");
    assert_eq!(name.get_attribute("title").as_deref(), Some(long));
    root.remove();
}

#[wasm_bindgen_test]
async fn statuses_beyond_the_three_and_halves() {
    let view = RwSignal::new(MatchView::with_periods(8, Some(2)));
    let root = mount_board(view, &EN);
    let snap = |status: &str| decode::<MatchSnapshot>(&format!(r#"{{"id":8,"status":"{status}","current_period":2,"current_clock":"01:00"}}"#));
    view.update(|v| {
        v.apply_snapshot(&snap("in_progress"));
    });
    settle().await;
    assert_eq!(text(&root, ".cs-clock"), "H2 01:00", "halves, as the element says");
    for (status, shown) in [("postponed", "Postponed"), ("cancelled", "Cancelled"), ("suspended", "Suspended"), ("abandoned_rain", "abandoned_rain")] {
        view.update(|v| {
            v.apply_snapshot(&snap(status));
        });
        settle().await;
        assert_eq!(text(&root, ".cs-status-text"), shown);
        let board = root.query_selector(".cs-board").unwrap().unwrap();
        assert_eq!(board.get_attribute("data-status").as_deref(), Some(status), "the raw status for the page");
        assert!(!root.text_content().unwrap().contains("Scheduled"), "{status} is never drawn as scheduled");
    }
    // A game that never started has no 0–0 to show, and no empty "Last" line.
    view.update(|v| {
        v.apply_snapshot(&decode::<MatchSnapshot>(r#"{"id":8,"status":"postponed"}"#));
    });
    settle().await;
    assert_eq!(text(&root, "[data-score=home]"), "–");
    assert!(root.query_selector(".cs-last").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn a_relay_outage_is_shown_until_it_is_over() {
    let view = RwSignal::new(MatchView::new(9));
    let root = mount_board(view, &EN);
    view.update(|v| {
        v.apply_snapshot(&snapshot(9, 10, 8, "in_progress"));
    });
    settle().await;
    assert!(root.query_selector(".cs-stale").unwrap().is_none(), "nothing while the relay is fine");
    view.update(|v| v.state.delayed = true);
    settle().await;
    assert_eq!(text(&root, ".cs-stale"), "Updates delayed");
    assert_eq!(root.query_selector(".cs-stale").unwrap().unwrap().get_attribute("role").as_deref(), Some("status"));
    // A snapshot from a relay that is back clears it.
    view.update(|v| {
        v.apply_snapshot(&snapshot(9, 12, 8, "in_progress"));
    });
    settle().await;
    assert!(root.query_selector(".cs-stale").unwrap().is_none());
    root.remove();
}

fn game(id: u64) -> MatchState {
    MatchState::from_snapshot(&snapshot(id, 10 + id as u32, 3, "in_progress"))
}

fn mount_ticker(n: u64) -> (web_sys::HtmlElement, CarouselState, SharedCards) {
    let root = container();
    let cards = Rc::new(RefCell::new(CardList::new(&EN)));
    cards.borrow_mut().show(&(1..=n).map(game).collect::<Vec<_>>());
    let carousel = CarouselState { index: RwSignal::new(0), hovered: RwSignal::new(false), focused: RwSignal::new(false) };
    let view_games = GamesView { count: RwSignal::new(n as usize), any: RwSignal::new(n > 0) };
    let shared = cards.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Ticker games=view_games cards=shared carousel=carousel badge=RwSignal::new(Badge::Live) labels=&EN /> }
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
    let mut two = game(2);
    two.home_score = 99;
    cards.borrow_mut().patch(&two);
    let again = root.query_selector("[data-match='2']").unwrap().unwrap();
    assert!(card.is_same_node(Some(&again)), "the card was updated, not rebuilt");
    assert!(again.text_content().unwrap().contains("99"));
    root.remove();
}

/// What the page was told to change since the last call: (texts and attributes written,
/// nodes added), from a `MutationObserver`'s records taken synchronously.
fn writes(observer: &Observed) -> (u32, u32) {
    let (mut written, mut added) = (0, 0);
    for r in observer.take_records().iter() {
        let r: web_sys::MutationRecord = r.unchecked_into();
        match r.type_().as_str() {
            "childList" if r.added_nodes().length() > 0 && r.added_nodes().item(0).is_some_and(|n| n.node_name() == "ARTICLE") => {
                added += r.added_nodes().length()
            }
            "childList" if r.removed_nodes().length() > 0 && r.removed_nodes().item(0).is_some_and(|n| n.node_name() == "ARTICLE") => {}
            _ => written += 1,
        }
    }
    (written, added)
}

fn match_ids(root: &web_sys::Element) -> Vec<String> {
    let cards = root.query_selector_all(".cs-card").unwrap();
    (0..cards.length()).map(|i| cards.item(i).unwrap().unchecked_into::<web_sys::Element>().get_attribute("data-match").unwrap()).collect()
}

#[wasm_bindgen_test]
fn cards_are_keyed_patched_in_place_and_moved_only_when_out_of_place() {
    let root = container();
    let mut list = CardList::new(&EN);
    list.attach(root.clone().into());
    list.show(&[game(1), game(2), game(3)]);
    assert_eq!(match_ids(&root), ["1", "2", "3"]);
    let card = |id: u64| root.query_selector(&format!("[data-match='{id}']")).unwrap().unwrap();
    let two = card(2);
    assert_eq!(two.get_attribute("data-status").as_deref(), Some("in_progress"));
    assert_eq!(text(&two, ".cs-card-status-text"), "Live · Q2 07:23");
    assert_eq!(text(&two, ".cs-card-team .cs-code"), "HCH");
    assert_eq!(text(&two, ".cs-card-score"), "12");
    assert_eq!(two.query_selector(".cs-code").unwrap().unwrap().get_attribute("title").as_deref(), Some("Harbor City Herons"));

    let observer = observe(&root);

    list.patch(&game(2));
    assert_eq!(writes(&observer), (0, 0), "the game as shown: nothing written");
    let mut g = game(2);
    g.home_score = 15;
    list.patch(&g);
    assert_eq!(writes(&observer), (1, 0), "a new score: one text written");
    g.last_scorer = Some(courtside::store::Side::Home);
    g.last_event_id = 21;
    g.home_score = 17;
    list.patch(&g);
    let seen = records(&observer);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[0].ends_with(" cs-card-score") && seen[1] == "attributes cs-flash cs-flash-b", "the score, then the flash: {seen:?}");
    g.home_score = 15;
    g.last_scorer = None;
    list.patch(&g);
    writes(&observer);
    assert_eq!(text(&card(2), ".cs-card-score"), "15");
    assert!(card(2).is_same_node(Some(&two)), "patched, not rebuilt");
    g.delayed = true;
    list.patch(&g);
    assert_eq!(text(&card(2), ".cs-stale"), "Updates delayed");
    g.delayed = false;
    list.patch(&g);
    assert!(card(2).query_selector(".cs-stale").unwrap().is_none());
    writes(&observer);

    // New order: one card moves; none is rebuilt, none is patched.
    let (one, three) = (card(1), card(3));
    list.show(&[game(3), game(1), g.clone()]);
    assert_eq!(match_ids(&root), ["3", "1", "2"]);
    assert_eq!(writes(&observer), (0, 1), "one card moved, nothing written");
    assert!(card(1).is_same_node(Some(&one)) && card(3).is_same_node(Some(&three)) && card(2).is_same_node(Some(&two)));
    // A game leaves: its card goes, no other moves; a game joins at the end: one card added.
    list.show(&[game(3), g.clone()]);
    assert_eq!(match_ids(&root), ["3", "2"]);
    assert_eq!(writes(&observer), (0, 0), "a card removed, no other moved");
    list.show(&[game(3), g.clone(), game(4)]);
    assert_eq!(match_ids(&root), ["3", "2", "4"]);
    assert_eq!(writes(&observer), (0, 1));
    assert_eq!(list.ids(), [3, 2, 4]);
    observer.disconnect();

    // The view builds the list's element again (after it showed no games): the cards follow.
    let other = container();
    list.attach(other.clone().into());
    assert_eq!(match_ids(&other), ["3", "2", "4"]);
    assert!(match_ids(&root).is_empty());
    root.remove();
    other.remove();
}

fn dispatch(root: &web_sys::Element, e: &web_sys::Event) {
    root.query_selector(".cs-ticker").unwrap().unwrap().dispatch_event(e).unwrap();
}

fn pointer(kind: &str, x: i32) -> web_sys::Event {
    let init = web_sys::PointerEventInit::new();
    init.set_client_x(x);
    init.set_bubbles(true);
    web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap().into()
}

#[wasm_bindgen_test]
async fn the_carousel_pauses_on_hover_and_focus_and_follows_swipes() {
    let (root, carousel, _) = mount_ticker(3);
    settle().await;
    let plain = |kind: &str| web_sys::Event::new(kind).unwrap();
    dispatch(&root, &plain("mouseenter"));
    assert!(carousel.hovered.get_untracked(), "hovered");
    carousel.advance(3);
    assert_eq!(carousel.index.get_untracked(), 0, "no auto-advance while hovered");
    dispatch(&root, &plain("mouseleave"));
    assert!(!carousel.hovered.get_untracked());
    dispatch(&root, &plain("focusin"));
    assert!(carousel.focused.get_untracked(), "focused");
    carousel.advance(3);
    assert_eq!(carousel.index.get_untracked(), 0, "no auto-advance while focused");
    dispatch(&root, &plain("focusout"));
    carousel.advance(3);
    assert_eq!(carousel.index.get_untracked(), 1, "auto-advance once neither");
    // A swipe to the left shows the next card, to the right the previous; a short one nothing.
    dispatch(&root, &pointer("pointerdown", 300));
    dispatch(&root, &pointer("pointerup", 200));
    assert_eq!(carousel.index.get_untracked(), 2, "swiped left");
    dispatch(&root, &pointer("pointerdown", 100));
    dispatch(&root, &pointer("pointerup", 180));
    assert_eq!(carousel.index.get_untracked(), 1, "swiped right");
    dispatch(&root, &pointer("pointerdown", 100));
    dispatch(&root, &pointer("pointerup", 130));
    assert_eq!(carousel.index.get_untracked(), 1, "30 px is not a swipe");
    dispatch(&root, &pointer("pointerup", 0));
    assert_eq!(carousel.index.get_untracked(), 1, "a pointer released without a press");
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

#[wasm_bindgen_test]
async fn the_view_changes_only_when_what_it_shows_does() {
    use courtside::client::FeedUpdate;
    use courtside::store::MatchMessage;
    use courtside::ui::MatchModel;
    let owner = Owner::new();
    let model = MatchModel::new(&owner, 7, None);
    // How often anything rendering the view would run again.
    let runs = std::rc::Rc::new(std::cell::Cell::new(0u32));
    let counter = runs.clone();
    owner.with(|| {
        Effect::new(move |_| {
            model.view.track();
            counter.set(counter.get() + 1);
        })
    });
    settle().await;
    let first = runs.get();
    let push = || -> courtside::store::EventReceived {
        decode(r#"{"match_id":7,"home_score":2,"away_score":0,"current_period":2,"current_clock":"07:03","status":"in_progress",
        "event":{"id":41,"client_id":"7b2b","type":"2pt_made","team_id":16,"player_id":88,"period":2,"clock":"07:03","x":40.5,"y":18.2,"event_at":"2026-04-13T20:15:50+00:00"}}"#)
    };
    let step = |u: FeedUpdate| {
        model.apply(u, None);
    };
    step(FeedUpdate::Snapshot(snapshot(7, 0, 0, "in_progress")));
    settle().await;
    assert_eq!(runs.get(), first + 1, "a snapshot that shows the match");
    step(FeedUpdate::Message(MatchMessage::Event(push())));
    settle().await;
    assert_eq!(runs.get(), first + 2, "a new event");
    step(FeedUpdate::Message(MatchMessage::Event(push())));
    step(FeedUpdate::Trouble("a passing failure".into()));
    step(FeedUpdate::Undecodable { match_id: Some(7) });
    step(FeedUpdate::Delayed(false));
    step(FeedUpdate::Snapshot(snapshot(8, 1, 1, "in_progress")));
    settle().await;
    assert_eq!(runs.get(), first + 2, "the same event again, a failure, a bad push, no delay, another match's snapshot");
    step(FeedUpdate::Delayed(true));
    settle().await;
    assert_eq!(runs.get(), first + 3, "the relay's outage is shown");
    step(FeedUpdate::UnknownMatch); // the match is known by now: nothing to show
    step(FeedUpdate::Denied { status: 403 });
    settle().await;
    assert_eq!(runs.get(), first + 4, "a refusal is shown");
    assert_eq!(model.view.get_untracked().state.home_score, 2);
}
