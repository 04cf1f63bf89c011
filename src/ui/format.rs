//! Turning state into the short texts a scoreboard shows. Nothing here guesses: a team
//! without a name is "Home"/"Away" in the reader's language, a player without a name is not
//! shown, and a status this build does not know is shown as the API wrote it.

use super::labels::Labels;
use crate::store::{MatchState, MatchStatus, Side};

/// "Q2", "H1", "OT1": quarters unless the match has two regulation periods.
pub fn period(labels: &Labels, m: &MatchState) -> String {
    let regulation = match m.periods {
        Some(2) => 2,
        _ => 4,
    };
    match m.period {
        None | Some(0) => String::new(),
        Some(p) if p <= regulation => {
            let prefix = if regulation == 2 { labels.half } else { labels.period };
            format!("{prefix}{p}")
        }
        Some(p) => format!("{}{}", labels.overtime, p - regulation),
    }
}

fn side_label(labels: &Labels, side: Side) -> &'static str {
    match side {
        Side::Home => labels.home,
        Side::Away => labels.away,
    }
}

/// A team's short code, only when a source gave one.
pub fn team_code(m: &MatchState, side: Side) -> Option<String> {
    m.team(side).and_then(|t| t.short_name.clone())
}

/// A team's full name; the short name when that is all there is; "Home"/"Away" otherwise.
pub fn team_name(labels: &Labels, m: &MatchState, side: Side) -> String {
    let team = m.team(side);
    match team.and_then(|t| t.name.as_ref().or(t.short_name.as_ref())) {
        Some(name) => name.clone(),
        None => side_label(labels, side).to_owned(),
    }
}

/// The shortest true name for a team: its code, else its name, else "Home"/"Away".
pub fn team_short(labels: &Labels, m: &MatchState, side: Side) -> String {
    team_code(m, side).unwrap_or_else(|| team_name(labels, m, side))
}

/// The class of the layer under a team's row that flashes when the team scores (its own
/// element, after the score: its class changes after the score's text, and restyles nothing
/// else). The two names alternate with the event id, so that a second score in a row
/// starts the animation again.
pub fn flash_class(scored: bool, last_event_id: u64) -> &'static str {
    match (scored, last_event_id % 2) {
        (true, 0) => "cs-flash cs-flash-a",
        (true, _) => "cs-flash cs-flash-b",
        _ => "cs-flash",
    }
}

/// A side's score; a dash before tip-off while nothing has been scored (a postponed game has
/// no 0–0 to show).
pub fn score(m: &MatchState, side: Side) -> String {
    if m.status.stage() == Some(0) && m.last_event_id == 0 && m.home_score == 0 && m.away_score == 0 {
        return "–".into();
    }
    match side {
        Side::Home => m.home_score.to_string(),
        Side::Away => m.away_score.to_string(),
    }
}

/// The last event in three parts, so that each name can be isolated for bidirectional text:
/// "3-pointer", "Jane Doe #7", "HCH".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LastEvent {
    pub what: String,
    /// The player's name (and shirt number), only when a roster names them.
    pub player: Option<String>,
    /// The team, when the event's team is one of the two playing.
    pub team: Option<String>,
}

pub fn last_event(labels: &Labels, m: &MatchState) -> Option<LastEvent> {
    let e = m.last_event.as_ref()?;
    let player = e.player_id.and_then(|id| m.player(id)).and_then(|p| {
        let name = p.name.as_ref()?;
        Some(match &p.shirt_number {
            Some(n) => format!("{name} #{n}"),
            None => name.clone(),
        })
    });
    let team = e.team_id.and_then(|t| m.side_of_team(t)).map(|side| team_short(labels, m, side));
    Some(LastEvent { what: labels.events.describe(&e.kind).to_owned(), player, team })
}

/// The last event as one line, for screen readers and host events: "3-pointer, Jane Doe #7 (HCH)".
pub fn last_event_text(labels: &Labels, m: &MatchState) -> String {
    let Some(e) = last_event(labels, m) else { return String::new() };
    let mut s = e.what;
    if let Some(p) = e.player {
        s.push_str(", ");
        s.push_str(&p);
    }
    if let Some(t) = e.team {
        s.push_str(" (");
        s.push_str(&t);
        s.push(')');
    }
    s
}

/// A status in words: the reader's language for every status this build knows, the API's
/// own text for any other. Scheduled games show their tip-off time when it is known.
pub fn status_text(labels: &Labels, m: &MatchState) -> String {
    match &m.status {
        MatchStatus::InProgress => labels.live.to_owned(),
        MatchStatus::Finished => labels.final_.to_owned(),
        MatchStatus::Scheduled => match &m.scheduled_at {
            Some(t) => {
                let time = local_time(t, labels.lang);
                if time.is_empty() {
                    labels.scheduled.to_owned()
                } else {
                    format!("{} {time}", labels.tip_off)
                }
            }
            None => labels.scheduled.to_owned(),
        },
        MatchStatus::Postponed => labels.postponed.to_owned(),
        MatchStatus::Cancelled => labels.cancelled.to_owned(),
        MatchStatus::Suspended => labels.suspended.to_owned(),
        MatchStatus::Delayed => labels.delayed.to_owned(),
        MatchStatus::Interrupted => labels.interrupted.to_owned(),
        MatchStatus::Other(raw) => raw.clone(),
    }
}

/// The class a status is drawn with.
pub fn status_class(status: &MatchStatus) -> &'static str {
    match status {
        MatchStatus::InProgress => "cs-live",
        MatchStatus::Finished => "cs-final",
        MatchStatus::Scheduled => "cs-scheduled",
        _ => "cs-halted",
    }
}

/// What a screen reader hears after a score change: "Score: Herons 45, Coyotes 42".
pub fn announcement(labels: &Labels, m: &MatchState) -> String {
    format!(
        "{}: {} {}, {} {}",
        labels.score_of,
        team_name(labels, m, Side::Home),
        m.home_score,
        team_name(labels, m, Side::Away),
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
