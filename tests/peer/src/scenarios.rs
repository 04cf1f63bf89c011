//! The scenario table: how the peer behaves for each named fault. `tests/scenarios.txt` lists
//! the same names with the fault and the outcome the widget must reach.

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
    /// Succeed, and say so twice.
    SucceedTwice,
}

#[derive(Clone, Debug)]
pub enum Step {
    /// Publish n events, `gap` apart.
    Events(u32),
    /// Advance the truth by n events without sending them (they happen while the client is away).
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
}

#[derive(Clone, Copy, Debug)]
pub enum RawFrame {
    NotJson,
    Oversized,
    UnknownPusherEvent,
    OtherChannel,
    DuplicateLast,
    OlderEvent,
    PongWithoutData,
    ErrorNullCode,
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

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AuthBehaviour {
    Sign,
    Deny,
    /// Answer this status to the first n requests, then sign.
    FailFirst(u32, u16),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SnapshotBehaviour {
    Truth,
    NotFound,
    FailFirst(u32),
    /// Read the truth at request time, answer after a delay (pushes overtake it).
    Slow(Duration),
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

#[derive(Clone, Debug)]
pub struct Scenario {
    /// Plans for the first, second … connection; the last one repeats.
    pub plans: Vec<Plan>,
    pub auth: AuthBehaviour,
    pub snapshot: SnapshotBehaviour,
    pub expect: Expect,
    /// Events already played when the widget first looks.
    pub initial_events: u32,
}

impl Scenario {
    fn new(plans: Vec<Plan>) -> Scenario {
        Scenario { plans, auth: AuthBehaviour::Sign, snapshot: SnapshotBehaviour::Truth, expect: Expect::Truth, initial_events: 3 }
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
    pub fn plan(&self, connection: usize) -> &Plan {
        &self.plans[connection.min(self.plans.len() - 1)]
    }
}

fn err(code: Option<u16>, message: &'static str, then_drop: bool) -> Step {
    Step::Error { code, message, object: false, then_drop }
}

/// The scenario called `name`, or None.
pub fn scenario(name: &str) -> Option<Scenario> {
    use Step::*;
    let events = |n| Plan::normal(vec![Events(n)]);
    let after = |steps: Vec<Step>| Plan::normal(steps);
    let hello = |h: Hello| Plan { hello: h, subscribe: SubscribeReply::Succeed, after: vec![Events(2)] };
    let sub = |s: SubscribeReply| Plan { hello: Hello::Normal { activity_timeout: 30, object: false }, subscribe: s, after: vec![Events(2)] };
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
        "fatal-4001-no-close-frame" => Scenario::new(vec![hello(Hello::ErrorThenDrop { code: Some(4001) })]).expect(Expect::Failed),
        "fatal-4003-app-disabled" => Scenario::new(vec![hello(Hello::ErrorThenDrop { code: Some(4003) })]).expect(Expect::Failed),
        "fatal-4004-over-quota" => Scenario::new(vec![hello(Hello::ErrorThenDrop { code: Some(4004) })]).expect(Expect::Failed),
        "fatal-after-subscribe" => Scenario::new(vec![after(vec![Events(1), err(Some(4001), "App key gone", true)])]).expect(Expect::Failed),
        "over-capacity-4100" => Scenario::new(vec![hello(Hello::ErrorThenDrop { code: Some(4100) }), events(2)]),
        "over-capacity-4100-mid-game" => Scenario::new(vec![after(vec![Events(1), err(Some(4100), "Over capacity", true), Miss(2)]), events(1)]),
        "invalid-format-4200-no-close" => Scenario::new(vec![after(vec![err(Some(4200), "Invalid message format", false), Events(2)])]),
        "pong-not-received-4201" => Scenario::new(vec![after(vec![Events(1), err(Some(4201), "Pong reply not received", true), Miss(1)]), events(1)]),
        "inactivity-4202" => Scenario::new(vec![after(vec![err(Some(4202), "Inactive", true), Miss(2)]), events(1)]),
        "error-null-code-then-drop" => Scenario::new(vec![after(vec![Raw(RawFrame::ErrorNullCode), Drop, Miss(1)]), events(1)]),
        "error-as-object-4300" => Scenario::new(vec![after(vec![Step::Error { code: Some(4301), message: "Client event rate limit", object: true, then_drop: false }, Events(2)])]),
        "unauthorized-4009-no-channel" => Scenario::new(vec![sub(SubscribeReply::Unauthorized4009NoChannel)]).expect(Expect::Denied),
        "unauthorized-4009-with-channel" => Scenario::new(vec![sub(SubscribeReply::Unauthorized4009WithChannel)]).expect(Expect::Denied),
        "drop-mid-burst" => Scenario::new(vec![after(vec![Events(3), Drop, Miss(4)]), events(2)]),
        "drop-before-subscribe-answer" => Scenario::new(vec![Plan { hello: Hello::Normal { activity_timeout: 30, object: false }, subscribe: SubscribeReply::Succeed, after: vec![Drop, Miss(2)] }, events(1)]),
        "close-frame-1000" => Scenario::new(vec![after(vec![Events(1), Close(1000), Miss(2)]), events(1)]),
        "close-frame-1001-going-away" => Scenario::new(vec![after(vec![Close(1001), Miss(1)]), events(1)]),
        "restart-new-socket-id" => Scenario::new(vec![after(vec![Events(2), Drop, Miss(3)]), events(2)]),
        "restart-twice" => Scenario::new(vec![after(vec![Drop, Miss(1)]), after(vec![Events(1), Drop, Miss(1)]), events(1)]),
        "flapping-five-drops" => Scenario::new(vec![after(vec![Events(1), Drop, Miss(1)]); 5].into_iter().chain([events(1)]).collect()),
        "missed-events-backfill" => Scenario::new(vec![after(vec![Drop, Miss(10)]), after(vec![])]),
        "half-open-stops-answering" => Scenario::new(vec![
            Plan { hello: Hello::Normal { activity_timeout: 1, object: false }, subscribe: SubscribeReply::Succeed, after: vec![Events(1), Miss(2), StopAnswering] },
            events(1),
        ]),
        "no-hello-handshake-timeout" => Scenario::new(vec![hello(Hello::Silent), events(2)]),
        "hello-twice" => Scenario::new(vec![hello(Hello::Twice)]),
        "garbage-frame" => Scenario::new(vec![after(vec![Raw(RawFrame::NotJson), Events(2)])]),
        "oversized-frame" => Scenario::new(vec![after(vec![Raw(RawFrame::Oversized), Events(2)])]),
        "binary-frame" => Scenario::new(vec![after(vec![Binary, Events(2)])]),
        "unknown-pusher-event" => Scenario::new(vec![after(vec![Raw(RawFrame::UnknownPusherEvent), Events(2)])]),
        "event-on-other-channel" => Scenario::new(vec![after(vec![Events(2), Raw(RawFrame::OtherChannel)])]),
        "duplicate-event" => Scenario::new(vec![after(vec![Events(2), Raw(RawFrame::DuplicateLast)])]),
        "older-event-after-newer" => Scenario::new(vec![after(vec![Events(2), Raw(RawFrame::OlderEvent)])]),
        "subscription-succeeded-twice" => Scenario::new(vec![sub(SubscribeReply::SucceedTwice)]),
        "auth-500-then-ok" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::FailFirst(1, 500)),
        "auth-503-twice-then-ok" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::FailFirst(2, 503)),
        "auth-429-then-ok" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::FailFirst(1, 429)),
        "auth-403-denied" => Scenario::new(vec![events(2)]).auth(AuthBehaviour::Deny).expect(Expect::Denied),
        "snapshot-404-unknown-match" => {
            let mut s = Scenario::new(vec![after(vec![])]).snapshot(SnapshotBehaviour::NotFound).expect(Expect::Unknown);
            s.initial_events = 0;
            s
        }
        "snapshot-500-then-pushes" => Scenario::new(vec![events(3)]).snapshot(SnapshotBehaviour::FailFirst(1)),
        "snapshot-slower-than-pushes" => Scenario::new(vec![events(4)]).snapshot(SnapshotBehaviour::Slow(Duration::from_millis(1500))),
        "final-buzzer" => Scenario::new(vec![after(vec![Events(2), Final])]),
        "status-back-after-final" => Scenario::new(vec![after(vec![Events(1), Final, StatusBack])]),
        "reconnect-after-final" => Scenario::new(vec![after(vec![Final, Drop]), after(vec![])]),
        _ => return None,
    })
}
