//! Any text, as one frame or as a sequence of frames through a live engine: no panic, and the
//! engine's invariants hold (a socket id only while connected, no message on a channel that
//! is not subscribed). And every line splits into the same envelope with the widget's reader
//! (`protocol::reader`) as with serde_json.
#![no_main]

use courtside::protocol::json::SerdeJson;
use courtside::protocol::reader::{RustFloats, StrictJson};
use courtside::protocol::{frame, Config, ConnectionState, Engine, Event, JsonCodec};
use libfuzzer_sys::fuzz_target;

/// The envelope as both readers split it (`data` that is not a string compared as a value:
/// the reader keeps its text as written, serde_json writes it again); Err holds the error.
fn split<C: JsonCodec>(line: &str) -> Result<(String, Option<String>, Option<serde_json::Value>), String> {
    let e = C::envelope(line).map_err(|e| e.0)?;
    let data = e.data.map(|d| serde_json::from_str(&d).unwrap_or(serde_json::Value::String(d)));
    Ok((e.event, e.channel, data))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = frame::decode::<SerdeJson>(text);

    let mut engine = Engine::new(Config::new("ws://fuzz/app/k".into(), 7));
    engine.subscribe("private-match.1", 0);
    engine.subscribe("private-games", 0);
    engine.connect(0);
    engine.handle_open(0);
    for (i, line) in text.split('\n').enumerate() {
        // By design the readers differ on a lone UTF-16 surrogate escape (U+FFFD in the reader,
        // refused by serde_json) and on nesting beyond the reader's bound (refused by it only).
        match (split::<StrictJson<RustFloats>>(line), split::<SerdeJson>(line)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "the readers split the frame differently"),
            (Err(_), Err(_)) => {}
            (Err(e), Ok(_)) if e.contains("nested too deep") => {}
            _ if line.to_ascii_lowercase().contains("\\ud") => {}
            (ours, theirs) => panic!("the readers disagree on the frame: ours {ours:?}, serde_json {theirs:?}"),
        }
        let now = i as u64 * 7_000;
        match line.as_bytes().first() {
            Some(b'!') => engine.handle_closed(now),
            Some(b'~') => engine.handle_wake(now),
            Some(b'-') => engine.unsubscribe("private-games", now),
            _ => engine.handle_text::<SerdeJson>(line, now),
        }
        engine.handle_timeout(now);
        while let Some(action) = engine.poll_action() {
            if let courtside::protocol::Action::Authorize { channel, socket_id } = action {
                engine.handle_auth(&channel, &socket_id, courtside::protocol::AuthResult::Signed("k:s".into()), now);
            }
        }
        while let Some(event) = engine.poll_event() {
            if let Event::Message { channel, .. } = &event {
                assert!(engine.subscriptions().get(channel).is_some(), "message on an unknown channel");
            }
        }
        assert_eq!(engine.socket_id().is_some(), engine.state() == ConnectionState::Connected);
    }
});
