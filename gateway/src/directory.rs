//! The team and player directory (`COURTSIDE_DIRECTORY=path.json`): names, colours and logos
//! the gateway joins into every match snapshot where the read API left a gap.
//!
//! ```json
//! { "teams": [ {"id": 16, "name": "Harbor City Herons", "short_name": "HCH", "colour": "#1f6feb",
//!               "logo_url": "https://cdn.example/hch.svg"} ],
//!   "players": [ {"id": 88, "team_id": 16, "name": "Jane Doe", "shirt_number": "7"} ] }
//! ```
//!
//! The file is checked strictly and every error names its line, because a person edits it by
//! hand and the gateway refuses to start with a bad one. serde_json gives the structure (and the
//! line of syntax and type errors); a small scan of the text finds where each entry and each of
//! its fields starts, for the errors only this module can see (bad colour, duplicate id, ...).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use courtside::wire::{MatchSnapshot, Player, Team};
use serde::Deserialize;

/// The largest file read: far more than a real league needs, small enough to parse in a blink.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_TEAMS: usize = 10_000;
pub const MAX_PLAYERS: usize = 100_000;
const MAX_NAME: usize = 100;
const MAX_SHORT_NAME: usize = 12;
const MAX_LOGO_URL: usize = 500;
const MAX_SHIRT: usize = 3;

/// A directory file that cannot be used: where (file and line) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryError {
    file: String,
    /// 1-based; `None` only when the file could not be read at all.
    line: Option<usize>,
    message: String,
}

impl DirectoryError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        DirectoryError { file: "directory".into(), line: Some(line), message: message.into() }
    }

    fn in_file(mut self, path: &Path) -> Self {
        self.file = path.display().to_string();
        self
    }

    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What is wrong, without the file and line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DirectoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DirectoryError {}

// The file as serde sees it. Unknown fields are refused (a typo such as "color" must not be
// silently ignored); optional fields may be absent or null.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    #[serde(default)]
    teams: Vec<TeamJson>,
    #[serde(default)]
    players: Vec<PlayerJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamJson {
    id: u64,
    name: String,
    #[serde(default)]
    short_name: Option<String>,
    #[serde(default)]
    colour: Option<String>,
    #[serde(default)]
    logo_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlayerJson {
    id: u64,
    name: String,
    #[serde(default)]
    team_id: Option<u64>,
    #[serde(default)]
    shirt_number: Option<String>,
}

/// Teams and players by id, checked. The empty directory joins nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    teams: HashMap<u64, Team>,
    players: HashMap<u64, Player>,
    /// Each team's player ids, ascending: what a snapshot of that team's match gets.
    by_team: HashMap<u64, Vec<u64>>,
}

impl Directory {
    /// Parses and checks a directory file's text; the first problem found is the error.
    pub fn parse(text: &str) -> Result<Directory, DirectoryError> {
        parse_bytes(text.as_bytes())
    }

    pub fn team(&self, id: u64) -> Option<&Team> {
        self.teams.get(&id)
    }

    pub fn player(&self, id: u64) -> Option<&Player> {
        self.players.get(&id)
    }

    pub fn team_count(&self) -> usize {
        self.teams.len()
    }

    pub fn player_count(&self) -> usize {
        self.players.len()
    }

    pub fn is_empty(&self) -> bool {
        self.teams.is_empty() && self.players.is_empty()
    }

    /// Fills a snapshot's gaps: the read API wins wherever it has a value. Both teams' missing
    /// names, colour and logo; both teams' players (and the last event's player, whatever their
    /// team) added when absent, and their missing name, shirt number and team filled.
    /// `s.players` ends sorted by id.
    pub fn join(&self, s: &mut MatchSnapshot) {
        if self.is_empty() {
            return;
        }
        for team in [s.home_team.as_mut(), s.away_team.as_mut()].into_iter().flatten() {
            if let Some(d) = self.teams.get(&team.id) {
                fill(&mut team.name, &d.name);
                fill(&mut team.short_name, &d.short_name);
                fill(&mut team.colour, &d.colour);
                fill(&mut team.logo_url, &d.logo_url);
            }
        }
        for p in &mut s.players {
            if let Some(d) = self.players.get(&p.id) {
                fill(&mut p.name, &d.name);
                fill(&mut p.shirt_number, &d.shirt_number);
                if p.team_id.is_none() {
                    p.team_id = d.team_id;
                }
            }
        }
        let mut present: HashSet<u64> = s.players.iter().map(|p| p.id).collect();
        let team_ids = [&s.home_team, &s.away_team].into_iter().flatten().map(|t| t.id);
        let rosters = team_ids.filter_map(|t| self.by_team.get(&t)).flatten().copied();
        let scorer = s.last_event.as_ref().and_then(|e| e.player_id);
        for id in rosters.chain(scorer) {
            if let Some(d) = self.players.get(&id) {
                if present.insert(id) {
                    s.players.push(d.clone());
                }
            }
        }
        s.players.sort_by_key(|p| p.id);
    }
}

