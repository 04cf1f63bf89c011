#![cfg(not(target_arch = "wasm32"))]
//! The Pusher engine, driven natively with a fake clock: every transition, code range and timer.

use courtside::protocol::json::SerdeJson;
use courtside::protocol::{Action, AuthResult, Config, ConnectionState as S, Engine, Event, SubscriptionError};

const URL: &str = "ws://127.0.0.1:6001/app/key?protocol=7&client=courtside&version=0.1.0";

struct H {
    e: Engine,
    now: u64,
}

impl H {
    fn new() -> Self {
        Self::with_seed(42)
    }
    fn with_seed(seed: u64) -> Self {
        H { e: Engine::new(Config::new(URL.into(), seed)), now: 1_000_000 }
    }
    fn actions(&mut self) -> Vec<Action> {
        std::iter::from_fn(|| self.e.poll_action()).collect()
    }
    fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.e.poll_event()).collect()
    }
    fn text(&mut self, t: &str) {
        self.e.handle_text::<SerdeJson>(t, self.now);
    }
    fn established(&mut self, socket_id: &str, timeout: u32) {
        self.text(&format!(
            r#"{{"event":"pusher:connection_established","data":"{{\"socket_id\":\"{socket_id}\",\"activity_timeout\":{timeout}}}"}}"#
        ));
    }
    fn advance(&mut self, ms: u64) {
        self.now += ms;
        self.e.handle_timeout(self.now);
    }
    /// Advance to the next deadline and fire it.
    fn fire_next(&mut self) -> u64 {
        let t = self.e.poll_timeout().expect("a deadline");
        let waited = t.saturating_sub(self.now);
        self.now = self.now.max(t);
        self.e.handle_timeout(self.now);
        waited
    }
    /// Fire deadlines until the engine opens a socket; returns the time waited.
    fn fire_until_open(&mut self) -> u64 {
        let start = self.now;
        for _ in 0..10 {
            self.fire_next();
            let acts = self.actions();
            if acts.iter().any(|a| matches!(a, Action::Open { .. })) {
                return self.now - start;
            }
        }
        panic!("no reconnect");
    }
    fn connect(&mut self) {
        self.e.connect(self.now);
        assert_eq!(self.actions(), vec![Action::Open { url: URL.into() }]);
        self.e.handle_open(self.now);
        self.established("1.1", 30);
    }
    fn sent(actions: &[Action]) -> Vec<String> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Send(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }
    fn subscribe_ok(&mut self, channel: &str) {
        self.e.subscribe(channel, self.now);
        let sid = self.e.socket_id().unwrap().to_owned();
        let acts = self.actions();
        assert!(acts.contains(&Action::Authorize { channel: channel.into(), socket_id: sid.clone() }), "{acts:?}");
        self.e.handle_auth(channel, &sid, AuthResult::Signed("key:sig".into()), self.now);
        let acts = self.actions();
        assert_eq!(Self::sent(&acts).len(), 1);
        self.text(&format!(r#"{{"event":"pusher_internal:subscription_succeeded","channel":"{channel}","data":"{{}}"}}"#));
    }
}

fn states(events: &[Event]) -> Vec<S> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::StateChanged { to, .. } => Some(*to),
            _ => None,
        })
        .collect()
}

#[test]
fn handshake_moves_initialized_connecting_connected() {
    let mut h = H::new();
    assert_eq!(h.e.state(), S::Initialized);
    h.connect();
    assert_eq!(states(&h.events()), vec![S::Connecting, S::Connected]);
    assert_eq!(h.e.socket_id(), Some("1.1"));
    assert_eq!(h.e.activity_timeout_ms(), 30_000, "server's 30 s beats our 120 s");
}

#[test]
fn nothing_is_sent_before_connection_established() {
    let mut h = H::new();
    h.e.subscribe("private-match.1", h.now);
    h.e.connect(h.now);
    h.e.handle_open(h.now);
    let acts = h.actions();
    assert!(acts.iter().all(|a| matches!(a, Action::Open { .. })), "{acts:?}");
    h.established("2.2", 120);
    assert_eq!(h.actions(), vec![Action::Authorize { channel: "private-match.1".into(), socket_id: "2.2".into() }]);
}

