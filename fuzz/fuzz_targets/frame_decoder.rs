//! Any text, as one frame or as a sequence of frames through a live engine: no panic, and the
//! engine's invariants hold (a socket id only while connected, no message on a channel that
//! is not subscribed).
#![no_main]

use courtside::protocol::json::SerdeJson;
use courtside::protocol::{frame, Config, ConnectionState, Engine, Event};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = frame::decode::<SerdeJson>(text);

    let mut engine = Engine::new(Config::new("ws://fuzz/app/k".into(), 7));
    engine.subscribe("private-match.1", 0);
    engine.subscribe("private-games", 0);
    engine.connect(0);
    engine.handle_open(0);
    for (i, line) in text.split('\n').enumerate() {
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
