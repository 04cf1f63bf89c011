//! The ticker's and the competition grid's view model: the pure `GameList`, shown on its
//! cards once per animation frame (within a budget under a flood), the carousel,
//! the connection badge, and the host-page events a push causes.

use super::badge::watch_badge;
use super::host_events::{self, Scoreline};
use super::game_card::CardList;
use super::labels::Labels;
use super::ticker::{CarouselState, GamesView, SharedCards};
use crate::client::connection::{self, StateListener};
use crate::client::{follow_games, Connection, GamesFeed, GamesUpdate};
use crate::store::{Badge, GameList, ListChange, ListScope};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// How many ticker cards one animation frame may patch, adapted to what patching cost (the
/// patches are synchronous: the cost is read right after them). Aims at 4–8 ms a frame,
/// leaving the rest of the frame to the page and the incoming messages.
struct FrameBudget {
    cards: Cell<usize>,
}

impl FrameBudget {
    const MIN: usize = 8;
    const MAX: usize = 4096;

    fn new() -> Self {
        FrameBudget { cards: Cell::new(64) }
    }

    fn cards(&self) -> usize {
        self.cards.get()
    }

    fn now() -> f64 {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    }

    /// Patching took `cost` ms; `saturated`: cards were left over for the next frame.
    fn record(&self, cost: f64, saturated: bool) {
        let n = self.cards.get();
        let next = if cost > 8.0 {
            (n * 3 / 4).max(Self::MIN)
        } else if cost < 4.0 && saturated {
            (n + n / 4 + 1).min(Self::MAX)
        } else {
            n
        };
        self.cards.set(next);
    }
}

/// How many cards a frame adds to the list's DOM (each is ~0.15 ms of building and layout).
const NEW_CARDS_PER_FRAME: usize = 48;

/// Card changes waiting for the next animation frame.
#[derive(Default)]
struct PendingCards {
    ids: Vec<u64>,
    all: bool,
    membership: bool,
    scheduled: bool,
}

impl PendingCards {
    fn queue(&mut self, id: u64) {
        if !self.ids.contains(&id) {
            self.ids.push(id);
        }
    }

    /// True the first time after a flush: the caller asks for the frame.
    fn needs_frame(&mut self) -> bool {
        !std::mem::replace(&mut self.scheduled, true)
    }
}

/// The list and what waits to be shown of it.
struct Frames {
    list: RefCell<GameList>,
    pending: RefCell<PendingCards>,
    budget: FrameBudget,
    games: GamesView,
    cards: SharedCards,
    host: Option<HtmlElement>,
}

/// Runs the flush before the next paint.
fn request_frame(frames: Rc<Frames>) {
    let cb = Closure::once_into_js(move || frames.flush());
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}

impl Frames {
    /// Note a change of the list; the first since the last flush asks for a frame.
    fn sync(self: &Rc<Self>, change: ListChange) {
        let mut p = self.pending.borrow_mut();
        match change {
            ListChange::None => return,
            ListChange::Updated(id) => p.queue(id),
            ListChange::Refreshed => p.all = true,
            ListChange::Membership => p.membership = true,
        }
        if p.needs_frame() {
            request_frame(self.clone());
        }
    }

    /// Show the pure list: one card patched for an in-place change, cards added, removed or
    /// moved only when membership changes. A game updated ten times within a frame is patched
    /// once; a hidden page does no DOM work.
    fn flush(self: &Rc<Self>) {
        let GamesView { count, any } = self.games;
        let mut p = std::mem::take(&mut *self.pending.borrow_mut());
        let list = self.list.borrow();
        let mut cards = self.cards.borrow_mut();
        // How many cards are shown of how many games, when membership changed.
        let mut membership = None;
        if p.membership {
            // New cards are built a frame's worth at a time: a first list of 300 games built
            // in one frame was a long task (50–70 ms). The list shown is a prefix of the
            // list's order, longer by up to NEW_CARDS_PER_FRAME each frame until it is whole.
            let all = list.ids();
            let shown = all.len().min(cards.len() + NEW_CARDS_PER_FRAME);
            cards.show(all[..shown].iter().filter_map(|id| list.get(*id)).map(|g| &g.state));
            membership = Some((shown, all.len()));
            if all.len() > shown {
                let mut next = self.pending.borrow_mut();
                next.membership = true;
                if next.needs_frame() {
                    request_frame(self.clone());
                }
            }
        }
        if p.all {
            // Every card shown, as it is now (a card that did not change is not written to).
            for g in &list.matches {
                cards.patch(&g.state);
            }
        } else if p.membership {
            // Cards just built show their game as it is; those kept, the changes queued.
            for id in p.ids {
                if let Some(g) = list.get(id) {
                    cards.patch(&g.state);
                }
            }
        } else {
            // Under a flood, patch only as many cards as fit this frame's budget; the rest
            // wait for the next frame (still at most one patch per card per frame).
            let n = p.ids.len().min(self.budget.cards());
            let rest = p.ids.split_off(n);
            let started = FrameBudget::now();
            for id in p.ids {
                if let Some(g) = list.get(id) {
                    cards.patch(&g.state);
                }
            }
            self.budget.record(FrameBudget::now() - started, !rest.is_empty());
            if !rest.is_empty() {
                let mut next = self.pending.borrow_mut();
                for id in rest {
                    next.queue(id);
                }
                if next.needs_frame() {
                    request_frame(self.clone());
                }
            }
        }
        // The view hears of it once the cards are free (it gives them a new element when the
        // list stops being empty).
        drop(cards);
        if let Some((shown, total)) = membership {
            if count.try_get_untracked() != Some(shown) {
                count.try_set(shown);
            }
            if any.try_get_untracked() == Some(total == 0) {
                any.try_set(total != 0);
            }
        }
    }

