//! Mounting a widget into an element's shadow root, and taking everything down on removal.

use super::attributes::{labels_for, periods, positive, seconds};
use super::page::{client_settings, Interval, Mounted};
use crate::client::{self, follow_games, ClientSettings, Connection, GamesUpdate};
use crate::store::{Badge, GameList, ListChange, ListScope, MatchState};
use crate::ui::badge::watch_badge;
use crate::ui::host_events::{self, Scoreline};
use crate::ui::{CarouselState, CompetitionGrid, GamesView, Labels, MatchModel, Scoreboard, Ticker};
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// Runs `f` before the next paint.
fn request_frame(f: Rc<dyn Fn()>) {
    let cb = Closure::once_into_js(move || f());
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}

/// How many ticker cards one animation frame may patch, adapted to what patching cost: the
/// signals are set in the flush, but the DOM work happens in the effects that run right after
/// it, so the cost is read from a task queued behind them. Aims at 4–8 ms a frame, leaving
/// the rest of the frame to the page and the incoming messages.
struct FrameBudget {
    cards: Cell<usize>,
    started: Cell<f64>,
}

impl FrameBudget {
    const MIN: usize = 8;
    const MAX: usize = 4096;

    fn new() -> Self {
        FrameBudget { cards: Cell::new(64), started: Cell::new(0.0) }
    }

    fn cards(&self) -> usize {
        self.cards.get()
    }

    fn now() -> f64 {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    }

    fn start(&self) {
        self.started.set(Self::now());
    }

    /// Queues the measurement behind the effects the flush woke; `saturated`: cards were left over.
    fn measure(self: &Rc<Self>, saturated: bool) {
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let cost = Self::now() - me.started.get();
            let n = me.cards.get();
            let next = if cost > 8.0 {
                (n * 3 / 4).max(Self::MIN)
            } else if cost < 4.0 && saturated {
                (n + n / 4 + 1).min(Self::MAX)
            } else {
                n
            };
            me.cards.set(next);
        });
    }
}

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

