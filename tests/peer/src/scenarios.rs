//! The scenario table: how the peer behaves for each named fault. `tests/scenarios.txt` lists
//! the same names with the fault, the outcome the widget must reach and the counts and gaps the
//! runner checks in the peer's record (`/s/<key>/truth`).
//!
//! Every event carries a game clock, and the clock moves with every event, missed ones too.
//! After a reconnect the peer waits for the widget's backfill ([`Step::AwaitBackfill`]) and
//! then pushes events without a clock ([`Step::Tail`]): the clock the missed events moved is
//! then on screen only if the snapshot after the resubscription was fetched and merged.

use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Hello {
    /// `connection_established` with this activity timeout; `object` sends `data` as an object.
    Normal { activity_timeout: u32, object: bool },
    /// Accept the socket and never say hello.
    Silent,
    /// `pusher:error` instead of hello, then drop the TCP connection (Reverb's habit).
    ErrorThenDrop { code: Option<u16> },
    /// Hello, then a second hello.
    Twice,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SubscribeReply {
    Succeed,
    /// Reverb: `pusher:error` 4009 naming no channel; the socket stays open.
    Unauthorized4009NoChannel,
    Unauthorized4009WithChannel,
    /// Say nothing: the steps play without a `subscription_succeeded` (a drop before the answer).
    Unanswered,
}

#[derive(Clone, Debug)]
pub enum Step {
    /// Publish n events, 40 ms apart, each with the game clock.
    Events(u32),
    /// Publish n events without a clock (the clock stays where the last clocked event put it).
    Tail(u32),
    /// Advance the truth by n events without sending them: the events a client misses. Scripts
    /// play it just before the drop, not after it: a client that reconnects at once would
    /// otherwise fetch its snapshot before the events happened, and nothing would be missed.
    Miss(u32),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// A WebSocket close frame with this code.
    Close(u16),
    /// `pusher:error`, with `data` as a string (Reverb) or object (sockudo), optionally then drop.
    Error { code: Option<u16>, message: &'static str, object: bool, then_drop: bool },
    /// A raw text frame.
    Raw(RawFrame),
    Binary,
    /// A server `pusher:ping`; the client must answer within 3 s.
    Ping,
    /// Half-open: from now on, read nothing and send nothing.
    StopAnswering,
    Pause(Duration),
    /// `status.changed` to finished (the final buzzer).
    Final,
    /// A `status.changed` back to in_progress after the final.
    StatusBack,
    /// A browser client fetches a snapshot after every (re)subscription: wait (at most 4 s) until
    /// one was asked for after this connection subscribed and has been answered, then 400 ms
    /// more, so that later pushes do not overtake it. A client that never asked for a snapshot
    /// in this run (the native driver) does not wait.
    AwaitBackfill,
    /// Wait (at most 4 s) until a snapshot was asked for after this connection subscribed, and
    /// go on while it is still in flight: the events that follow overtake it.
    AwaitSnapshotRequest,
    /// Wait until the test page posts this mark (`POST /s/<key>/mark/<name>`); the truth says
    /// `waiting: name` meanwhile, and the page dispatches the browser event of that name.
    Await(&'static str),
    /// The gateway forgets every token minted so far (a restart with a new key): they answer 401.
    RevokeTokens,
}

#[derive(Clone, Copy, Debug)]
pub enum RawFrame {
    NotJson,
    Oversized,
    UnknownPusherEvent,
    OtherChannel,
    /// The last event again, same id, but re-stamped with another clock and kind: applying it
    /// a second time would show on screen.
    DuplicateRestamped,
    OlderEvent,
    PongWithoutData,
    ErrorNullCode,
    /// `subscription_succeeded` for the match channel again.
    SubscribedAgain,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub hello: Hello,
    pub subscribe: SubscribeReply,
    pub after: Vec<Step>,
}

impl Plan {
    pub fn normal(after: Vec<Step>) -> Plan {
        Plan { hello: Hello::Normal { activity_timeout: 30, object: false }, subscribe: SubscribeReply::Succeed, after }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AuthBehaviour {
    Sign,
    Deny,
    /// Answer these statuses to the first requests, in order, then sign.
    FailFirst(Vec<u16>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SnapshotBehaviour {
    Truth,
    NotFound,
    /// Answer 500 to the first n requests.
    FailFirst(u32),
    /// Read the truth at request time, answer after a delay (pushes overtake it).
    Slow(Duration),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TokenBehaviour {
    /// Tokens live the 300 s they claim.
    Honest,
    /// Every token is refused (401) by auth and the read API: a gateway that cannot verify them.
    Refused,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// The scoreboard shows the peer's final truth.
    Truth,
    /// A permanent connection error is shown.
    Failed,
    /// Access refused is shown.
    Denied,
    /// "Match not available" is shown.
    Unknown,
}

/// When the peer has played its whole part (the truth's `done`): the runner waits for it
/// before it looks at the screen and starts the settling time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DoneWhen {
    /// The last plan's steps have all been played.
    Played,
    /// Connection n has ended (a fatal error: nothing is played after it).
    Closed(usize),
    /// n auth calls have been answered (a refusal: nothing is subscribed).
    Auths(usize),
    /// n subscribe requests have been answered (a 4009: nothing is played).
    Subscribes(usize),
}

#[derive(Clone, Debug)]
pub struct Scenario {
    /// Plans for the first, second … connection; the last one repeats.
    pub plans: Vec<Plan>,
    pub auth: AuthBehaviour,
    pub snapshot: SnapshotBehaviour,
    pub tokens: TokenBehaviour,
    pub expect: Expect,
    /// Events already played when the widget first looks.
    pub initial_events: u32,
    pub done_when: DoneWhen,
}

impl Scenario {
    fn new(plans: Vec<Plan>) -> Scenario {
        Scenario {
            plans,
            auth: AuthBehaviour::Sign,
            snapshot: SnapshotBehaviour::Truth,
            tokens: TokenBehaviour::Honest,
            expect: Expect::Truth,
            initial_events: 3,
            done_when: DoneWhen::Played,
        }
    }
    fn done_when(mut self, d: DoneWhen) -> Scenario {
        self.done_when = d;
        self
    }
    fn expect(mut self, e: Expect) -> Scenario {
        self.expect = e;
        self
    }
    fn auth(mut self, a: AuthBehaviour) -> Scenario {
        self.auth = a;
        self
    }
    fn snapshot(mut self, s: SnapshotBehaviour) -> Scenario {
        self.snapshot = s;
        self
    }
    fn tokens(mut self, t: TokenBehaviour) -> Scenario {
        self.tokens = t;
        self
    }
    pub fn plan(&self, connection: usize) -> &Plan {
        &self.plans[connection.min(self.plans.len() - 1)]
    }
}

fn err(code: Option<u16>, message: &'static str, then_drop: bool) -> Step {
    Step::Error { code, message, object: false, then_drop }
}

/// The scenario called `name`, or None.
///
/// Not in tests/scenarios.txt, kept for gateway/tests/pusher_client.rs (the native driver):
/// `close-frame-1001-going-away` (the browser list keeps `close-frame-1000`: both are a close
/// frame without an error) and `auth-500-then-ok` is in both.
pub fn scenario(name: &str) -> Option<Scenario> {
    use Step::*;
    let events = |n| Plan::normal(vec![Events(n)]);
    let after = |steps: Vec<Step>| Plan::normal(steps);
    // After a reconnect: the backfill, then n pushes that carry no clock.
    let backfill = |n| Plan::normal(vec![AwaitBackfill, Tail(n)]);
    let hello = |h: Hello| Plan { hello: h, subscribe: SubscribeReply::Succeed, after: vec![Events(2)] };
    let sub = |s: SubscribeReply| Plan { hello: Hello::Normal { activity_timeout: 30, object: false }, subscribe: s, after: vec![Events(2)] };
    // Half-open while the page sleeps: the peer stops answering, two events are missed, then
    // the page says it woke up (`mark`); only the browser hook can notice before 30 s.
    let asleep_until = |mark: &'static str| Plan::normal(vec![Events(1), StopAnswering, Miss(2), Await(mark)]);
    Some(match name {
        "clean-connect" => Scenario::new(vec![events(5)]),
        "data-as-object" => Scenario::new(vec![hello(Hello::Normal { activity_timeout: 30, object: true })]),
        "pong-without-data" => Scenario::new(vec![after(vec![Raw(RawFrame::PongWithoutData), Events(2)])]),
        "server-ping" => Scenario::new(vec![after(vec![Ping, Events(2)])]),
        "short-activity-timeout" => Scenario::new(vec![Plan {
            hello: Hello::Normal { activity_timeout: 1, object: false },
            subscribe: SubscribeReply::Succeed,
            after: vec![Events(1), Pause(Duration::from_millis(2500)), Events(2)],
        }]),
        "fatal-4001-no-close-frame" => {
            Scenario::new(vec![hello(Hello::ErrorThenDrop { code: Some(4001) })]).expect(Expect::Failed).done_when(DoneWhen::Closed(1))
        }
        "fatal-after-subscribe" => Scenario::new(vec![after(vec![Events(1), err(Some(4001), "App key gone", true)])])
            .expect(Expect::Failed)
            .done_when(DoneWhen::Closed(1)),
        "over-capacity-4100" => Scenario::new(vec![hello(Hello::ErrorThenDrop { code: Some(4100) }), events(2)]),
        "over-capacity-4100-mid-game" => Scenario::new(vec![after(vec![Events(1), Miss(2), err(Some(4100), "Over capacity", true)]), backfill(1)]),
        "invalid-format-4200-no-close" => Scenario::new(vec![after(vec![err(Some(4200), "Invalid message format", false), Events(2)])]),
        "pong-not-received-4201" => Scenario::new(vec![after(vec![Events(1), Miss(1), err(Some(4201), "Pong reply not received", true)]), backfill(1)]),
        "inactivity-4202" => Scenario::new(vec![after(vec![Miss(2), err(Some(4202), "Inactive", true)]), backfill(1)]),
        "error-null-code-then-drop" => Scenario::new(vec![after(vec![Raw(RawFrame::ErrorNullCode), Miss(1), Drop]), backfill(1)]),
        "error-as-object-4300" => Scenario::new(vec![after(vec![Step::Error { code: Some(4301), message: "Client event rate limit", object: true, then_drop: false }, Events(2)])]),
        "unauthorized-4009-no-channel" => {
            Scenario::new(vec![sub(SubscribeReply::Unauthorized4009NoChannel)]).expect(Expect::Denied).done_when(DoneWhen::Subscribes(1))
        }
        "unauthorized-4009-with-channel" => {
            Scenario::new(vec![sub(SubscribeReply::Unauthorized4009WithChannel)]).expect(Expect::Denied).done_when(DoneWhen::Subscribes(1))
        }
        "drop-mid-burst" => Scenario::new(vec![after(vec![Events(3), Miss(4), Drop]), backfill(2)]),
        "drop-before-subscribe-answer" => Scenario::new(vec![
            Plan { hello: Hello::Normal { activity_timeout: 30, object: false }, subscribe: SubscribeReply::Unanswered, after: vec![Miss(2), Drop] },
            backfill(1),
        ]),
        "close-frame-1000" => Scenario::new(vec![after(vec![Events(1), Miss(2), Close(1000)]), backfill(1)]),
        "close-frame-1001-going-away" => Scenario::new(vec![after(vec![Miss(1), Close(1001)]), backfill(1)]),
        "close-frame-4001-no-error" => {
            Scenario::new(vec![after(vec![Events(1), Close(4001)]), backfill(1)]).expect(Expect::Failed).done_when(DoneWhen::Closed(1))
        }
        "restart-twice" => Scenario::new(vec![after(vec![Miss(1), Drop]), after(vec![AwaitBackfill, Tail(1), Miss(1), Drop]), backfill(1)]),
        "flapping-five-drops" => Scenario::new(
            std::iter::once(after(vec![Events(1), Miss(1), Drop]))
                .chain(std::iter::repeat_with(|| after(vec![AwaitBackfill, Tail(1), Miss(1), Drop])).take(4))
                .chain([backfill(1)])
                .collect(),
        ),
        "missed-events-backfill" => Scenario::new(vec![after(vec![Miss(10), Drop]), after(vec![])]),
        "half-open-stops-answering" => Scenario::new(vec![
            Plan { hello: Hello::Normal { activity_timeout: 1, object: false }, subscribe: SubscribeReply::Succeed, after: vec![Events(1), Miss(2), StopAnswering] },
            backfill(1),
        ]),
        "no-hello-handshake-timeout" => Scenario::new(vec![hello(Hello::Silent), events(2)]),
        "hello-twice" => Scenario::new(vec![hello(Hello::Twice)]),
        "garbage-frame" => Scenario::new(vec![after(vec![Raw(RawFrame::NotJson), Events(2)])]),
        "oversized-frame" => Scenario::new(vec![after(vec![Raw(RawFrame::Oversized), Events(2)])]),
        "binary-frame" => Scenario::new(vec![after(vec![Binary, Events(2)])]),
        "unknown-pusher-event" => Scenario::new(vec![after(vec![Raw(RawFrame::UnknownPusherEvent), Events(2)])]),
        "event-on-other-channel" => Scenario::new(vec![after(vec![Events(2), Raw(RawFrame::OtherChannel)])]),
        "duplicate-event" => Scenario::new(vec![after(vec![Events(2), Raw(RawFrame::DuplicateRestamped)])]),
        "older-event-after-newer" => Scenario::new(vec![after(vec![Events(2), Raw(RawFrame::OlderEvent)])]),
        // The second success comes after the widget's 1 s snapshot-sharing window.
        "subscription-succeeded-twice" => {
            Scenario::new(vec![after(vec![Events(2), Pause(Duration::from_millis(1200)), Raw(RawFrame::SubscribedAgain)])])
        }
        "auth-500-then-ok" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::FailFirst(vec![500])),
        "auth-429-then-503-then-ok" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::FailFirst(vec![429, 503])),
        "auth-403-denied" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::Deny).expect(Expect::Denied).done_when(DoneWhen::Auths(1)),
        "token-expires-mid-session" => Scenario::new(vec![after(vec![Events(1), RevokeTokens, Miss(2), Drop]), backfill(1)]),
        "token-refused-single-retry" => {
            Scenario::new(vec![events(2)]).tokens(TokenBehaviour::Refused).expect(Expect::Denied).done_when(DoneWhen::Auths(2))
        }
        "snapshot-404-unknown-match" => {
            let mut s = Scenario::new(vec![after(vec![])]).snapshot(SnapshotBehaviour::NotFound).expect(Expect::Unknown);
            s.initial_events = 0;
            s
        }
        "snapshot-500-then-pushes" => Scenario::new(vec![events(3)]).snapshot(SnapshotBehaviour::FailFirst(u32::MAX)),
        "snapshot-slower-than-pushes" => {
            Scenario::new(vec![after(vec![AwaitSnapshotRequest, Events(4)])]).snapshot(SnapshotBehaviour::Slow(Duration::from_millis(1500)))
        }
        "final-buzzer" => Scenario::new(vec![after(vec![Events(2), Final])]),
        "status-back-after-final" => Scenario::new(vec![after(vec![Events(1), Final, StatusBack])]),
        "reconnect-after-final" => Scenario::new(vec![after(vec![Final, Drop]), after(vec![])]),
        "page-offline-online" => Scenario::new(vec![
            Plan::normal(vec![Events(1), StopAnswering, Miss(2), Await("offline"), Pause(Duration::from_millis(2500)), Await("online")]),
            after(vec![]),
        ]),
        "page-pageshow-wake" => Scenario::new(vec![asleep_until("pageshow"), after(vec![])]),
        "page-visibilitychange-wake" => Scenario::new(vec![asleep_until("visibilitychange"), after(vec![])]),
        _ => return None,
    })
}
