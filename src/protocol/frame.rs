//! Pusher 7 frames: decoding what the server sends, encoding what the client sends.

use super::json::{push_json_string, JsonCodec};
use serde::Deserialize;

/// Frames larger than this are rejected before parsing (Reverb's own inbound limit is 10,000
/// bytes; servers send bigger payloads, so the client allows more but not without bound).
pub const MAX_FRAME_BYTES: usize = 256 * 1024;

/// A frame the server sent, understood.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    ConnectionEstablished { socket_id: String, activity_timeout_s: Option<u32> },
    Error { code: Option<u16>, message: String },
    Ping,
    Pong,
    SubscriptionSucceeded { channel: String },
    /// An application event on a channel; `data` is the payload's JSON text.
    ChannelEvent { channel: String, event: String, data: String },
    /// A `pusher:`/`pusher_internal:` event this client does not use.
    Unknown { event: String },
}

/// Why a frame was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    TooLarge(usize),
    Malformed(String),
}

impl core::fmt::Display for FrameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FrameError::TooLarge(n) => write!(f, "frame of {n} bytes exceeds {MAX_FRAME_BYTES}"),
            FrameError::Malformed(why) => write!(f, "malformed frame: {why}"),
        }
    }
}

#[derive(Deserialize)]
struct EstablishedData {
    socket_id: String,
    #[serde(default)]
    activity_timeout: Option<f64>,
}

#[derive(Deserialize)]
struct ErrorData {
    #[serde(default)]
    code: Option<f64>,
    #[serde(default)]
    message: Option<String>,
}

/// Decode one text frame.
pub fn decode<C: JsonCodec>(text: &str) -> Result<Inbound, FrameError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge(text.len()));
    }
    let env = C::envelope(text).map_err(|e| FrameError::Malformed(e.0))?;
    let data = env.data.as_deref();
    Ok(match env.event.as_str() {
        "pusher:connection_established" => {
            let d: EstablishedData = C::decode(data.unwrap_or("null"))
                .map_err(|e| FrameError::Malformed(format!("connection_established: {}", e.0)))?;
            if d.socket_id.is_empty() || d.socket_id.len() > 64 {
                return Err(FrameError::Malformed("connection_established: bad socket_id".into()));
            }
            let activity_timeout_s = d
                .activity_timeout
                .filter(|t| t.is_finite() && *t >= 1.0)
                .map(|t| t.min(86_400.0) as u32);
            Inbound::ConnectionEstablished { socket_id: d.socket_id, activity_timeout_s }
        }
        "pusher:error" => {
            // A missing or unreadable body is still an error: keep it, with no code.
            let d: ErrorData = data
                .and_then(|d| C::decode(d).ok())
                .unwrap_or(ErrorData { code: None, message: None });
            let code = d.code.filter(|c| c.is_finite() && *c >= 0.0 && *c <= 65535.0).map(|c| c as u16);
            Inbound::Error { code, message: d.message.unwrap_or_default() }
        }
        "pusher:ping" => Inbound::Ping,
        "pusher:pong" => Inbound::Pong,
        "pusher_internal:subscription_succeeded" => match env.channel {
            Some(channel) => Inbound::SubscriptionSucceeded { channel },
            None => return Err(FrameError::Malformed("subscription_succeeded without channel".into())),
        },
        ev if ev.starts_with("pusher:") || ev.starts_with("pusher_internal:") => {
            Inbound::Unknown { event: env.event }
        }
        _ => match env.channel {
            Some(channel) => Inbound::ChannelEvent {
                channel,
                event: env.event,
                data: env.data.unwrap_or_else(|| "null".into()),
            },
            None => Inbound::Unknown { event: env.event },
        },
    })
}