/// A blank name from the read API is as good as none.
fn fill(slot: &mut Option<String>, from: &Option<String>) {
    if slot.as_deref().is_none_or(|v| v.trim().is_empty()) && from.is_some() {
        slot.clone_from(from);
    }
}

/// Size, then UTF-8, then structure, then every rule on every entry.
fn parse_bytes(bytes: &[u8]) -> Result<Directory, DirectoryError> {
    if bytes.len() > MAX_BYTES {
        let line = line_at(bytes, MAX_BYTES);
        return Err(DirectoryError::at(line, format!("the file is larger than {} MiB (the limit is passed on this line)", MAX_BYTES >> 20)));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DirectoryError::at(line_at(bytes, e.valid_up_to()), "the file is not UTF-8 text"))?;
    // Some editors start a UTF-8 file with a byte-order mark; serde_json does not take one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    // serde would also take a struct written as an array (`[16, "Herons"]`); only objects are
    // meant, so the file and each entry must start with `{`.
    let first = text.len() - text.trim_start().len();
    if !text[first..].starts_with('{') {
        return Err(DirectoryError::at(line_at(bytes, first), "the file must be a JSON object: {\"teams\": [...], \"players\": [...]}"));
    }
    let file: FileJson = serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let pos = Positions::scan(text);
    let line = |list: List, i: usize, field: Option<&str>| line_at(bytes, pos.offset(list, i, field));
    for list in [List::Teams, List::Players] {
        if let Some(i) = pos.list(list).iter().position(|e| bytes.get(e.start) != Some(&b'{')) {
            return Err(DirectoryError::at(line(list, i, None), format!("{}[{i}] is not an object", list.name())));
        }
    }

    if file.teams.len() > MAX_TEAMS {
        return Err(DirectoryError::at(line(List::Teams, MAX_TEAMS, None), format!("more than {MAX_TEAMS} teams")));
    }
    if file.players.len() > MAX_PLAYERS {
        return Err(DirectoryError::at(line(List::Players, MAX_PLAYERS, None), format!("more than {MAX_PLAYERS} players")));
    }

    let mut dir = Directory::default();
    let mut first_at: HashMap<u64, usize> = HashMap::new();
    for (i, t) in file.teams.into_iter().enumerate() {
        let here = |field: &str| line(List::Teams, i, Some(field));
        let bad = |field: &str, what: String| DirectoryError::at(here(field), format!("teams[{i}].{field} {what}"));
        check_id(t.id).map_err(|w| bad("id", w))?;
        if let Some(&j) = first_at.get(&t.id) {
            let first = line(List::Teams, j, Some("id"));
            return Err(bad("id", format!("{} is also the id of teams[{j}] on line {first}", t.id)));
        }
        first_at.insert(t.id, i);
        let name = check_name(&t.name, MAX_NAME).map_err(|w| bad("name", w))?;
        let short_name = t.short_name.as_deref().map(|s| check_name(s, MAX_SHORT_NAME)).transpose().map_err(|w| bad("short_name", w))?;
        if let Some(c) = &t.colour {
            check_colour(c).map_err(|w| bad("colour", w))?;
        }
        if let Some(u) = &t.logo_url {
            check_logo_url(u).map_err(|w| bad("logo_url", w))?;
        }
        dir.teams.insert(t.id, Team { id: t.id, name: Some(name), short_name, colour: t.colour, logo_url: t.logo_url });
    }

    first_at.clear();
    for (i, p) in file.players.into_iter().enumerate() {
        let here = |field: &str| line(List::Players, i, Some(field));
        let bad = |field: &str, what: String| DirectoryError::at(here(field), format!("players[{i}].{field} {what}"));
        check_id(p.id).map_err(|w| bad("id", w))?;
        if let Some(&j) = first_at.get(&p.id) {
            let first = line(List::Players, j, Some("id"));
            return Err(bad("id", format!("{} is also the id of players[{j}] on line {first}", p.id)));
        }
        first_at.insert(p.id, i);
        // A team the file does not list is fine: the read API may know it.
        if let Some(team) = p.team_id {
            check_id(team).map_err(|w| bad("team_id", w))?;
        }
        let name = check_name(&p.name, MAX_NAME).map_err(|w| bad("name", w))?;
        if let Some(n) = &p.shirt_number {
            check_shirt(n).map_err(|w| bad("shirt_number", w))?;
        }
        if let Some(team) = p.team_id {
            dir.by_team.entry(team).or_default().push(p.id);
        }
        dir.players.insert(p.id, Player { id: p.id, team_id: p.team_id, name: Some(name), shirt_number: p.shirt_number });
    }
    for ids in dir.by_team.values_mut() {
        ids.sort_unstable();
    }
    Ok(dir)
}

