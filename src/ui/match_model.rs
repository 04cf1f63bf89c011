//! One match's view model, the scoreboard's: its `MatchView` and connection badge as signals,
//! fed by the match feed. A frame goes from the feed through the store's reducer into the
//! signal, and the host page hears what changed. Screen readers hear the score at most once
//! every [`SPEAK_EVERY_MS`]: the latest score, once the interval has passed.

use super::badge::watch_badge;
use super::host_events::{self, Scoreline};
use crate::client::connection::StateListener;
use crate::client::{follow_match, Connection, FeedUpdate, MatchFeed};
use crate::store::{Applied, Badge, MatchView, Speak, SpeechThrottle};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// The shortest time between two score announcements (see `SpeechThrottle`).
pub const SPEAK_EVERY_MS: f64 = 2_000.0;

#[derive(Clone, Copy)]
pub struct MatchModel {
    pub view: RwSignal<MatchView>,
    pub badge: RwSignal<Badge>,
    /// Flipped when the screen-reader announcement should be read again from `view`.
    pub speak: RwSignal<bool>,
    match_id: u64,
}

impl MatchModel {
    /// A match not yet loaded, its signals owned by `owner`; `periods` is what to assume
    /// until a snapshot says.
    pub fn new(owner: &Owner, match_id: u64, periods: Option<u32>) -> MatchModel {
        let (view, badge, speak) = owner.with(|| {
            (RwSignal::new(MatchView::with_periods(match_id, periods)), RwSignal::new(Badge::Reconnecting), RwSignal::new(false))
        });
        MatchModel { view, badge, speak, match_id }
    }

    /// Follow the match and the connection on `conn`; `host` receives the DOM events. Dropping
    /// both stops them.
    pub fn follow(self, conn: &Rc<Connection>, host: Option<HtmlElement>) -> (MatchFeed, StateListener) {
        let for_updates = host.clone();
        let speaking = Rc::new(Cell::new(SpeechThrottle::new(SPEAK_EVERY_MS)));
        let feed = follow_match(
            conn,
            self.match_id,
            Rc::new(move |u| {
                if self.apply(u, for_updates.as_ref()) {
                    self.announce(&speaking);
                }
            }),
        );
        (feed, watch_badge(conn, self.badge, host))
    }

    /// Have the announcement read again: now, or when the interval since the last has passed.
    fn announce(self, speaking: &Rc<Cell<SpeechThrottle>>) {
        let mut throttle = speaking.get();
        let decision = throttle.changed(js_sys::Date::now());
        speaking.set(throttle);
        let flip = move || {
            self.speak.try_update(|b| *b = !*b);
        };
        match decision {
            Speak::Now => flip(),
            Speak::Waiting => {}
            Speak::After(ms) => {
                let speaking = speaking.clone();
                let cb = wasm_bindgen::closure::Closure::once_into_js(move || {
                    let mut throttle = speaking.get();
                    throttle.spoken(js_sys::Date::now());
                    speaking.set(throttle);
                    flip();
                });
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms.ceil() as i32);
                }
            }
        }
    }

    /// One update from the feed: into the view, then to the host page what it changed.
    /// Returns whether what screen readers hear changed (the scores, or the match became known).
    pub fn apply(&self, u: FeedUpdate, host: Option<&HtmlElement>) -> bool {
        let synced = matches!(u, FeedUpdate::Snapshot(_));
        // The view's effects run only when what it shows changed: not for a duplicate, a stale
        // snapshot or a message for the console.
        let Some((before, was_known, after, known)) = self.view.try_maybe_update(|v| {
            let (before, was_known, was) = (Scoreline::of(&v.state), v.state.is_known(), v.availability);
            let changed = match u {
                FeedUpdate::Snapshot(s) => v.apply_snapshot(&s) == Applied::Changed,
                FeedUpdate::Message(msg) => v.apply_message(&msg) == Applied::Changed,
                FeedUpdate::UnknownMatch => {
                    v.mark_unknown();
                    false
                }
                FeedUpdate::Denied { status } => {
                    v.mark_denied(status);
                    false
                }
                FeedUpdate::Trouble(why) => {
                    web_sys::console::warn_1(&format!("courtside: {why}").into());
                    false
                }
                // The feed answers a bad push itself, with a fresh snapshot.
                FeedUpdate::Undecodable { .. } => false,
                FeedUpdate::Delayed(d) => std::mem::replace(&mut v.state.delayed, d) != d,
            };
            (changed || v.availability != was, (before, was_known, Scoreline::of(&v.state), v.state.is_known()))
        }) else {
            return false;
        };
        if let Some(host) = host {
            if known {
                host_events::changes(host, self.match_id, &before, &after);
            }
            if synced {
                host_events::synced(host, self.match_id);
            }
        }
        known && (!was_known || before.home != after.home || before.away != after.away)
    }
}
