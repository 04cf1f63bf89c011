//! Any sequence of events, status changes and snapshots: no panic, the shown event id never
//! goes back, and a pushed status never moves a match backwards.
#![no_main]

use courtside::protocol::json::SerdeJson;
use courtside::protocol::JsonCodec;
use courtside::store::{decode_message, Applied, MatchMessage, MatchSnapshot, MatchState, MatchView};
use libfuzzer_sys::fuzz_target;

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
                let Ok(Some(message)) = decode_message::<SerdeJson>(name, body) else { continue };
                let applied = view.apply_message(&message);
                if let MatchMessage::Event(e) = &message {
                    if applied == Applied::Changed {
                        assert!(e.event.id > before.last_event_id);
                    }
                }
                assert!(view.state.status.rank() >= before.status.rank(), "a push moved the status back");
            }
            "n" => {
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
