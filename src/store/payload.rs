//! The payloads the store reduces: the wire contract's types (`crate::wire`), named here for
//! the store's readers. Nothing is redefined.

pub use crate::wire::{EventReceived, MatchList, MatchSnapshot, MatchStatus, Player, StatEvent, StatusChanged, Team};
