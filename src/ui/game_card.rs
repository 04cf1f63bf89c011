//! One game as a small card: status, both teams' codes and scores. Used by the ticker and
//! the competition view; it re-renders only when its own game changes.

use super::format;
use super::labels::Labels;
use crate::store::{MatchState, MatchStatus, Side};
use leptos::prelude::*;

/// The status line: "Live · Q2 05:00", "Final", "Tip-off 20:15".
pub fn status_line(labels: &Labels, m: &MatchState) -> String {
    match m.status {
        MatchStatus::InProgress => {
            let mut s = labels.live.to_owned();
            let p = format::period(labels, m.period);
            if !p.is_empty() {
                s.push_str(" · ");
                s.push_str(&p);
            }
            if let Some(c) = &m.clock {
                s.push(' ');
                s.push_str(c);
            }
            s
        }
        MatchStatus::Finished => labels.final_.to_owned(),
        _ => match &m.scheduled_at {
            Some(t) => format!("{} {}", labels.tip_off, format::local_time(t, labels.lang)),
            None => labels.scheduled.to_owned(),
        },
    }
}

#[component]
pub fn GameCard(game: Signal<MatchState>, labels: &'static Labels) -> impl IntoView {
    let row = move |side: Side| {
        let code = move || game.with(|m| format::team_code(m, side));
        let name = move || game.with(|m| format::team_name(m, side));
        let score = move || {
            game.with(|m| match side {
                Side::Home => m.home_score,
                Side::Away => m.away_score,
            })
        };
        let class = move || {
            game.with(|m| match (m.last_scorer == Some(side) && m.status == MatchStatus::InProgress, m.last_event_id % 2) {
                (true, 0) => "cs-card-team cs-scored-a",
                (true, _) => "cs-card-team cs-scored-b",
                _ => "cs-card-team",
            })
        };
        view! {
            <div class=class>
                <abbr class="cs-code" title=name>{code}</abbr>
                <span class="cs-card-score">{score}</span>
            </div>
        }
    };
    let status_class = move || match game.with(|m| m.status) {
        MatchStatus::InProgress => "cs-card-status cs-live",
        MatchStatus::Finished => "cs-card-status cs-final",
        _ => "cs-card-status",
    };
    view! {
        <article class="cs-card" data-match=move || game.with(|m| m.id.to_string())>
            <p class=status_class>
                <span class="cs-dot" aria-hidden="true"></span>
                {move || game.with(|m| status_line(labels, m))}
            </p>
            {row(Side::Home)}
            {row(Side::Away)}
        </article>
    }
}