/// serde_json's error with its line, and the entry it is in when there is one, so that
/// "unknown field `color`" says which team.
fn syntax_error(text: &str, e: &serde_json::Error) -> DirectoryError {
    let full = e.to_string();
    // serde_json appends " at line L column C"; the line goes in front instead.
    let message = match full.rsplit_once(" at line ") {
        Some((m, _)) if e.line() > 0 => m,
        _ => &full,
    };
    let line = e.line().max(1);
    // serde_json's column counts bytes from the line's start.
    let offset = line_start(text.as_bytes(), line) + e.column();
    let entry = Positions::scan(text).entry_at(offset);
    let message = match entry {
        Some((list, i)) => format!("{}[{i}]: {message}", list.name()),
        None => message.to_owned(),
    };
    DirectoryError::at(line, message)
}

fn check_id(id: u64) -> Result<(), String> {
    if id == 0 {
        return Err("must be a positive number, not 0".into());
    }
    Ok(())
}

/// Trimmed, 1..=max characters, nothing that is not printed as text.
fn check_name(s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("is empty".into());
    }
    let n = t.chars().count();
    if n > max {
        return Err(format!("{} is {n} characters long, more than {max}", show(t)));
    }
    // Bidi overrides and isolates are not Unicode controls, but they reorder the text around a
    // name on a news page; a real name (Arabic and Hebrew included) never needs them.
    let control = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if let Some(c) = t.chars().find(|&c| control(c)) {
        return Err(format!("{} contains the control character U+{:04X}", show(t), c as u32));
    }
    Ok(t.to_owned())
}

/// `#rgb` or `#rrggbb`, nothing else: the value is written into CSS.
fn check_colour(c: &str) -> Result<(), String> {
    let ok = c.strip_prefix('#').is_some_and(|h| (h.len() == 3 || h.len() == 6) && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(format!("{} is not a #rgb or #rrggbb colour", show(c)));
    }
    Ok(())
}

/// An `https://` URL that cannot break out of an attribute or a CSS `url()`.
fn check_logo_url(u: &str) -> Result<(), String> {
    if u.chars().count() > MAX_LOGO_URL {
        return Err(format!("{} is longer than {MAX_LOGO_URL} characters", show(u)));
    }
    if u.strip_prefix("https://").is_none_or(str::is_empty) {
        return Err(format!("{} does not start with https://", show(u)));
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>')) {
        return Err(format!("{} contains whitespace, a quote, < or >", show(u)));
    }
    Ok(())
}

fn check_shirt(n: &str) -> Result<(), String> {
    if n.is_empty() || n.len() > MAX_SHIRT || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{} is not 1 to {MAX_SHIRT} digits", show(n)));
    }
    Ok(())
}

/// A value quoted for an error message, cut so that a 500-character URL does not flood the log.
fn show(s: &str) -> String {
    const KEEP: usize = 40;
    match s.char_indices().nth(KEEP) {
        Some((end, _)) => format!("{:?}…", &s[..end]),
        None => format!("{s:?}"),
    }
}

/// The 1-based line of a byte offset.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The byte offset where a 1-based line starts (the end of the text past the last line).
fn line_start(bytes: &[u8], line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').nth(line - 2).map_or(bytes.len(), |(i, _)| i + 1)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum List {
    Teams,
    Players,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Teams => "teams",
            List::Players => "players",
        }
    }
}

/// Where one entry of `teams` or `players` lies in the text, and where each of its keys is.
#[derive(Default, Debug)]
struct Entry<'a> {
    start: usize,
    /// Just past the closing `}`; `None` when the text breaks off inside the entry.
    end: Option<usize>,
    /// Keys as written (escapes not decoded: a key spelled with `\u` escapes falls back to the
    /// entry's line).
    keys: Vec<(&'a str, usize)>,
}

/// Byte offsets of the entries of the top-level `teams` and `players` lists, found by a small
/// scan of the text. It stops quietly where the text stops being JSON (then only the entries
/// before are known), and an offset it does not know falls back to the entry's start, then to
/// the start of the text: a line number is never worth a panic.
#[derive(Default, Debug)]
struct Positions<'a> {
    teams: Vec<Entry<'a>>,
    players: Vec<Entry<'a>>,
}

