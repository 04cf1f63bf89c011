//! The live scoreboard for one match. It renders a `MatchView` and a `Badge`; nothing else.
//!
//! Three render effects (the head, the body, the announcement) instead of one per text and
//! attribute: each builds its part again as plain values when the match changes, and tachys
//! patches the DOM in place, touching only the texts and attributes that differ. The same DOM
//! writes as fine-grained effects, for a fraction of the code.

use super::badge::badge_view;
use super::format;
use super::labels::Labels;
use crate::store::{Availability, Badge, MatchState, MatchStatus, MatchView, Side};
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn Scoreboard(view: RwSignal<MatchView>, badge: RwSignal<Badge>, speak: RwSignal<bool>, labels: &'static Labels) -> impl IntoView {
    view! {
        <section class="cs-board" lang=labels.lang data-status=move || view.with(|v| v.state.status.as_str().to_owned())>
            <header class="cs-head">
                {move || view.with(|v| head(labels, &v.state))}
                {badge_view(badge, labels)}
            </header>
            {move || view.with(|v| body(labels, v))}
            <div class="cs-sr" aria-live="polite" aria-atomic="true">
                // Read again when the model says (at most every 2 s), not at every change.
                {move || {
                    speak.track();
                    view.with_untracked(|v| if v.state.is_known() { format::announcement(labels, &v.state) } else { String::new() })
                }}
            </div>
        </section>
    }
}

/// Status, period and clock, and the "updates delayed" flag.
fn head(labels: &'static Labels, m: &MatchState) -> impl IntoView {
    let period_clock = if m.status != MatchStatus::InProgress {
        String::new()
    } else {
        let p = format::period(labels, m);
        match &m.clock {
            Some(c) if !p.is_empty() => format!("{p} {c}"),
            Some(c) => c.clone(),
            None => p,
        }
    };
    view! {
        <span class=format!("cs-status {}", format::status_class(&m.status))>
            <span class="cs-dot" aria-hidden="true"></span>
            <bdi class="cs-status-text">{format::status_text(labels, m)}</bdi>
        </span>
        <span class="cs-clock">{period_clock}</span>
        {m.delayed.then(|| view! { <span class="cs-stale" role="status">{labels.stale}</span> })}
    }
}

/// A message until the match can be shown; then both teams and the last event.
fn body(labels: &'static Labels, v: &MatchView) -> impl IntoView {
    let (class, text) = match v.availability {
        Availability::Ready => return Either::Right(teams(labels, &v.state)),
        Availability::Loading => ("cs-message", labels.loading),
        Availability::UnknownMatch => ("cs-message cs-error", labels.unknown_match),
        Availability::Denied(_) => ("cs-message cs-error", labels.denied),
    };
    Either::Left(view! { <p class=class>{text}</p> })
}

fn teams(labels: &'static Labels, m: &MatchState) -> impl IntoView {
    let row = |side: Side| {
        let scored = m.last_scorer == Some(side) && m.status == MatchStatus::InProgress;
        let flash = format::flash_class(scored, m.last_event_id);
        let side_name = match side {
            Side::Home => "home",
            Side::Away => "away",
        };
        let name = format::team_name(labels, m, side);
        let title = name.clone();
        view! {
            <div class="cs-team" data-side=side_name>
                <span class="cs-code" aria-hidden="true"><bdi>{format::team_code(m, side).unwrap_or_default()}</bdi></span>
                <bdi class="cs-name" title=title>{name}</bdi>
                <span class="cs-score" data-score=side_name>{format::score(m, side)}</span>
                <span class=flash aria-hidden="true"></span>
            </div>
        }
    };
    // Each name in its own isolate: a right-to-left name or a stray U+202E stays inside it.
    let last = format::last_event(labels, m).map(|e| {
        let player = e.player.map(|p| view! { ", " <bdi class="cs-player">{p}</bdi> });
        let team = e.team.map(|t| view! { " (" <bdi class="cs-last-team">{t}</bdi> ")" });
        view! {
            <p class="cs-last">
                <span class="cs-last-label">{labels.last_event}</span>
                " "
                <span class="cs-last-text"><span class="cs-what">{e.what}</span> {player} {team}</span>
            </p>
        }
    });
    view! {
        <div class="cs-teams">
            {row(Side::Home)}
            {row(Side::Away)}
        </div>
        {last}
    }
}
