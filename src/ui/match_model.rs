//! One match's view model, the scoreboard's: its `MatchView` and connection badge as signals,
//! fed by the match feed. A frame goes from the feed through the store's reducer into the
//! signal, and the host page hears what changed.

use super::badge::watch_badge;
use super::host_events::{self, Scoreline};
use crate::client::connection::StateListener;
use crate::client::{follow_match, Connection, FeedUpdate, MatchFeed};
use crate::store::{Badge, MatchView};
use leptos::prelude::*;
use std::rc::Rc;
use web_sys::HtmlElement;

#[derive(Clone, Copy)]
pub struct MatchModel {
    pub view: RwSignal<MatchView>,
    pub badge: RwSignal<Badge>,
    match_id: u64,
}

impl MatchModel {
    /// A match not yet loaded, its signals owned by `owner`; `periods` is what to assume
    /// until a snapshot says.
    pub fn new(owner: &Owner, match_id: u64, periods: Option<u32>) -> MatchModel {
        let (view, badge) = owner.with(|| (RwSignal::new(MatchView::with_periods(match_id, periods)), RwSignal::new(Badge::Reconnecting)));
        MatchModel { view, badge, match_id }
    }

    /// Follow the match and the connection on `conn`; `host` receives the DOM events. Dropping
    /// both stops them.
    pub fn follow(self, conn: &Rc<Connection>, host: Option<HtmlElement>) -> (MatchFeed, StateListener) {
        let for_updates = host.clone();
        let feed = follow_match(conn, self.match_id, Rc::new(move |u| self.apply(u, for_updates.as_ref())));
        (feed, watch_badge(conn, self.badge, host))
    }

    /// One update from the feed: into the view, then to the host page what it changed.
    pub fn apply(&self, u: FeedUpdate, host: Option<&HtmlElement>) {
        let before = self.view.try_with_untracked(|v| Scoreline::of(&v.state));
        let synced = matches!(u, FeedUpdate::Snapshot(_));
        self.view.try_update(|v| match u {
            FeedUpdate::Snapshot(s) => {
                v.apply_snapshot(&s);
            }
            FeedUpdate::Message(msg) => {
                v.apply_message(&msg);
            }
            FeedUpdate::UnknownMatch => v.mark_unknown(),
            FeedUpdate::Denied { status } => v.mark_denied(status),
            FeedUpdate::Trouble(why) => web_sys::console::warn_1(&format!("courtside: {why}").into()),
            // The feed answers a bad push itself, with a fresh snapshot.
            FeedUpdate::Undecodable { .. } => {}
            FeedUpdate::Delayed(d) => v.state.delayed = d,
        });
        let after = self.view.try_with_untracked(|v| (Scoreline::of(&v.state), v.state.is_known()));
        if let (Some(host), Some(before), Some((after, known))) = (host, before, after) {
            if known {
                host_events::changes(host, self.match_id, &before, &after);
            }
            if synced {
                host_events::synced(host, self.match_id);
            }
        }
    }
}
