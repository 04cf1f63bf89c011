//! The live scoreboard for one match. It renders a `MatchView` and a `Badge`; nothing else.

use super::format;
use super::badge::badge_view;
use super::labels::Labels;
use crate::store::{Availability, Badge, MatchStatus, MatchView, Side};
use leptos::prelude::*;

#[component]
pub fn Scoreboard(view: Signal<MatchView>, badge: Signal<Badge>, labels: &'static Labels) -> impl IntoView {
    // Memos, so that a score change re-runs only what shows the score: the body below is
    // rebuilt when availability changes, not on every event.
    let availability = Memo::new(move |_| view.with(|v| v.availability));
    let status = Memo::new(move |_| view.with(|v| v.state.status.clone()));
    let availability = move || availability.get();
    let status_text = move || view.with(|v| format::status_text(labels, &v.state));
    let status_class = move || status.with(|s| format!("cs-status {}", format::status_class(s)));
    let period_clock = move || {
        view.with(|v| {
            if v.state.status != MatchStatus::InProgress {
                return String::new();
            }
            let p = format::period(labels, &v.state);
            match &v.state.clock {
                Some(c) if !p.is_empty() => format!("{p} {c}"),
                Some(c) => c.clone(),
                None => p,
            }
        })
    };
    let row = move |side: Side| {
        let name = move || view.with(|v| format::team_name(labels, &v.state, side));
        let code = move || view.with(|v| format::team_code(&v.state, side).unwrap_or_default());
        let score = move || view.with(|v| format::score(&v.state, side));
        let class = move || {
            view.with(|v| {
                let scored = v.state.last_scorer == Some(side) && v.state.status == MatchStatus::InProgress;
                match (scored, v.state.last_event_id % 2) {
                    (true, 0) => "cs-team cs-scored-a",
                    (true, _) => "cs-team cs-scored-b",
                    _ => "cs-team",
                }
            })
        };
        let side_name = match side {
            Side::Home => "home",
            Side::Away => "away",
        };
        view! {
            <div class=class data-side=side_name>
                <span class="cs-code" aria-hidden="true"><bdi>{code}</bdi></span>
                <bdi class="cs-name" title=name>{name}</bdi>
                <span class="cs-score" data-score=side_name>{score}</span>
            </div>
        }
    };
    // Each name in its own isolate: a right-to-left name or a stray U+202E stays inside it.
    let last = move || {
        view.with(|v| format::last_event(labels, &v.state)).map(|e| {
            let player = e.player.map(|p| view! { ", " <bdi class="cs-player">{p}</bdi> });
            let team = e.team.map(|t| view! { " (" <bdi class="cs-last-team">{t}</bdi> ")" });
            view! { <span class="cs-what">{e.what}</span> {player} {team} }
        })
    };
    let announcement = move || view.with(|v| if v.state.is_known() { format::announcement(labels, &v.state) } else { String::new() });
    let body = move || match availability() {
        Availability::Loading => view! { <p class="cs-message">{labels.loading}</p> }.into_any(),
        Availability::UnknownMatch => view! { <p class="cs-message cs-error">{labels.unknown_match}</p> }.into_any(),
        Availability::Denied(_) => view! { <p class="cs-message cs-error">{labels.denied}</p> }.into_any(),
        Availability::Ready => view! {
            <div class="cs-teams">
                {row(Side::Home)}
                {row(Side::Away)}
            </div>
            {move || view.with(|v| v.state.last_event.is_some()).then(|| view! {
                <p class="cs-last">
                    <span class="cs-last-label">{labels.last_event}</span>
                    " "
                    <span class="cs-last-text">{last}</span>
                </p>
            })}
        }
        .into_any(),
    };
    view! {
        <section class="cs-board" lang=labels.lang data-status=move || status.with(|s| s.as_str().to_owned())>
            <header class="cs-head">
                <span class=status_class>
                    <span class="cs-dot" aria-hidden="true"></span>
                    <bdi class="cs-status-text">{status_text}</bdi>
                </span>
                <span class="cs-clock">{period_clock}</span>
                {move || view.with(|v| v.state.delayed).then(|| view! { <span class="cs-stale" role="status">{labels.stale}</span> })}
                {badge_view(badge, labels)}
            </header>
            {body}
            <div class="cs-sr" aria-live="polite" aria-atomic="true">{announcement}</div>
        </section>
    }
}
