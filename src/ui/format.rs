//! Turning state into the short texts a scoreboard shows.

use super::labels::Labels;
use crate::store::{MatchState, Side};

/// "Q2", "OT1".
pub fn period(labels: &Labels, period: Option<u32>) -> String {
    match period {
        None | Some(0) => String::new(),
        Some(p) if p <= 4 => format!("{}{p}", labels.period),
        Some(p) => format!("{}{}", labels.overtime, p - 4),
    }
}

pub fn team_code(m: &MatchState, side: Side) -> String {
    let team = match side {
        Side::Home => m.home.as_ref(),
        Side::Away => m.away.as_ref(),
    };
    match team {
        Some(t) => t.short_name.clone().unwrap_or_else(|| t.name.chars().take(3).collect::<String>().to_uppercase()),
        None => match side {
            Side::Home => "HOME".into(),
            Side::Away => "AWAY".into(),
        },
    }
}

pub fn team_name(m: &MatchState, side: Side) -> String {
    let team = match side {
        Side::Home => m.home.as_ref(),
        Side::Away => m.away.as_ref(),
    };
    team.map(|t| t.name.clone()).unwrap_or_else(|| team_code(m, side))
}

/// "3-pointer, #88 (HCH)".
pub fn last_event(labels: &Labels, m: &MatchState) -> String {
    let Some(e) = &m.last_event else { return String::new() };
    let mut s = labels.events.describe(&e.kind).to_owned();
    if let Some(p) = e.player_id {
        s.push_str(", #");
        s.push_str(&p.to_string());
    }
    if let Some(side) = e.team_id.and_then(|t| m.side_of_team(t)) {
        s.push_str(" (");
        s.push_str(&team_code(m, side));
        s.push(')');
    }
    s
}

/// What a screen reader hears after a score change: "Score: Herons 45, Coyotes 42".
pub fn announcement(labels: &Labels, m: &MatchState) -> String {
    format!(
        "{}: {} {}, {} {}",
        labels.score_of,
        team_name(m, Side::Home),
        m.home_score,
        team_name(m, Side::Away),
        m.away_score
    )
}

/// A tip-off time in the reader's time zone and language, "20:15" or "8:15 PM".
pub fn local_time(rfc3339: &str, lang: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return String::new();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(date.to_locale_time_string_with_options(lang, &options))
}
