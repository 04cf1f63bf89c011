//! One game as a small card (status, both teams and scores), and the keyed list of cards the
//! ticker and the competition grid both show.
//!
//! The cards are built and patched by hand on web-sys rather than as Leptos views: a card is
//! six texts and four attributes, patched in place, and the list changes membership rarely.
//! Leptos' keyed `<For>`, a signal per card and a render effect per card cost 8.3 KB gzip of
//! the wasm (measured by removing them) and a reactive-graph pass per card patched; this is
//! one function per card that compares what it showed with what it should show and writes
//! only the difference. The ticker and the grid (Leptos components) keep the list's element.

use super::format;
use super::labels::Labels;
use crate::store::{MatchState, MatchStatus, Side};
use web_sys::{Document, Element};

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

/// What a card shows, as plain values: compared field by field to patch only what differs.
#[derive(Default, PartialEq)]
struct Shown {
    status: String,
    status_class: &'static str,
    line: String,
    delayed: bool,
    /// Home, away: the full name (hover and screen readers), the short name, the score and
    /// the flash's class.
    rows: [(String, String, String, &'static str); 2],
}

impl Shown {
    fn of(labels: &Labels, m: &MatchState) -> Shown {
        let live = m.status == MatchStatus::InProgress;
        let row = |side: Side| {
            let flash = format::flash_class(live && m.last_scorer == Some(side), m.last_event_id);
            (format::team_name(labels, m, side), format::team_short(labels, m, side), format::score(m, side), flash)
        };
        Shown {
            status: m.status.as_str().to_owned(),
            status_class: format::status_class(&m.status),
            line: status_line(labels, m),
            delayed: m.delayed,
            rows: [row(Side::Home), row(Side::Away)],
        }
    }
}

/// A card's elements: those a patch writes to.
struct Card {
    id: u64,
    root: Element,
    status: Element,
    line: Element,
    stale: Option<Element>,
    /// Per row: the `<abbr>` (its title), the `<bdi>` in it, the score, the flash.
    rows: [[Element; 4]; 2],
    shown: Shown,
}

fn el(doc: &Document, tag: &str, class: &str, parent: &Element) -> Option<Element> {
    let e = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    parent.append_child(&e).ok()?;
    Some(e)
}

impl Card {
    /// An empty card for game `id`, not yet in the page; `patch` fills it.
    fn new(doc: &Document, id: u64) -> Option<Card> {
        let root = doc.create_element("article").ok()?;
        root.set_class_name("cs-card");
        let _ = root.set_attribute("data-match", &id.to_string());
        let status = el(doc, "p", "cs-card-status", &root)?;
        let dot = el(doc, "span", "cs-dot", &status)?;
        let _ = dot.set_attribute("aria-hidden", "true");
        let line = el(doc, "bdi", "cs-card-status-text", &status)?;
        let row = || -> Option<[Element; 4]> {
            let div = el(doc, "div", "cs-card-team", &root)?;
            // The code when there is one (full name on hover and for screen readers), else the
            // name itself; either way isolated, so a right-to-left name cannot reorder the card.
            let abbr = el(doc, "abbr", "cs-code", &div)?;
            let bdi = el(doc, "bdi", "", &abbr)?;
            let score = el(doc, "span", "cs-card-score", &div)?;
            let flash = el(doc, "span", "cs-flash", &div)?;
            let _ = flash.set_attribute("aria-hidden", "true");
            Some([abbr, bdi, score, flash])
        };
        let rows = [row()?, row()?];
        Some(Card { id, root, status, line, stale: None, rows, shown: Shown::default() })
    }

    /// Show `m`: write only what differs from what the card shows.
    fn patch(&mut self, doc: &Document, labels: &Labels, m: &MatchState) {
        let new = Shown::of(labels, m);
        if new == self.shown {
            return;
        }
        let old = std::mem::replace(&mut self.shown, new);
        let new = &self.shown;
        if old.status != new.status {
            let _ = self.root.set_attribute("data-status", &new.status);
        }
        if old.status_class != new.status_class {
            self.status.set_class_name(&format!("cs-card-status {}", new.status_class));
        }
        if old.line != new.line {
            self.line.set_text_content(Some(&new.line));
        }
        if old.delayed != new.delayed {
            if let Some(s) = self.stale.take() {
                s.remove();
            }
            if new.delayed {
                self.stale = el(doc, "span", "cs-stale", &self.status);
                if let Some(s) = &self.stale {
                    s.set_text_content(Some(labels.stale));
                }
            }
        }
        // The flash last: its class change comes after the score the reader waits for.
        for (els, (was, now)) in self.rows.iter().zip(old.rows.iter().zip(new.rows.iter())) {
            if was.0 != now.0 {
                let _ = els[0].set_attribute("title", &now.0);
            }
            if was.1 != now.1 {
                els[1].set_text_content(Some(&now.1));
            }
            if was.2 != now.2 {
                els[2].set_text_content(Some(&now.2));
            }
            if was.3 != now.3 {
                els[3].set_class_name(now.3);
            }
        }
    }
}

/// The cards of a list of games, keyed by match id, in the list's order: a game's card is
/// patched in place, and only membership changes add, remove or move cards. The cards live in
/// the element the view gives (`attach`): the ticker's track or the grid; until then, and
/// while the view shows no list, they wait outside the page.
pub struct CardList {
    labels: &'static Labels,
    doc: Option<Document>,
    parent: Option<Element>,
    /// In the order shown.
    cards: Vec<Card>,
}

impl CardList {
    pub fn new(labels: &'static Labels) -> CardList {
        CardList { labels, doc: web_sys::window().and_then(|w| w.document()), parent: None, cards: Vec::new() }
    }

    /// How many cards there are.
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }

    /// The ids shown, in order.
    pub fn ids(&self) -> Vec<u64> {
        self.cards.iter().map(|c| c.id).collect()
    }

    /// Put the cards into `parent` (the view built it, or built it again), in order.
    pub fn attach(&mut self, parent: Element) {
        for c in &self.cards {
            let _ = parent.append_child(&c.root);
        }
        self.parent = Some(parent);
    }

    /// Show these games in this order: a card is built for a game new to the list, removed
    /// for a game that left it, and moved only when it is out of place. Cards kept are not
    /// patched (`patch` does that for the games that changed).
    pub fn show<'a>(&mut self, games: impl IntoIterator<Item = &'a MatchState>) {
        let Some(doc) = self.doc.clone() else { return };
        let mut old = std::mem::take(&mut self.cards);
        for m in games {
            match old.iter().position(|c| c.id == m.id) {
                Some(i) => self.cards.push(old.swap_remove(i)),
                None => {
                    if let Some(mut card) = Card::new(&doc, m.id) {
                        card.patch(&doc, self.labels, m);
                        self.cards.push(card);
                    }
                }
            }
        }
        for gone in old {
            gone.root.remove();
        }
        let Some(parent) = &self.parent else { return };
        // Walk the parent's children with the new order (the cards are its only children): a
        // card not where it should be is moved there; a card added at the end or removed
        // moves no other.
        let mut at = parent.first_element_child();
        for c in &self.cards {
            if at.as_ref() == Some(&c.root) {
                at = c.root.next_element_sibling();
            } else {
                let _ = parent.insert_before(&c.root, at.as_ref().map(|e| e.as_ref()));
            }
        }
    }

    /// Show game `m` as it is now, if it has a card.
    pub fn patch(&mut self, m: &MatchState) {
        let (Some(doc), labels) = (&self.doc, self.labels) else { return };
        if let Some(c) = self.cards.iter_mut().find(|c| c.id == m.id) {
            c.patch(doc, labels, m);
        }
    }
}