impl<'a> Positions<'a> {
    fn scan(text: &'a str) -> Positions<'a> {
        let mut s = Scanner { text, i: 0 };
        let mut pos = Positions::default();
        let _ = s.top(&mut pos);
        pos
    }

    fn list(&self, list: List) -> &[Entry<'a>] {
        match list {
            List::Teams => &self.teams,
            List::Players => &self.players,
        }
    }

    fn offset(&self, list: List, i: usize, field: Option<&str>) -> usize {
        let Some(entry) = self.list(list).get(i) else { return 0 };
        field.and_then(|f| entry.keys.iter().find(|(k, _)| *k == f)).map_or(entry.start, |&(_, at)| at)
    }

    fn entry_at(&self, offset: usize) -> Option<(List, usize)> {
        [List::Teams, List::Players].into_iter().find_map(|list| {
            let i = self.list(list).iter().position(|e| e.start <= offset && e.end.is_none_or(|end| offset <= end))?;
            Some((list, i))
        })
    }
}

/// Just enough of a JSON tokenizer to find keys and values; `None` means "not JSON here".
struct Scanner<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&mut self) -> Option<u8> {
        let b = self.text.as_bytes();
        while b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
        b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A string's raw contents, between its quotes.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        let b = self.text.as_bytes();
        loop {
            match *b.get(self.i)? {
                b'\\' => self.i += 2,
                b'"' => break,
                _ => self.i += 1,
            }
        }
        let s = self.text.get(start..self.i)?;
        self.i += 1;
        Some(s)
    }

    /// Any value, skipped. Nesting is counted, not recursed into, so no input can overflow.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => self.i += 1,
                _ if depth == 0 => {
                    // A number, true, false or null.
                    let b = self.text.as_bytes();
                    let start = self.i;
                    while b.get(self.i).is_some_and(|c| !b",}] \t\r\n".contains(c)) {
                        self.i += 1;
                    }
                    (self.i > start).then_some(())?;
                }
                _ => {
                    let b = self.text.as_bytes();
                    while b.get(self.i).is_some_and(|c| !b",:{}[]\" \t\r\n".contains(c)) {
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// `{ key: value, ... }`, calling `each` at every key with the key and its offset.
    fn object(&mut self, mut each: impl FnMut(&mut Self, &'a str, usize) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            self.peek()?;
            let at = self.i;
            let key = self.string()?;
            self.eat(b':')?;
            each(self, key, at)?;
            if self.eat(b'}').is_some() {
                return Some(());
            }
            self.eat(b',')?;
        }
    }

    fn top(&mut self, pos: &mut Positions<'a>) -> Option<()> {
        self.object(|s, key, _| match key {
            "teams" if s.peek()? == b'[' => s.entries(&mut pos.teams),
            "players" if s.peek()? == b'[' => s.entries(&mut pos.players),
            _ => s.skip_value(),
        })
    }

    /// `[ {..}, {..} ]`: each entry's extent and keys.
    fn entries(&mut self, out: &mut Vec<Entry<'a>>) -> Option<()> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.peek()?;
            out.push(Entry { start: self.i, ..Entry::default() });
            let last = out.len() - 1;
            if self.peek()? == b'{' {
                self.object(|s, key, at| {
                    out[last].keys.push((key, at));
                    s.skip_value()
                })?;
            } else {
                self.skip_value()?;
            }
            out[last].end = Some(self.i);
            if self.eat(b']').is_some() {
                return Some(());
            }
            self.eat(b',')?;
        }
    }
}

/// What a file looked like when read: a change of either means read it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let m = std::fs::metadata(path)?;
    Ok(Stamp { modified: m.modified().ok(), len: m.len() })
}

/// Reads at most one byte past the limit, so a huge file costs nothing before it is refused.
fn read_file(path: &Path) -> Result<Directory, DirectoryError> {
    let unreadable = |e: std::io::Error| DirectoryError { file: path.display().to_string(), line: None, message: format!("cannot read: {e}") };
    let mut bytes = Vec::new();
    std::fs::File::open(path).map_err(unreadable)?.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    parse_bytes(&bytes).map_err(|e| e.in_file(path))
}

/// The directory in use, shared by every request; the watcher swaps in a new one.
#[derive(Clone, Default)]
pub struct DirectoryHandle {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    current: RwLock<Arc<Directory>>,
    /// The file as `load` read it, so that `watch` notices a change made in between.
    loaded: Mutex<Option<Stamp>>,
    /// Changes `watch` has acted on (read, or found unreadable): lets a test wait for one.
    changes_seen: AtomicUsize,
}

impl DirectoryHandle {
    /// No directory: snapshots go out as the read API gave them.
    pub fn empty() -> DirectoryHandle {
        DirectoryHandle::default()
    }

