//! The connection badge every widget shows while it is not live.

use super::labels::Labels;
use crate::store::Badge;
use leptos::prelude::*;

/// Nothing while live; "Reconnecting", "Offline" or the permanent error otherwise.
pub fn badge_view(badge: Signal<Badge>, labels: &'static Labels) -> impl IntoView {
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