    /// One update from the feed: into the list (and, for a push, to the host page what it
    /// changed). Returns the games that now need their own snapshot.
    fn apply(self: &Rc<Self>, u: GamesUpdate) -> Vec<u64> {
        let now = connection::now_ms();
        let mut l = self.list.borrow_mut();
        match u {
            GamesUpdate::List(body) => self.sync(l.apply_snapshot(&body.matches, now)),
            GamesUpdate::Match(s) => self.sync(l.apply_match_snapshot(&s, now)),
            GamesUpdate::Delayed(d) => self.sync(l.set_delayed(d)),
            GamesUpdate::MatchFailed(id) => {
                web_sys::console::warn_1(&format!("courtside: no snapshot for match {id}; its card shows pushes only").into());
            }
            GamesUpdate::Message(msg) => {
                let id = msg.match_id();
                let before = l.get(id).map(|g| Scoreline::of(&g.state));
                self.sync(l.apply_message(&msg, now));
                if let (Some(host), Some(g)) = (&self.host, l.get(id)) {
                    let after = Scoreline::of(&g.state);
                    // A game new to the list: its score counts as a change, its status not.
                    let before = before.unwrap_or_else(|| Scoreline { home: 0, away: 0, status: after.status.clone() });
                    host_events::changes(host, id, &before, &after);
                }
            }
            GamesUpdate::Denied { status } => {
                web_sys::console::warn_1(&format!("courtside: the game list was refused ({status})").into());
            }
            GamesUpdate::Trouble(why) => web_sys::console::warn_1(&format!("courtside: {why}").into()),
        }
        // Games that joined through a push get their own snapshot: names, roster, clock.
        l.take_missing_snapshots(now)
    }
}

/// The games of a scope as the ticker and the grid show them.
#[derive(Clone)]
pub struct GamesModel {
    pub games: GamesView,
    pub cards: SharedCards,
    pub carousel: CarouselState,
    pub badge: RwSignal<Badge>,
    scope: ListScope,
    frames: Rc<Frames>,
}

impl GamesModel {
    /// No games yet, the signals owned by `owner`, the cards in `labels`' language; `periods` is what to assume for a game
    /// until its snapshot says. `host` receives the DOM events.
    pub fn new(owner: &Owner, scope: ListScope, periods: Option<u32>, host: Option<HtmlElement>, labels: &'static Labels) -> GamesModel {
        let (games, carousel, badge) = owner.with(|| {
            (GamesView { count: RwSignal::new(0), any: RwSignal::new(false) }, CarouselState::new(), RwSignal::new(Badge::Reconnecting))
        });
        let cards = Rc::new(RefCell::new(CardList::new(labels)));
        let mut list = GameList::new(scope);
        list.default_periods = periods;
        let frames = Rc::new(Frames {
            list: RefCell::new(list),
            pending: RefCell::new(PendingCards::default()),
            budget: FrameBudget::new(),
            games,
            cards: cards.clone(),
            host,
        });
        GamesModel { games, cards, carousel, badge, scope, frames }
    }

    /// Follow the scope's games and the connection on `conn`. Dropping both stops them.
    pub fn follow(&self, conn: &Rc<Connection>) -> (GamesFeed, StateListener) {
        let frames = self.frames.clone();
        let feed = follow_games(conn, self.scope, Rc::new(move |u| frames.apply(u)));
        (feed, watch_badge(conn, self.badge, self.frames.host.clone()))
    }

    /// Drop the games finished more than `leave_ms` ago (the ticker's timer calls this).
    pub fn remove_finished(&self, leave_ms: u64) {
        let mut l = self.frames.list.borrow_mut();
        self.frames.sync(l.remove_finished(connection::now_ms(), leave_ms));
        self.carousel.clamp(l.matches.len());
    }

    /// The ticker's auto-advance (its timer calls this).
    pub fn advance(&self) {
        self.carousel.advance(self.games.len_untracked());
    }
}
