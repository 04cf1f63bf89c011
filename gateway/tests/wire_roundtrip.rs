//! The wire contract ties the parts together: what the league and the relay write is what the
//! widget's reducer reads, field for field, and the stats API's documented examples decode.

use courtside::protocol::json::SerdeJson;
use courtside::protocol::JsonCodec;
use courtside::store::{decode_message, MatchMessage, MatchState};
use courtside::wire::{EventReceived, MatchList, MatchSnapshot, MatchStatus, StatusChanged};
use courtside_gateway::league::League;

/// The two payloads exactly as the stats API's WebSocket page shows them.
const SEED_EVENT: &str = r#"{
  "match_id": 123, "home_score": 45, "away_score": 42, "current_period": 2, "current_clock": "07:23",
  "status": "in_progress",
  "event": { "id": 9871, "client_id": "7b2a...uuid", "type": "3pt_made", "team_id": 16, "player_id": 88,
             "period": 2, "clock": "07:23", "x": 42.5, "y": 18.2, "event_at": "2026-04-13T20:15:30+00:00" }
}"#;
const SEED_STATUS: &str = r#"{ "match_id": 123, "competition_id": 4, "status": "finished", "previous_status": "in_progress",
  "home_score": 89, "away_score": 84 }"#;

#[test]
fn the_documented_payloads_decode_with_every_field_and_encode_back_unchanged() {
    let Ok(Some(MatchMessage::Event(e))) = decode_message::<SerdeJson>(".event.received", SEED_EVENT) else { panic!("event") };
    assert_eq!((e.event.x, e.event.y), (Some(42.5), Some(18.2)));
    assert_eq!(e.event.client_id.as_deref(), Some("7b2a...uuid"));
    assert_eq!(e.event.event_at.as_deref(), Some("2026-04-13T20:15:30+00:00"));
    let back: serde_json::Value = serde_json::to_value(&e).unwrap();
    assert_eq!(back, serde_json::from_str::<serde_json::Value>(SEED_EVENT).unwrap(), "nothing lost, nothing added");
    let Ok(Some(MatchMessage::Status(s))) = decode_message::<SerdeJson>("status.changed", SEED_STATUS) else { panic!("status") };
    assert_eq!((s.status.clone(), s.previous_status.clone()), (MatchStatus::Finished, Some(MatchStatus::InProgress)));
    let back: serde_json::Value = serde_json::to_value(&s).unwrap();
    assert_eq!(back, serde_json::from_str::<serde_json::Value>(SEED_STATUS).unwrap());
}

#[test]
fn what_the_league_publishes_and_serves_is_what_the_reducer_reads() {
    let mut league = League::new(11, (10, 20), 4, 0);
    let mut now = 0;
    let (mut events, mut statuses) = (0, 0);
    let mut states = std::collections::HashMap::<u64, MatchState>::new();
    while events < 300 || statuses < 3 {
        now += 10;
        for p in league.tick(now) {
            let text = p.data.to_string();
            let message = decode_message::<SerdeJson>(p.name, &text).expect("decodes").expect("a match message");
            // Round trip: the decoded type writes the same JSON the league wrote.
            let again = match &message {
                MatchMessage::Event(e) => {
                    events += 1;
                    serde_json::to_value(e).unwrap()
                }
                MatchMessage::Status(s) => {
                    statuses += 1;
                    serde_json::to_value(s).unwrap()
                }
            };
            assert_eq!(again, p.data, "{}", p.name);
            let id = message.match_id();
            states.entry(id).or_insert_with(|| MatchState::new(id)).apply_message(&message);
        }
        assert!(now < 10_000_000, "the league plays");
    }
    // Every match the reducer followed ends where the league's own snapshot says.
    for (id, state) in &states {
        let Some(m) = league.get(*id) else { continue };
        let snapshot: MatchSnapshot = SerdeJson::decode(&serde_json::to_string(&m.snapshot()).unwrap()).unwrap();
        assert_eq!((state.home_score, state.away_score), (snapshot.home_score, snapshot.away_score), "match {id}");
        assert_eq!(state.last_event_id, snapshot.last_event.as_ref().map_or(0, |e| e.id), "match {id}");
        let mut from_snapshot = MatchState::new(*id);
        from_snapshot.apply_snapshot(&snapshot);
        assert_eq!(from_snapshot.status, state.status, "match {id}");
    }
    let list = MatchList { version: Some(1), matches: league.all().iter().map(|m| m.snapshot()).collect(), delayed: false };
    let back: MatchList = SerdeJson::decode(&serde_json::to_string(&list).unwrap()).unwrap();
    assert_eq!(back, list);
    assert!(back.matches.iter().any(|m| m.status == MatchStatus::Postponed), "the postponed game is listed");
}

#[test]
fn payload_types_refuse_what_the_contract_does_not_allow() {
    for bad in [
        r#"{"match_id":1,"home_score":-1,"away_score":0,"status":"in_progress","event":{"id":1,"type":"x"}}"#,
        r#"{"match_id":1,"home_score":1,"away_score":0,"status":"in_progress"}"#,
        r#"{"match_id":"1","home_score":1,"away_score":0,"status":"in_progress","event":{"id":1,"type":"x"}}"#,
        r#"{"match_id":1,"home_score":1,"away_score":0,"status":7,"event":{"id":1,"type":"x"}}"#,
    ] {
        assert!(SerdeJson::decode::<EventReceived>(bad).is_err(), "{bad}");
    }
    assert!(SerdeJson::decode::<StatusChanged>(r#"{"match_id":1}"#).is_err(), "a status change names its status");
}
