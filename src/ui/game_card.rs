//! One game as a small card: status, both teams and scores. Used by the ticker and the
//! competition view; it re-renders only when its own game changes.

use super::format;
use super::labels::Labels;
use crate::store::{MatchState, MatchStatus, Side};
use leptos::prelude::*;

/// The status line: "Live · Q2 05:00", "Final", "Tip-off 20:15", "Postponed".
pub fn status_line(labels: &Labels, m: &MatchState) -> String {
    let mut s = format::status_text(labels, m);
    if m.status == MatchStatus::InProgress {
        let p = format::period(labels, m);
        if !p.is_empty() {
            s.push_str(" · ");
            s.push_str(&p);
        }
        if let Some(c) = &m.clock {
            s.push(' ');
            s.push_str(c);
        }
    }
    s
}

#[component]
pub fn GameCard(game: Signal<MatchState>, labels: &'static Labels) -> impl IntoView {
    let row = move |side: Side| {
        // The code when there is one (full name on hover and for screen readers), else the
        // name itself; either way isolated, so a right-to-left name cannot reorder the card.
        let short = move || game.with(|m| format::team_short(labels, m, side));
        let name = move || game.with(|m| format::team_name(labels, m, side));
        let score = move || game.with(|m| format::score(m, side));
        let class = move || {
            game.with(|m| match (m.last_scorer == Some(side) && m.status == MatchStatus::InProgress, m.last_event_id % 2) {
                (true, 0) => "cs-card-team cs-scored-a",
                (true, _) => "cs-card-team cs-scored-b",
                _ => "cs-card-team",
            })
        };
        view! {
            <div class=class>
                <abbr class="cs-code" title=name><bdi>{short}</bdi></abbr>
                <span class="cs-card-score">{score}</span>
            </div>
        }
    };
    let status_class = move || game.with(|m| format!("cs-card-status {}", format::status_class(&m.status)));
    view! {
        <article class="cs-card" data-match=move || game.with(|m| m.id.to_string()) data-status=move || game.with(|m| m.status.as_str().to_owned())>
            <p class=status_class>
                <span class="cs-dot" aria-hidden="true"></span>
                <bdi class="cs-card-status-text">{move || game.with(|m| status_line(labels, m))}</bdi>
                {move || game.with(|m| m.delayed).then(|| view! { <span class="cs-stale">{labels.stale}</span> })}
            </p>
            {row(Side::Home)}
            {row(Side::Away)}
        </article>
    }
}
