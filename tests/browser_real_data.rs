//! Real data, end to end in Chromium: names from the stats API's read API (through the
//! gateway's adapter) and the directory; games that start after the page loaded; pushes that do
//! not fit the contract; and the relay's public channels on the other node of a sockudo cluster.
//! The processes are started by `scripts/test.sh` (see its header for the ports).
#![cfg(target_arch = "wasm32")]

use courtside::client::{ClientSettings, Connection};
use courtside::embed::settings::Settings;
use courtside::ui::labels::EN;
use courtside::wire::Access;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/browser.rs"]
mod support;
use support::{demo_publish, document, eventually, mount, shadow_text, tick};

/// The league (demo mode), which also plays the stats API for the two below.
const LEAGUE: &str = env!("COURTSIDE_E2E_GATEWAY");
const WS_PORT: &str = env!("COURTSIDE_E2E_WS_PORT");
const KEY: &str = env!("COURTSIDE_E2E_KEY");
/// The league's `/demo/publish` Bearer (`COURTSIDE_DEMO_TOKEN`).
const DEMO_TOKEN: &str = env!("COURTSIDE_E2E_DEMO_TOKEN");
/// A gateway in upstream mode: auth forwarded with the Bearer, snapshots via the adapter.
const UPSTREAM: &str = env!("COURTSIDE_E2E_UPSTREAM_GATEWAY");
/// A relay republishing on public channels to node A; readers here connect to node B.
const RELAY: &str = env!("COURTSIDE_E2E_RELAY_GATEWAY");
const NODE_B: &str = env!("COURTSIDE_E2E_NODE_B");
const DIRECTORY: &str = include_str!("../gateway/demo-directory.json");

fn setup() {
    courtside::embed::configure(Settings {
        gateway: LEAGUE.into(),
        host: "127.0.0.1".into(),
        port: WS_PORT.parse().expect("COURTSIDE_E2E_WS_PORT is a port"),
        tls: false,
        key: KEY.into(),
        access: Access::Private,
    });
    courtside::embed::define();
}

fn random_match_id() -> u64 {
    600_000 + (js_sys::Math::random() * 300_000.0) as u64
}

