//! The ticker carousel and the competition grid: lists of game cards, keyed by match id so a
//! game's card updates in place and only membership changes touch the list.

use super::badge::badge_view;
use super::game_card::CardList;
use super::labels::Labels;
use crate::store::Badge;
use leptos::either::Either;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;

/// The games to show: how many cards the list shows, and whether there are any; the cards
/// themselves are `CardList`'s (shared with the model, which patches them).
#[derive(Clone, Copy)]
pub struct GamesView {
    pub count: RwSignal<usize>,
    /// Whether there are any games: set with `count` when it changes, so that the views built
    /// for "games" and for "no games" are swapped only then (a signal, not a memo: the
    /// model knows when it changes).
    pub any: RwSignal<bool>,
}

/// The list of cards, shared by the model (which shows and patches them) and the view (which
/// gives them their element).
pub type SharedCards = Rc<RefCell<CardList>>;

impl GamesView {
    /// How many games there are, read without tracking (0 once disposed).
    pub fn len_untracked(&self) -> usize {
        self.count.try_get_untracked().unwrap_or(0)
    }
}

/// A directive: the element built for the list (again, after the list was empty) receives the
/// cards.
fn holds_cards(el: web_sys::Element, cards: SharedCards) {
    cards.borrow_mut().attach(el);
}

/// A directive: the carousel's input on its region, one listener for every kind of event
/// (seven `on:` handlers, each its own instantiation, cost 1.8 KB of wasm). Hover and focus
/// pause auto-advance; the arrow keys and swipes step.
fn carousel_input(el: web_sys::Element, (carousel, games): (CarouselState, GamesView)) {
    use wasm_bindgen::{closure::Closure, JsCast};
    // Where a swipe began: a plain cell (no reactive type for it).
    let swipe = std::cell::Cell::new(None::<i32>);
    let input = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let step = |delta| carousel.step(games.len_untracked(), delta);
        // Each kind is listened to for its own event type: pointer events for the swipe.
        let x = || e.unchecked_ref::<web_sys::PointerEvent>().client_x();
        match e.type_().as_str() {
            "mouseenter" => carousel.hovered.set(true),
            "mouseleave" => carousel.hovered.set(false),
            "focusin" => carousel.focused.set(true),
            "focusout" => carousel.focused.set(false),
            "keydown" => {
                let delta = match e.unchecked_ref::<web_sys::KeyboardEvent>().key().as_str() {
                    "ArrowLeft" => -1,
                    "ArrowRight" => 1,
                    _ => return,
                };
                e.prevent_default();
                step(delta);
            }
            "pointerdown" => swipe.set(Some(x())),
            _ => {
                if let Some(x0) = swipe.take() {
                    let dx = x() - x0;
                    if dx.abs() > 40 {
                        step(if dx < 0 { 1 } else { -1 });
                    }
                }
            }
        }
    });
    for kind in ["mouseenter", "mouseleave", "focusin", "focusout", "keydown", "pointerdown", "pointerup"] {
        let _ = el.add_event_listener_with_callback(kind, input.as_ref().unchecked_ref());
    }
    // The listener lives as long as the view (its owner's cleanup drops it).
    let input = SendWrapper::new(input);
    on_cleanup(move || drop(input));
}

/// The carousel: which card leads, moved by the controls and by a timer (auto-advance).
#[derive(Clone, Copy)]
pub struct CarouselState {
    pub index: RwSignal<usize>,
    /// Hover and focus pause auto-advance.
    pub hovered: RwSignal<bool>,
    pub focused: RwSignal<bool>,
}

impl Default for CarouselState {
    fn default() -> Self {
        Self::new()
    }
}

impl CarouselState {
    /// At the first card, neither hovered nor focused (signals in the current owner).
    pub fn new() -> CarouselState {
        CarouselState { index: RwSignal::new(0), hovered: RwSignal::new(false), focused: RwSignal::new(false) }
    }

