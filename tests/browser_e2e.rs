//! End to end in headless Chromium: the real widget, a real sockudo and the real gateway
//! (started by scripts/test.sh, which passes their addresses at compile time).
#![cfg(target_arch = "wasm32")]

use courtside::embed::settings::Settings;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/browser.rs"]
mod support;
use support::{demo_publish, document, eventually, mount, shadow_text, tick};

const GATEWAY: &str = env!("COURTSIDE_E2E_GATEWAY");
const WS_PORT: &str = env!("COURTSIDE_E2E_WS_PORT");
const KEY: &str = env!("COURTSIDE_E2E_KEY");
/// The league's `/demo/publish` Bearer (`COURTSIDE_DEMO_TOKEN`).
const DEMO_TOKEN: &str = env!("COURTSIDE_E2E_DEMO_TOKEN");

fn setup() {
    courtside::embed::configure(Settings {
        gateway: GATEWAY.into(),
        host: "127.0.0.1".into(),
        port: WS_PORT.parse().expect("COURTSIDE_E2E_WS_PORT is a port"),
        tls: false,
        key: KEY.into(),
        access: courtside::wire::Access::Private,
    });
    courtside::embed::define();
}

fn random_match_id() -> u64 {
    100_000 + (js_sys::Math::random() * 300_000.0) as u64
}

