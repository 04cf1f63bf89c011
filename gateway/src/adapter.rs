//! The read API's answers, mapped onto the gateway's snapshot contract.
//!
//! The stats API documents its WebSocket pushes but not its read API. The gateway reads one
//! match from `STATS_API_MATCH_PATH` (default `/api/v1/matches/{id}`) and the live matches from
//! `STATS_API_LIVE_PATH` (default `/api/v1/matches?status=live`), and this module is the only
//! place that knows what those answers look like: [`adapt_match`] and [`adapt_list`] turn them
//! into `courtside::wire` types, and nothing else in the gateway looks inside the read API's JSON.
//!
//! # When your read API answers another shape
//!
//! Change this file, and only this file. Add the new key to the alias list of the field it
//! names (every list is a `&[...]` literal next to the field it fills in `read_match`,
//! `read_team`, `read_player` or `read_event`), or add a wrapper in `match_of` / `list_of`. Then
//! copy one of the tests at the bottom (`wrapped_match_with_embedded_teams` is the fullest):
//! paste a real answer as the fixture and assert the snapshot you expect. `cargo test -p
//! courtside-gateway adapter` runs them. Nothing else in the gateway needs to change.
//!
//! # Accepted shapes
//!
//! One match (`adapt_match`):
//! - Laravel's API-resource wrapping `{"data": {...match...}}` (a top-level `data` key is
//!   always read as that wrapper), or the match object itself, unwrapped.
//!
//! A list (`adapt_list`):
//! - `{"data": [...], "meta": {...}, "links": {...}}` (Laravel's paginated resource collection;
//!   `meta` and `links` are read only to notice a second page), `{"matches": [...]}`,
//!   `{"data": {"matches": [...]}}`, or a bare array.
//!
//! A match object:
//! - `id` (alias `match_id`): a JSON number or a numeric string (`16` or `"16"`). The same goes
//!   for every id (competition, teams, players, events): a whole number from 0 to 2^53 - 1.
//!   Negatives, fractions, non-numeric strings and larger numbers (the widget decodes in
//!   JavaScript, which cannot hold them exactly) are refused.
//! - `status`: a string, mapped through `MatchStatus::parse` (an unknown one is kept as sent).
//! - `home_score`, `away_score`: numbers or numeric strings in u32 range; absent or null is 0.
//! - `competition_id`, or `competition` as `{"id": 4, ...}` or as a bare id.
//! - `home_team` / `away_team` embedded as `{"id", "name", "short_name" | "abbreviation" |
//!   "code", "colour" | "color", "logo_url" | "logo"}`, or as a bare id (`"home_team": 16`),
//!   or `home_team_id` / `away_team_id` (which also supplies the id of an embedded team that
//!   has none).
//! - `current_period` (alias `period`), `current_clock` (alias `clock`), `periods` (regulation
//!   periods: 2 or 4, anything else is left out), `scheduled_at` (aliases `starts_at`,
//!   `start_time`, `tip_off_at`).
//! - `last_event` (alias `latest_event`): shaped like the push's `event` (`id`, `type` (alias
//!   `kind`), `client_id`, `team_id`, `player_id`, `period`, `clock`, `x`, `y`, `event_at`).
//! - Players from any of: a top-level `players` array, `home_team.players` /
//!   `home_team.roster` (and the same for away), `rosters: {"home": [...], "away": [...]}`.
//!   Each is `{"id" (alias `player_id`), "name" (alias `full_name`, or `first_name` +
//!   `last_name`), "shirt_number" | "number" | "jersey_number" (number or string, kept as a
//!   string: "0" and "00" differ), "team_id"}`; a roster under a team gives its players that
//!   team's id. A player listed twice is merged; at most 200 are kept.
//!
//! Values are cleaned, never trusted: names and other text lose control characters (tab and
//! line breaks become spaces) and bidi overrides, are trimmed, cut to 100 characters, and left
//! out when empty; a colour is kept only as `#rgb` or `#rrggbb` (written as lower-case
//! `#rrggbb`); a logo only as an `https://` URL with a host and no spaces, quotes, brackets or
//! backslashes; a time only as RFC 3339 with an offset (a space for the `T` and `+0000` for
//! `+00:00` are normalised; a time without an offset is left out rather than guessed).
//!
//! # The rule for bad values
//!
//! - **Required** fields are the match id and its status, and a score when one is sent (the
//!   snapshot cannot say "score unknown", and a 0 there would be a wrong score on a live card).
//!   Missing, or present with the wrong type or range, the match fails with an [`AdaptError`]
//!   naming the path (`data.status`, `data[3].id`).
//! - **Everything else is optional**: absent, null, or present but unreadable, it is left out
//!   and the match is still served. A bad value under one alias falls through to the next alias.
//!   A team, player or event without a usable id (or an event without a type) is left out whole.
//!   The `_noting` variants collect what was left out, with paths, for a site debugging its
//!   read API.
//! - **Lists** keep the good entries: an entry that fails is dropped and reported in the second
//!   half of `adapt_list`'s answer (so is a repeated match id, and a notice that the answer has
//!   more pages); the caller logs them. A non-empty list none of whose entries can be read
//!   fails whole, so that "the read API changed shape" never looks like "no live matches".
//!
//! Work is bounded: bodies over 1 MiB and lists over 2,000 entries are refused with an error,
//! JSON nesting is capped by serde_json, and no input makes these functions panic (a test feeds
//! them thousands of mutated bodies).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use courtside::wire::{MatchSnapshot, MatchStatus, Player, StatEvent, Team};
use serde_json::{Map, Value};

/// The largest answer read, in bytes.
pub const MAX_BODY: usize = 1 << 20;
/// The most entries a list may have.
pub const MAX_LIST: usize = 2_000;
/// The largest id: `Number.MAX_SAFE_INTEGER`, the last one JavaScript holds exactly.
pub const MAX_ID: u64 = (1 << 53) - 1;
/// The longest name kept, in characters.
pub const MAX_NAME: usize = 100;
/// The most players kept for one match.
pub const MAX_PLAYERS: usize = 200;
/// The path of an error about the whole answer.
pub const BODY: &str = "(body)";
/// The most left-out notes collected per call.
const MAX_NOTES: usize = 1_000;

type Obj = Map<String, Value>;

/// Why an answer (or a list entry) could not be mapped: where, and what was wrong there.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptError {
    /// A path into the answer, such as `data.home_team.id` or `data[3].status`; [`BODY`] for
    /// the answer as a whole.
    pub path: String,
    pub problem: String,
}

impl AdaptError {
    fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        AdaptError { path: path.into(), problem: problem.into() }
    }
}

impl fmt::Display for AdaptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

impl std::error::Error for AdaptError {}

// ----------------------------------------------------------------------------------------------
// Entry points
// ----------------------------------------------------------------------------------------------

/// One match, from `STATS_API_MATCH_PATH`'s answer.
pub fn adapt_match(body: &[u8]) -> Result<MatchSnapshot, AdaptError> {
    adapt_match_noting(body, &mut Vec::new())
}

/// [`adapt_match`], also pushing onto `left_out` each optional value it left out (at most
/// 1,000), with its path and why.
pub fn adapt_match_noting(body: &[u8], left_out: &mut Vec<AdaptError>) -> Result<MatchSnapshot, AdaptError> {
    let root = parse(body)?;
    let (value, base) = match_of(&root)?;
    read_match(value, base, left_out)
}

/// The live matches, from `STATS_API_LIVE_PATH`'s answer: the entries that could be read, and
/// one error per entry that could not (plus a notice when the answer has further pages). The
/// whole list fails only when the answer is not a list at all, is too large, or has entries and
/// none of them can be read.
pub fn adapt_list(body: &[u8]) -> Result<(Vec<MatchSnapshot>, Vec<AdaptError>), AdaptError> {
    adapt_list_noting(body, &mut Vec::new())
}

/// [`adapt_list`], also noting optional values left out (see [`adapt_match_noting`]).
pub fn adapt_list_noting(
    body: &[u8],
    left_out: &mut Vec<AdaptError>,
) -> Result<(Vec<MatchSnapshot>, Vec<AdaptError>), AdaptError> {
    let root = parse(body)?;
    let (entries, base) = list_of(&root)?;
    if entries.len() > MAX_LIST {
        return Err(AdaptError::new(
            here(base),
            format!("the list has {} entries; at most {MAX_LIST} are read", entries.len()),
        ));
    }
    let mut good: Vec<MatchSnapshot> = Vec::with_capacity(entries.len());
    let mut errors = Vec::new();
    let mut first_at: HashMap<u64, usize> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = item_path(base, i);
        match read_match(entry, &at, left_out) {
            Ok(m) => match first_at.get(&m.id) {
                Some(&first) => errors.push(AdaptError::new(
                    key_path(&at, "id"),
                    format!(
                        "match {} is listed twice (first at {}); this entry is dropped",
                        m.id,
                        item_path(base, first)
                    ),
                )),
                None => {
                    first_at.insert(m.id, i);
                    good.push(m);
                }
            },
            Err(e) => errors.push(e),
        }
    }
    if good.is_empty() {
        if let Some(first) = errors.first() {
            let mut whole = first.clone();
            whole.problem = format!("{}; none of the {} entries could be read", whole.problem, entries.len());
            return Err(whole);
        }
    }
    if let Value::Object(o) = &root {
        errors.extend(more_pages(o));
    }
    Ok((good, errors))
}