/// `/demo/publish` on the league: set a hand-made match's score and publish it, or (with
/// `garble`) publish a broken payload while the league's truth moves on.
async fn publish(match_id: u64, home: u32, away: u32, garble: Option<&str>) {
    let garble = garble.map(|g| format!(r#","garble":"{g}""#)).unwrap_or_default();
    let body = format!(r#"{{"match_id":{match_id},"home_score":{home},"away_score":{away},"kind":"2pt_made"{garble}}}"#);
    demo_publish(LEAGUE, DEMO_TOKEN, &body).await;
}

fn text(root: &web_sys::Element, selector: &str) -> Option<String> {
    root.query_selector(selector).ok()??.text_content()
}

/// Wait until `channel` is live on `conn`; keep the listener while it must stay.
async fn subscribed(conn: &std::rc::Rc<Connection>, channel: &str) -> courtside::client::ChannelListener {
    let live = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = live.clone();
    let listener = conn.listen(channel, move |s| {
        if matches!(s, courtside::client::ChannelSignal::Subscribed | courtside::client::ChannelSignal::AlreadySubscribed) {
            flag.set(true);
        }
    });
    eventually(channel, Duration::from_secs(20), || live.get().then_some(())).await;
    listener
}

fn page_connection() -> std::rc::Rc<Connection> {
    courtside::client::shared(&ClientSettings {
        socket_url: courtside::protocol::socket_url(false, "127.0.0.1", WS_PORT.parse().unwrap(), KEY, "test"),
        gateway: LEAGUE.into(),
        access: Access::Private,
    })
}

/// The directory's team and player names.
fn directory_names(list: &str) -> Vec<String> {
    let v = js_sys::JSON::parse(DIRECTORY).unwrap();
    let entries: js_sys::Array = js_sys::Reflect::get(&v, &list.into()).unwrap().unchecked_into();
    entries.iter().filter_map(|e| js_sys::Reflect::get(&e, &"name".into()).ok()?.as_string()).collect()
}

#[wasm_bindgen_test]
async fn pushes_that_do_not_fit_the_contract_are_counted_and_the_screen_heals_from_a_snapshot() {
    setup();
    let id = random_match_id();
    publish(id, 2, 0, None).await;
    let board = mount("courtside-scoreboard", &[("match", &id.to_string()), ("lang", "en")]);
    eventually("the first snapshot", Duration::from_secs(20), || (shadow_text(&board, "[data-score=home]")? == "2").then_some(())).await;
    let conn = page_connection();
    let _live = subscribed(&conn, &format!("private-match.{id}")).await;
    let before = courtside::client::match_feed::bad_pushes();
    let kinds = ["wrong_types", "missing_event", "huge_number", "string_numbers", "not_an_object"];
    for (i, how) in kinds.iter().enumerate() {
        let home = 10 + 2 * i as u32;
        // The league's truth moves to `home`, but the push that says so is broken: only the
        // snapshot the widget fetches in answer can bring the screen there.
        publish(id, home, 1, Some(how)).await;
        eventually(&format!("the screen to heal after a {how} push"), Duration::from_secs(15), || {
            (shadow_text(&board, "[data-score=home]")? == home.to_string()).then_some(())
        })
        .await;
        assert_eq!(shadow_text(&board, "[data-score=away]").as_deref(), Some("1"));
        assert_eq!(courtside::client::match_feed::bad_pushes(), before + i as u32 + 1, "{how} was counted");
    }
    // A valid push after all that still applies: nothing was left stuck.
    publish(id, 30, 1, None).await;
    eventually("the valid push", Duration::from_secs(10), || (shadow_text(&board, "[data-score=home]")? == "30").then_some(())).await;
    assert_eq!(board.get_attribute("data-connection").as_deref(), Some("live"), "no reconnect was needed");
    board.remove();
}

#[wasm_bindgen_test]
async fn a_game_that_starts_after_the_page_loaded_gets_its_names() {
    setup();
    let ticker = mount("courtside-ticker", &[("lang", "en")]);
    let conn = page_connection();
    let _games = subscribed(&conn, "private-games").await;
    eventually("the list", Duration::from_secs(20), || {
        (ticker.shadow_root()?.query_selector_all(".cs-card").ok()?.length() >= 1).then_some(())
    })
    .await;
    // A new game's first push: it joins the ticker, and its own snapshot brings the names.
    let id = random_match_id();
    publish(id, 3, 0, None).await;
    let card = eventually("the new game's card", Duration::from_secs(15), || {
        ticker.shadow_root()?.query_selector(&format!("[data-match='{id}']")).ok()?
    })
    .await;
    let start = js_sys::Date::now();
    loop {
        let t = card.text_content().unwrap_or_default();
        if t.contains("HOM") && t.contains("AWY") {
            break;
        }
        if js_sys::Date::now() - start > 30_000.0 {
            // What the page asked for: did the game's own snapshot go out, and how did it end?
            let perf = web_sys::window().unwrap().performance().unwrap();
            let asked: Vec<String> = perf
                .get_entries_by_type("resource")
                .iter()
                .filter_map(|e| {
                    let name = js_sys::Reflect::get(&e, &"name".into()).ok()?.as_string()?;
                    let status = js_sys::Reflect::get(&e, &"responseStatus".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0);
                    name.contains("/api/matches").then(|| format!("{name} → {status}"))
                })
                .collect();
            panic!("no names for game {id} after 30 s; the card shows {t:?}; requests: {asked:#?}");
        }
        tick(50).await;
    }
    assert!(!card.text_content().unwrap_or_default().contains("Home"), "no placeholder left");
    ticker.remove();
}

#[wasm_bindgen_test]
async fn names_come_from_the_read_api_through_the_adapter_and_from_the_directory() {
    // The upstream-mode gateway: its read API is the league's `/api/v1` (Laravel's `data`
    // wrapper, teams as ids only), so every name on screen came through the adapter and the
    // directory; pushes come over the stats API's socket with auth forwarded with the Bearer.
    let conn = Connection::standalone(
        ClientSettings {
            socket_url: courtside::protocol::socket_url(false, "127.0.0.1", WS_PORT.parse().unwrap(), KEY, "test"),
            gateway: UPSTREAM.into(),
            access: Access::Private,
        },
        |_| {},
    );
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    // Matches 1–3 are the league's own simulated games (names only in the directory); its read
    // API answers each in another shape: {"data"} with teams as objects holding an id (1),
    // a bare object with teams as bare ids (2), {"data"} with ids as strings (3).
    let teams = directory_names("teams");
    let players = directory_names("players");
    for id in [2, 3] {
        let other = document().create_element("div").unwrap();
        document().body().unwrap().append_child(&other).unwrap();
        let board = courtside::embed::scoreboard_on(&conn, other.clone(), None, id, &EN);
        eventually(&format!("directory names for match {id}"), Duration::from_secs(20), || {
            let names: Vec<String> = (0..2)
                .filter_map(|i| other.query_selector_all(".cs-name").ok()?.item(i)?.text_content())
                .collect();
            (names.len() == 2 && names.iter().all(|n| teams.contains(n))).then_some(())
        })
        .await;
        drop(board);
        other.remove();
    }
    let mounted = courtside::embed::scoreboard_on(&conn, root.clone(), None, 1, &EN);
    let name = eventually("a directory name on screen", Duration::from_secs(20), || {
        let n = text(&root, ".cs-name")?;
        teams.contains(&n).then_some(n)
    })
    .await;
    assert_ne!(name, "Home");
    assert!(text(&root, ".cs-code").is_some_and(|c| c.len() == 3), "the directory's short name");
    // The league's events name players by database id: on screen they are names from the
    // directory, with the shirt number, and never the id.
    let player = eventually("a player named in the last event", Duration::from_secs(30), || text(&root, ".cs-player")).await;
    let (who, shirt) = player.rsplit_once(" #").expect("name #shirt");
    assert!(players.iter().any(|p| p == who), "{who} is a directory player");
    assert!(shirt.len() <= 2 && shirt.chars().all(|c| c.is_ascii_digit()), "{shirt}");
    drop(mounted);
    conn.shutdown();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_relays_public_channels_reach_a_widget_on_the_other_node() {
    // Readers of a relay connect to the site's own cluster (node B here) on public channels:
    // no auth per reader. The relay publishes to node A; Redis carries it to node B.
    let conn = Connection::standalone(
        ClientSettings {
            socket_url: courtside::protocol::socket_url(false, "127.0.0.1", NODE_B.parse().unwrap(), KEY, "test"),
            gateway: RELAY.into(),
            access: Access::Public,
        },
        |_| {},
    );
    // One of the league's simulated games: the relay's snapshot names it from the read API's
    // team ids and the directory, and its plays keep arriving across the cluster.
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let league_game = courtside::embed::scoreboard_on(&conn, root.clone(), None, 1, &EN);
    let teams = directory_names("teams");
    eventually("a directory name via the relay", Duration::from_secs(20), || teams.contains(&text(&root, ".cs-name")?).then_some(())).await;
    // A hand-made game: the read API gives its teams as ids the directory does not know, so
    // the relay's snapshot names nobody, and the widget says "Home", not a guess.
    let id = random_match_id();
    publish(id, 2, 0, None).await;
    let other = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&other).unwrap();
    let hand_made = courtside::embed::scoreboard_on(&conn, other.clone(), None, id, &EN);
    eventually("the relay's snapshot", Duration::from_secs(20), || (text(&other, "[data-score=home]")? == "2").then_some(())).await;
    assert_eq!(text(&other, ".cs-name").as_deref(), Some("Home"), "unknown team 1: the side, not a made-up name");
    let _live = subscribed(&conn, &format!("match.{id}")).await;
    publish(id, 7, 0, None).await;
    eventually("the push across the cluster", Duration::from_secs(15), || (text(&other, "[data-score=home]")? == "7").then_some(())).await;
    drop(hand_made);
    drop(league_game);
    conn.shutdown();
    root.remove();
    other.remove();
}

/// `fetch` with optional method, bearer and body; the answer's text.
async fn fetch_text(url: &str, method: &str, bearer: Option<&str>) -> (u16, String) {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(t) = bearer {
        let headers = web_sys::Headers::new().unwrap();
        headers.set("Authorization", &format!("Bearer {t}")).unwrap();
        init.set_headers(&headers);
    }
    let req = web_sys::Request::new_with_str_and_init(url, &init).unwrap();
    let resp: web_sys::Response =
        JsFuture::from(web_sys::window().unwrap().fetch_with_request(&req)).await.unwrap().unchecked_into();
    let text = JsFuture::from(resp.text().unwrap()).await.unwrap().as_string().unwrap_or_default();
    (resp.status(), text)
}

#[wasm_bindgen_test]
async fn the_gateways_snapshot_json_decodes_with_the_codec_that_ships() {
    use courtside::client::json::BrowserJson;
    use courtside::protocol::JsonCodec;
    use courtside::wire::{MatchList, MatchSnapshot, MatchStatus, SNAPSHOT_VERSION};
    let (status, body) = fetch_text(&format!("{UPSTREAM}/token"), "POST", None).await;
    assert_eq!(status, 200, "{body}");
    let token = js_sys::Reflect::get(&js_sys::JSON::parse(&body).unwrap(), &"token".into()).unwrap().as_string().unwrap();
    // One match, as the widget reads it (the protocol's strict reader).
    let (status, body) = fetch_text(&format!("{UPSTREAM}/api/matches/2"), "GET", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    let s: MatchSnapshot = BrowserJson::decode(&body).unwrap_or_else(|e| panic!("{}: {body}", e.0));
    assert_eq!((s.version, s.id), (Some(SNAPSHOT_VERSION), 2));
    let home = s.home_team.expect("home team");
    assert!(home.name.is_some() && home.short_name.is_some() && home.colour.is_some(), "the directory joined in: {body}");
    assert!(s.players.len() >= 20, "both rosters: {}", s.players.len());
    assert!(s.players.iter().all(|p| p.name.is_some()));
    // The list, as the widget's fetch path reads it; the postponed game too.
    let (status, body) = fetch_text(&format!("{UPSTREAM}/api/matches?status=all"), "GET", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    let list: MatchList = match courtside::client::http::decode(courtside::client::http::HttpResult::Ok(body.clone().into())) {
        courtside::client::http::HttpResult::Ok(l) => l,
        _ => panic!("the list did not decode: {body}"),
    };
    assert!(list.matches.len() >= 5);
    assert!(list.matches.iter().any(|m| m.status == MatchStatus::Postponed));
    // And a refusal is the gateway's own short JSON, never the stats API's body.
    let (status, body) = fetch_text(&format!("{UPSTREAM}/api/matches/987654321"), "GET", Some(&token)).await;
    assert_eq!(status, 404);
    assert_eq!(body, r#"{"error":"unknown match"}"#);
}