async fn publish(match_id: u64, home: u32, away: u32) {
    let body = format!(r#"{{"match_id":{match_id},"home_score":{home},"away_score":{away},"kind":"3pt_made"}}"#);
    demo_publish(GATEWAY, DEMO_TOKEN, &body).await;
}

/// Join the page connection's subscription to `private-match.{id}` and wait until it is live;
/// keep the returned listener for as long as the subscription must stay.
async fn subscribed(id: u64) -> courtside::client::ChannelListener {
    let conn = courtside::client::shared(&courtside::client::ClientSettings {
        socket_url: Settings { gateway: GATEWAY.into(), host: "127.0.0.1".into(), port: WS_PORT.parse().unwrap(), tls: false, key: KEY.into(), access: courtside::wire::Access::Private }
            .socket_url(env!("CARGO_PKG_VERSION")),
        gateway: GATEWAY.into(),
        access: courtside::wire::Access::Private,
    });
    let live = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = live.clone();
    let listener = conn.listen(&format!("private-match.{id}"), move |s| {
        if matches!(s, courtside::client::ChannelSignal::Subscribed | courtside::client::ChannelSignal::AlreadySubscribed) {
            flag.set(true);
        }
    });
    eventually("the subscription", Duration::from_secs(20), || live.get().then_some(())).await;
    listener
}

#[wasm_bindgen_test]
async fn a_pushed_event_reaches_the_scoreboard() {
    setup();
    let id = random_match_id();
    publish(id, 2, 0).await;
    let board = mount("courtside-scoreboard", &[("match", &id.to_string()), ("lang", "en")]);
    // The snapshot paints the names and the score.
    eventually("the snapshot", Duration::from_secs(20), || {
        (shadow_text(&board, "[data-score=home]")? == "2").then_some(())
    })
    .await;
    assert_eq!(shadow_text(&board, ".cs-name").as_deref(), Some("Home Testers"));
    // Screen readers hear the first score at once...
    eventually("the first announcement", Duration::from_secs(5), || {
        shadow_text(&board, "[aria-live=polite]")?.starts_with("Score: Home Testers 2, ").then_some(())
    })
    .await;
    // Wait until the channel is subscribed, then push: only the socket can deliver this one.
    let _listener = subscribed(id).await;
    publish(id, 5, 0).await;
    eventually("the pushed score", Duration::from_secs(10), || {
        (shadow_text(&board, "[data-score=home]")? == "5").then_some(())
    })
    .await;
    // ...and the pushed one too, within the 2 s between two readings (MatchModel's throttle).
    eventually("the pushed score's announcement", Duration::from_secs(5), || {
        shadow_text(&board, "[aria-live=polite]")?.starts_with("Score: Home Testers 5, ").then_some(())
    })
    .await;
    assert_eq!(shadow_text(&board, "[data-score=away]").as_deref(), Some("0"));
    assert!(shadow_text(&board, ".cs-last-text").unwrap_or_default().starts_with("3-pointer"));
    assert_eq!(board.get_attribute("data-connection").as_deref(), Some("live"));
    board.remove();
}

#[wasm_bindgen_test]
async fn an_unknown_match_shows_a_clear_state() {
    setup();
    let board = mount("courtside-scoreboard", &[("match", "987654321"), ("lang", "en")]);
    let text = eventually("the unknown-match message", Duration::from_secs(20), || {
        let t = shadow_text(&board, ".cs-message")?;
        (t != "Loading the score…").then_some(t)
    })
    .await;
    assert_eq!(text, "This match is not available.");
    board.remove();
}

#[wasm_bindgen_test]
async fn a_denied_channel_shows_a_clear_state() {
    setup();
    // The test gateway refuses private-match.403* (COURTSIDE_CHANNELS in scripts/test.sh).
    let id = 403_000 + (js_sys::Math::random() * 999.0) as u64;
    publish(id, 1, 0).await;
    let board = mount("courtside-scoreboard", &[("match", &id.to_string()), ("lang", "en")]);
    eventually("the denial", Duration::from_secs(20), || {
        (shadow_text(&board, ".cs-message")? == "Access to this match was refused.").then_some(())
    })
    .await;
    board.remove();
}

#[wasm_bindgen_test]
async fn a_bad_match_attribute_is_reported_not_a_panic() {
    setup();
    let board = mount("courtside-scoreboard", &[("match", "abc")]);
    let text = eventually("the error text", Duration::from_secs(5), || shadow_text(&board, ".cs-message")).await;
    assert!(text.contains("match must be a positive number"), "{text}");
    board.remove();
}

#[wasm_bindgen_test]
async fn two_scoreboards_for_one_match_share_one_subscription() {
    setup();
    let id = random_match_id();
    publish(id, 10, 8).await;
    let a = mount("courtside-scoreboard", &[("match", &id.to_string())]);
    let b = mount("courtside-scoreboard", &[("match", &id.to_string()), ("size", "compact")]);
    for board in [&a, &b] {
        eventually("both boards", Duration::from_secs(20), || {
            (shadow_text(board, "[data-score=home]")? == "10").then_some(())
        })
        .await;
    }
    let opened = courtside::client::connection::sockets_opened();
    assert_eq!(opened, 1, "one socket for the whole page");
    a.remove();
    // The other board keeps its subscription and still updates.
    tick(300).await;
    publish(id, 12, 8).await;
    eventually("the remaining board to update", Duration::from_secs(10), || {
        (shadow_text(&b, "[data-score=home]")? == "12").then_some(())
    })
    .await;
    b.remove();
}

fn count(el: &web_sys::Element, selector: &str) -> u32 {
    el.shadow_root().and_then(|r| r.query_selector_all(selector).ok()).map_or(0, |l| l.length())
}

#[wasm_bindgen_test]
async fn the_ticker_and_the_competition_show_the_leagues_live_games() {
    setup();
    let ticker = mount("courtside-ticker", &[("interval", "2"), ("lang", "en")]);
    let competition = mount("courtside-competition", &[("competition", "4"), ("lang", "en")]);
    eventually("ticker cards", Duration::from_secs(20), || (count(&ticker, ".cs-card") >= 1).then_some(())).await;
    eventually("competition cards", Duration::from_secs(20), || (count(&competition, ".cs-card") >= 1).then_some(())).await;
    let position = shadow_text(&ticker, ".cs-position").unwrap_or_default();
    assert!(position.starts_with("1 of ") || position.starts_with("2 of "), "{position}");
    let bad = mount("courtside-competition", &[("competition", "x")]);
    let text = eventually("the error text", Duration::from_secs(5), || shadow_text(&bad, ".cs-message")).await;
    assert!(text.contains("competition must be a positive number"), "{text}");
    for el in [ticker, competition, bad] {
        el.remove();
    }
}

#[wasm_bindgen_test]
async fn a_scoreboard_dispatches_its_events_to_the_host_page() {
    use wasm_bindgen::closure::Closure;
    setup();
    let id = random_match_id();
    publish(id, 1, 0).await;
    // Every event the host page can hear, as "name detail-json", heard on the document (they
    // bubble out of the element).
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let sink = seen.clone();
    // What the board showed when each score event reached the page: the event says what the
    // reader already sees.
    let shown = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let shown_sink = shown.clone();
    let on_event = Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
        let detail = js_sys::JSON::stringify(&e.detail()).ok().and_then(|s| s.as_string()).unwrap_or_default();
        if e.type_() == "courtside:score" {
            let on_screen = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.shadow_root()?.query_selector("[data-score=home]").ok()?)
                .and_then(|n| n.text_content())
                .unwrap_or_default();
            shown_sink.borrow_mut().push(format!("{detail} showing {on_screen}"));
        }
        sink.borrow_mut().push(format!("{} {detail}", e.type_()));
    });
    let names = ["courtside:score", "courtside:status", "courtside:synced", "courtside:connection"];
    for name in names {
        document().add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref()).unwrap();
    }
    let board = mount("courtside-scoreboard", &[("match", &id.to_string())]);
    let has = |entry: String| {
        let seen = seen.clone();
        move || seen.borrow().contains(&entry).then_some(())
    };
    eventually("connection live", Duration::from_secs(20), has(r#"courtside:connection {"state":"live"}"#.into())).await;
    eventually("data-connection live", Duration::from_secs(20), || (board.get_attribute("data-connection")? == "live").then_some(())).await;
    eventually("synced", Duration::from_secs(20), has(format!(r#"courtside:synced {{"matchId":{id}}}"#))).await;
    eventually("the first score", Duration::from_secs(20), has(format!(r#"courtside:score {{"matchId":{id},"home":1,"away":0}}"#))).await;
    let _listener = subscribed(id).await;
    publish(id, 4, 0).await;
    eventually("the pushed score", Duration::from_secs(10), has(format!(r#"courtside:score {{"matchId":{id},"home":4,"away":0}}"#))).await;
    let body = format!(r#"{{"match_id":{id},"status":"finished"}}"#);
    demo_publish(GATEWAY, DEMO_TOKEN, &body).await;
    eventually(
        "the status",
        Duration::from_secs(10),
        has(format!(r#"courtside:status {{"matchId":{id},"status":"finished","previous":"in_progress"}}"#)),
    )
    .await;
    // Each score once: no event for a change that did not happen (this board's only: another
    // test's board may still be on the page).
    let mine = format!(r#"courtside:score {{"matchId":{id},"#);
    let scores = seen.borrow().iter().filter(|e| e.starts_with(&mine)).count();
    assert_eq!(scores, 2, "{:?}", seen.borrow());
    let pushed = format!(r#"{{"matchId":{id},"home":4,"away":0}} showing 4"#);
    assert!(shown.borrow().contains(&pushed), "the pushed score was on the board when its event fired: {:?}", shown.borrow());
    for name in names {
        document().remove_event_listener_with_callback(name, on_event.as_ref().unchecked_ref()).unwrap();
    }
    board.remove();
}

#[wasm_bindgen_test]
async fn label_attributes_override_the_language_labels() {
    setup();
    let id = random_match_id();
    publish(id, 3, 1).await;
    let board = mount(
        "courtside-scoreboard",
        &[("match", &id.to_string()), ("lang", "es"), ("label-live", "EN DIRECTO"), ("label-last", "Jugada")],
    );
    eventually("the overridden labels", Duration::from_secs(20), || {
        (shadow_text(&board, ".cs-status-text")? == "EN DIRECTO").then_some(())
    })
    .await;
    assert_eq!(shadow_text(&board, ".cs-last-label").as_deref(), Some("Jugada"));
    assert!(shadow_text(&board, ".cs-last-text").unwrap_or_default().starts_with("Triple"), "the rest stays Spanish");
    board.remove();
}