fn parse(body: &[u8]) -> Result<Value, AdaptError> {
    if body.len() > MAX_BODY {
        return Err(AdaptError::new(
            BODY,
            format!("the answer is {} bytes; at most {MAX_BODY} (1 MiB) are read", body.len()),
        ));
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::from_slice(body).map_err(|e| AdaptError::new(BODY, format!("not JSON: {e}")))
}

/// Where the match is in a one-match answer, and its path.
fn match_of(root: &Value) -> Result<(&Value, &'static str), AdaptError> {
    let Value::Object(o) = root else {
        return Err(AdaptError::new(BODY, format!("expected a match object, found {}", describe(root))));
    };
    if let Some(data) = o.get("data") {
        return Ok((data, "data"));
    }
    if !o.contains_key("id") && !o.contains_key("match_id") {
        if let Some(err) = said_instead(o) {
            return Err(err);
        }
    }
    Ok((root, ""))
}

/// Where the entries are in a list answer, and their path.
fn list_of(root: &Value) -> Result<(&Vec<Value>, &'static str), AdaptError> {
    let o = match root {
        Value::Array(a) => return Ok((a, "")),
        Value::Object(o) => o,
        other => return Err(AdaptError::new(BODY, format!("expected a list of matches, found {}", describe(other)))),
    };
    match o.get("data") {
        Some(Value::Array(a)) => return Ok((a, "data")),
        Some(Value::Object(inner)) => {
            return match inner.get("matches") {
                Some(Value::Array(a)) => Ok((a, "data.matches")),
                Some(other) => Err(AdaptError::new(
                    "data.matches",
                    format!("expected a list of matches, found {}", describe(other)),
                )),
                None => Err(AdaptError::new(
                    "data",
                    format!("expected a list of matches (or one under `matches`), found an object{}", keys_of(inner)),
                )),
            };
        }
        Some(other) => {
            return Err(AdaptError::new("data", format!("expected a list of matches, found {}", describe(other))))
        }
        None => {}
    }
    match o.get("matches") {
        Some(Value::Array(a)) => Ok((a, "matches")),
        Some(other) => {
            Err(AdaptError::new("matches", format!("expected a list of matches, found {}", describe(other))))
        }
        None => Err(said_instead(o).unwrap_or_else(|| {
            AdaptError::new(
                BODY,
                format!(
                    "expected a list of matches (an array, or one under `data` or `matches`), found an object{}",
                    keys_of(o)
                ),
            )
        })),
    }
}

/// A Laravel error answer (`{"message": "Unauthenticated."}`) where a match or list was due.
fn said_instead(o: &Obj) -> Option<AdaptError> {
    match o.get("message") {
        Some(Value::String(m)) => {
            Some(AdaptError::new("message", format!("no match data in the answer, which says {}", quote(m))))
        }
        _ => None,
    }
}

/// A notice when a paginated list answer has further pages, which the gateway does not read.
fn more_pages(o: &Obj) -> Option<AdaptError> {
    let advice = "the read API paginates and only this page was read; ask it for more per page \
                  (e.g. `per_page` in STATS_API_LIVE_PATH)";
    if let Some(Value::String(next)) = o.get("links").and_then(|l| l.get("next")) {
        if !next.trim().is_empty() {
            return Some(AdaptError::new("links.next", advice));
        }
    }
    let meta = o.get("meta")?;
    if let Some(Value::String(cursor)) = meta.get("next_cursor") {
        if !cursor.trim().is_empty() {
            return Some(AdaptError::new("meta.next_cursor", advice));
        }
    }
    let page = |k: &str| meta.get(k).and_then(|v| whole(v, u64::MAX).ok());
    match (page("current_page"), page("last_page")) {
        (Some(current), Some(last)) if current < last => Some(AdaptError::new("meta.last_page", advice)),
        _ => None,
    }
}

// ----------------------------------------------------------------------------------------------
// One match
// ----------------------------------------------------------------------------------------------

fn read_match(v: &Value, base: &str, notes: &mut Vec<AdaptError>) -> Result<MatchSnapshot, AdaptError> {
    let Value::Object(o) = v else {
        return Err(AdaptError::new(here(base), format!("expected a match object, found {}", describe(v))));
    };
    let (at, raw) = required(o, base, &["id", "match_id"])?;
    let id = read_id(raw).map_err(|problem| AdaptError::new(at, problem))?;
    let (at, raw) = required(o, base, &["status"])?;
    let status = read_status(raw).map_err(|problem| AdaptError::new(at, problem))?;

    let mut m = MatchSnapshot::bare(id, status);
    m.home_score = read_score(o, base, "home_score")?;
    m.away_score = read_score(o, base, "away_score")?;
    m.competition_id = read_competition(o, base, notes);
    m.home_team = read_team(o, base, "home", notes);
    m.away_team = read_team(o, base, "away", notes);
    m.current_period = optional(o, base, &["current_period", "period"], notes, read_count);
    m.current_clock = optional(o, base, &["current_clock", "clock"], notes, read_clock);
    m.periods = optional(o, base, &["periods"], notes, read_periods);
    m.scheduled_at = optional(o, base, &["scheduled_at", "starts_at", "start_time", "tip_off_at"], notes, read_time);
    for key in ["last_event", "latest_event"] {
        match o.get(key) {
            None | Some(Value::Null) => {}
            Some(e) => {
                m.last_event = read_event(e, &key_path(base, key), notes);
                if m.last_event.is_some() {
                    break;
                }
            }
        }
    }
    let home = m.home_team.as_ref().map(|t| t.id);
    let away = m.away_team.as_ref().map(|t| t.id);
    m.players = read_players(o, base, home, away, notes);
    Ok(m)
}

/// A score: 0 when absent or null; a failure when present but unreadable.
fn read_score(o: &Obj, base: &str, key: &str) -> Result<u32, AdaptError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => whole(v, u64::from(u32::MAX)).map(|n| n as u32).map_err(|why| {
            AdaptError::new(
                key_path(base, key),
                format!(
                    "expected a score (number or numeric string), found {}{}",
                    describe(v),
                    why.note(u64::from(u32::MAX))
                ),
            )
        }),
    }
}

fn read_competition(o: &Obj, base: &str, notes: &mut Vec<AdaptError>) -> Option<u64> {
    if let Some(id) = optional(o, base, &["competition_id"], notes, read_id) {
        return Some(id);
    }
    match o.get("competition") {
        Some(Value::Object(c)) => optional(c, &key_path(base, "competition"), &["id"], notes, read_id),
        _ => optional(o, base, &["competition"], notes, read_id),
    }
}

fn read_team(o: &Obj, base: &str, side: &str, notes: &mut Vec<AdaptError>) -> Option<Team> {
    let key = format!("{side}_team");
    let id_key = format!("{side}_team_id");
    let by_id = optional(o, base, &[id_key.as_str()], notes, read_id);
    match o.get(key.as_str()) {
        Some(Value::Object(t)) => {
            let at = key_path(base, &key);
            let Some(id) = optional(t, &at, &["id"], notes, read_id).or(by_id) else {
                note(notes, key_path(&at, "id"), format!("no usable id (nor `{id_key}`); the team is left out"));
                return None;
            };
            Some(Team {
                id,
                name: optional(t, &at, &["name"], notes, read_name),
                short_name: optional(t, &at, &["short_name", "abbreviation", "code"], notes, read_name),
                colour: optional(t, &at, &["colour", "color"], notes, read_colour),
                logo_url: optional(t, &at, &["logo_url", "logo"], notes, read_logo),
            })
        }
        _ => optional(o, base, &[key.as_str()], notes, read_id).or(by_id).map(|id| Team { id, ..Team::default() }),
    }
}

fn read_players(o: &Obj, base: &str, home: Option<u64>, away: Option<u64>, notes: &mut Vec<AdaptError>) -> Vec<Player> {
    let mut sources: Vec<(String, &Value, Option<u64>)> = Vec::new();
    if let Some(v) = o.get("players") {
        sources.push((key_path(base, "players"), v, None));
    }
    for (side, team) in [("home_team", home), ("away_team", away)] {
        if let Some(Value::Object(t)) = o.get(side) {
            let at = key_path(base, side);
            for key in ["players", "roster"] {
                if let Some(v) = t.get(key) {
                    sources.push((key_path(&at, key), v, team));
                }
            }
        }
    }
    match o.get("rosters") {
        None | Some(Value::Null) => {}
        Some(Value::Object(r)) => {
            let at = key_path(base, "rosters");
            for (side, team) in [("home", home), ("away", away)] {
                if let Some(v) = r.get(side) {
                    sources.push((key_path(&at, side), v, team));
                }
            }
        }
        Some(other) => note(
            notes,
            key_path(base, "rosters"),
            format!("expected an object with `home` and `away` lists, found {}", describe(other)),
        ),
    }

    let mut out: Vec<Player> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();
    for (at, v, team) in sources {
        let list = match v {
            Value::Array(a) => a,
            Value::Null => continue,
            other => {
                note(notes, at, format!("expected a list of players, found {}", describe(other)));
                continue;
            }
        };
        for (i, item) in list.iter().enumerate() {
            let Some(p) = read_player(item, &item_path(&at, i), team, notes) else { continue };
            match index.get(&p.id) {
                Some(&k) => {
                    let known = &mut out[k];
                    known.team_id = known.team_id.or(p.team_id);
                    known.name = known.name.take().or(p.name);
                    known.shirt_number = known.shirt_number.take().or(p.shirt_number);
                }
                None if out.len() >= MAX_PLAYERS => {
                    note(notes, at, format!("more than {MAX_PLAYERS} players; the rest are left out"));
                    return out;
                }
                None => {
                    index.insert(p.id, out.len());
                    out.push(p);
                }
            }
        }
    }
    out
}

fn read_player(v: &Value, at: &str, team: Option<u64>, notes: &mut Vec<AdaptError>) -> Option<Player> {
    let Value::Object(p) = v else {
        note(notes, at, format!("expected a player object, found {}; it is left out", describe(v)));
        return None;
    };
    let id = part(p, at, &["id", "player_id"], "player", notes, read_id)?;
    let name = optional(p, at, &["name", "full_name"], notes, read_name).or_else(|| {
        let first = optional(p, at, &["first_name"], notes, read_name);
        let last = optional(p, at, &["last_name"], notes, read_name);
        match (first, last) {
            (Some(f), Some(l)) => clean(&format!("{f} {l}"), MAX_NAME),
            (f, l) => f.or(l),
        }
    });
    Some(Player {
        id,
        team_id: optional(p, at, &["team_id"], notes, read_id).or(team),
        name,
        shirt_number: optional(p, at, &["shirt_number", "number", "jersey_number"], notes, read_shirt),
    })
}

