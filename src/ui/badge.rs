//! The connection badge every widget shows while it is not live, and what keeps it current.

use super::host_events;
use super::labels::Labels;
use crate::client::connection::StateListener;
use crate::client::{Connection, ConnectionView};
use crate::protocol::ConnectionState;
use crate::store::Badge;
use leptos::prelude::*;
use std::rc::Rc;

/// Nothing while live; "Reconnecting", "Offline" or the permanent error otherwise.
pub fn badge_view(badge: RwSignal<Badge>, labels: &'static Labels) -> impl IntoView {
    move || {
        let (class, text) = match badge.get() {
            Badge::Live => return None,
            Badge::Reconnecting => ("cs-badge cs-badge-reconnecting", labels.reconnecting.to_owned()),
            Badge::Offline => ("cs-badge cs-badge-offline", labels.offline.to_owned()),
            Badge::Failed(why) => ("cs-badge cs-badge-failed", format!("{}: {why}", labels.failed)),
        };
        Some(view! { <span class=class role="status">{text}</span> })
    }
}

fn badge_of(view: &ConnectionView) -> Badge {
    match view.state {
        ConnectionState::Connected => Badge::Live,
        ConnectionState::Failed => Badge::Failed(view.error.clone().unwrap_or_default()),
        _ if !view.online => Badge::Offline,
        ConnectionState::Unavailable => Badge::Offline,
        _ => Badge::Reconnecting,
    }
}

/// Keeps `badge` on `conn`'s state (set at once), telling `host` each change
/// (`courtside:connection`). Dropping the listener stops it.
pub fn watch_badge(conn: &Rc<Connection>, badge: RwSignal<Badge>, host: Option<web_sys::HtmlElement>) -> StateListener {
    conn.watch(move |cv| {
        let b = badge_of(cv);
        if badge.try_get_untracked().as_ref() != Some(&b) {
            if let Some(host) = &host {
                host_events::connection(host, &b);
            }
            badge.try_set(b);
        }
    })
}