    /// Reads and checks the file at start-up; an invalid file is an error (the gateway does not
    /// start with a directory it cannot use).
    pub fn load(path: impl AsRef<Path>) -> Result<DirectoryHandle, DirectoryError> {
        let path = path.as_ref();
        // Stamped before reading: a write in between is seen as a change and read again.
        let seen = stamp(path).ok();
        let dir = read_file(path)?;
        let handle = DirectoryHandle::empty();
        handle.set(dir);
        *handle.inner.loaded.lock().unwrap_or_else(|e| e.into_inner()) = seen;
        Ok(handle)
    }

    pub fn current(&self) -> Arc<Directory> {
        self.inner.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, dir: Directory) {
        *self.inner.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(dir);
    }

    /// Polls the file's modification time and size every `every`, and reads it again when
    /// either changed. A good file replaces the directory; a bad or missing one keeps the old
    /// directory and is logged once per change, not once per poll. Runs until dropped.
    pub async fn watch(self, path: PathBuf, every: Duration) {
        let every = every.max(Duration::from_millis(10));
        // `None`: the file could not be stat'ed (or was never read).
        let mut seen = self.inner.loaded.lock().unwrap_or_else(|e| e.into_inner()).take();
        loop {
            tokio::time::sleep(every).await;
            let now = stamp(&path);
            if now.as_ref().ok() == seen.as_ref() {
                continue;
            }
            seen = now.as_ref().ok().copied();
            match now {
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "directory file unreadable; keeping the directory in use"),
                Ok(_) => self.reload(&path).await,
            }
            self.inner.changes_seen.fetch_add(1, Ordering::SeqCst);
        }
    }

    async fn reload(&self, path: &Path) {
        let p = path.to_owned();
        match tokio::task::spawn_blocking(move || read_file(&p)).await {
            Ok(Ok(dir)) => {
                tracing::info!(path = %path.display(), teams = dir.team_count(), players = dir.player_count(), "directory reloaded");
                self.set(dir);
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "directory not reloaded; keeping the directory in use"),
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "directory reload failed; keeping the directory in use"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use courtside::wire::{MatchStatus, StatEvent};

    const GOOD: &str = r##"{
  "teams": [
    {"id": 16, "name": " Harbor City Herons ", "short_name": "HCH", "colour": "#1f6feb",
     "logo_url": "https://cdn.example/hch.svg"},
    {"id": 17, "name": "Mesa Verde Coyotes", "colour": "#c24", "logo_url": null}
  ],
  "players": [
    {"id": 88, "team_id": 16, "name": "Jane Doe", "shirt_number": "7"},
    {"id": 89, "team_id": 17, "name": "نور حداد", "shirt_number": "00"},
    {"id": 90, "name": "Free Agent"},
    {"id": 91, "team_id": 99, "name": "Elsewhere"}
  ]
}"##;

    fn err(text: &str) -> DirectoryError {
        match Directory::parse(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e,
        }
    }

    /// The error's line and that its message contains each piece.
    fn assert_err(text: &str, line: usize, pieces: &[&str]) {
        let e = err(text);
        assert_eq!(e.line(), Some(line), "{e}");
        for p in pieces {
            assert!(e.to_string().contains(p), "{e:?} lacks {p:?}");
        }
    }

    /// `GOOD` with one piece replaced (which must be there).
    fn good_with(from: &str, to: &str) -> String {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replacen(from, to, 1)
    }

    #[test]
    fn a_valid_file_parses() {
        let d = Directory::parse(GOOD).unwrap();
        assert_eq!((d.team_count(), d.player_count()), (2, 4));
        let t = d.team(16).unwrap();
        assert_eq!(t.name.as_deref(), Some("Harbor City Herons"), "names are trimmed");
        assert_eq!(t.logo_url.as_deref(), Some("https://cdn.example/hch.svg"));
        assert_eq!(d.team(17).unwrap().short_name, None);
        assert_eq!(d.player(89).unwrap().shirt_number.as_deref(), Some("00"));
        assert_eq!(d.player(91).unwrap().team_id, Some(99), "a team the file does not list is allowed");
        for empty in ["{}", "\u{feff}{}", "{\"teams\": []}", "{\"players\": []}", " {\"teams\":[],\"players\":[]}\n"] {
            assert!(Directory::parse(empty).unwrap().is_empty(), "{empty}");
        }
    }

    #[test]
    fn the_demo_directory_is_valid() {
        let d = Directory::parse(include_str!("../demo-directory.json")).unwrap();
        assert_eq!(d.team_count(), 12);
        assert_eq!(d.player_count(), 120);
        assert_eq!(d.team(10).unwrap().name.as_deref(), Some("Harbor City Herons"));
        assert_eq!(d.team(10).unwrap().short_name.as_deref(), Some("HCH"));
        let colours: HashSet<_> = (10..=21).map(|id| d.team(id).unwrap().colour.clone().unwrap()).collect();
        assert_eq!(colours.len(), 12, "distinct colours");
        for team in 10..=21u64 {
            let shirts: HashSet<_> = (0..10).map(|n| d.player(team * 100 + n).unwrap().shirt_number.clone()).collect();
            assert_eq!(shirts.len(), 10, "team {team}: distinct shirt numbers");
        }
        let names: Vec<String> = (1000..=2109).filter_map(|id| d.player(id)).filter_map(|p| p.name.clone()).collect();
        assert!(names.iter().any(|n| n.chars().count() > 30));
        assert!(names.iter().any(|n| n.chars().any(|c| ('\u{0590}'..='\u{06ff}').contains(&c))), "a right-to-left name");
    }

    #[test]
    fn syntax_errors_name_their_line() {
        assert_err("{\n  \"teams\": [\n    {\"id\": 1, \"name\": \"A\"}\n    {\"id\": 2}\n  ]\n}", 4, &["directory line 4:", "expected"]);
        assert_err("", 1, &["must be a JSON object"]);
        assert_err("{\n\"teams\": [", 2, &["EOF while parsing"]);
        assert_err("\n[]", 2, &["must be a JSON object"]);
        assert_err("{\"teams\": [\n[16, \"Herons\"]]}", 2, &["teams[0] is not an object"]);
        assert_err("{\"players\": [{\"id\": 1, \"name\": \"A\"},\n [2, \"B\"]]}", 2, &["players[1] is not an object"]);
        let e = err("{\"teams\": [\n{\"id\": 1,\n \"name\": \"A\"\n");
        assert_eq!(e.line(), Some(4), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert_err(&good_with("\"colour\": \"#c24\"", "\"color\": \"#c24\""), 5, &["teams[1]: unknown field `color`"]);
        assert_err(&good_with("\"shirt_number\": \"7\"", "\"shirt\": \"7\""), 8, &["players[0]: unknown field `shirt`"]);
        assert_err("{\"teams\": [],\n \"coaches\": []}", 2, &["unknown field `coaches`"]);
    }

    #[test]
    fn type_errors_and_missing_fields() {
        assert_err(&good_with("\"id\": 17", "\"id\": \"17\""), 5, &["teams[1]: invalid type"]);
        assert_err(&good_with("\"id\": 90, \"name\": \"Free Agent\"", "\"id\": 90"), 10, &["players[2]: missing field `name`"]);
        assert_err(&good_with("\"id\": 17", "\"id\": -1"), 5, &["teams[1]"]);
    }

    #[test]
    fn bad_colours() {
        for bad in ["red", "#12345", "#ggg", "1f6feb", "#1f6feb;x", ""] {
            let text = good_with("\"#c24\"", &format!("{bad:?}"));
            assert_err(&text, 5, &[format!("teams[1].colour {bad:?} is not a #rgb or #rrggbb colour").as_str()]);
        }
        assert_err(&good_with("\"#1f6feb\"", "\"#1F6FEBX\""), 3, &["teams[0].colour"]);
    }

    #[test]
    fn bad_logo_urls() {
        let at = |bad: &str| good_with("\"https://cdn.example/hch.svg\"", &format!("{bad:?}"));
        assert_err(&at("http://cdn.example/hch.svg"), 4, &["teams[0].logo_url", "does not start with https://"]);
        assert_err(&at("https://"), 4, &["does not start with https://"]);
        assert_err(&at("https://cdn.example/a b.svg"), 4, &["whitespace"]);
        assert_err(&at("https://cdn.example/\"><script>"), 4, &["a quote"]);
        assert_err(&at(&format!("https://cdn.example/{}", "a".repeat(500))), 4, &["longer than 500"]);
    }

    #[test]
    fn duplicate_ids_name_both_lines() {
        assert_err(&good_with("\"id\": 17", "\"id\": 16"), 5, &["teams[1].id 16 is also the id of teams[0] on line 3"]);
        assert_err(&good_with("\"id\": 91", "\"id\": 88"), 11, &["players[3].id 88 is also the id of players[0] on line 8"]);
    }

    #[test]
    fn zero_ids_are_refused() {
        assert_err(&good_with("\"id\": 17", "\"id\": 0"), 5, &["teams[1].id must be a positive number"]);
        assert_err(&good_with("\"team_id\": 99", "\"team_id\": 0"), 11, &["players[3].team_id must be a positive number"]);
    }

    #[test]
    fn bad_names() {
        assert_err(&good_with("\"Mesa Verde Coyotes\"", "\"  \""), 5, &["teams[1].name is empty"]);
        assert_err(&good_with("\"Jane Doe\"", "\"\""), 8, &["players[0].name is empty"]);
        assert_err(&good_with("\"Jane Doe\"", &format!("{:?}", "é".repeat(101))), 8, &["101 characters long, more than 100"]);
        assert!(Directory::parse(&good_with("\"Jane Doe\"", &format!("{:?}", "é".repeat(100)))).is_ok());
        assert_err(&good_with("\"Jane Doe\"", "\"Jane\\u0007Doe\""), 8, &["control character U+0007"]);
        assert_err(&good_with("\"Jane Doe\"", "\"Jane\\u202eDoe\""), 8, &["control character U+202E"]);
        assert_err(&good_with("\"HCH\"", "\"HARBOR CITY HERONS\""), 3, &["teams[0].short_name", "more than 12"]);
        assert_err(&good_with("\"HCH\"", "\"\""), 3, &["teams[0].short_name is empty"]);
    }

    #[test]
    fn bad_shirt_numbers() {
        for bad in ["7a", "1234", "", " 7", "-1", "٣"] {
            let text = good_with("\"shirt_number\": \"7\"", &format!("\"shirt_number\": {bad:?}"));
            assert_err(&text, 8, &[format!("players[0].shirt_number {bad:?} is not 1 to 3 digits").as_str()]);
        }
    }

    #[test]
    fn the_line_is_the_fields_own() {
        // Each field on its own line: the error points at the field, not the entry's start.
        let text = "{\"teams\": [\n  {\n    \"id\": 3,\n    \"name\": \"A\",\n    \"colour\": \"red\"\n  }\n]}";
        assert_err(text, 5, &["teams[0].colour"]);
    }

    #[test]
    fn oversized_files_and_lists_are_refused() {
        let mut big = String::from("{\"teams\": [\n");
        while big.len() <= MAX_BYTES {
            big.push_str("{\"id\": 1, \"name\": \"A team with a long name to fill the file up\"},\n");
        }
        let e = err(&big);
        assert!(e.message().contains("larger than 4 MiB"), "{e}");
        assert_eq!(e.line(), Some(line_at(big.as_bytes(), MAX_BYTES)));

        let teams: Vec<String> = (1..=MAX_TEAMS + 1).map(|i| format!("{{\"id\":{i},\"name\":\"T\"}}")).collect();
        let text = format!("{{\"teams\": [\n{}\n]}}", teams.join(",\n"));
        assert_err(&text, MAX_TEAMS + 2, &["more than 10000 teams"]);
    }

    #[test]
    fn strange_input_never_panics() {
        let deep = "[".repeat(100_000);
        let inputs = [
            "{\"teams\": [{\"id\": 1, \"name\": \"\\", "{\"teams\": [[[[[[", "{\"teams\": [1, 2]}",
            "{\"teams\": null}", "\"", "{\"teams\": [{\"id\": 18446744073709551616, \"name\": \"A\"}]}",
            deep.as_str(), "{\"teams\": [{\"id\": 1, \"name\": \"A\", \"name\": \"B\"}]}",
        ];
        for text in inputs {
            let _ = Directory::parse(text);
            let _ = Positions::scan(text);
        }
        assert_eq!(parse_bytes(b"{\"teams\": [\n\xff]}").unwrap_err().line(), Some(2));
    }

    fn snapshot(home: Team, away: Team) -> MatchSnapshot {
        let mut s = MatchSnapshot::bare(1, MatchStatus::InProgress);
        s.home_team = Some(home);
        s.away_team = Some(away);
        s
    }

    fn player(id: u64, team_id: Option<u64>, name: Option<&str>) -> Player {
        Player { id, team_id, name: name.map(Into::into), shirt_number: None }
    }

    #[test]
    fn join_fills_gaps_and_never_overwrites() {
        let d = Directory::parse(GOOD).unwrap();
        let read_api = Team { id: 16, name: Some("Herons (API)".into()), ..Team::default() };
        let mut s = snapshot(read_api, Team { id: 17, name: Some(" ".into()), ..Team::default() });
        s.players = vec![player(89, None, Some("Noor (API)")), player(88, Some(16), None)];
        d.join(&mut s);
        let home = s.home_team.as_ref().unwrap();
        assert_eq!(home.name.as_deref(), Some("Herons (API)"), "the read API wins");
        assert_eq!(home.short_name.as_deref(), Some("HCH"));
        assert_eq!(home.colour.as_deref(), Some("#1f6feb"));
        assert_eq!(home.logo_url.as_deref(), Some("https://cdn.example/hch.svg"));
        let away = s.away_team.as_ref().unwrap();
        assert_eq!(away.name.as_deref(), Some("Mesa Verde Coyotes"), "a blank is a gap");
        assert_eq!(away.short_name, None, "the directory has none to give");
        assert_eq!(s.players.iter().map(|p| p.id).collect::<Vec<_>>(), [88, 89], "sorted, no duplicates");
        assert_eq!(s.players[0].name.as_deref(), Some("Jane Doe"));
        assert_eq!(s.players[0].shirt_number.as_deref(), Some("7"));
        assert_eq!(s.players[1].name.as_deref(), Some("Noor (API)"));
        assert_eq!(s.players[1].team_id, Some(17), "a missing team filled");
        assert_eq!(s.players[1].shirt_number.as_deref(), Some("00"));

        // Joining twice changes nothing.
        let once = s.clone();
        d.join(&mut s);
        assert_eq!(s, once);
    }

    #[test]
    fn join_adds_only_the_two_teams_and_the_last_events_player() {
        let d = Directory::parse(GOOD).unwrap();
        let mut s = snapshot(Team { id: 16, ..Team::default() }, Team { id: 5, ..Team::default() });
        d.join(&mut s);
        assert_eq!(s.players.iter().map(|p| p.id).collect::<Vec<_>>(), [88], "team 17's and 99's players stay out");
        assert_eq!(s.away_team, Some(Team { id: 5, ..Team::default() }), "a team the directory lacks is left alone");

        s.last_event = Some(StatEvent {
            id: 1,
            client_id: None,
            kind: "points".into(),
            team_id: None,
            player_id: Some(90),
            period: None,
            clock: None,
            x: None,
            y: None,
            event_at: None,
        });
        s.players.insert(0, player(50, Some(16), Some("From the API")));
        d.join(&mut s);
        assert_eq!(s.players.iter().map(|p| p.id).collect::<Vec<_>>(), [50, 88, 90]);
        assert_eq!(s.players[2].name.as_deref(), Some("Free Agent"));

        let mut bare = MatchSnapshot::bare(2, MatchStatus::Scheduled);
        d.join(&mut bare);
        assert!(bare.players.is_empty() && bare.home_team.is_none());
        Directory::default().join(&mut s);
    }

    /// A file under the temp dir, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(tag: &str) -> TempFile {
            let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            TempFile(std::env::temp_dir().join(format!("courtside-directory-{tag}-{}-{nanos}.json", std::process::id())))
        }

        fn write(&self, text: &str) {
            std::fs::write(&self.0, text).unwrap();
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn herons(name: &str) -> String {
        format!("{{\"teams\": [{{\"id\": 16, \"name\": {name:?}}}]}}")
    }

    async fn wait_for(handle: &DirectoryHandle, name: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if handle.current().team(16).and_then(|t| t.name.as_deref()) == Some(name) {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "the directory never showed {name:?}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the watcher has acted on one more change than `before`.
    async fn wait_for_change(handle: &DirectoryHandle, before: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while handle.inner.changes_seen.load(Ordering::SeqCst) <= before {
            assert!(tokio::time::Instant::now() < deadline, "the watcher never saw the change");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn load_refuses_a_bad_file_and_names_it() {
        let file = TempFile::new("bad");
        file.write("{\n\"teams\": [{\"id\": 1, \"name\": \"A\", \"colour\": \"red\"}]}");
        let e = DirectoryHandle::load(&file.0).err().unwrap();
        assert!(e.to_string().starts_with(&format!("{} line 2: teams[0].colour", file.0.display())), "{e}");
        let missing = DirectoryHandle::load(file.0.with_extension("missing")).err().unwrap();
        assert_eq!(missing.line(), None);
        assert!(DirectoryHandle::empty().current().is_empty());
    }

    #[tokio::test]
    async fn watch_reloads_and_keeps_the_old_directory_on_errors() {
        let file = TempFile::new("watch");
        file.write(&herons("Herons"));
        let handle = DirectoryHandle::load(&file.0).unwrap();
        assert_eq!(handle.current().team(16).unwrap().name.as_deref(), Some("Herons"));
        let watcher = tokio::spawn(handle.clone().watch(file.0.clone(), Duration::from_millis(20)));

        file.write(&herons("Harbor City Herons"));
        wait_for(&handle, "Harbor City Herons").await;

        // An invalid file, then none at all: each seen, and the directory kept.
        let seen = handle.inner.changes_seen.load(Ordering::SeqCst);
        file.write("{\"teams\": [{\"id\": 16, \"name\": \"Broken\", \"colour\": \"red\"}]}");
        wait_for_change(&handle, seen).await;
        assert_eq!(handle.current().team(16).unwrap().name.as_deref(), Some("Harbor City Herons"), "kept");
        let seen = handle.inner.changes_seen.load(Ordering::SeqCst);
        std::fs::remove_file(&file.0).unwrap();
        wait_for_change(&handle, seen).await;
        assert_eq!(handle.current().team(16).unwrap().name.as_deref(), Some("Harbor City Herons"), "kept");
        file.write(&herons("Herons Again"));
        wait_for(&handle, "Herons Again").await;
        watcher.abort();
    }
}