fn read_event(v: &Value, at: &str, notes: &mut Vec<AdaptError>) -> Option<StatEvent> {
    let Value::Object(e) = v else {
        note(notes, at, format!("expected an event object, found {}; it is left out", describe(v)));
        return None;
    };
    let id = part(e, at, &["id"], "event", notes, read_id)?;
    let kind = part(e, at, &["type", "kind"], "event", notes, |v| read_text(v, 64))?;
    Some(StatEvent {
        id,
        client_id: optional(e, at, &["client_id"], notes, |v| read_text(v, 64)),
        kind,
        team_id: optional(e, at, &["team_id"], notes, read_id),
        player_id: optional(e, at, &["player_id"], notes, read_id),
        period: optional(e, at, &["period"], notes, read_count),
        clock: optional(e, at, &["clock"], notes, read_clock),
        x: optional(e, at, &["x"], notes, read_coordinate),
        y: optional(e, at, &["y"], notes, read_coordinate),
        event_at: optional(e, at, &["event_at"], notes, read_time),
    })
}

// ----------------------------------------------------------------------------------------------
// Finding fields
// ----------------------------------------------------------------------------------------------

/// A required field: the first of `keys` present (null counts as present, and fails).
fn required<'v>(o: &'v Obj, base: &str, keys: &[&str]) -> Result<(String, &'v Value), AdaptError> {
    for key in keys {
        if let Some(v) = o.get(*key) {
            return Ok((key_path(base, key), v));
        }
    }
    let others: Vec<String> = keys[1..].iter().map(|k| format!("`{k}`")).collect();
    let also = if others.is_empty() { String::new() } else { format!(" (and no {} either)", others.join(", ")) };
    Err(AdaptError::new(key_path(base, keys[0]), format!("missing{also}")))
}

/// An optional field: the first of `keys` whose value reads; unreadable ones are noted.
fn optional<T>(
    o: &Obj,
    base: &str,
    keys: &[&str],
    notes: &mut Vec<AdaptError>,
    read: impl Fn(&Value) -> Result<T, String>,
) -> Option<T> {
    for key in keys {
        match o.get(*key) {
            None | Some(Value::Null) => {}
            Some(v) => match read(v) {
                Ok(t) => return Some(t),
                Err(problem) => note(notes, key_path(base, key), problem),
            },
        }
    }
    None
}

/// A field without which the enclosing `what` (a player, an event) is left out.
fn part<T>(
    o: &Obj,
    base: &str,
    keys: &[&str],
    what: &str,
    notes: &mut Vec<AdaptError>,
    read: impl Fn(&Value) -> Result<T, String>,
) -> Option<T> {
    for key in keys {
        match o.get(*key) {
            None | Some(Value::Null) => {}
            Some(v) => {
                return match read(v) {
                    Ok(t) => Some(t),
                    Err(problem) => {
                        note(notes, key_path(base, key), format!("{problem}; the {what} is left out"));
                        None
                    }
                }
            }
        }
    }
    note(notes, key_path(base, keys[0]), format!("missing; the {what} is left out"));
    None
}

fn note(notes: &mut Vec<AdaptError>, path: impl Into<String>, problem: impl Into<String>) {
    if notes.len() < MAX_NOTES {
        notes.push(AdaptError::new(path, problem));
    }
}

fn key_path(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn item_path(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

/// The path of a value itself: [`BODY`] at the top.
fn here(base: &str) -> String {
    if base.is_empty() {
        BODY.to_owned()
    } else {
        base.to_owned()
    }
}

// ----------------------------------------------------------------------------------------------
// Reading values
// ----------------------------------------------------------------------------------------------

/// Why a value is not a whole number in range.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Why {
    WrongType,
    NotNumber,
    Negative,
    Fraction,
    TooLarge,
}

impl Why {
    fn note(self, max: u64) -> String {
        match self {
            Why::WrongType => String::new(),
            Why::NotNumber => " (not a number)".into(),
            Why::Negative => " (negative)".into(),
            Why::Fraction => " (not a whole number)".into(),
            Why::TooLarge if max == MAX_ID => " (beyond 2^53 - 1, more than JavaScript holds exactly)".into(),
            Why::TooLarge => format!(" (beyond {max})"),
        }
    }
}

/// A whole number in `0..=max`, from a JSON number (`16`, `16.0`) or a string of digits
/// (`"16"`, surrounding spaces allowed).
fn whole(v: &Value, max: u64) -> Result<u64, Why> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                return if u <= max { Ok(u) } else { Err(Why::TooLarge) };
            }
            if n.as_i64().is_some() {
                return Err(Why::Negative);
            }
            match n.as_f64() {
                Some(f) if f.is_nan() => Err(Why::NotNumber),
                Some(f) if f < 0.0 => Err(Why::Negative),
                Some(f) if f.fract() != 0.0 => Err(Why::Fraction),
                Some(f) if f > max as f64 => Err(Why::TooLarge),
                Some(f) => Ok(f as u64),
                None => Err(Why::NotNumber),
            }
        }
        Value::String(s) => {
            let t = s.trim();
            let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
            if digits(t) {
                let significant = t.trim_start_matches('0');
                if significant.is_empty() {
                    return Ok(0);
                }
                if significant.len() > 19 {
                    return Err(Why::TooLarge);
                }
                match significant.parse::<u64>() {
                    Ok(n) if n <= max => Ok(n),
                    _ => Err(Why::TooLarge),
                }
            } else if t.strip_prefix('-').is_some_and(digits) {
                Err(Why::Negative)
            } else {
                match t.parse::<f64>() {
                    Ok(f) if f.is_finite() && f < 0.0 => Err(Why::Negative),
                    Ok(f) if f.is_finite() && f.fract() != 0.0 => Err(Why::Fraction),
                    _ => Err(Why::NotNumber),
                }
            }
        }
        _ => Err(Why::WrongType),
    }
}

fn read_id(v: &Value) -> Result<u64, String> {
    whole(v, MAX_ID)
        .map_err(|why| format!("expected an id (number or numeric string), found {}{}", describe(v), why.note(MAX_ID)))
}

/// A period number.
fn read_count(v: &Value) -> Result<u32, String> {
    let max = u64::from(u32::MAX);
    whole(v, max).map(|n| n as u32).map_err(|why| {
        format!("expected a whole number (number or numeric string), found {}{}", describe(v), why.note(max))
    })
}

fn read_periods(v: &Value) -> Result<u32, String> {
    match read_count(v)? {
        n @ (2 | 4) => Ok(n),
        _ => Err(format!("expected 2 or 4 regulation periods, found {}", describe(v))),
    }
}

fn read_status(v: &Value) -> Result<MatchStatus, String> {
    match v {
        Value::String(s) => clean(s, MatchStatus::MAX_RAW)
            .map(|s| MatchStatus::parse(&s))
            .ok_or_else(|| format!("expected a status, found {}", describe(v))),
        _ => Err(format!("expected a status string, found {}", describe(v))),
    }
}

fn read_text(v: &Value, max: usize) -> Result<String, String> {
    match v {
        Value::String(s) => clean(s, max).ok_or_else(|| format!("empty once cleaned, found {}", describe(v))),
        _ => Err(format!("expected a string, found {}", describe(v))),
    }
}

fn read_name(v: &Value) -> Result<String, String> {
    read_text(v, MAX_NAME)
}

fn read_clock(v: &Value) -> Result<String, String> {
    read_text(v, 16)
}

/// A shirt number, kept as printed: `7` becomes "7", and "00" stays "00".
fn read_shirt(v: &Value) -> Result<String, String> {
    match v {
        Value::Number(_) => whole(v, 9_999)
            .map(|n| n.to_string())
            .map_err(|why| format!("expected a shirt number, found {}{}", describe(v), why.note(9_999))),
        _ => read_text(v, 8),
    }
}

fn read_coordinate(v: &Value) -> Result<f64, String> {
    match v.as_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(format!("expected a number, found {}", describe(v))),
    }
}

/// `#rgb` or `#rrggbb`, written as lower-case `#rrggbb`.
fn read_colour(v: &Value) -> Result<String, String> {
    let bad = || format!("expected a colour as #rgb or #rrggbb, found {}", describe(v));
    let Value::String(s) = v else { return Err(bad()) };
    let hex = s.trim().strip_prefix('#').ok_or_else(bad)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        6 => Ok(format!("#{hex}")),
        3 => Ok(hex.chars().fold(String::from("#"), |mut out, c| {
            out.push(c);
            out.push(c);
            out
        })),
        _ => Err(bad()),
    }
}

