//! The ticker carousel and the competition grid: lists of game cards, keyed by match id so a
//! game's card updates in place and only membership changes touch the list.

use super::badge::badge_view;
use super::game_card::GameCard;
use super::labels::Labels;
use crate::store::{Badge, MatchState};
use leptos::either::Either;
use leptos::prelude::*;

/// The games to show: ids in order, and each game's own signal.
#[derive(Clone, Copy)]
pub struct GamesView {
    pub ids: RwSignal<Vec<u64>>,
    pub cards: StoredValue<Cards>,
    /// Whether there are any games: set with `ids` when it changes, so that the views built
    /// for "games" and for "no games" are swapped only then (a signal, not a memo: the
    /// model knows when it changes).
    pub any: RwSignal<bool>,
}

/// Each game's card signal, by match id: a vector kept sorted by id (a few hundred games at
/// most), which puts no hash table code in the wasm for this one map.
#[derive(Default)]
pub struct Cards(Vec<(u64, RwSignal<MatchState>)>);

impl Cards {
    fn find(&self, id: u64) -> Result<usize, usize> {
        self.0.binary_search_by_key(&id, |(k, _)| *k)
    }

    pub fn get(&self, id: &u64) -> Option<&RwSignal<MatchState>> {
        self.find(*id).ok().map(|i| &self.0[i].1)
    }

    /// Add a game's signal, or replace the one it had.
    pub fn insert(&mut self, id: u64, signal: RwSignal<MatchState>) {
        match self.find(id) {
            Ok(i) => self.0[i].1 = signal,
            Err(i) => self.0.insert(i, (id, signal)),
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&u64, &mut RwSignal<MatchState>) -> bool) {
        self.0.retain_mut(|(id, signal)| keep(id, signal));
    }
}

impl FromIterator<(u64, RwSignal<MatchState>)> for Cards {
    fn from_iter<I: IntoIterator<Item = (u64, RwSignal<MatchState>)>>(items: I) -> Self {
        let mut cards = Cards::default();
        for (id, signal) in items {
            cards.insert(id, signal);
        }
        cards
    }
}

impl GamesView {
    /// How many games there are, read without tracking (0 once disposed).
    pub fn len_untracked(&self) -> usize {
        self.ids.try_with_untracked(Vec::len).unwrap_or(0)
    }

    fn card(&self, id: u64, labels: &'static Labels) -> impl IntoView {
        self.cards.with_value(|c| c.get(&id).copied()).map(|game| view! { <GameCard game=game labels=labels /> })
    }

    /// The cards in order, keyed by match id: the one list the ticker and the grid share.
    fn list(self, labels: &'static Labels) -> impl IntoView {
        view! {
            <For each=move || self.ids.get() key=|id| *id let:id>
                {self.card(id, labels)}
            </For>
        }
    }
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
    carousel: CarouselState,
    badge: RwSignal<Badge>,
    labels: &'static Labels,
) -> impl IntoView {
    // One card on or back (-1, +1): the buttons, the arrow keys and swipes.
    let step = move |delta: i32| carousel.step(games.len_untracked(), delta);
    let count = move || games.ids.with(Vec::len);
    let index = move || carousel.index.get().min(count().saturating_sub(1));
    // Set through the CSSOM (not a style attribute), which a strict style-src allows.
    let track_transform = move || format!("translateX(calc({} * (-1 * var(--cs-card-step, 212px))))", index());
    let position = move || if count() == 0 { String::new() } else { format!("{} {} {}", index() + 1, labels.slide_of, count()) };
    // Where a swipe began: a plain cell shared by the two handlers (no reactive type for it).
    let swipe_start = std::rc::Rc::new(std::cell::Cell::new(None::<i32>));
    let swipe_end = swipe_start.clone();
    let any = games.any;
    view! {
        <section
            class="cs-ticker"
            lang=labels.lang
            role="region"
            aria-roledescription="carousel"
            aria-label=labels.live_games
            tabindex="0"
            on:mouseenter=move |_| carousel.hovered.set(true)
            on:mouseleave=move |_| carousel.hovered.set(false)
            on:focusin=move |_| carousel.focused.set(true)
            on:focusout=move |_| carousel.focused.set(false)
            on:keydown=move |e: web_sys::KeyboardEvent| match e.key().as_str() {
                "ArrowLeft" => { e.prevent_default(); step(-1) }
                "ArrowRight" => { e.prevent_default(); step(1) }
                _ => {}
            }
            on:pointerdown=move |e: web_sys::PointerEvent| swipe_start.set(Some(e.client_x()))
            on:pointerup=move |e: web_sys::PointerEvent| {
                if let Some(x0) = swipe_end.take() {
                    let dx = e.client_x() - x0;
                    if dx.abs() > 40 { step(if dx < 0 { 1 } else { -1 }) }
                }
            }
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
                            <div class="cs-track" style:transform=track_transform>{games.list(labels)}</div>
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
pub fn CompetitionGrid(games: GamesView, badge: RwSignal<Badge>, labels: &'static Labels, competition: u64) -> impl IntoView {
    let any = games.any;
    view! {
        <section class="cs-competition" lang=labels.lang aria-label=format!("{} {competition}", labels.competition)>
            <header class="cs-head">
                <span class="cs-status">{format!("{} {competition}", labels.competition)}</span>
                {badge_view(badge, labels)}
            </header>
            {move || if any.get() {
                Either::Left(view! { <div class="cs-grid">{games.list(labels)}</div> })
            } else {
                Either::Right(view! { <p class="cs-message">{labels.no_games}</p> })
            }}
        </section>
    }
}