/// `{"event":"pusher:subscribe","data":{"channel":…,"auth":…}}`
pub fn subscribe(channel: &str, auth: &str) -> String {
    let mut s = String::with_capacity(64 + channel.len() + auth.len());
    s.push_str(r#"{"event":"pusher:subscribe","data":{"channel":"#);
    push_json_string(&mut s, channel);
    s.push_str(r#","auth":"#);
    push_json_string(&mut s, auth);
    s.push_str("}}");
    s
}

/// Does subscribing to `channel` need a signature? Private and presence channels do.
pub fn needs_auth(channel: &str) -> bool {
    channel.starts_with("private-") || channel.starts_with("presence-")
}

/// `{"event":"pusher:subscribe","data":{"channel":…}}`, for a public channel.
pub fn subscribe_public(channel: &str) -> String {
    let mut s = String::with_capacity(48 + channel.len());
    s.push_str(r#"{"event":"pusher:subscribe","data":{"channel":"#);
    push_json_string(&mut s, channel);
    s.push_str("}}");
    s
}

/// `{"event":"pusher:unsubscribe","data":{"channel":…}}`
pub fn unsubscribe(channel: &str) -> String {
    let mut s = String::with_capacity(56 + channel.len());
    s.push_str(r#"{"event":"pusher:unsubscribe","data":{"channel":"#);
    push_json_string(&mut s, channel);
    s.push_str("}}");
    s
}

pub const PING: &str = r#"{"event":"pusher:ping","data":{}}"#;
pub const PONG: &str = r#"{"event":"pusher:pong","data":{}}"#;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::protocol::json::SerdeJson;

    fn d(text: &str) -> Result<Inbound, FrameError> {
        decode::<SerdeJson>(text)
    }

    #[test]
    fn established_with_string_data() {
        let f = d(r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":30}"}"#);
        assert_eq!(f, Ok(Inbound::ConnectionEstablished { socket_id: "1.2".into(), activity_timeout_s: Some(30) }));
    }

    #[test]
    fn established_with_object_data_and_no_timeout() {
        let f = d(r#"{"event":"pusher:connection_established","data":{"socket_id":"9.9"}}"#);
        assert_eq!(f, Ok(Inbound::ConnectionEstablished { socket_id: "9.9".into(), activity_timeout_s: None }));
    }

    #[test]
    fn established_without_socket_id_is_malformed() {
        assert!(matches!(d(r#"{"event":"pusher:connection_established","data":"{}"}"#), Err(FrameError::Malformed(_))));
        assert!(matches!(d(r#"{"event":"pusher:connection_established"}"#), Err(FrameError::Malformed(_))));
        assert!(matches!(
            d(r#"{"event":"pusher:connection_established","data":{"socket_id":""}}"#),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn absurd_activity_timeouts_are_ignored() {
        let f = d(r#"{"event":"pusher:connection_established","data":{"socket_id":"1.1","activity_timeout":0}}"#);
        assert_eq!(f, Ok(Inbound::ConnectionEstablished { socket_id: "1.1".into(), activity_timeout_s: None }));
        let f = d(r#"{"event":"pusher:connection_established","data":{"socket_id":"1.1","activity_timeout":-4}}"#);
        assert_eq!(f, Ok(Inbound::ConnectionEstablished { socket_id: "1.1".into(), activity_timeout_s: None }));
    }

    #[test]
    fn errors_as_string_object_null_code_and_absent() {
        assert_eq!(
            d(r#"{"event":"pusher:error","data":"{\"code\":4009,\"message\":\"Connection is unauthorized\"}"}"#),
            Ok(Inbound::Error { code: Some(4009), message: "Connection is unauthorized".into() })
        );
        assert_eq!(
            d(r#"{"event":"pusher:error","data":{"code":4001,"message":"App key x not in this cluster"}}"#),
            Ok(Inbound::Error { code: Some(4001), message: "App key x not in this cluster".into() })
        );
        assert_eq!(
            d(r#"{"event":"pusher:error","data":{"code":null,"message":"m"}}"#),
            Ok(Inbound::Error { code: None, message: "m".into() })
        );
        assert_eq!(d(r#"{"event":"pusher:error"}"#), Ok(Inbound::Error { code: None, message: String::new() }));
        assert_eq!(
            d(r#"{"event":"pusher:error","data":"garbage"}"#),
            Ok(Inbound::Error { code: None, message: String::new() })
        );
    }

    #[test]
    fn pings_and_pongs_with_or_without_data() {
        assert_eq!(d(r#"{"event":"pusher:ping","data":"{}"}"#), Ok(Inbound::Ping));
        assert_eq!(d(r#"{"event":"pusher:pong"}"#), Ok(Inbound::Pong));
        assert_eq!(d(r#"{"event":"pusher:pong","data":{}}"#), Ok(Inbound::Pong));
    }

    #[test]
    fn subscription_succeeded_needs_channel() {
        assert_eq!(
            d(r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-a","data":"{}"}"#),
            Ok(Inbound::SubscriptionSucceeded { channel: "private-a".into() })
        );
        assert!(d(r#"{"event":"pusher_internal:subscription_succeeded","data":"{}"}"#).is_err());
    }

    #[test]
    fn channel_events_keep_their_payload_text() {
        assert_eq!(
            d(r#"{"event":"event.received","channel":"private-match.1","data":"{\"match_id\":1}"}"#),
            Ok(Inbound::ChannelEvent {
                channel: "private-match.1".into(),
                event: "event.received".into(),
                data: r#"{"match_id":1}"#.into()
            })
        );
    }

    #[test]
    fn unknown_events_are_reported_not_rejected() {
        assert_eq!(d(r#"{"event":"pusher:signin_success","data":"{}"}"#), Ok(Inbound::Unknown { event: "pusher:signin_success".into() }));
        assert_eq!(d(r#"{"event":"stray"}"#), Ok(Inbound::Unknown { event: "stray".into() }));
    }

    #[test]
    fn garbage_and_oversize_are_rejected() {
        assert!(matches!(d("not json"), Err(FrameError::Malformed(_))));
        assert!(matches!(d(""), Err(FrameError::Malformed(_))));
        assert!(matches!(d("null"), Err(FrameError::Malformed(_))));
        let big = format!(r#"{{"event":"x","data":"{}"}}"#, "a".repeat(MAX_FRAME_BYTES));
        assert_eq!(d(&big), Err(FrameError::TooLarge(big.len())));
    }

    #[test]
    fn outbound_frames_are_valid_json_with_escaping() {
        let v: serde_json::Value = serde_json::from_str(&subscribe("private-\"x", "k:sig")).unwrap();
        assert_eq!(v["event"], "pusher:subscribe");
        assert_eq!(v["data"]["channel"], "private-\"x");
        assert_eq!(v["data"]["auth"], "k:sig");
        let v: serde_json::Value = serde_json::from_str(&unsubscribe("private-match.1")).unwrap();
        assert_eq!(v["event"], "pusher:unsubscribe");
        assert_eq!(v["data"]["channel"], "private-match.1");
        let v: serde_json::Value = serde_json::from_str(PING).unwrap();
        assert_eq!(v["event"], "pusher:ping");
        let v: serde_json::Value = serde_json::from_str(PONG).unwrap();
        assert_eq!(v["event"], "pusher:pong");
    }
}
