//! Following many matches: the ticker (every live game, `private-games`) and a competition
//! (`private-competition.{id}` status changes plus `private-games` for scores), each with a
//! list snapshot at start and after every (re)subscribe, and a game's own snapshot when the
//! list needs one (a game that joined through a push, or a push that did not decode).

use super::connection::{ChannelListener, ChannelSignal, Connection};
use super::http::HttpResult;
use super::match_feed::{channel_update, FeedUpdate};
use super::snapshot::fetcher;
use crate::store::{ListScope, MatchList, MatchMessage, MatchSnapshot};
use crate::wire;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub enum GamesUpdate {
    List(MatchList),
    Message(MatchMessage),
    /// One game's own snapshot, asked for by the list.
    Match(MatchSnapshot),
    /// One game's snapshot could not be had (after the fetcher's retries).
    MatchFailed(u64),
    /// The site's relay lost the stats API, or is back.
    Delayed(bool),
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

/// Follow `scope`. `on_update` returns the games whose own snapshot the list now needs; the
/// feed fetches each (shared with any other widget on the page asking for the same game).
pub fn follow_games(conn: &Rc<Connection>, scope: ListScope, on_update: Rc<dyn Fn(GamesUpdate) -> Vec<u64>>) -> GamesFeed {
    let alive = Rc::new(Cell::new(true));
    let gateway = conn.settings().gateway.clone();
    let access = conn.settings().access;
    let (url, channels) = match scope {
        ListScope::Live => (format!("{gateway}/api/matches?status=live"), vec![wire::games_channel(access)]),
        ListScope::Competition(c) => (
            format!("{gateway}/api/matches?competition={c}"),
            vec![wire::competition_channel(access, c), wire::games_channel(access)],
        ),
    };
    // One game's snapshot: a fetcher that lives until its answer (or its retries) are in.
    // `fresh`: the answer must be newer than the call (after a push that did not decode);
    // otherwise an answer another widget asked for in the last second is shared. A game whose
    // snapshot fails every retry keeps its push-only card until the next list snapshot.
    let fetch_match: Rc<dyn Fn(u64, bool)> = {
        let (gateway, alive, on_update) = (gateway.clone(), alive.clone(), on_update.clone());
        let me: Rc<std::cell::RefCell<std::rc::Weak<dyn Fn(u64, bool)>>> =
            Rc::new(std::cell::RefCell::new(std::rc::Weak::<Box<dyn Fn(u64, bool)>>::new()));
        let f: Rc<dyn Fn(u64, bool)> = {
            let me = me.clone();
            Rc::new(move |id: u64, fresh: bool| {
                let (on_update, me) = (on_update.clone(), me.clone());
                let on_answer = Rc::new(move |answer: HttpResult<MatchSnapshot>| {
                    let update = match answer {
                        HttpResult::Ok(s) if s.id == id => GamesUpdate::Match(s),
                        HttpResult::Status(s) if s >= 500 || s == 429 || s == 408 => return, // retried
                        HttpResult::Failed(_) => return,                                         // retried
                        _ => GamesUpdate::MatchFailed(id),
                    };
                    let more = on_update(update);
                    if let Some(again) = me.borrow().upgrade() {
                        more.into_iter().for_each(|id| again(id, false));
                    }
                });
                let url = format!("{}/api/matches/{id}", gateway);
                fetcher(gateway.clone(), url, alive.clone(), on_answer)(fresh);
            })
        };
        *me.borrow_mut() = Rc::downgrade(&f);
        f
    };
    let deliver = {
        let (on_update, fetch_match) = (on_update.clone(), fetch_match.clone());
        Rc::new(move |u: GamesUpdate| on_update(u).into_iter().for_each(|id| fetch_match(id, false)))
    };
    let on_list = {
        let deliver = deliver.clone();
        Rc::new(move |answer: HttpResult<MatchList>| {
            deliver(match answer {
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
            let (alive, fetch, deliver, fetch_match) = (alive.clone(), fetch.clone(), deliver.clone(), fetch_match.clone());
            conn.listen(channel, move |signal| {
                if !alive.get() {
                    return;
                }
                // The first channel decides when to backfill; the others only carry messages.
                if i == 0 && matches!(signal, ChannelSignal::Subscribed) {
                    fetch(true);
                }
                match channel_update(signal) {
                    Some(FeedUpdate::Message(m)) => deliver(GamesUpdate::Message(m)),
                    // Back to the truth without a reconnect: that game's snapshot, or the list.
                    Some(FeedUpdate::Undecodable { match_id: Some(id) }) => fetch_match(id, true),
                    Some(FeedUpdate::Undecodable { match_id: None }) => fetch(true),
                    Some(FeedUpdate::Denied { status }) if i == 0 => deliver(GamesUpdate::Denied { status }),
                    Some(FeedUpdate::Delayed(d)) if i == 0 => {
                        // Back from an outage: the list again, with what the relay caught up on.
                        if !d {
                            fetch(true);
                        }
                        deliver(GamesUpdate::Delayed(d));
                    }
                    Some(FeedUpdate::Trouble(t)) => deliver(GamesUpdate::Trouble(t)),
                    _ => {}
                }
            })
        })
        .collect();
    GamesFeed { _listeners: listeners, alive }
}
