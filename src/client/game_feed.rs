//! Following many matches: the ticker (every live game, `private-games`) and a competition
//! (`private-competition.{id}` status changes plus `private-games` for scores), each with a
//! list snapshot at start and after every (re)subscribe.

use super::connection::{ChannelListener, ChannelSignal, Connection};
use super::http::HttpResult;
use super::match_feed::{channel_update, FeedUpdate};
use super::snapshot::fetcher;
use crate::store::{ListScope, MatchListBody, MatchMessage};
use std::cell::Cell;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub enum GamesUpdate {
    List(MatchListBody),
    Message(MatchMessage),
    Denied { status: u16 },
    Trouble(String),
}

pub struct GamesFeed {
    _listeners: Vec<ChannelListener>,
    alive: Rc<Cell<bool>>,
}

impl Drop for GamesFeed {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}

pub fn follow_games(conn: &Rc<Connection>, scope: ListScope, on_update: Rc<dyn Fn(GamesUpdate)>) -> GamesFeed {
    let alive = Rc::new(Cell::new(true));
    let gateway = conn.settings().gateway.clone();
    let (url, channels) = match scope {
        ListScope::Live => (format!("{gateway}/api/matches?status=live"), vec!["private-games".to_owned()]),
        ListScope::Competition(c) => (
            format!("{gateway}/api/matches?competition={c}"),
            vec![format!("private-competition.{c}"), "private-games".to_owned()],
        ),
    };
    let on_list = {
        let on_update = on_update.clone();
        Rc::new(move |answer: HttpResult<MatchListBody>| {
            on_update(match answer {
                HttpResult::Ok(list) => GamesUpdate::List(list),
                HttpResult::Status(s @ (401 | 403)) => GamesUpdate::Denied { status: s },
                HttpResult::Status(s) => GamesUpdate::Trouble(format!("list answered {s}")),
                HttpResult::Failed(e) => GamesUpdate::Trouble(e),
            })
        })
    };
    let fetch = fetcher(gateway, url, alive.clone(), on_list);
    fetch(false);
    let listeners = channels
        .iter()
        .enumerate()
        .map(|(i, channel)| {
            let (alive, fetch, on_update) = (alive.clone(), fetch.clone(), on_update.clone());
            conn.listen(channel, move |signal| {
                if !alive.get() {
                    return;
                }
                // The first channel decides when to backfill; the others only carry messages.
                if i == 0 && matches!(signal, ChannelSignal::Subscribed) {
                    fetch(true);
                }
                match channel_update(signal) {
                    Some(FeedUpdate::Message(m)) => on_update(GamesUpdate::Message(m)),
                    Some(FeedUpdate::Denied { status }) if i == 0 => on_update(GamesUpdate::Denied { status }),
                    Some(FeedUpdate::Trouble(t)) => on_update(GamesUpdate::Trouble(t)),
                    _ => {}
                }
            })
        })
        .collect();
    GamesFeed { _listeners: listeners, alive }
}