/// Render the ticker (live scope) or a competition grid into `m.container`, fed by `conn`.
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
    let (ids, cards, badge, carousel) = owner.with(|| {
        (
            RwSignal::new(Vec::<u64>::new()),
            StoredValue::new(HashMap::<u64, RwSignal<MatchState>>::new()),
            RwSignal::new(Badge::Reconnecting),
            CarouselState { index: RwSignal::new(0), hovered: RwSignal::new(false), focused: RwSignal::new(false) },
        )
    });
    let list = Rc::new(RefCell::new(GameList::new(scope)));
    list.borrow_mut().default_periods = periods;
    // Copy the pure list into the signals once per animation frame: one card's signal for an
    // in-place change, the id list (and new or dropped cards) only when membership changes. A
    // game updated ten times within a frame is patched once; a hidden page does no DOM work.
    let pending = Rc::new(RefCell::new(PendingCards::default()));
    let budget = Rc::new(FrameBudget::new());
    // The flush, for the flush itself to ask for another frame when its budget ran out.
    let again: Rc<RefCell<Weak<dyn Fn()>>> = Rc::new(RefCell::new(Weak::<Box<dyn Fn()>>::new()));
    let flush: Rc<dyn Fn()> = {
        let (list, pending, owner, again) = (list.clone(), pending.clone(), owner.clone(), again.clone());
        Rc::new(move || {
            let mut p = std::mem::take(&mut *pending.borrow_mut());
            let list = list.borrow();
            if p.all || p.membership {
                cards.try_update_value(|c| {
                    c.retain(|id, sig| {
                        let keep = list.get(*id).is_some();
                        if !keep {
                            sig.dispose();
                        }
                        keep
                    });
                    for g in &list.matches {
                        match c.get(&g.state.id) {
                            Some(sig) => {
                                if sig.try_with_untracked(|s| *s != g.state).unwrap_or(false) {
                                    sig.try_set(g.state.clone());
                                }
                            }
                            None => {
                                let sig = owner.with(|| RwSignal::new(g.state.clone()));
                                c.insert(g.state.id, sig);
                            }
                        }
                    }
                });
                if p.membership {
                    ids.try_set(list.ids());
                }
            } else {
                // Under a flood, patch only as many cards as fit this frame's budget; the rest
                // wait for the next frame (still at most one patch per card per frame).
                let n = p.ids.len().min(budget.cards());
                let rest = p.ids.split_off(n);
                budget.start();
                for id in p.ids {
                    if let (Some(Some(sig)), Some(g)) = (cards.try_with_value(|c| c.get(&id).copied()), list.get(id)) {
                        sig.try_set(g.state.clone());
                    }
                }
                budget.measure(!rest.is_empty());
                if !rest.is_empty() {
                    let mut next = pending.borrow_mut();
                    for id in rest {
                        next.queue(id);
                    }
                    if next.needs_frame() {
                        if let Some(f) = again.borrow().upgrade() {
                            request_frame(f);
                        }
                    }
                }
            }
        })
    };
    *again.borrow_mut() = Rc::downgrade(&flush);
    let sync = {
        let (pending, flush) = (pending.clone(), flush.clone());
        move |_: &GameList, change: ListChange| {
            let mut p = pending.borrow_mut();
            match change {
                ListChange::None => return,
                ListChange::Updated(id) => p.queue(id),
                ListChange::Refreshed => p.all = true,
                ListChange::Membership => p.membership = true,
            }
            if p.needs_frame() {
                request_frame(flush.clone());
            }
        }
    };
    let sync = Rc::new(sync);
    let on_update = {
        let (list, sync, host) = (list.clone(), sync.clone(), host.clone());
        Rc::new(move |u: GamesUpdate| {
            let now = client::connection::now_ms();
            let mut l = list.borrow_mut();
            match u {
                GamesUpdate::List(body) => {
                    let change = l.apply_snapshot(&body.matches, now);
                    sync(&l, change);
                }
                GamesUpdate::Match(s) => {
                    let change = l.apply_match_snapshot(&s, now);
                    sync(&l, change);
                }
                GamesUpdate::Delayed(d) => {
                    let change = l.set_delayed(d);
                    sync(&l, change);
                }
                GamesUpdate::MatchFailed(id) => {
                    web_sys::console::warn_1(&format!("courtside: no snapshot for match {id}; its card shows pushes only").into());
                }
                GamesUpdate::Message(msg) => {
                    let id = msg.match_id();
                    let before = l.get(id).map(|g| Scoreline::of(&g.state));
                    let change = l.apply_message(&msg, now);
                    sync(&l, change);
                    if let (Some(host), Some(g)) = (&host, l.get(id)) {
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
        })
    };
    m.games = Some(follow_games(conn, scope, on_update));
    m.watcher = Some(watch_badge(conn, badge, host.clone()));
    // Finished games leave the ticker after their delay.
    if scope == ListScope::Live {
        let (list, sync) = (list.clone(), sync.clone());
        let leave_ms = u64::from(leave_s) * 1000;
        m.timers.extend(Interval::every(1000, move || {
            let mut l = list.borrow_mut();
            let change = l.remove_finished(client::connection::now_ms(), leave_ms);
            sync(&l, change);
            let len = l.matches.len();
            carousel.index.try_update(|i| *i = (*i).min(len.saturating_sub(1)));
        }));
        // Auto-advance, paused on hover, on focus and while the page is hidden.
        m.timers.extend(Interval::every(interval_s as i32 * 1000, move || {
            let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
            let paused = carousel.hovered.try_get_untracked().unwrap_or(true) || carousel.focused.try_get_untracked().unwrap_or(true);
            if !hidden && !paused {
                let len = ids.try_with_untracked(Vec::len).unwrap_or(0);
                carousel.index.try_update(|i| *i = if len == 0 { 0 } else { (*i + 1) % len });
            }
        }));
    }
    let step = Callback::new(move |delta: i32| {
        let len = ids.with_untracked(Vec::len) as i64;
        if len > 0 {
            carousel.index.update(|i| *i = (*i as i64 + i64::from(delta)).rem_euclid(len) as usize);
        }
    });
    let games = GamesView { ids, cards };
    let container = m.container();
    // Each kind mounted as its own type (no `AnyView`): the handle is boxed either way.
    m.handle = Some(owner.with(|| -> Box<dyn Any> {
        match scope {
            ListScope::Live => Box::new(leptos::mount::mount_to(container, move || {
                view! { <Ticker games=games carousel=carousel badge=badge.into() labels=labels step=step /> }
            })),
            ListScope::Competition(c) => Box::new(leptos::mount::mount_to(container, move || {
                view! { <CompetitionGrid games=games badge=badge.into() labels=labels competition=c /> }
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
            view! { <Scoreboard view=model.view badge=model.badge.into() labels=labels /> }
        })
    });
    m.handle = Some(Box::new(handle));
    m.owner = Some(owner);
}