#[test]
fn subscribe_flow_delivers_subscribed_then_messages() {
    let mut h = H::new();
    h.connect();
    h.events();
    h.subscribe_ok("private-match.1");
    assert_eq!(h.events(), vec![Event::Subscribed { channel: "private-match.1".into() }]);
    h.text(r#"{"event":"event.received","channel":"private-match.1","data":"{\"a\":1}"}"#);
    assert_eq!(
        h.events(),
        vec![Event::Message { channel: "private-match.1".into(), event: "event.received".into(), data: r#"{"a":1}"#.into() }]
    );
}

#[test]
fn public_channels_subscribe_without_auth_and_again_after_a_reconnect() {
    let mut h = H::new();
    h.connect();
    h.events();
    h.e.subscribe("match.7", h.now);
    let acts = h.actions();
    assert!(!acts.iter().any(|a| matches!(a, Action::Authorize { .. })), "a relay's public channel needs no auth: {acts:?}");
    let sent = H::sent(&acts);
    assert_eq!(sent, vec![r#"{"event":"pusher:subscribe","data":{"channel":"match.7"}}"#.to_string()]);
    h.text(r#"{"event":"pusher_internal:subscription_succeeded","channel":"match.7"}"#);
    assert_eq!(h.events(), vec![Event::Subscribed { channel: "match.7".into() }]);
    h.e.handle_closed(h.now);
    h.fire_until_open();
    h.e.handle_open(h.now);
    h.established("2.2", 30);
    let again = H::sent(&h.actions());
    assert!(again.iter().any(|f| f.contains(r#""channel":"match.7""#)), "resubscribed on the new socket: {again:?}");
}

#[test]
fn a_close_frame_with_a_pusher_code_and_no_error_before_it_is_acted_on() {
    // 4001 alone: the app does not exist; stop for good, no reconnect loop.
    let mut h = H::new();
    h.connect();
    h.events();
    h.e.handle_closed_with_code(4001, h.now);
    assert_eq!(h.e.state(), S::Failed);
    assert!(h.events().iter().any(|e| matches!(e, Event::ServerError { code: Some(4001), .. })));
    assert_eq!(h.e.poll_timeout(), None, "nothing scheduled");
    // 4201 alone: reconnect at once.
    let mut h = H::new();
    h.connect();
    h.e.handle_closed_with_code(4201, h.now);
    assert_eq!(h.fire_until_open(), 0, "at once");
    // 4100 alone: back off at least a second.
    let mut h = H::new();
    h.connect();
    h.e.handle_closed_with_code(4100, h.now);
    assert!(h.fire_until_open() >= 1_000);
    // An ordinary close (1006) is a plain drop.
    let mut h = H::new();
    h.connect();
    h.e.handle_closed_with_code(1006, h.now);
    assert_ne!(h.e.state(), S::Failed);
}

#[test]
fn subscribe_frame_carries_channel_and_auth() {
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-games", h.now);
    h.actions();
    h.e.handle_auth("private-games", "1.1", AuthResult::Signed("key:abc".into()), h.now);
    let sent = H::sent(&h.actions());
    let v: serde_json::Value = serde_json::from_str(&sent[0]).unwrap();
    assert_eq!(v["event"], "pusher:subscribe");
    assert_eq!(v["data"]["channel"], "private-games");
    assert_eq!(v["data"]["auth"], "key:abc");
}

#[test]
fn two_references_share_one_subscription_and_leaving_one_keeps_the_other() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-match.1");
    assert!(!h.e.subscribe("private-match.1", h.now), "second reference is not new");
    assert!(h.actions().is_empty(), "no second auth or subscribe");
    h.e.unsubscribe("private-match.1", h.now);
    h.advance(10_000);
    assert!(H::sent(&h.actions()).iter().all(|f| !f.contains("unsubscribe")), "one reference left: no unsubscribe");
    h.events();
    h.text(r#"{"event":"event.received","channel":"private-match.1","data":"{}"}"#);
    assert_eq!(h.events().len(), 1);
    h.e.unsubscribe("private-match.1", h.now);
    assert!(h.actions().is_empty(), "the last reference lingers before unsubscribing");
    h.advance(2_999);
    assert!(h.actions().is_empty());
    h.advance(1);
    let sent = H::sent(&h.actions());
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("pusher:unsubscribe"));
    assert!(h.e.subscriptions().get("private-match.1").is_none());
}

#[test]
fn no_delivery_after_leave_and_no_duplicates_after_rejoin() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-match.1");
    h.e.unsubscribe("private-match.1", h.now);
    h.events();
    h.text(r#"{"event":"event.received","channel":"private-match.1","data":"{}"}"#);
    assert!(h.events().iter().all(|e| !matches!(e, Event::Message { .. })), "left channels deliver nothing");
    // Back within the linger: no new auth, no new subscribe, one delivery per event.
    assert!(!h.e.subscribe("private-match.1", h.now));
    assert!(h.actions().is_empty());
    h.advance(5_000);
    assert!(H::sent(&h.actions()).iter().all(|f| !f.contains("unsubscribe")), "the rejoin cancelled the release");
    h.events();
    h.text(r#"{"event":"event.received","channel":"private-match.1","data":"{}"}"#);
    let msgs = h.events().into_iter().filter(|e| matches!(e, Event::Message { .. })).count();
    assert_eq!(msgs, 1, "exactly one delivery after rejoin");
    // Back after the linger: a fresh subscription.
    h.e.unsubscribe("private-match.1", h.now);
    h.advance(3_000);
    h.actions();
    h.subscribe_ok("private-match.1");
    h.events();
    h.text(r#"{"event":"event.received","channel":"private-match.1","data":"{}"}"#);
    let msgs = h.events().into_iter().filter(|e| matches!(e, Event::Message { .. })).count();
    assert_eq!(msgs, 1);
}

#[test]
fn a_lingering_channel_is_dropped_not_resubscribed_after_a_reconnect() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-match.1");
    h.subscribe_ok("private-games");
    h.e.unsubscribe("private-match.1", h.now);
    h.e.handle_closed(h.now);
    h.fire_until_open();
    h.established("2.2", 30);
    let auths: Vec<Action> = h.actions().into_iter().filter(|a| matches!(a, Action::Authorize { .. })).collect();
    assert_eq!(auths, vec![Action::Authorize { channel: "private-games".into(), socket_id: "2.2".into() }]);
    assert!(h.e.subscriptions().get("private-match.1").is_none());
}

#[test]
fn events_on_a_channel_still_subscribing_are_not_delivered() {
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    h.events();
    h.text(r#"{"event":"event.received","channel":"private-match.1","data":"{}"}"#);
    assert!(h.events().iter().all(|e| !matches!(e, Event::Message { .. })));
}

#[test]
fn server_ping_gets_a_pong() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.text(r#"{"event":"pusher:ping","data":"{}"}"#);
    let sent = H::sent(&h.actions());
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("pusher:pong"));
}

#[test]
fn silence_sends_a_ping_after_the_activity_timeout_and_a_pong_without_data_counts() {
    let mut h = H::new();
    h.connect();
    h.actions();
    assert_eq!(h.e.poll_timeout(), Some(h.now + 30_000));
    h.advance(29_999);
    assert!(h.actions().is_empty());
    h.advance(1);
    let sent = H::sent(&h.actions());
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("pusher:ping"));
    h.advance(5_000);
    h.text(r#"{"event":"pusher:pong"}"#);
    h.advance(40_000);
    assert_eq!(h.e.state(), S::Connected, "pong answered: still connected");
}

#[test]
fn any_frame_resets_the_activity_timer() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.advance(20_000);
    h.text(r#"{"event":"pusher:pong"}"#);
    h.advance(20_000);
    assert!(h.actions().is_empty(), "timer restarted at the last frame");
    h.advance(10_000);
    assert_eq!(H::sent(&h.actions()).len(), 1);
}

#[test]
fn a_half_open_socket_is_replaced_after_the_pong_timeout() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.events();
    h.advance(30_000); // ping
    h.actions();
    h.advance(29_999);
    assert!(h.actions().is_empty());
    h.advance(1);
    let acts = h.actions();
    assert_eq!(acts, vec![Action::Close, Action::Open { url: URL.into() }], "reconnect at once");
    assert_eq!(states(&h.events()), vec![S::Connecting]);
}

#[test]
fn configured_activity_timeout_caps_the_servers() {
    let mut h = H::new();
    h.e.connect(h.now);
    h.actions();
    h.established("1.1", 600);
    assert_eq!(h.e.activity_timeout_ms(), 120_000);
}

#[test]
fn fatal_codes_stop_for_good_with_a_visible_error() {
    for code in [4000u16, 4001, 4003, 4004, 4099] {
        let mut h = H::new();
        h.connect();
        h.actions();
        h.events();
        h.text(&format!(r#"{{"event":"pusher:error","data":"{{\"code\":{code},\"message\":\"nope\"}}"}}"#));
        let ev = h.events();
        assert!(ev.contains(&Event::ServerError { code: Some(code), message: "nope".into() }), "{code}: {ev:?}");
        assert_eq!(h.e.state(), S::Failed, "{code}");
        assert_eq!(h.actions(), vec![Action::Close]);
        h.e.handle_closed(h.now);
        assert_eq!(h.e.poll_timeout(), None, "{code}: nothing scheduled");
        h.advance(3_600_000);
        assert!(h.actions().is_empty(), "{code}: never reconnects by itself");
    }
}

#[test]
fn connect_after_failed_starts_over() {
    let mut h = H::new();
    h.connect();
    h.text(r#"{"event":"pusher:error","data":{"code":4001,"message":"x"}}"#);
    h.actions();
    h.e.connect(h.now);
    assert_eq!(h.actions(), vec![Action::Open { url: URL.into() }]);
}

#[test]
fn try_later_codes_back_off_at_least_a_second() {
    for code in [4100u16, 4150, 4199] {
        let mut h = H::new();
        h.connect();
        h.actions();
        h.text(&format!(r#"{{"event":"pusher:error","data":{{"code":{code},"message":"busy"}}}}"#));
        assert_eq!(h.actions(), vec![Action::Close]);
        let t = h.e.poll_timeout().unwrap();
        assert!(t - h.now >= 1_000, "{code}: waited {}", t - h.now);
        assert_ne!(h.e.state(), S::Failed);
    }
}

#[test]
fn reconnect_now_codes_reconnect_at_once() {
    for code in [4201u16, 4202, 4299] {
        let mut h = H::new();
        h.connect();
        h.actions();
        h.text(&format!(r#"{{"event":"pusher:error","data":{{"code":{code},"message":"bye"}}}}"#));
        assert_eq!(h.actions(), vec![Action::Close]);
        assert_eq!(h.fire_next(), 0, "{code}");
        assert_eq!(h.actions(), vec![Action::Open { url: URL.into() }]);
    }
}

#[test]
fn reverb_error_then_drop_without_close_frame_uses_the_errors_code() {
    // Reverb: pusher:error 4001, then TCP drop (1006). The engine acts on the error at once and
    // ignores the later close of the socket it already let go.
    let mut h = H::new();
    h.connect();
    h.text(r#"{"event":"pusher:error","data":"{\"code\":4001,\"message\":\"Application does not exist\"}"}"#);
    h.e.handle_closed(h.now);
    assert_eq!(h.e.state(), S::Failed);
}

#[test]
fn invalid_message_format_4200_keeps_the_socket() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-games");
    h.actions();
    h.events();
    h.text(r#"{"event":"pusher:error","data":"{\"code\":4200,\"message\":\"Invalid message format\"}"}"#);
    assert!(h.actions().is_empty(), "no close, no reconnect");
    assert_eq!(h.e.state(), S::Connected);
    assert!(h.events().iter().any(|e| matches!(e, Event::Log { warning: true, .. })));
    h.text(r#"{"event":"event.received","channel":"private-games","data":"{}"}"#);
    assert!(h.events().iter().any(|e| matches!(e, Event::Message { .. })), "still delivering");
}

#[test]
fn other_codes_are_reported_and_the_socket_stays() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.text(r#"{"event":"pusher:error","data":{"code":4301,"message":"rate"}}"#);
    assert!(h.actions().is_empty());
    assert_eq!(h.e.state(), S::Connected);
}

#[test]
fn reverb_4009_without_channel_fails_the_waiting_subscription_only() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-games");
    h.e.subscribe("private-match.7", h.now);
    h.actions();
    h.e.handle_auth("private-match.7", "1.1", AuthResult::Signed("key:bad".into()), h.now);
    h.actions();
    h.events();
    h.text(r#"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"Connection is unauthorized\"}"}"#);
    let ev = h.events();
    assert!(ev.contains(&Event::SubscriptionFailed {
        channel: "private-match.7".into(),
        error: SubscriptionError::Unauthorized { message: "Connection is unauthorized".into() },
        retrying: false,
    }), "{ev:?}");
    assert_eq!(h.e.state(), S::Connected, "socket stays");
    assert!(h.actions().is_empty());
    h.text(r#"{"event":"event.received","channel":"private-games","data":"{}"}"#);
    assert!(h.events().iter().any(|e| matches!(e, Event::Message { .. })));
}

#[test]
fn two_waiting_subscriptions_and_4009_blames_the_oldest() {
    let mut h = H::new();
    h.connect();
    for c in ["private-match.1", "private-match.2"] {
        h.e.subscribe(c, h.now);
    }
    h.actions();
    h.e.handle_auth("private-match.2", "1.1", AuthResult::Signed("k:2".into()), h.now);
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Signed("k:1".into()), h.now);
    h.events();
    h.text(r#"{"event":"pusher:error","data":{"code":4009,"message":"no"}}"#);
    let failed: Vec<String> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::SubscriptionFailed { channel, .. } => Some(channel),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec!["private-match.2".to_string()], "subscribe for .2 was sent first");
}

#[test]
fn auth_403_is_a_permanent_visible_denial_until_retry() {
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    h.actions();
    h.events();
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Status(403), h.now);
    assert_eq!(
        h.events(),
        vec![Event::SubscriptionFailed {
            channel: "private-match.1".into(),
            error: SubscriptionError::AuthRejected { status: 403 },
            retrying: false
        }]
    );
    h.advance(600_000);
    assert!(h.actions().iter().all(|a| !matches!(a, Action::Authorize { .. })), "no retries by itself");
    h.e.retry("private-match.1", h.now);
    assert_eq!(h.actions(), vec![Action::Authorize { channel: "private-match.1".into(), socket_id: "1.1".into() }]);
}

#[test]
fn auth_5xx_and_network_errors_are_retried_with_growing_delays() {
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    h.actions();
    let mut waits = vec![];
    for i in 0..6 {
        let result = if i % 2 == 0 { AuthResult::Status(503) } else { AuthResult::Unreachable("timeout".into()) };
        h.e.handle_auth("private-match.1", "1.1", result, h.now);
        let ev = h.events();
        assert!(ev.iter().any(|e| matches!(e, Event::SubscriptionFailed { retrying: true, .. })), "{ev:?}");
        let t = h.e.poll_timeout().unwrap();
        waits.push(t - h.now);
        h.now = t;
        h.e.handle_timeout(h.now);
        h.text(r#"{"event":"pusher:pong"}"#);
        let acts = h.actions();
        if !acts.iter().any(|a| matches!(a, Action::Authorize { .. })) {
            // the deadline was the activity ping; the retry is next
            let t2 = h.e.poll_timeout().unwrap();
            h.now = t2;
            h.e.handle_timeout(h.now);
            assert!(h.actions().iter().any(|a| matches!(a, Action::Authorize { .. })));
        }
    }
    assert!(waits.windows(2).all(|w| w[1] >= w[0]), "{waits:?}");
    assert!(waits.iter().all(|w| *w <= 30_000));
}

#[test]
fn auth_answer_for_an_old_socket_is_ignored() {
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    h.actions();
    h.e.handle_closed(h.now);
    h.fire_until_open();
    h.established("2.2", 30);
    h.actions();
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Signed("k:old".into()), h.now);
    assert!(h.actions().is_empty(), "signature for socket 1.1 must not be used on 2.2");
    h.e.handle_auth("private-match.1", "2.2", AuthResult::Signed("k:new".into()), h.now);
    assert!(H::sent(&h.actions())[0].contains("k:new"));
}

#[test]
fn reconnect_reauthorizes_and_resubscribes_every_channel_with_the_new_socket_id() {
    let mut h = H::new();
    h.connect();
    for c in ["private-match.1", "private-match.2", "private-games"] {
        h.subscribe_ok(c);
    }
    h.events();
    h.e.handle_closed(h.now);
    h.fire_until_open();
    h.established("9.9", 30);
    let mut auths: Vec<(String, String)> = h
        .actions()
        .into_iter()
        .filter_map(|a| match a {
            Action::Authorize { channel, socket_id } => Some((channel, socket_id)),
            _ => None,
        })
        .collect();
    auths.sort();
    assert_eq!(
        auths,
        vec![
            ("private-games".into(), "9.9".into()),
            ("private-match.1".into(), "9.9".into()),
            ("private-match.2".into(), "9.9".into())
        ]
    );
}

#[test]
fn reconnects_forever_with_bounded_jittered_backoff() {
    let mut h = H::new();
    h.connect();
    h.actions();
    let mut waits = vec![];
    for _ in 0..200 {
        h.e.handle_closed(h.now);
        waits.push(h.fire_until_open());
    }
    assert!(waits.iter().all(|w| *w <= 30_000), "cap");
    let base = Config::new(String::new(), 1).backoff_base_ms;
    for (n, w) in waits[..3].iter().enumerate() {
        assert!(*w <= base << n, "attempt {n} waits at most base·2ⁿ: {:?}", &waits[..3]);
    }
    let late: Vec<u64> = waits[10..].to_vec();
    let mean = late.iter().sum::<u64>() / late.len() as u64;
    assert!((8_000..=22_000).contains(&mean), "full jitter averages half the cap: {mean}");
}

#[test]
fn a_connection_that_stayed_up_resets_the_backoff() {
    let mut h = H::new();
    h.connect();
    for _ in 0..8 {
        h.e.handle_closed(h.now);
        h.fire_until_open();
        h.established("1.2", 120);
    }
    assert!(h.e.reconnect_attempts() >= 8);
    h.advance(16_000);
    h.e.handle_closed(h.now);
    assert_eq!(h.e.reconnect_attempts(), 1, "reset, then one attempt counted");
    let t = h.e.poll_timeout().unwrap();
    assert!(t - h.now <= Config::new(String::new(), 1).backoff_base_ms, "the first window again");
}

#[test]
fn unavailable_after_ten_seconds_without_a_connection_and_still_trying() {
    let mut h = H::new();
    h.e.connect(h.now);
    h.actions();
    h.events();
    let start = h.now;
    let mut opens = 0;
    // Bounded: a schedule of zero delays must fail here, not spin forever.
    while h.now - start < 60_000 {
        assert!(opens < 1_000, "{opens} attempts within {} ms: the backoff does not wait", h.now - start);
        h.e.handle_closed(h.now);
        h.fire_until_open();
        opens += 1;
    }
    assert!(states(&h.events()).contains(&S::Unavailable));
    assert!(opens >= 4, "kept trying: {opens}");
    h.established("3.3", 30);
    assert_eq!(h.e.state(), S::Connected);
}

#[test]
fn handshake_timeout_replaces_a_socket_that_never_says_hello() {
    let mut h = H::new();
    h.e.connect(h.now);
    h.actions();
    h.e.handle_open(h.now);
    h.advance(10_000);
    let acts = h.actions();
    assert_eq!(acts.first(), Some(&Action::Close), "{acts:?}");
}

#[test]
fn offline_does_not_burn_retries_and_online_reconnects_at_once() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.e.handle_closed(h.now);
    h.e.handle_network(false, h.now);
    assert_eq!(h.e.state(), S::Unavailable);
    let attempts = h.e.reconnect_attempts();
    h.advance(3_600_000);
    assert!(h.actions().is_empty(), "no attempts while offline");
    assert_eq!(h.e.reconnect_attempts(), attempts);
    h.e.handle_network(true, h.now);
    assert_eq!(h.actions(), vec![Action::Open { url: URL.into() }]);
}

#[test]
fn offline_while_connected_checks_with_a_ping_instead_of_dropping() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.e.handle_network(false, h.now);
    let sent = H::sent(&h.actions());
    assert!(sent[0].contains("pusher:ping"));
    h.text(r#"{"event":"pusher:pong"}"#);
    h.advance(10_000);
    assert_eq!(h.e.state(), S::Connected);
}

#[test]
fn waking_up_checks_the_socket_and_replaces_a_dead_one_within_seconds() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.events();
    // The laptop slept for an hour; the throttled timer fires late with the real time.
    h.now += 3_600_000;
    h.e.handle_wake(h.now);
    let sent = H::sent(&h.actions());
    assert!(sent.iter().any(|s| s.contains("pusher:ping")), "{sent:?}");
    h.e.handle_timeout(h.now);
    h.actions();
    h.advance(4_000);
    let acts = h.actions();
    assert!(acts.contains(&Action::Open { url: URL.into() }), "{acts:?}");
}

#[test]
fn waking_up_during_backoff_reconnects_now() {
    let mut h = H::new();
    h.connect();
    for _ in 0..10 {
        h.e.handle_closed(h.now);
        h.fire_until_open();
    }
    h.e.handle_closed(h.now);
    h.actions();
    h.e.handle_wake(h.now);
    assert_eq!(h.actions(), vec![Action::Open { url: URL.into() }]);
}

#[test]
fn malformed_and_oversized_frames_are_logged_and_the_connection_is_undisturbed() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-games");
    h.actions();
    h.events();
    for bad in ["not json", "[]", "{}", r#"{"event":1}"#, "\u{0}", &"x".repeat(300_000)] {
        h.text(bad);
    }
    let ev = h.events();
    assert_eq!(ev.len(), 6);
    assert!(ev.iter().all(|e| matches!(e, Event::Log { warning: true, .. })));
    assert!(h.actions().is_empty());
    assert_eq!(h.e.state(), S::Connected);
    h.text(r#"{"event":"event.received","channel":"private-games","data":"{}"}"#);
    assert!(matches!(h.events()[0], Event::Message { .. }));
}

#[test]
fn disconnect_closes_and_stops() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.e.disconnect(h.now);
    assert_eq!(h.actions(), vec![Action::Close]);
    assert_eq!(h.e.state(), S::Disconnected);
    assert_eq!(h.e.poll_timeout(), None);
}

#[test]
fn frames_after_close_are_ignored() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-games");
    h.e.disconnect(h.now);
    h.events();
    h.text(r#"{"event":"event.received","channel":"private-games","data":"{}"}"#);
    assert!(h.events().is_empty());
}

// ---- behaviour the mutation run (scripts/mutants.sh) found untested ----

#[test]
fn the_socket_url_names_scheme_host_port_key_protocol_and_version() {
    use courtside::protocol::socket_url;
    assert_eq!(socket_url(false, "127.0.0.1", 6001, "key", "0.1.0"), URL);
    assert_eq!(
        socket_url(true, "ws.example.com", 443, "app-key", "2.3.4"),
        "wss://ws.example.com:443/app/app-key?protocol=7&client=courtside&version=2.3.4"
    );
}

#[test]
fn the_engine_reports_offline_after_handle_network_false_and_online_after_true() {
    let mut h = H::new();
    assert!(h.e.is_online(), "a new engine assumes the browser is online");
    h.e.handle_network(false, h.now);
    assert!(!h.e.is_online(), "offline before connecting");
    h.e.handle_network(true, h.now);
    assert!(h.e.is_online());
    h.connect();
    h.e.handle_network(false, h.now);
    assert!(!h.e.is_online(), "offline while connected");
    h.e.handle_network(true, h.now);
    assert!(h.e.is_online());
}

#[test]
fn the_channel_table_shows_each_channel_its_listeners_and_its_phase() {
    use courtside::protocol::subscriptions::Phase;
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    let sub = h.e.subscriptions().get("private-match.1").expect("listed once asked for");
    assert_eq!((sub.refs, &sub.phase), (1, &Phase::Authorizing { socket_id: "1.1".into() }));
    h.actions();
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Signed("k:s".into()), h.now);
    assert!(matches!(h.e.subscriptions().get("private-match.1").unwrap().phase, Phase::Subscribing { .. }));
    h.text(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-match.1","data":"{}"}"#);
    h.e.subscribe("private-match.1", h.now);
    let sub = h.e.subscriptions().get("private-match.1").unwrap();
    assert_eq!((sub.refs, &sub.phase), (2, &Phase::Subscribed));
    h.e.unsubscribe("private-match.1", h.now);
    h.e.unsubscribe("private-match.1", h.now);
    let sub = h.e.subscriptions().get("private-match.1").expect("lingers");
    assert_eq!((sub.refs, sub.release_at), (0, Some(h.now + 3_000)));
}

#[test]
fn an_auth_retry_deadline_is_the_next_timeout() {
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    h.actions();
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Status(503), h.now);
    // First failure: asked again 2 s later, well before the 30 s activity ping.
    assert_eq!(h.e.poll_timeout(), Some(h.now + 2_000), "the driver must wake for the retry");
    assert_eq!(h.fire_next(), 2_000);
    assert_eq!(h.actions(), vec![Action::Authorize { channel: "private-match.1".into(), socket_id: "1.1".into() }]);
}

#[test]
fn a_reader_who_cannot_connect_sees_connecting_for_ten_seconds_then_unavailable() {
    let mut h = H::new();
    h.e.connect(h.now);
    h.actions();
    assert_eq!(h.e.poll_timeout(), Some(h.now + 10_000), "the handshake and the unavailable deadlines");
    h.advance(9_999);
    assert_eq!(h.e.state(), S::Connecting);
    assert_eq!(states(&h.events()), vec![S::Connecting], "not reported unavailable yet");
    h.advance(1);
    assert_eq!(h.e.state(), S::Unavailable);
}

#[test]
fn unsubscribing_tells_the_server_only_about_channels_it_heard_of_and_only_while_connected() {
    let unsubscribes = |actions: &[Action]| H::sent(actions).into_iter().filter(|f| f.contains("pusher:unsubscribe")).count();
    // Connected and subscribed: the server is told after the linger.
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-match.1");
    h.e.unsubscribe("private-match.1", h.now);
    h.advance(3_000);
    assert_eq!(unsubscribes(&h.actions()), 1);
    // Connected, auth still pending: the server never heard of it, so nothing is sent.
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.2", h.now);
    h.actions();
    h.e.unsubscribe("private-match.2", h.now);
    h.advance(3_000);
    assert!(h.actions().is_empty(), "no unsubscribe for a channel still authorizing");
    assert!(h.e.subscriptions().get("private-match.2").is_none(), "forgotten");
    h.e.handle_auth("private-match.2", "1.1", AuthResult::Signed("k:late".into()), h.now);
    assert!(h.actions().is_empty(), "a late signature for a forgotten channel subscribes nothing");
    // Connected, auth refused (403): nothing to undo on the server either.
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.3", h.now);
    h.actions();
    h.e.handle_auth("private-match.3", "1.1", AuthResult::Status(403), h.now);
    h.e.unsubscribe("private-match.3", h.now);
    h.advance(3_000);
    assert!(h.actions().is_empty(), "no unsubscribe for a refused channel");
    // Disconnected: nothing is sent, and the channel is forgotten.
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-match.4");
    h.e.disconnect(h.now);
    h.actions();
    h.e.unsubscribe("private-match.4", h.now);
    h.advance(3_000);
    assert!(h.actions().is_empty(), "no frame without a socket");
    assert!(h.e.subscriptions().get("private-match.4").is_none());
}

#[test]
fn a_second_or_late_auth_answer_for_the_current_socket_is_ignored() {
    // The driver delivers the same answer twice: one subscribe frame, not two.
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.1", h.now);
    h.actions();
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Signed("k:1".into()), h.now);
    assert_eq!(H::sent(&h.actions()).len(), 1);
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Signed("k:1".into()), h.now);
    assert!(h.actions().is_empty(), "no second subscribe");
    h.text(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-match.1","data":"{}"}"#);
    h.events();
    h.e.handle_auth("private-match.1", "1.1", AuthResult::Status(403), h.now);
    assert!(h.events().is_empty(), "a stray refusal does not fail a subscribed channel");
    // A signature arriving after the endpoint had refused the same request.
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.2", h.now);
    h.actions();
    h.e.handle_auth("private-match.2", "1.1", AuthResult::Status(403), h.now);
    h.e.handle_auth("private-match.2", "1.1", AuthResult::Signed("k:2".into()), h.now);
    assert!(h.actions().is_empty(), "a refused channel stays refused until retry()");
    // An answer that arrives while the connection is down is dropped; the new socket asks again.
    let mut h = H::new();
    h.connect();
    h.e.subscribe("private-match.3", h.now);
    h.actions();
    h.e.handle_closed(h.now);
    h.e.handle_auth("private-match.3", "1.1", AuthResult::Signed("k:3".into()), h.now);
    assert!(H::sent(&h.actions()).is_empty(), "nothing to send it on");
    h.fire_until_open();
    h.established("2.2", 30);
    assert_eq!(h.actions(), vec![Action::Authorize { channel: "private-match.3".into(), socket_id: "2.2".into() }]);
}

#[test]
fn a_delay_is_never_above_its_window_nor_below_its_floor() {
    use courtside::protocol::backoff::Backoff;
    for floor in [0u64, 1_000, 5_000] {
        for seed in 0..200u64 {
            let mut b = Backoff::new(1_500, 30_000, seed);
            let mut now = 0;
            for n in 0..12 {
                let ceiling = b.ceiling_ms(now).max(floor);
                let d = b.next_delay(floor, now);
                assert!((floor..=ceiling).contains(&d), "floor {floor}, seed {seed}, attempt {n}: {d} outside {floor}..={ceiling}");
                now += d;
            }
        }
    }
}

#[test]
fn try_later_codes_wait_between_one_second_and_the_first_window() {
    // 4100: at least a second, and no more than the first window (1.5 s) asks for.
    let mut waits = vec![];
    for seed in 0..40 {
        let mut h = H::with_seed(seed);
        h.connect();
        h.actions();
        h.text(r#"{"event":"pusher:error","data":{"code":4100,"message":"over capacity"}}"#);
        waits.push(h.fire_until_open());
    }
    assert!(waits.iter().all(|w| (1_000..=1_500).contains(w)), "{waits:?}");
    assert!(waits.iter().max().unwrap() - waits.iter().min().unwrap() > 200, "spread: {waits:?}");
}

#[test]
fn after_the_server_returns_a_reader_waits_less_than_the_outage_lasted() {
    // Every attempt before `back` is refused; the first after it connects.
    for outage in [2_000u64, 12_000] {
        for seed in 0..100 {
            let mut h = H::with_seed(seed);
            h.connect();
            h.actions();
            let back = h.now + outage;
            h.e.handle_closed(h.now);
            for _ in 0..1_000 {
                h.fire_until_open();
                if h.now >= back {
                    break;
                }
                h.e.handle_closed(h.now);
            }
            assert!(h.now >= back, "seed {seed}: still refused after 1,000 attempts");
            let wait = h.now - back;
            assert!(wait < outage, "outage {outage}, seed {seed}: waited {wait} ms after the return");
        }
    }
}

#[test]
fn the_jitter_sequence_for_a_seed_is_fixed_and_spread_over_its_range() {
    use courtside::protocol::backoff::Jitter;
    // A schedule replays exactly: these are the first draws of xorshift64* from 43 (42 | 1),
    // checked against a reference implementation outside Rust.
    let mut j = Jitter::new(42);
    let raw: Vec<u64> = (0..4).map(|_| j.below_or_eq(u64::MAX)).collect();
    assert_eq!(raw, [11435511379416088765, 8363626497947505399, 2103083356132978009, 10030169266465847362]);
    let mut j = Jitter::new(42);
    let small: Vec<u64> = (0..8).map(|_| j.below_or_eq(999)).collect();
    assert_eq!(small, [765, 399, 9, 362, 766, 562, 115, 498], "the same draws, reduced to 0..=999");
    // Every value of a range is drawn about as often as every other: 20,000 draws of 0..=9.
    let mut j = Jitter::new(7);
    let mut counts = [0u32; 10];
    for _ in 0..20_000 {
        let v = j.below_or_eq(9);
        assert!(v <= 9, "{v} above the range");
        counts[v as usize] += 1;
    }
    assert!(counts.iter().all(|c| (1_800..=2_200).contains(c)), "{counts:?}");
    // The ends of the range: 0..=0 is always 0, and 0..=1 draws both.
    let mut j = Jitter::new(3);
    assert!((0..100).all(|_| j.below_or_eq(0) == 0));
    let ones = (0..1_000).filter(|_| j.below_or_eq(1) == 1).count();
    assert!((400..=600).contains(&ones), "{ones} ones of 1,000");
    // Different seeds give different schedules.
    let firsts: std::collections::BTreeSet<u64> = (0..100u64).map(|s| Jitter::new(s * 2 + 1).below_or_eq(1_000_000)).collect();
    assert!(firsts.len() > 95, "{} distinct first draws of 100 seeds", firsts.len());
}

#[test]
fn a_plain_drop_is_not_reported_as_a_server_error() {
    // 1006 (no close frame) and 1000 are the network's or the server's ordinary goodbyes.
    for code in [1000u16, 1005, 1006] {
        let mut h = H::new();
        h.connect();
        h.events();
        h.e.handle_closed_with_code(code, h.now);
        let ev = h.events();
        assert!(!ev.iter().any(|e| matches!(e, Event::ServerError { .. })), "{code}: {ev:?}");
        assert_eq!(h.e.state(), S::Connecting, "{code}: reconnecting");
    }
}

#[test]
fn a_stopped_engine_stays_stopped_when_the_page_wakes_or_comes_back_online() {
    // Never connected, disconnected on request, or failed for good: no socket by itself.
    let mut never = H::new();
    let mut stopped = H::new();
    stopped.connect();
    stopped.e.disconnect(stopped.now);
    let mut failed = H::new();
    failed.connect();
    failed.text(r#"{"event":"pusher:error","data":{"code":4001,"message":"no app"}}"#);
    for (name, h) in [("initialized", &mut never), ("disconnected", &mut stopped), ("failed", &mut failed)] {
        h.actions();
        let before = h.e.state();
        h.e.handle_wake(h.now);
        h.e.handle_network(false, h.now);
        h.e.handle_network(true, h.now);
        assert_eq!(h.actions(), vec![], "{name}");
        assert_eq!(h.e.state(), before, "{name}");
    }
}

#[test]
fn waking_up_during_a_handshake_opens_no_second_socket() {
    let mut h = H::new();
    h.e.connect(h.now);
    h.e.handle_open(h.now);
    h.actions();
    h.e.handle_wake(h.now + 10);
    h.e.handle_network(false, h.now + 20);
    h.e.handle_network(true, h.now + 30);
    assert_eq!(h.actions(), vec![], "the socket being opened is still the one");
}

#[test]
fn a_reader_who_loses_the_connection_sees_unavailable_ten_seconds_after_the_drop() {
    let mut h = H::new();
    h.connect();
    h.advance(60_000); // connected for a minute
    h.actions();
    h.events();
    let drop = h.now;
    h.e.handle_closed(h.now);
    // Every attempt is refused at once; the retries do not push the moment back.
    let mut unavailable_after = None;
    for _ in 0..100 {
        h.fire_next();
        if h.e.state() == S::Unavailable {
            unavailable_after = Some(h.now - drop);
            break;
        }
        if h.actions().iter().any(|a| matches!(a, Action::Open { .. })) {
            h.e.handle_closed(h.now);
        }
    }
    assert_eq!(unavailable_after, Some(10_000));
    assert_eq!(states(&h.events()), vec![S::Connecting, S::Unavailable]);
}

/// A channel event of exactly `len` bytes on `private-games`.
fn event_frame_of(len: usize) -> String {
    let head = r#"{"event":"event.received","channel":"private-games","data":""#;
    let tail = r#""}"#;
    format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()))
}

#[test]
fn frames_up_to_256_kib_are_delivered_and_larger_ones_dropped_with_a_warning() {
    use courtside::protocol::frame::MAX_FRAME_BYTES;
    assert_eq!(MAX_FRAME_BYTES, 256 * 1024);
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-games");
    h.events();
    for len in [20_000, MAX_FRAME_BYTES] {
        h.text(&event_frame_of(len));
        let ev = h.events();
        assert!(matches!(&ev[..], [Event::Message { data, .. }] if data.len() > len - 100), "{len} bytes: delivered");
    }
    for len in [MAX_FRAME_BYTES + 1, 300_000] {
        h.text(&event_frame_of(len));
        let ev = h.events();
        assert_eq!(ev, vec![Event::Log { warning: true, message: format!("dropped a frame of {len} bytes") }]);
    }
}

#[test]
fn a_skipped_frame_is_logged_with_the_reason() {
    let mut h = H::new();
    h.connect();
    h.events();
    h.text("not json");
    let ev = h.events();
    assert!(
        matches!(&ev[..], [Event::Log { warning: true, message }] if message.starts_with("skipped a frame: malformed frame: ") && message.len() > 40),
        "{ev:?}"
    );
}

#[test]
fn a_pong_is_silent_and_unknown_protocol_events_are_never_delivered_as_messages() {
    let mut h = H::new();
    h.connect();
    h.subscribe_ok("private-games");
    h.events();
    h.text(r#"{"event":"pusher:pong","data":"{}"}"#);
    assert_eq!(h.events(), vec![], "a pong tells the app nothing");
    for ev in ["pusher:member_added", "pusher_internal:member_removed"] {
        h.text(&format!(r#"{{"event":"{ev}","channel":"private-games","data":"{{}}"}}"#));
        assert_eq!(h.events(), vec![Event::Log { warning: false, message: format!("ignored event {ev}") }], "{ev}");
    }
}

#[test]
fn a_connection_established_needs_a_socket_id_of_1_to_64_bytes() {
    for (id, ok) in [("".to_string(), false), ("1".repeat(64), true), ("1".repeat(65), false), ("1.2".into(), true)] {
        let mut h = H::new();
        h.e.connect(h.now);
        h.established(&id, 30);
        assert_eq!(h.e.state() == S::Connected, ok, "socket id of {} bytes", id.len());
        assert_eq!(h.e.socket_id().is_some(), ok);
    }
}

#[test]
fn an_activity_timeout_below_one_second_is_ignored() {
    for timeout in ["0", "0.5", "-3"] {
        let mut h = H::new();
        h.e.connect(h.now);
        h.text(&format!(
            r#"{{"event":"pusher:connection_established","data":"{{\"socket_id\":\"1.1\",\"activity_timeout\":{timeout}}}"}}"#
        ));
        assert_eq!(h.e.state(), S::Connected);
        assert_eq!(h.e.activity_timeout_ms(), 120_000, "{timeout}: our own 120 s, not a ping storm");
    }
}

#[test]
fn an_error_code_outside_0_to_65535_counts_as_no_code() {
    for code in ["-1", "70000"] {
        let mut h = H::new();
        h.connect();
        h.events();
        h.text(&format!(r#"{{"event":"pusher:error","data":{{"code":{code},"message":"odd"}}}}"#));
        assert_eq!(h.events(), vec![Event::Log { warning: true, message: "server error -1: odd".into() }], "{code}");
        assert_eq!(h.e.state(), S::Connected);
    }
}

#[test]
fn channel_names_are_sent_as_json_with_control_characters_escaped() {
    let mut h = H::new();
    h.connect();
    h.actions();
    h.e.subscribe("match 7\u{1}\u{1f}\"\\", h.now);
    let sent = H::sent(&h.actions());
    assert_eq!(sent, vec![r#"{"event":"pusher:subscribe","data":{"channel":"match 7\u0001\u001f\"\\"}}"#.to_string()]);
    let v: serde_json::Value = serde_json::from_str(&sent[0]).unwrap();
    assert_eq!(v["data"]["channel"], "match 7\u{1}\u{1f}\"\\");
}

/// One page against a server that stops answering: connected (hello after 300 ms) for a
/// minute, then every socket opens and never says hello. Per missed handshake: how long it
/// was given, and how long the engine waited before the next attempt.
fn silent_server(seed: u64, configure: impl Fn(&mut Config)) -> Vec<(u64, u64)> {
    let mut config = Config::new(URL.into(), seed);
    configure(&mut config);
    let mut h = H { e: Engine::new(config), now: 1_000_000 };
    h.e.connect(h.now);
    h.now += 300;
    h.e.handle_open(h.now);
    h.established("1.1", 120);
    h.advance(60_000);
    h.actions();
    h.e.handle_closed(h.now);
    h.fire_until_open();
    let mut misses = vec![];
    for _ in 0..5 {
        let opened = h.now;
        h.e.handle_open(h.now);
        // Other deadlines (the unavailable one) may come first: fire until the socket is given up.
        let mut acts = vec![];
        for _ in 0..10 {
            h.fire_next();
            acts = h.actions();
            if acts.contains(&Action::Close) {
                break;
            }
        }
        assert!(acts.contains(&Action::Close), "seed {seed}: the handshake was never given up");
        let given = h.now - opened;
        let wait = if acts.iter().any(|a| matches!(a, Action::Open { .. })) { 0 } else { h.fire_until_open() };
        misses.push((given, wait));
    }
    misses
}

#[test]
fn after_a_missed_handshake_the_next_attempt_comes_within_the_time_that_handshake_was_given() {
    let mut ratios = vec![];
    for seed in 0..50 {
        let misses = silent_server(seed, |_| {});
        let given: Vec<u64> = misses.iter().map(|m| m.0).collect();
        assert_eq!(given, [2_000, 4_000, 8_000, 10_000, 10_000], "seed {seed}: 2 × 300 ms + 1 s at least 2 s, doubling per miss up to 10 s");
        for (given, wait) in misses {
            assert!(wait <= given, "seed {seed}: waited {wait} ms after a handshake given {given} ms");
            ratios.push(wait as f64 / given as f64);
        }
    }
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    assert!((0.3..0.7).contains(&mean), "spread over the allowance, not at once: mean {mean:.2} of it");
}

#[test]
fn with_the_handshake_minimum_at_the_timeout_nothing_is_learned_and_the_backoff_is_plain() {
    let mut longest = 0;
    for seed in 0..50 {
        let misses = silent_server(seed, |c| c.handshake_min_ms = c.handshake_timeout_ms);
        assert!(misses.iter().all(|m| m.0 == 10_000), "seed {seed}: {misses:?}");
        longest = longest.max(misses.iter().map(|m| m.1).max().unwrap());
    }
    assert!(longest > 10_000, "the backoff window, not the handshake's 10 s, bounds the wait: longest {longest}");
}