/// An `https://` URL with a host, nothing in it that could break out of an attribute or a CSS
/// `url()`, and at most 2,048 bytes.
fn read_logo(v: &Value) -> Result<String, String> {
    let bad = |what: &str| format!("expected an https:// URL{what}, found {}", describe(v));
    let Value::String(s) = v else { return Err(bad("")) };
    let t = s.trim();
    if t.len() > 2048 {
        return Err(bad(" of at most 2048 bytes"));
    }
    if !t.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://")) {
        return Err(bad(""));
    }
    let rest = &t[8..];
    if rest.split(['/', '?', '#']).next().is_none_or(str::is_empty) {
        return Err(bad(" with a host"));
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`()".contains(c)) {
        return Err(bad(" without spaces, quotes, brackets or backslashes"));
    }
    Ok(format!("https://{rest}"))
}

/// RFC 3339 with an offset: `2026-04-13T20:15:30+00:00`, `…30.000000Z`. A space for the `T`
/// and a `+0000` offset (PHP's ISO 8601) are normalised; no offset is refused, not guessed.
fn read_time(v: &Value) -> Result<String, String> {
    let bad = || format!("expected an RFC 3339 time with an offset, found {}", describe(v));
    let Value::String(s) = v else { return Err(bad()) };
    let t = s.trim();
    let b = t.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return Err(bad());
    }
    let digits = |from: usize, to: usize| b[from..to].iter().all(u8::is_ascii_digit);
    let num = |from: usize, to: usize| b[from..to].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let shape = digits(0, 4)
        && b[4] == b'-'
        && digits(5, 7)
        && b[7] == b'-'
        && digits(8, 10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11, 13)
        && b[13] == b':'
        && digits(14, 16)
        && b[16] == b':'
        && digits(17, 19);
    if !shape
        || !(1..=12).contains(&num(5, 7))
        || !(1..=31).contains(&num(8, 10))
        || num(11, 13) > 23
        || num(14, 16) > 59
        || num(17, 19) > 60
    {
        return Err(bad());
    }
    let mut out = format!("{}T{}", &t[..10], &t[11..19]);
    let mut i = 19;
    if b[i] == b'.' {
        let start = i;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start + 1 {
            return Err(bad());
        }
        out.push_str(&t[start..i]);
    }
    match &b[i..] {
        [b'Z' | b'z'] => out.push('Z'),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
                && (m1 - b'0') * 10 + (m2 - b'0') <= 59 =>
        {
            for c in [*sign, *h1, *h2, b':', *m1, *m2] {
                out.push(char::from(c));
            }
        }
        _ => return Err(bad()),
    }
    Ok(out)
}

/// Text fit to show: control characters dropped (tab and line breaks become spaces), bidi
/// overrides and isolates dropped, trimmed, cut to `max` characters; `None` when nothing is left.
fn clean(s: &str, max: usize) -> Option<String> {
    let kept: String = s
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let cut: String = kept.trim().chars().take(max).collect();
    let out = cut.trim_end();
    (!out.is_empty()).then(|| out.to_owned())
}

/// A value as an error message shows it: `true`, `-3`, `"abc"`, `an object`.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            let s = n.to_string();
            match s.get(..40) {
                Some(head) if s.len() > 40 => format!("{head}…"),
                _ => s,
            }
        }
        Value::String(s) => quote(s),
        Value::Array(a) if a.is_empty() => "an empty array".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A string for an error message: quoted, escaped, at most 40 characters.
fn quote(s: &str) -> String {
    let head: String = s.chars().take(40).collect();
    let mut out = format!("{head:?}");
    if head.len() < s.len() {
        out.push('…');
    }
    out
}

/// ` with keys `a`, `b`` for an error about an object of unexpected shape.
fn keys_of(o: &Obj) -> String {
    if o.is_empty() {
        return " with no keys".into();
    }
    let mut keys: Vec<String> = o.keys().take(8).map(|k| quote(k)).collect();
    if o.len() > 8 {
        keys.push("…".into());
    }
    format!(" with keys {}", keys.join(", "))
}

// ----------------------------------------------------------------------------------------------
// Logging failures
// ----------------------------------------------------------------------------------------------

/// Logs adapter failures at most once per minute (or the window given) per upstream path, and
/// counts the failures it kept quiet about in between: the next line logged for that path
/// carries them as `suppressed`. Shared by reference (`&self`); the clock is the `now` passed
/// in, so tests drive it.
#[derive(Debug)]
pub struct FailureLog {
    window: Duration,
    paths: Mutex<HashMap<String, Slot>>,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    logged_at: Instant,
    suppressed: u64,
}

impl Default for FailureLog {
    fn default() -> Self {
        FailureLog::new()
    }
}

impl FailureLog {
    /// One line per upstream path per minute.
    pub const WINDOW: Duration = Duration::from_secs(60);
    /// Paths tracked one by one; beyond this (match paths carry ids), the rest share one slot.
    pub const MAX_PATHS: usize = 1_024;
    const OVERFLOW: &'static str = "(other paths)";

    pub fn new() -> Self {
        FailureLog::with_window(Self::WINDOW)
    }

    pub fn with_window(window: Duration) -> Self {
        FailureLog { window, paths: Mutex::new(HashMap::new()) }
    }

    /// Log `err` for `upstream_path` unless a line for that path went out less than a window
    /// before `now`. Returns `Some(suppressed)` (the failures kept quiet since that path's last
    /// line) when it logged, `None` when it kept quiet.
    pub fn record(&self, upstream_path: &str, err: &AdaptError, now: Instant) -> Option<u64> {
        let mut paths = self.paths.lock().unwrap_or_else(PoisonError::into_inner);
        if !paths.contains_key(upstream_path) && paths.len() >= Self::MAX_PATHS {
            let window = self.window;
            paths.retain(|_, slot| now.saturating_duration_since(slot.logged_at) < window);
        }
        let key = if paths.contains_key(upstream_path) || paths.len() < Self::MAX_PATHS {
            upstream_path
        } else {
            Self::OVERFLOW
        };
        let suppressed = match paths.get_mut(key) {
            Some(slot) if now.saturating_duration_since(slot.logged_at) < self.window => {
                slot.suppressed += 1;
                return None;
            }
            Some(slot) => std::mem::replace(slot, Slot { logged_at: now, suppressed: 0 }).suppressed,
            None => {
                paths.insert(key.to_owned(), Slot { logged_at: now, suppressed: 0 });
                0
            }
        };
        drop(paths);
        tracing::warn!(
            upstream_path,
            field = %err.path,
            problem = %err.problem,
            suppressed,
            "read API answer could not be mapped"
        );
        Some(suppressed)
    }
}

// ----------------------------------------------------------------------------------------------
// Tests
// ----------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bytes(v: Value) -> Vec<u8> {
        serde_json::to_vec(&v).unwrap()
    }

    fn one(v: Value) -> MatchSnapshot {
        adapt_match(&bytes(v)).unwrap()
    }

    fn fails(v: Value) -> String {
        adapt_match(&bytes(v)).unwrap_err().to_string()
    }

    /// The snapshot and what was left out, as `path: problem` lines.
    fn noting(v: Value) -> (MatchSnapshot, Vec<String>) {
        let mut notes = Vec::new();
        let m = adapt_match_noting(&bytes(v), &mut notes).unwrap();
        (m, notes.iter().map(ToString::to_string).collect())
    }

    fn team(id: u64) -> Team {
        Team { id, ..Team::default() }
    }

    /// A match as a Laravel API resource might send it, every field filled.
    fn full_match() -> Value {
        json!({
            "id": 123,
            "competition_id": 4,
            "status": "in_progress",
            "home_team": {"id": 16, "name": "Cedevita Olimpija", "short_name": "CO", "colour": "#00A651",
                          "logo_url": "https://cdn.example.com/t/16.png"},
            "away_team": {"id": 17, "name": "Krka", "short_name": "KRK"},
            "home_score": 45,
            "away_score": 42,
            "current_period": 2,
            "current_clock": "07:23",
            "periods": 4,
            "scheduled_at": "2026-04-13T19:00:00+00:00",
            "last_event": {"id": 9871, "client_id": "7b2a-uuid", "type": "3pt_made", "team_id": 16,
                           "player_id": 88, "period": 2, "clock": "07:23", "x": 42.5, "y": 18.2,
                           "event_at": "2026-04-13T20:15:30+00:00"},
            "players": [{"id": 88, "name": "Jan Novak", "shirt_number": "7", "team_id": 16}],
            "venue": "Stožice",
            "created_at": "2026-01-01T00:00:00.000000Z"
        })
    }

    fn full_snapshot() -> MatchSnapshot {
        MatchSnapshot {
            version: None,
            id: 123,
            competition_id: Some(4),
            status: MatchStatus::InProgress,
            home_team: Some(Team {
                id: 16,
                name: Some("Cedevita Olimpija".into()),
                short_name: Some("CO".into()),
                colour: Some("#00a651".into()),
                logo_url: Some("https://cdn.example.com/t/16.png".into()),
            }),
            away_team: Some(Team {
                id: 17,
                name: Some("Krka".into()),
                short_name: Some("KRK".into()),
                ..Team::default()
            }),
            home_score: 45,
            away_score: 42,
            current_period: Some(2),
            current_clock: Some("07:23".into()),
            periods: Some(4),
            scheduled_at: Some("2026-04-13T19:00:00+00:00".into()),
            last_event: Some(StatEvent {
                id: 9871,
                client_id: Some("7b2a-uuid".into()),
                kind: "3pt_made".into(),
                team_id: Some(16),
                player_id: Some(88),
                period: Some(2),
                clock: Some("07:23".into()),
                x: Some(42.5),
                y: Some(18.2),
                event_at: Some("2026-04-13T20:15:30+00:00".into()),
            }),
            players: vec![Player {
                id: 88,
                team_id: Some(16),
                name: Some("Jan Novak".into()),
                shirt_number: Some("7".into()),
            }],
            delayed: false,
        }
    }

    // --- one match: wrappers -----------------------------------------------------------------

    #[test]
    fn wrapped_match_with_embedded_teams() {
        let (m, notes) = noting(json!({ "data": full_match() }));
        assert_eq!(m, full_snapshot());
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn unwrapped_match() {
        assert_eq!(one(full_match()), full_snapshot());
    }

    #[test]
    fn minimal_match_needs_only_id_and_status() {
        assert_eq!(one(json!({"id": 5, "status": "scheduled"})), MatchSnapshot::bare(5, MatchStatus::Scheduled));
        let m = one(json!({"data": {"id": 5, "status": "scheduled", "home_score": null, "away_score": null}}));
        assert_eq!((m.home_score, m.away_score), (0, 0));
    }

    #[test]
    fn match_id_alias_and_unknown_status_kept() {
        let m = one(json!({"match_id": 9, "status": "  half_time "}));
        assert_eq!((m.id, m.status), (9, MatchStatus::Other("half_time".into())));
        assert_eq!(one(json!({"id": 9, "status": "canceled"})).status, MatchStatus::Cancelled);
    }

    #[test]
    fn ids_and_scores_as_numeric_strings() {
        let m = one(json!({"data": {"id": "123", "status": "finished", "competition_id": "4",
            "home_team": {"id": "16"}, "away_team_id": " 17 ", "home_score": "89", "away_score": "084",
            "current_period": "4", "periods": "4"}}));
        assert_eq!(m.id, 123);
        assert_eq!(m.competition_id, Some(4));
        assert_eq!(m.home_team, Some(team(16)));
        assert_eq!(m.away_team, Some(team(17)));
        assert_eq!((m.home_score, m.away_score), (89, 84));
        assert_eq!((m.current_period, m.periods), (Some(4), Some(4)));
        // A whole number written as a float is still whole.
        assert_eq!(one(json!({"id": 16.0, "status": "scheduled"})).id, 16);
        assert_eq!(one(json!({"id": MAX_ID, "status": "scheduled"})).id, MAX_ID);
        assert_eq!(one(json!({"id": 0, "status": "scheduled"})).id, 0);
    }

    // --- one match: required fields ------------------------------------------------------------

    #[test]
    fn bad_match_ids_fail_with_their_path() {
        let id = |v: Value| fails(json!({"data": {"id": v, "status": "finished"}}));
        let pre = "data.id: expected an id (number or numeric string), found";
        assert_eq!(id(json!(true)), format!("{pre} true"));
        assert_eq!(id(json!(null)), format!("{pre} null"));
        assert_eq!(id(json!(-3)), format!("{pre} -3 (negative)"));
        assert_eq!(id(json!("-3")), format!("{pre} \"-3\" (negative)"));
        assert_eq!(id(json!(1.5)), format!("{pre} 1.5 (not a whole number)"));
        assert_eq!(id(json!("1.5")), format!("{pre} \"1.5\" (not a whole number)"));
        assert_eq!(id(json!("16a")), format!("{pre} \"16a\" (not a number)"));
        assert_eq!(id(json!("+16")), format!("{pre} \"+16\" (not a number)"));
        assert_eq!(id(json!("1e3")), format!("{pre} \"1e3\" (not a number)"));
        assert_eq!(id(json!("")), format!("{pre} \"\" (not a number)"));
        assert_eq!(id(json!({"id": 3})), format!("{pre} an object"));
        assert_eq!(id(json!([3])), format!("{pre} an array"));
        let js = " (beyond 2^53 - 1, more than JavaScript holds exactly)";
        assert_eq!(id(json!(MAX_ID + 2)), format!("{pre} 9007199254740993{js}"));
        assert_eq!(id(json!("9007199254740992")), format!("{pre} \"9007199254740992\"{js}"));
        assert_eq!(id(json!("99999999999999999999999")), format!("{pre} \"99999999999999999999999\"{js}"));
        assert_eq!(id(json!(1e300)), format!("{pre} 1e+300{js}"));
        assert_eq!(fails(json!({"data": {"status": "finished"}})), "data.id: missing (and no `match_id` either)");
        assert_eq!(fails(json!({"status": "finished"})), "id: missing (and no `match_id` either)");
    }

    #[test]
    fn bad_status_fails_with_its_path() {
        assert_eq!(fails(json!({"data": {"id": 1}})), "data.status: missing");
        assert_eq!(fails(json!({"data": {"id": 1, "status": 2}})), "data.status: expected a status string, found 2");
        assert_eq!(
            fails(json!({"data": {"id": 1, "status": null}})),
            "data.status: expected a status string, found null"
        );
        assert_eq!(
            fails(json!({"data": {"id": 1, "status": " \n"}})),
            "data.status: expected a status, found \" \\n\""
        );
    }

    #[test]
    fn bad_scores_fail_with_their_path() {
        let score =
            |v: Value| fails(json!({"data": {"id": 1, "status": "in_progress", "home_score": 3, "away_score": v}}));
        let pre = "data.away_score: expected a score (number or numeric string), found";
        assert_eq!(score(json!("abc")), format!("{pre} \"abc\" (not a number)"));
        assert_eq!(score(json!(-1)), format!("{pre} -1 (negative)"));
        assert_eq!(score(json!(4294967296u64)), format!("{pre} 4294967296 (beyond 4294967295)"));
        assert_eq!(score(json!(1.5)), format!("{pre} 1.5 (not a whole number)"));
        assert_eq!(score(json!(false)), format!("{pre} false"));
        assert_eq!(one(json!({"id": 1, "status": "x", "home_score": 4294967295u64})).home_score, u32::MAX);
    }

    #[test]
    fn not_a_match_object() {
        assert_eq!(fails(json!({"data": null})), "data: expected a match object, found null");
        assert_eq!(fails(json!({"data": [1]})), "data: expected a match object, found an array");
        assert_eq!(fails(json!([{"id": 1, "status": "x"}])), "(body): expected a match object, found an array");
        assert_eq!(fails(json!("x")), "(body): expected a match object, found \"x\"");
        assert_eq!(
            fails(json!({"message": "Unauthenticated."})),
            "message: no match data in the answer, which says \"Unauthenticated.\""
        );
    }

    #[test]
    fn bodies_that_are_not_json_or_too_large() {
        let e = adapt_match(b"").unwrap_err();
        assert_eq!(e.path, BODY);
        assert!(e.problem.starts_with("not JSON: EOF"), "{e}");
        assert!(adapt_match(b"<html>502 Bad Gateway</html>").unwrap_err().problem.starts_with("not JSON"));
        // A UTF-8 byte-order mark, as PHP sometimes sends one, is skipped.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(bytes(json!({"id": 1, "status": "scheduled"})));
        assert_eq!(adapt_match(&bom).unwrap().id, 1);
        // Exactly 1 MiB is read; one byte more is not.
        let mut big = bytes(json!({"id": 1, "status": "scheduled", "pad": ""}));
        let pad = MAX_BODY - big.len();
        big.splice(big.len() - 2..big.len() - 2, std::iter::repeat_n(b'x', pad));
        assert_eq!(big.len(), MAX_BODY);
        assert_eq!(adapt_match(&big).unwrap().id, 1);
        big.insert(big.len() - 2, b'x');
        assert_eq!(
            adapt_match(&big).unwrap_err().to_string(),
            "(body): the answer is 1048577 bytes; at most 1048576 (1 MiB) are read"
        );
        assert_eq!(adapt_list(&big).unwrap_err().path, BODY);
        // Nesting deep enough to exhaust a stack is an error, not a crash.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(adapt_match(deep.as_bytes()).unwrap_err().problem.starts_with("not JSON"));
        assert!(adapt_list(deep.as_bytes()).is_err());
    }

    // --- teams -----------------------------------------------------------------------------------

    #[test]
    fn teams_as_ids_only() {
        let m = one(json!({"id": 1, "status": "scheduled", "home_team_id": 16, "away_team_id": "17"}));
        assert_eq!((m.home_team, m.away_team), (Some(team(16)), Some(team(17))));
        let m = one(json!({"id": 1, "status": "scheduled", "home_team": 16, "away_team": "17"}));
        assert_eq!((m.home_team, m.away_team), (Some(team(16)), Some(team(17))));
        // An embedded team without an id takes it from `home_team_id`.
        let m = one(json!({"id": 1, "status": "scheduled", "home_team_id": 16, "home_team": {"name": "Krka"}}));
        assert_eq!(m.home_team, Some(Team { id: 16, name: Some("Krka".into()), ..Team::default() }));
    }

    #[test]
    fn team_field_aliases() {
        let m = one(json!({"id": 1, "status": "scheduled",
            "home_team": {"id": 16, "abbreviation": "CO", "color": "#0a5", "logo": "HTTPS://cdn.example.com/16.svg"},
            "away_team": {"id": 17, "code": "KRK", "colour": "#ABCDEF", "logo_url": "https://x.example/17.png?v=2"}}));
        assert_eq!(
            m.home_team,
            Some(Team {
                id: 16,
                name: None,
                short_name: Some("CO".into()),
                colour: Some("#00aa55".into()),
                logo_url: Some("https://cdn.example.com/16.svg".into()),
            })
        );
        assert_eq!(
            m.away_team,
            Some(Team {
                id: 17,
                name: None,
                short_name: Some("KRK".into()),
                colour: Some("#abcdef".into()),
                logo_url: Some("https://x.example/17.png?v=2".into()),
            })
        );
        // `short_name` wins over its aliases, and an unusable one falls through to the next.
        let m = one(json!({"id": 1, "status": "x", "home_team": {"id": 1, "short_name": "A", "abbreviation": "B"},
            "away_team": {"id": 2, "short_name": " ", "abbreviation": "B"}}));
        assert_eq!(m.home_team.unwrap().short_name.as_deref(), Some("A"));
        assert_eq!(m.away_team.unwrap().short_name.as_deref(), Some("B"));
    }

    #[test]
    fn bad_team_values_are_left_out_not_fatal() {
        let (m, notes) = noting(json!({"data": {"id": 1, "status": "scheduled",
            "home_team": {"id": true, "name": "A"},
            "away_team": {"id": 17, "name": 5, "short_name": ["K"], "colour": "red", "logo_url": "http://x.example/l.png"}}}));
        assert_eq!(m.home_team, None);
        assert_eq!(m.away_team, Some(team(17)));
        assert_eq!(
            notes,
            [
                "data.home_team.id: expected an id (number or numeric string), found true",
                "data.home_team.id: no usable id (nor `home_team_id`); the team is left out",
                "data.away_team.name: expected a string, found 5",
                "data.away_team.short_name: expected a string, found an array",
                "data.away_team.colour: expected a colour as #rgb or #rrggbb, found \"red\"",
                "data.away_team.logo_url: expected an https:// URL, found \"http://x.example/l.png\"",
            ]
        );
        let (m, notes) = noting(json!({"id": 1, "status": "x", "home_team": false, "away_team_id": -2}));
        assert_eq!((m.home_team, m.away_team), (None, None));
        assert_eq!(
            notes,
            [
                "home_team: expected an id (number or numeric string), found false",
                "away_team_id: expected an id (number or numeric string), found -2 (negative)",
            ]
        );
    }

    #[test]
    fn colours_and_logos() {
        let colour = |c: &str| read_colour(&json!(c)).ok();
        assert_eq!(colour("#FfF"), Some("#ffffff".into()));
        assert_eq!(colour(" #123456 "), Some("#123456".into()));
        for bad in ["123456", "#12345", "#1234567", "#ggg", "#", "rgb(1,2,3)", "#12 456", "#ééé"] {
            assert_eq!(colour(bad), None, "{bad}");
        }
        let logo = |l: &str| read_logo(&json!(l)).ok();
        assert_eq!(logo("https://a.example/x.png"), Some("https://a.example/x.png".into()));
        for bad in [
            "http://a.example/x.png",
            "//a.example/x.png",
            "javascript:alert(1)",
            "https://",
            "https:///x.png",
            "https://a.example/x y.png",
            "https://a.example/x\".png",
            "https://a.example/x).png",
            "https://a.example/<x>.png",
            "data:image/png;base64,AAAA",
            "httpsé//x",
        ] {
            assert_eq!(logo(bad), None, "{bad}");
        }
        assert_eq!(logo(&format!("https://a.example/{}", "x".repeat(2100))), None);
        assert_eq!(read_logo(&json!(5)).unwrap_err(), "expected an https:// URL, found 5");
    }

    #[test]
    fn names_are_cleaned() {
        let name = |s: &str| read_name(&json!(s)).ok();
        assert_eq!(name("  Krka  "), Some("Krka".into()));
        assert_eq!(name("Cedevita\nOlimpija"), Some("Cedevita Olimpija".into()));
        assert_eq!(name("Kr\u{0}k\u{7}a\u{1b}[31m"), Some("Krka[31m".into()));
        assert_eq!(name("\u{202E}akrK"), Some("akrK".into()));
        assert_eq!(name(" \t\u{0} "), None);
        assert_eq!(name(""), None);
        let long = "ž".repeat(150);
        assert_eq!(name(&long).unwrap().chars().count(), MAX_NAME);
        // A cut that ends in a space does not keep it.
        let spaced = format!("{} b", "a".repeat(99));
        assert_eq!(name(&spaced), Some("a".repeat(99)));
    }

    // --- other optional fields ---------------------------------------------------------------

    #[test]
    fn competition_as_id_or_object() {
        let c = |v: Value| one(json!({"id": 1, "status": "x", "competition": v})).competition_id;
        assert_eq!(c(json!({"id": 4, "name": "Liga"})), Some(4));
        assert_eq!(c(json!({"id": "4"})), Some(4));
        assert_eq!(c(json!(4)), Some(4));
        assert_eq!(c(json!({"name": "Liga"})), None);
        let (m, notes) = noting(json!({"id": 1, "status": "x", "competition_id": "x", "competition": {"id": 5}}));
        assert_eq!(m.competition_id, Some(5));
        assert_eq!(notes, ["competition_id: expected an id (number or numeric string), found \"x\" (not a number)"]);
    }

    #[test]
    fn period_clock_and_time_aliases() {
        let m = one(
            json!({"id": 1, "status": "in_progress", "period": 3, "clock": "01:02", "starts_at": "2026-04-13 19:00:00+0000"}),
        );
        assert_eq!(m.current_period, Some(3));
        assert_eq!(m.current_clock.as_deref(), Some("01:02"));
        assert_eq!(m.scheduled_at.as_deref(), Some("2026-04-13T19:00:00+00:00"));
        for key in ["scheduled_at", "starts_at", "start_time", "tip_off_at"] {
            let m = one(json!({"id": 1, "status": "x", key: "2026-04-13T19:00:00.000000Z"}));
            assert_eq!(m.scheduled_at.as_deref(), Some("2026-04-13T19:00:00.000000Z"), "{key}");
        }
        // The canonical name wins over its alias.
        let m =
            one(json!({"id": 1, "status": "x", "current_period": 2, "period": 3, "current_clock": "a", "clock": "b"}));
        assert_eq!((m.current_period, m.current_clock.as_deref()), (Some(2), Some("a")));
    }

    #[test]
    fn times() {
        let t = |s: &str| read_time(&json!(s)).ok();
        assert_eq!(t("2026-04-13T20:15:30+02:00").as_deref(), Some("2026-04-13T20:15:30+02:00"));
        assert_eq!(t("2026-04-13t20:15:30z").as_deref(), Some("2026-04-13T20:15:30Z"));
        assert_eq!(t("2026-04-13 20:15:30.5-0130").as_deref(), Some("2026-04-13T20:15:30.5-01:30"));
        for bad in [
            "2026-04-13 20:15:30",
            "2026-04-13T20:15:30",
            "2026-04-13",
            "2026-13-13T20:15:30Z",
            "2026-04-13T24:15:30Z",
            "2026-04-13T20:15:30.Z",
            "2026-04-13T20:15:30+2400",
            "2026-04-13T20:15:30+02:00x",
            "13.04.2026 20:15:30 +02:00",
            "2026-04-13T20:15:30+02:0é",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
        assert!(read_time(&json!(1776107730)).is_err());
    }

    #[test]
    fn periods_are_two_or_four() {
        let p = |v: Value| one(json!({"id": 1, "status": "x", "periods": v})).periods;
        assert_eq!(p(json!(2)), Some(2));
        assert_eq!(p(json!(4)), Some(4));
        assert_eq!(p(json!("2")), Some(2));
        for bad in [json!(3), json!(0), json!(8), json!(-4), json!([1, 2, 3, 4]), json!("quarters")] {
            assert_eq!(p(bad.clone()), None, "{bad}");
        }
        let (_, notes) = noting(json!({"id": 1, "status": "x", "periods": 3}));
        assert_eq!(notes, ["periods: expected 2 or 4 regulation periods, found 3"]);
    }

    #[test]
    fn wrong_types_in_optional_fields_are_dropped_not_fatal() {
        for key in [
            "competition_id",
            "competition",
            "home_team",
            "away_team",
            "home_team_id",
            "current_period",
            "period",
            "current_clock",
            "clock",
            "periods",
            "scheduled_at",
            "starts_at",
            "last_event",
            "latest_event",
            "players",
            "rosters",
        ] {
            for odd in [json!(true), json!({"x": 1}), json!([{"y": {}}]), json!(-1.5), json!(""), json!(" \u{0} ")] {
                let body = json!({"data": {"id": 7, "status": "finished", "home_score": 1, key: odd}});
                let m = adapt_match(&bytes(body)).unwrap_or_else(|e| panic!("{key} = {odd}: {e}"));
                assert_eq!((m.id, m.home_score), (7, 1));
                assert_eq!(m.competition_id, None, "{key} = {odd}");
                assert_eq!((&m.home_team, &m.away_team), (&None, &None), "{key} = {odd}");
                assert_eq!((m.current_period, &m.current_clock, m.periods), (None, &None, None), "{key} = {odd}");
                assert_eq!((&m.scheduled_at, &m.last_event), (&None, &None), "{key} = {odd}");
                assert!(m.players.is_empty(), "{key} = {odd}");
            }
        }
    }

    // --- last event ----------------------------------------------------------------------------

    #[test]
    fn last_event_and_its_alias() {
        let ev = json!({"id": "5", "kind": "foul", "team_id": "16", "player_id": 88, "period": "1", "x": 1, "y": 2.5});
        let m = one(json!({"id": 1, "status": "in_progress", "latest_event": ev}));
        assert_eq!(
            m.last_event,
            Some(StatEvent {
                id: 5,
                client_id: None,
                kind: "foul".into(),
                team_id: Some(16),
                player_id: Some(88),
                period: Some(1),
                clock: None,
                x: Some(1.0),
                y: Some(2.5),
                event_at: None,
            })
        );
    }

    #[test]
    fn bad_events_are_left_out() {
        let (m, notes) = noting(json!({"id": 1, "status": "x", "last_event": {"id": -1, "type": "foul"}}));
        assert_eq!(m.last_event, None);
        assert_eq!(
            notes,
            ["last_event.id: expected an id (number or numeric string), found -1 (negative); the event is left out"]
        );
        let (m, notes) =
            noting(json!({"id": 1, "status": "x", "last_event": {"id": 1}, "latest_event": {"id": 2, "type": "foul"}}));
        assert_eq!(m.last_event.map(|e| e.id), Some(2));
        assert_eq!(notes, ["last_event.type: missing; the event is left out"]);
        // Bad optional parts of an event are dropped one by one.
        let (m, notes) =
            noting(json!({"id": 1, "status": "x", "last_event": {"id": 1, "type": "foul", "player_id": "p88",
            "x": "1", "event_at": "yesterday"}}));
        let e = m.last_event.unwrap();
        assert_eq!((e.player_id, e.x, e.event_at), (None, None, None));
        assert_eq!(
            notes,
            [
                "last_event.player_id: expected an id (number or numeric string), found \"p88\" (not a number)",
                "last_event.x: expected a number, found \"1\"",
                "last_event.event_at: expected an RFC 3339 time with an offset, found \"yesterday\"",
            ]
        );
    }

    // --- players -------------------------------------------------------------------------------

    #[test]
    fn players_top_level_with_shirt_aliases() {
        let m = one(json!({"id": 1, "status": "x", "players": [
            {"id": 1, "name": "A", "shirt_number": 7, "team_id": 16},
            {"id": "2", "full_name": "B", "number": "00", "team_id": "17"},
            {"player_id": 3, "first_name": " Jan ", "last_name": "Novak", "jersey_number": "0"},
            {"id": 4, "last_name": "Solo", "jersey_number": 23}
        ]}));
        assert_eq!(
            m.players,
            [
                Player { id: 1, team_id: Some(16), name: Some("A".into()), shirt_number: Some("7".into()) },
                Player { id: 2, team_id: Some(17), name: Some("B".into()), shirt_number: Some("00".into()) },
                Player { id: 3, team_id: None, name: Some("Jan Novak".into()), shirt_number: Some("0".into()) },
                Player { id: 4, team_id: None, name: Some("Solo".into()), shirt_number: Some("23".into()) },
            ]
        );
    }

    #[test]
    fn players_from_team_rosters() {
        let m = one(json!({"data": {"id": 1, "status": "x",
            "home_team": {"id": 16, "players": [{"id": 1, "name": "A"}]},
            "away_team": {"id": 17, "roster": [{"id": 2, "name": "B", "team_id": 99}]}}}));
        assert_eq!(
            m.players,
            [
                Player { id: 1, team_id: Some(16), name: Some("A".into()), shirt_number: None },
                Player { id: 2, team_id: Some(99), name: Some("B".into()), shirt_number: None },
            ]
        );
        let m = one(json!({"id": 1, "status": "x", "home_team_id": 16, "away_team_id": 17,
            "rosters": {"home": [{"id": 1}], "away": [{"id": 2, "number": 5}]}}));
        assert_eq!(
            m.players,
            [
                Player { id: 1, team_id: Some(16), name: None, shirt_number: None },
                Player { id: 2, team_id: Some(17), name: None, shirt_number: Some("5".into()) },
            ]
        );
    }

    #[test]
    fn players_merged_capped_and_bad_ones_left_out() {
        let (m, notes) = noting(json!({"id": 1, "status": "x",
            "players": [{"id": 1, "name": "A"}, {"id": 1.5}, "x", {"name": "no id"}],
            "home_team": {"id": 16, "players": [{"id": 1, "shirt_number": "9"}]}}));
        assert_eq!(
            m.players,
            [Player { id: 1, team_id: Some(16), name: Some("A".into()), shirt_number: Some("9".into()) }]
        );
        assert_eq!(
            notes,
            [
                "players[1].id: expected an id (number or numeric string), found 1.5 (not a whole number); the player is left out",
                "players[2]: expected a player object, found \"x\"; it is left out",
                "players[3].id: missing; the player is left out",
            ]
        );
        let many: Vec<Value> = (0..300).map(|i| json!({"id": i})).collect();
        let (m, notes) = noting(json!({"id": 1, "status": "x", "players": many}));
        assert_eq!(m.players.len(), MAX_PLAYERS);
        assert_eq!(notes, ["players: more than 200 players; the rest are left out"]);
    }

    // --- lists ---------------------------------------------------------------------------------

    fn entry(id: u64) -> Value {
        json!({"id": id, "status": "in_progress", "home_team_id": 1, "away_team_id": 2, "home_score": 1, "away_score": 0})
    }

    fn ids(list: &[MatchSnapshot]) -> Vec<u64> {
        list.iter().map(|m| m.id).collect()
    }

    #[test]
    fn list_shapes() {
        let laravel = json!({"data": [entry(1), entry(2)],
            "meta": {"current_page": 1, "last_page": 1, "per_page": 15, "total": 2},
            "links": {"first": "https://s/api/v1/matches?page=1", "last": "https://s/api/v1/matches?page=1", "prev": null, "next": null}});
        for body in [
            laravel,
            json!([entry(1), entry(2)]),
            json!({"matches": [entry(1), entry(2)]}),
            json!({"data": {"matches": [entry(1), entry(2)]}}),
        ] {
            let (list, errors) = adapt_list(&bytes(body.clone())).unwrap();
            assert_eq!(ids(&list), [1, 2], "{body}");
            assert!(errors.is_empty(), "{body}: {errors:?}");
            assert_eq!(list[0].home_team, Some(team(1)));
        }
        let (list, errors) = adapt_list(&bytes(json!({"data": [], "meta": {}}))).unwrap();
        assert!(list.is_empty() && errors.is_empty());
        // The entries of a list take the same full match shape.
        let (list, _) = adapt_list(&bytes(json!({"data": [full_match()]}))).unwrap();
        assert_eq!(list, [full_snapshot()]);
    }

    #[test]
    fn list_with_bad_entries_keeps_the_good_ones() {
        let body =
            json!({"data": [entry(1), {"id": 2, "status": 5}, entry(3), 7, {"id": "x", "status": "y"}, entry(1)]});
        let (list, errors) = adapt_list(&bytes(body)).unwrap();
        assert_eq!(ids(&list), [1, 3]);
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "data[1].status: expected a status string, found 5",
                "data[3]: expected a match object, found 7",
                "data[4].id: expected an id (number or numeric string), found \"x\" (not a number)",
                "data[5].id: match 1 is listed twice (first at data[0]); this entry is dropped",
            ]
        );
        let (_, errors) = adapt_list(&bytes(json!([entry(1), {"status": "x"}]))).unwrap();
        assert_eq!(errors[0].to_string(), "[1].id: missing (and no `match_id` either)");
    }

    #[test]
    fn list_none_of_whose_entries_read_fails_whole() {
        let e = adapt_list(&bytes(json!({"data": [{"id": 1}, {"id": 2}]}))).unwrap_err();
        assert_eq!(e.to_string(), "data[0].status: missing; none of the 2 entries could be read");
    }

    #[test]
    fn not_a_list() {
        let e = |v: Value| adapt_list(&bytes(v)).unwrap_err().to_string();
        assert_eq!(
            e(json!({"data": {"id": 1}})),
            "data: expected a list of matches (or one under `matches`), found an object with keys \"id\""
        );
        assert_eq!(e(json!({"data": null})), "data: expected a list of matches, found null");
        assert_eq!(e(json!({"matches": {}})), "matches: expected a list of matches, found an object");
        assert_eq!(e(json!({"data": {"matches": 3}})), "data.matches: expected a list of matches, found 3");
        assert_eq!(
            e(json!({"games": []})),
            "(body): expected a list of matches (an array, or one under `data` or `matches`), found an object with keys \"games\""
        );
        assert_eq!(e(json!(3)), "(body): expected a list of matches, found 3");
        assert_eq!(
            e(json!({"message": "Server Error"})),
            "message: no match data in the answer, which says \"Server Error\""
        );
        assert!(e(json!("")).starts_with("(body)"));
        assert!(adapt_list(b"{\"data\": [").unwrap_err().problem.starts_with("not JSON"));
    }

    #[test]
    fn list_too_long_is_refused() {
        let at_limit: Vec<Value> = (1..=MAX_LIST as u64).map(|i| json!({"id": i, "status": "in_progress"})).collect();
        assert_eq!(adapt_list(&bytes(json!({"data": at_limit}))).unwrap().0.len(), MAX_LIST);
        let over: Vec<Value> = (1..=MAX_LIST as u64 + 1).map(|i| json!({"id": i, "status": "x"})).collect();
        assert_eq!(
            adapt_list(&bytes(json!({"data": over.clone()}))).unwrap_err().to_string(),
            "data: the list has 2001 entries; at most 2000 are read"
        );
        assert_eq!(adapt_list(&bytes(json!(over))).unwrap_err().path, BODY);
    }

    #[test]
    fn further_pages_are_reported() {
        let note = |v: Value| adapt_list(&bytes(v)).unwrap().1.into_iter().map(|e| e.path).collect::<Vec<_>>();
        assert_eq!(
            note(json!({"data": [entry(1)], "links": {"next": "https://s/api/v1/matches?page=2"}})),
            ["links.next"]
        );
        assert_eq!(note(json!({"data": [entry(1)], "meta": {"current_page": 1, "last_page": 3}})), ["meta.last_page"]);
        assert_eq!(note(json!({"data": [entry(1)], "meta": {"next_cursor": "eyJpZCI6MX0"}})), ["meta.next_cursor"]);
        assert!(note(
            json!({"data": [entry(1)], "meta": {"current_page": 3, "last_page": 3}, "links": {"next": null}})
        )
        .is_empty());
        let (list, errors) = adapt_list(&bytes(json!({"data": [entry(1)], "links": {"next": "p2"}}))).unwrap();
        assert_eq!(ids(&list), [1]);
        assert!(errors[0].problem.contains("per_page"), "{}", errors[0]);
    }

    #[test]
    fn display_names_path_then_problem() {
        let e = AdaptError::new("data.home_team.id", "expected an id (number or numeric string), found true");
        assert_eq!(e.to_string(), "data.home_team.id: expected an id (number or numeric string), found true");
        let (_, notes) = noting(json!({"data": {"id": 1, "status": "x", "home_team": {"id": true}}}));
        assert_eq!(notes[0], e.to_string());
    }

    // --- the failure log -----------------------------------------------------------------------

    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn failure_log_once_a_minute_per_path() {
        let log = FailureLog::new();
        let err = AdaptError::new("data.status", "missing");
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        assert_eq!(log.record("/api/v1/matches/1", &err, at(0)), Some(0));
        assert_eq!(log.record("/api/v1/matches/1", &err, at(1)), None);
        assert_eq!(log.record("/api/v1/matches/1", &err, at(59)), None);
        // Another path has its own minute.
        assert_eq!(log.record("/api/v1/matches?status=live", &err, at(30)), Some(0));
        assert_eq!(log.record("/api/v1/matches/1", &err, at(60)), Some(2));
        assert_eq!(log.record("/api/v1/matches/1", &err, at(61)), None);
        assert_eq!(log.record("/api/v1/matches/1", &err, at(200)), Some(1));
        assert_eq!(log.record("/api/v1/matches/1", &err, at(400)), Some(0));
        // A clock that goes backwards keeps quiet rather than logging again.
        assert_eq!(log.record("/api/v1/matches/1", &err, at(10)), None);

        let short = FailureLog::with_window(Duration::from_millis(10));
        assert_eq!(short.record("/p", &err, t0), Some(0));
        assert_eq!(short.record("/p", &err, t0 + Duration::from_millis(10)), Some(0));
    }

    #[test]
    fn failure_log_bounds_its_paths() {
        let log = FailureLog::new();
        let err = AdaptError::new("data.id", "missing");
        let t0 = Instant::now();
        for i in 0..FailureLog::MAX_PATHS {
            assert_eq!(log.record(&format!("/m/{i}"), &err, t0), Some(0));
        }
        // Full, and every slot logged within the minute: new paths share one slot.
        assert_eq!(log.record("/m/new1", &err, t0), Some(0));
        assert_eq!(log.record("/m/new2", &err, t0), None);
        assert_eq!(log.paths.lock().unwrap().len(), FailureLog::MAX_PATHS + 1);
        // A minute on, the old slots make room.
        let later = t0 + FailureLog::WINDOW;
        assert_eq!(log.record("/m/new3", &err, later), Some(0));
        assert_eq!(log.paths.lock().unwrap().len(), 1);
    }

    #[test]
    fn failure_log_line_carries_the_fields() {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let log = FailureLog::new();
        let err = AdaptError::new("data[3].status", "missing");
        let t0 = Instant::now();
        tracing::subscriber::with_default(subscriber, || {
            log.record("/api/v1/matches?status=live", &err, t0);
            log.record("/api/v1/matches?status=live", &err, t0 + Duration::from_secs(1));
            log.record("/api/v1/matches?status=live", &err, t0 + Duration::from_secs(61));
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for (line, suppressed) in lines.iter().zip(["suppressed=0", "suppressed=1"]) {
            assert!(line.contains("WARN"), "{line}");
            assert!(line.contains("read API answer could not be mapped"), "{line}");
            assert!(line.contains("upstream_path=\"/api/v1/matches?status=live\""), "{line}");
            assert!(line.contains("field=data[3].status"), "{line}");
            assert!(line.contains("problem=missing"), "{line}");
            assert!(line.contains(suppressed), "{line}");
        }
    }

    // --- no input panics -----------------------------------------------------------------------

    /// What any snapshot the adapter returns must hold, whatever it was fed.
    fn check(m: &MatchSnapshot) {
        let text_ok = |s: &str, max: usize| {
            !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control) && s.trim() == s
        };
        assert!(m.id <= MAX_ID);
        assert!(m.competition_id.is_none_or(|c| c <= MAX_ID));
        for t in [&m.home_team, &m.away_team].into_iter().flatten() {
            assert!(t.id <= MAX_ID);
            assert!(t.name.as_deref().is_none_or(|n| text_ok(n, MAX_NAME)));
            assert!(t.short_name.as_deref().is_none_or(|n| text_ok(n, MAX_NAME)));
            assert!(t.colour.as_deref().is_none_or(|c| c.len() == 7 && c.starts_with('#')));
            assert!(t.logo_url.as_deref().is_none_or(|l| l.starts_with("https://")));
        }
        assert!(m.periods.is_none_or(|p| p == 2 || p == 4));
        assert!(m.players.len() <= MAX_PLAYERS);
        for p in &m.players {
            assert!(p.id <= MAX_ID && p.team_id.is_none_or(|t| t <= MAX_ID));
            assert!(p.name.as_deref().is_none_or(|n| text_ok(n, MAX_NAME)));
        }
        if let Some(e) = &m.last_event {
            assert!(e.id <= MAX_ID && text_ok(&e.kind, 64));
            assert!(e.x.is_none_or(f64::is_finite) && e.y.is_none_or(f64::is_finite));
        }
        // What the adapter returns always serialises.
        serde_json::to_vec(m).unwrap();
    }

    fn odd_value(rng: &mut fastrand::Rng) -> Value {
        match rng.u8(..18) {
            0 => Value::Null,
            1 => json!(true),
            2 => json!(-1),
            3 => json!(1.5),
            4 => json!(1e300),
            5 => json!(u64::MAX),
            6 => json!(""),
            7 => json!(" 16 "),
            8 => json!("\u{202E}\u{0}x\n"),
            9 => json!([]),
            10 => json!({}),
            11 => json!("x".repeat(rng.usize(..3000))),
            12 => json!([[[[[[{"id": 1}]]]]]]),
            13 => json!(rng.u64(..)),
            14 => json!(rng.i64(..)),
            15 => json!("#abc"),
            16 => json!("https://é.example/\u{7f}"),
            _ => json!({"id": rng.u32(..), "status": "in_progress", "type": "x"}),
        }
    }

    fn mutate_value(v: &mut Value, rng: &mut fastrand::Rng, depth: u32) {
        let deeper = depth < 8 && rng.u8(..5) != 0;
        match v {
            Value::Object(o) if deeper && !o.is_empty() => {
                let key = o.keys().nth(rng.usize(..o.len())).cloned().unwrap_or_default();
                match rng.u8(..10) {
                    0 => {
                        o.remove(&key);
                    }
                    1 => {
                        if let Some(child) = o.remove(&key) {
                            o.insert(format!("{key}_"), child);
                        }
                    }
                    _ => {
                        if let Some(child) = o.get_mut(&key) {
                            mutate_value(child, rng, depth + 1);
                        }
                    }
                }
            }
            Value::Array(a) if deeper && !a.is_empty() => {
                let i = rng.usize(..a.len());
                if rng.u8(..8) == 0 {
                    let copy = a[i].clone();
                    a.push(copy);
                } else {
                    mutate_value(&mut a[i], rng, depth + 1);
                }
            }
            _ => *v = odd_value(rng),
        }
    }

    fn mutate_bytes(body: &mut Vec<u8>, rng: &mut fastrand::Rng) {
        const TOKENS: &[&[u8]] = &[
            b"{",
            b"}",
            b"[",
            b"]",
            b",",
            b":",
            b"\"",
            b"\\",
            b"-",
            b"null",
            b"1e999",
            b"-0",
            b"\"\\u0000\"",
            b"99999999999999999999999",
            b"0.5",
            b"\xff\xfe",
            b"\"\\ud800\"",
            b"\xEF\xBB\xBF",
            b" ",
        ];
        for _ in 0..rng.usize(1..4) {
            if body.is_empty() {
                body.extend_from_slice(TOKENS[rng.usize(..TOKENS.len())]);
                continue;
            }
            let at = rng.usize(..body.len());
            match rng.u8(..6) {
                0 => body[at] = rng.u8(..),
                1 => body.truncate(at),
                2 => {
                    let end = (at + rng.usize(..16)).min(body.len());
                    body.drain(at..end);
                }
                3 => {
                    let end = (at + rng.usize(..32)).min(body.len());
                    let slice = body[at..end].to_vec();
                    body.splice(at..at, slice);
                }
                _ => {
                    let token = TOKENS[rng.usize(..TOKENS.len())];
                    body.splice(at..at, token.iter().copied());
                }
            }
        }
    }

    #[test]
    fn mutated_bodies_never_panic() {
        let seeds: Vec<Value> = vec![
            json!({"data": full_match()}),
            full_match(),
            json!({"data": [full_match(), entry(2), entry(3)], "meta": {"current_page": 1, "last_page": 2},
                   "links": {"next": "https://s/p2"}}),
            json!([entry(1), {"match_id": "2", "status": "finished", "home_team": 16,
                   "rosters": {"home": [{"id": 1, "first_name": "A", "last_name": "B", "jersey_number": 4}]}}]),
            json!({"matches": [{"id": 3, "status": "scheduled", "competition": {"id": "4"}, "starts_at": "2026-04-13 19:00:00+0000",
                   "away_team": {"id": 2, "roster": [{"player_id": 5, "number": "00"}], "color": "#fff", "logo": "https://l.example/x"}}]}),
        ];
        let mut rng = fastrand::Rng::with_seed(0xc0_7451_de00);
        let log = FailureLog::new();
        let now = Instant::now();
        let mut oks = 0;
        for round in 0..4_000 {
            let seed = &seeds[round % seeds.len()];
            let body = if round % 2 == 0 {
                let mut v = seed.clone();
                for _ in 0..rng.usize(1..4) {
                    mutate_value(&mut v, &mut rng, 0);
                }
                bytes(v)
            } else {
                let mut b = bytes(seed.clone());
                mutate_bytes(&mut b, &mut rng);
                b
            };
            let outcome = std::panic::catch_unwind(|| {
                let mut notes = Vec::new();
                let mut ok = 0;
                match adapt_match_noting(&body, &mut notes) {
                    Ok(m) => {
                        check(&m);
                        ok += 1;
                    }
                    Err(e) => {
                        let _ = e.to_string();
                        log.record("/fuzz", &e, now);
                    }
                }
                match adapt_list_noting(&body, &mut notes) {
                    Ok((list, errors)) => {
                        list.iter().for_each(check);
                        assert!(list.len() <= MAX_LIST);
                        errors.iter().for_each(|e| assert!(!e.path.is_empty()));
                        ok += 1;
                    }
                    Err(e) => assert!(!e.path.is_empty() && !e.problem.is_empty()),
                }
                assert!(notes.len() <= MAX_NOTES);
                ok
            });
            match outcome {
                Ok(n) => oks += n,
                Err(_) => panic!("panicked on round {round}: {:?}", String::from_utf8_lossy(&body)),
            }
        }
        // The mutations leave many bodies readable, so the checks above did run on snapshots.
        assert!(oks > 500, "only {oks} bodies were readable");
    }
}
