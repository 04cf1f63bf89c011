//! Pure match state: payload types, and the reducer that merges pushed events and snapshots
//! into what a widget shows. No I/O, no DOM; tested natively.

pub mod game_list;
pub mod match_state;
pub mod payload;
pub mod view;

pub use game_list::{GameList, ListChange, ListScope, ListedMatch};
pub use match_state::{Applied, MatchState, Side};
pub use view::{Availability, Badge, MatchView, Speak, SpeechThrottle};
pub use payload::{EventReceived, MatchList, MatchSnapshot, MatchStatus, Player, StatEvent, StatusChanged, Team};

/// A message on a match's channel, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchMessage {
    Event(EventReceived),
    Status(StatusChanged),
}

impl MatchMessage {
    pub fn match_id(&self) -> u64 {
        match self {
            MatchMessage::Event(e) => e.match_id,
            MatchMessage::Status(s) => s.match_id,
        }
    }
}

/// Decode a channel message by its event name (`event.received`, `status.changed`, also with
/// Echo's leading dot). Unknown names are `Ok(None)`.
pub fn decode_message<C: crate::protocol::JsonCodec>(
    event: &str,
    data: &str,
) -> Result<Option<MatchMessage>, crate::protocol::JsonError> {
    Ok(match event.trim_start_matches('.') {
        crate::wire::EVENT_RECEIVED => Some(MatchMessage::Event(C::decode(data)?)),
        crate::wire::STATUS_CHANGED => Some(MatchMessage::Status(C::decode(data)?)),
        _ => None,
    })
}