    /// `delta` cards on (or back, when negative) in a list of `len`, wrapping around.
    pub fn step(self, len: usize, delta: i32) {
        let len = len as i64;
        if len > 0 {
            self.index.try_update(|i| *i = (*i as i64 + i64::from(delta)).rem_euclid(len) as usize);
        }
    }

    /// Auto-advance: one card on, wrapping around; paused on hover, on focus and while the
    /// page is hidden.
    pub fn advance(self, len: usize) {
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        let paused = self.hovered.try_get_untracked().unwrap_or(true) || self.focused.try_get_untracked().unwrap_or(true);
        if !hidden && !paused {
            self.index.try_update(|i| *i = if len == 0 { 0 } else { (*i + 1) % len });
        }
    }

    /// Keep the index within a list of `len` (after games left it).
    pub fn clamp(self, len: usize) {
        self.index.try_update(|i| *i = (*i).min(len.saturating_sub(1)));
    }
}

#[component]
pub fn Ticker(
    games: GamesView,
    cards: SharedCards,
    carousel: CarouselState,
    badge: RwSignal<Badge>,
    labels: &'static Labels,
) -> impl IntoView {
    // One card on or back (-1, +1): the buttons, the arrow keys and swipes.
    let step = move |delta: i32| carousel.step(games.len_untracked(), delta);
    let count = move || games.count.get();
    let index = move || carousel.index.get().min(count().saturating_sub(1));
    // Set through the CSSOM (not a style attribute), which a strict style-src allows.
    let track_transform = move || format!("translateX(calc({} * (-1 * var(--cs-card-step, 212px))))", index());
    let position = move || if count() == 0 { String::new() } else { format!("{} {} {}", index() + 1, labels.slide_of, count()) };
    let any = games.any;
    // The view's closures must be `Send`; the cards stay on this thread.
    let cards = SendWrapper::new(cards);
    view! {
        <section
            class="cs-ticker"
            lang=labels.lang
            role="region"
            aria-roledescription="carousel"
            aria-label=labels.live_games
            tabindex="0"
            use:carousel_input=(carousel, games)
        >
            <header class="cs-head">
                <span class="cs-status cs-live"><span class="cs-dot" aria-hidden="true"></span>{labels.live_games}</span>
                <span class="cs-position" aria-live="polite">{position}</span>
                {badge_view(badge, labels)}
            </header>
            // Built again only when the list goes from empty to not or back (what `<Show>` did).
            {move || if any.get() {
                Either::Left(view! {
                    <div class="cs-carousel">
                        <button class="cs-nav cs-prev" type="button" aria-label=labels.previous on:click=move |_| step(-1)>"‹"</button>
                        <div class="cs-viewport">
                            <div class="cs-track" style:transform=track_transform use:holds_cards=(*cards).clone()></div>
                        </div>
                        <button class="cs-nav cs-next" type="button" aria-label=labels.next on:click=move |_| step(1)>"›"</button>
                    </div>
                })
            } else {
                Either::Right(view! { <p class="cs-message">{labels.no_games}</p> })
            }}
        </section>
    }
}

#[component]
pub fn CompetitionGrid(games: GamesView, cards: SharedCards, badge: RwSignal<Badge>, labels: &'static Labels, competition: u64) -> impl IntoView {
    let any = games.any;
    // The view's closures must be `Send`; the cards stay on this thread.
    let cards = SendWrapper::new(cards);
    view! {
        <section class="cs-competition" lang=labels.lang aria-label=format!("{} {competition}", labels.competition)>
            <header class="cs-head">
                <span class="cs-status">{format!("{} {competition}", labels.competition)}</span>
                {badge_view(badge, labels)}
            </header>
            {move || if any.get() {
                Either::Left(view! { <div class="cs-grid" use:holds_cards=(*cards).clone()></div> })
            } else {
                Either::Right(view! { <p class="cs-message">{labels.no_games}</p> })
            }}
        </section>
    }
}
