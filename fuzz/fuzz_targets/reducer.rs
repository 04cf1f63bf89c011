//! Any sequence of events, status changes and snapshots: no panic, the shown event id never
//! goes back, and a pushed status never moves a match backwards. And every payload decodes
//! alike with the widget's reader (`protocol::reader`) and serde_json.
#![no_main]

use courtside::protocol::json::SerdeJson;
use courtside::protocol::reader::{RustFloats, StrictJson};
use courtside::protocol::JsonCodec;
use courtside::store::{decode_message, Applied, MatchMessage, MatchSnapshot, MatchState, MatchStatus, MatchView};
use libfuzzer_sys::fuzz_target;

/// Did a pushed status move the match back? The reducer's rule (`may_move`): never to an
/// earlier stage, and never from over to a status this build does not know.
fn moved_back(from: &MatchStatus, to: &MatchStatus) -> bool {
    match (from.stage(), to.stage()) {
        (Some(a), Some(b)) => b < a,
        (Some(2), None) => true,
        _ => false,
    }
}

/// Both readers on one payload: the same value, or both refuse. By design they differ on an
/// integer beyond 2^53 - 1 and nesting beyond the reader's bound (refused by the reader only)
/// and on a lone UTF-16 surrogate (U+FFFD in the reader, refused by serde_json).
fn same_reading<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) {
    let ours = StrictJson::<RustFloats>::decode::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.0);
    let theirs = SerdeJson::decode::<T>(text).map(|v| format!("{v:?}")).map_err(|e| e.0);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the readers read different values"),
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) if e.contains("beyond 2^53") || e.contains("nested too deep") => {}
        (Ok(_), Err(_)) if text.to_ascii_lowercase().contains("\\ud") => {}
        _ => panic!("the readers disagree: ours {ours:?}, serde_json {theirs:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut view = MatchView::new(123);
    for line in text.split('\n') {
        let (kind, body) = match line.char_indices().nth(1) {
            Some((i, _)) => line.split_at(i),
            None => (line, ""),
        };
        let before: MatchState = view.state.clone();
        match kind {
            "e" | "s" => {
                let name = if kind == "e" { "event.received" } else { "status.changed" };
                if kind == "e" {
                    same_reading::<courtside::wire::EventReceived>(body);
                } else {
                    same_reading::<courtside::wire::StatusChanged>(body);
                }
                let Ok(Some(message)) = decode_message::<SerdeJson>(name, body) else { continue };
                let applied = view.apply_message(&message);
                if let MatchMessage::Event(e) = &message {
                    if applied == Applied::Changed {
                        assert!(e.event.id > before.last_event_id);
                    }
                }
                assert!(!moved_back(&before.status, &view.state.status), "a push moved the status back");
            }
            "n" => {
                same_reading::<MatchSnapshot>(body);
                same_reading::<courtside::wire::MatchList>(body);
                let Ok(snapshot) = <SerdeJson as JsonCodec>::decode::<MatchSnapshot>(body) else { continue };
                view.apply_snapshot(&snapshot);
            }
            "u" => view.mark_unknown(),
            "d" => view.mark_denied(403),
            _ => continue,
        }
        assert!(view.state.last_event_id >= before.last_event_id, "event id went back");
        assert_eq!(view.state.id, 123);
    }
});
