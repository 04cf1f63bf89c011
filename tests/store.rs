#![cfg(not(target_arch = "wasm32"))]
//! The match reducer: events and snapshots in, one consistent view out.

use courtside::protocol::json::SerdeJson;
use courtside::store::{decode_message, Applied, MatchMessage, MatchSnapshot, MatchState, MatchStatus, Side};

fn event(id: u64, home: u32, away: u32, status: &str) -> courtside::store::EventReceived {
    let text = format!(
        r#"{{"match_id":123,"home_score":{home},"away_score":{away},"current_period":2,"current_clock":"07:23","status":"{status}",
        "event":{{"id":{id},"client_id":"7b2a","type":"3pt_made","team_id":16,"player_id":88,"period":2,"clock":"07:23","x":42.5,"y":18.2,"event_at":"2026-04-13T20:15:30+00:00"}}}}"#
    );
    match decode_message::<SerdeJson>("event.received", &text) {
        Ok(Some(MatchMessage::Event(e))) => e,
        other => panic!("{other:?}"),
    }
}

fn status(to: &str, from: &str, home: u32, away: u32) -> courtside::store::StatusChanged {
    let text = format!(
        r#"{{"match_id":123,"competition_id":4,"status":"{to}","previous_status":"{from}","home_score":{home},"away_score":{away}}}"#
    );
    match decode_message::<SerdeJson>(".status.changed", &text) {
        Ok(Some(MatchMessage::Status(s))) => s,
        other => panic!("{other:?}"),
    }
}

fn snapshot(last_event_id: Option<u64>, home: u32, away: u32, status: &str) -> MatchSnapshot {
    let last = match last_event_id {
        Some(id) => format!(r#"{{"id":{id},"type":"2pt_made","team_id":17,"player_id":5,"period":2,"clock":"05:00"}}"#),
        None => "null".into(),
    };
    let text = format!(
        r#"{{"id":123,"competition_id":4,"status":"{status}","home_team":{{"id":16,"name":"Harbor City Herons","short_name":"HCH"}},
        "away_team":{{"id":17,"name":"Mesa Verde Coyotes","short_name":"MVC"}},"home_score":{home},"away_score":{away},
        "current_period":2,"current_clock":"05:00","scheduled_at":"2026-04-13T19:00:00Z","last_event":{last}}}"#
    );
    <SerdeJson as courtside::protocol::JsonCodec>::decode(&text).expect("snapshot")
}

#[test]
fn seed_event_payload_decodes_and_applies() {
    let mut m = MatchState::new(123);
    assert!(!m.is_known());
    assert_eq!(m.apply_event(&event(9871, 45, 42, "in_progress")), Applied::Changed);
    assert_eq!((m.home_score, m.away_score), (45, 42));
    assert_eq!(m.period, Some(2));
    assert_eq!(m.clock.as_deref(), Some("07:23"));
    assert_eq!(m.status, MatchStatus::InProgress);
    let last = m.last_event.as_ref().unwrap();
    assert_eq!((last.id, last.kind.as_str(), last.player_id), (9871, "3pt_made", Some(88)));
    assert!(m.is_known());
}

#[test]
fn duplicate_and_older_events_are_dropped() {
    let mut m = MatchState::new(123);
    m.apply_event(&event(10, 45, 42, "in_progress"));
    assert_eq!(m.apply_event(&event(10, 45, 42, "in_progress")), Applied::Duplicate);
    assert_eq!(m.apply_event(&event(9, 40, 40, "in_progress")), Applied::Duplicate);
    assert_eq!((m.home_score, m.away_score), (45, 42));
}

#[test]
fn events_for_another_match_are_ignored() {
    let mut m = MatchState::new(999);
    assert_eq!(m.apply_event(&event(1, 2, 0, "in_progress")), Applied::Ignored);
    assert_eq!(m.home_score, 0);
}

#[test]
fn status_only_moves_forward_on_push() {
    let mut m = MatchState::new(123);
    assert_eq!(m.apply_status(&status("in_progress", "scheduled", 0, 0)), Applied::Changed);
    assert_eq!(m.apply_status(&status("in_progress", "scheduled", 0, 0)), Applied::Duplicate);
    assert_eq!(m.apply_status(&status("finished", "in_progress", 89, 84)), Applied::Changed);
    assert_eq!((m.home_score, m.away_score), (89, 84), "final score from status.changed");
    assert_eq!(m.apply_status(&status("in_progress", "finished", 0, 0)), Applied::Stale);
    assert_eq!(m.status, MatchStatus::Finished);
    // A late event cannot drag a finished match back to live.
    m.apply_event(&event(50, 90, 84, "in_progress"));
    assert_eq!(m.status, MatchStatus::Finished);
}

#[test]
fn a_snapshot_may_move_status_backwards() {
    let mut m = MatchState::new(123);
    m.apply_status(&status("finished", "in_progress", 80, 80));
    m.apply_snapshot(&snapshot(Some(1), 80, 80, "in_progress"));
    assert_eq!(m.status, MatchStatus::InProgress, "overtime: the API reopened the match");
}

#[test]
fn snapshot_sets_names_and_state() {
    let mut m = MatchState::new(123);
    assert_eq!(m.apply_snapshot(&snapshot(Some(100), 50, 48, "in_progress")), Applied::Changed);
    assert_eq!(m.home.as_ref().unwrap().name.as_deref(), Some("Harbor City Herons"));
    assert_eq!(m.away.as_ref().unwrap().short_name.as_deref(), Some("MVC"));
    assert_eq!((m.home_score, m.away_score, m.last_event_id), (50, 48, 100));
    assert_eq!(m.scheduled_at.as_deref(), Some("2026-04-13T19:00:00Z"));
    assert_eq!(m.apply_snapshot(&snapshot(Some(100), 50, 48, "in_progress")), Applied::Duplicate);
}

#[test]
fn events_older_than_the_snapshot_are_dropped() {
    let mut m = MatchState::new(123);
    m.apply_snapshot(&snapshot(Some(100), 50, 48, "in_progress"));
    assert_eq!(m.apply_event(&event(99, 49, 48, "in_progress")), Applied::Duplicate);
    assert_eq!(m.apply_event(&event(100, 49, 48, "in_progress")), Applied::Duplicate);
    assert_eq!((m.home_score, m.away_score), (50, 48));
    assert_eq!(m.apply_event(&event(101, 53, 48, "in_progress")), Applied::Changed);
    assert_eq!(m.home_score, 53);
}

#[test]
fn events_pushed_while_the_snapshot_was_in_flight_are_not_lost() {
    let mut m = MatchState::new(123);
    // Subscribed; snapshot requested (server state: event 100, 50–48). Meanwhile 101 and 102 arrive.
    m.apply_event(&event(101, 53, 48, "in_progress"));
    m.apply_event(&event(102, 53, 50, "in_progress"));
    assert_eq!(m.apply_snapshot(&snapshot(Some(100), 50, 48, "in_progress")), Applied::Changed);
    assert_eq!((m.home_score, m.away_score, m.last_event_id), (53, 50, 102), "kept the newer pushes");
    assert_eq!(m.home.as_ref().unwrap().short_name.as_deref(), Some("HCH"), "names still taken");
    // A later, newer snapshot wins again.
    assert_eq!(m.apply_snapshot(&snapshot(Some(110), 60, 55, "in_progress")), Applied::Changed);
    assert_eq!((m.home_score, m.away_score), (60, 55));
}

#[test]
fn backfill_after_reconnect_catches_up_missed_events() {
    let mut m = MatchState::new(123);
    m.apply_snapshot(&snapshot(Some(100), 50, 48, "in_progress"));
    // Offline: 101–140 were missed. The resubscribe backfill brings the truth.
    m.apply_snapshot(&snapshot(Some(140), 71, 66, "in_progress"));
    assert_eq!((m.home_score, m.away_score, m.last_event_id), (71, 66, 140));
    assert_eq!(m.apply_event(&event(120, 60, 60, "in_progress")), Applied::Duplicate, "replayed old push dropped");
}

#[test]
fn last_scorer_follows_the_side_whose_score_rose() {
    let mut m = MatchState::new(123);
    m.apply_snapshot(&snapshot(Some(1), 10, 10, "in_progress"));
    m.apply_event(&event(2, 13, 10, "in_progress"));
    assert_eq!(m.last_scorer, Some(Side::Home));
    m.apply_event(&event(3, 13, 12, "in_progress"));
    assert_eq!(m.last_scorer, Some(Side::Away));
    m.apply_event(&event(4, 13, 12, "in_progress"));
    assert_eq!(m.last_scorer, Some(Side::Away), "a rebound changes no score");
    assert_eq!(m.side_of_team(16), Some(Side::Home));
    assert_eq!(m.side_of_team(17), Some(Side::Away));
    assert_eq!(m.side_of_team(5), None);
}

fn status_push(to: &str) -> courtside::store::StatusChanged {
    match decode_message::<SerdeJson>("status.changed", &format!(r#"{{"match_id":123,"status":"{to}"}}"#)) {
        Ok(Some(MatchMessage::Status(s))) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn statuses_beyond_the_three_are_kept_as_announced() {
    let mut m = MatchState::new(123);
    assert_eq!(m.apply_status(&status_push("postponed")), Applied::Changed);
    assert_eq!(m.status, MatchStatus::Postponed, "never drawn as scheduled");
    assert_eq!(m.apply_status(&status_push("in_progress")), Applied::Changed);
    assert_eq!(m.apply_status(&status_push("suspended")), Applied::Changed, "stopped mid-game");
    assert_eq!(m.status, MatchStatus::Suspended);
    assert_eq!(m.apply_status(&status_push("delayed")), Applied::Stale, "not back before tip-off");
    assert_eq!(m.apply_status(&status_push("abandoned_rain")), Applied::Changed, "unknown: taken as announced");
    assert_eq!(m.status, MatchStatus::Other("abandoned_rain".into()));
    assert_eq!(m.status.as_str(), "abandoned_rain", "the raw text survives for the screen and host events");
    assert_eq!(m.apply_status(&status_push("cancelled")), Applied::Changed);
    assert_eq!(m.apply_status(&status_push("something_else")), Applied::Stale, "nothing moves a match that is over");
    assert_eq!(m.apply_status(&status_push("in_progress")), Applied::Stale);
    assert_eq!(m.status, MatchStatus::Cancelled);
    let long = "x".repeat(500);
    assert_eq!(MatchStatus::parse(&long).as_str().len(), MatchStatus::MAX_RAW, "unknown text is bounded");
    assert_eq!(MatchStatus::parse(&"é".repeat(40)).as_str().len(), 64, "cut on a character boundary");
}

#[test]
fn a_decoded_message_names_the_match_it_is_about() {
    // The ticker routes each push to its game by this id.
    assert_eq!(MatchMessage::Event(event(1, 2, 0, "in_progress")).match_id(), 123);
    let text = r#"{"match_id":77,"competition_id":4,"status":"finished","previous_status":"in_progress","home_score":1,"away_score":0}"#;
    let msg = decode_message::<SerdeJson>("status.changed", text).unwrap().unwrap();
    assert_eq!(msg.match_id(), 77);
}

#[test]
fn unknown_event_names_are_ignored() {
    assert_eq!(decode_message::<SerdeJson>("lineup.changed", "{}"), Ok(None));
}

#[test]
fn a_roster_names_players_and_a_snapshot_without_names_keeps_them() {
    let text = r#"{"id":123,"status":"in_progress","home_team":{"id":16,"name":"Herons"},"away_team":{"id":17},
        "players":[{"id":90,"team_id":17,"name":"Ana Ruiz","shirt_number":"00"},{"id":88,"team_id":16,"name":"Jane Doe","shirt_number":"7"}],
        "periods":2,"last_event":{"id":1,"type":"2pt_made","team_id":16,"player_id":88}}"#;
    let s: MatchSnapshot = <SerdeJson as courtside::protocol::JsonCodec>::decode(text).unwrap();
    let mut m = MatchState::new(123);
    m.apply_snapshot(&s);
    assert_eq!(m.player(88).and_then(|p| p.name.as_deref()), Some("Jane Doe"));
    assert_eq!(m.player(90).and_then(|p| p.shirt_number.as_deref()), Some("00"));
    assert_eq!(m.player(5), None, "a database id is not a player");
    assert_eq!(m.away.as_ref().and_then(|t| t.name.as_deref()), None, "no name is made up");
    assert_eq!(m.periods, Some(2));
    // A mirror's snapshot with no teams and no roster does not forget what is known.
    let bare = r#"{"id":123,"status":"in_progress","home_score":2,"last_event":{"id":2,"type":"2pt_made"}}"#;
    m.apply_snapshot(&<SerdeJson as courtside::protocol::JsonCodec>::decode(bare).unwrap());
    assert_eq!(m.home.as_ref().and_then(|t| t.name.as_deref()), Some("Herons"));
    assert_eq!(m.player(88).and_then(|p| p.name.as_deref()), Some("Jane Doe"));
    assert_eq!(m.home_score, 2);
}

#[test]
fn bad_payloads_are_errors_not_panics() {
    for bad in ["{}", "null", r#"{"match_id":"x"}"#, r#"{"match_id":1,"home_score":-1,"away_score":0,"status":"in_progress","event":{"id":1,"type":"x"}}"#, "[", ""] {
        assert!(decode_message::<SerdeJson>("event.received", bad).is_err(), "{bad}");
    }
}

#[test]
fn view_availability_follows_what_was_heard() {
    use courtside::store::{Availability, MatchView};
    let mut v = MatchView::new(123);
    assert_eq!(v.availability, Availability::Loading);
    v.mark_unknown();
    assert_eq!(v.availability, Availability::UnknownMatch);
    v.apply_message(&MatchMessage::Event(event(5, 2, 0, "in_progress")));
    assert_eq!(v.availability, Availability::Ready, "a pushed event proves the match exists");
    v.mark_unknown();
    assert_eq!(v.availability, Availability::Ready, "a late 404 does not hide a live score");
    v.mark_denied(403);
    v.apply_snapshot(&snapshot(Some(9), 4, 0, "in_progress"));
    assert_eq!(v.availability, Availability::Denied(403), "a denial stays visible");
}

mod lists {
    use super::*;
    use courtside::store::{GameList, ListChange, ListScope};

    fn snap(id: u64, competition: u64, status: &str, home: u32) -> MatchSnapshot {
        let text = format!(
            r#"{{"id":{id},"competition_id":{competition},"status":"{status}","home_team":{{"id":1,"name":"H"}},"away_team":{{"id":2,"name":"A"}},"home_score":{home},"away_score":0,"last_event":{{"id":{id}00,"type":"x"}}}}"#
        );
        <SerdeJson as courtside::protocol::JsonCodec>::decode(&text).unwrap()
    }

    fn event_for(match_id: u64, id: u64, home: u32, status: &str) -> MatchMessage {
        let text = format!(
            r#"{{"match_id":{match_id},"home_score":{home},"away_score":0,"status":"{status}","event":{{"id":{id},"type":"2pt_made"}}}}"#
        );
        decode_message::<SerdeJson>("event.received", &text).unwrap().unwrap()
    }

    #[test]
    fn the_ticker_lists_live_games_in_a_stable_order_and_updates_in_place() {
        let mut l = GameList::new(ListScope::Live);
        assert_eq!(
            l.apply_snapshot(&[snap(3, 4, "in_progress", 10), snap(1, 7, "in_progress", 5), snap(2, 4, "scheduled", 0)], 0),
            ListChange::Membership
        );
        assert_eq!(l.ids(), vec![1, 3], "scheduled games are not on the ticker; order by id");
        assert_eq!(l.apply_message(&event_for(3, 301, 12, "in_progress"), 10), ListChange::Updated(3));
        assert_eq!(l.get(3).unwrap().state.home_score, 12);
        assert_eq!(l.apply_message(&event_for(3, 301, 12, "in_progress"), 11), ListChange::None, "duplicate");
        assert_eq!(l.apply_message(&event_for(2, 201, 2, "in_progress"), 12), ListChange::Membership, "a game goes live");
        assert_eq!(l.ids(), vec![1, 2, 3]);
    }

    #[test]
    fn finished_games_leave_the_ticker_after_the_delay() {
        let mut l = GameList::new(ListScope::Live);
        l.apply_snapshot(&[snap(1, 4, "in_progress", 5), snap(2, 4, "in_progress", 5)], 0);
        let text = r#"{"match_id":1,"competition_id":4,"status":"finished","home_score":80,"away_score":70}"#;
        let fin = decode_message::<SerdeJson>("status.changed", text).unwrap().unwrap();
        assert_eq!(l.apply_message(&fin, 1_000), ListChange::Updated(1));
        assert_eq!(l.next_removal(60_000), Some(61_000));
        assert_eq!(l.remove_finished(60_999, 60_000), ListChange::None);
        assert_eq!(l.remove_finished(61_000, 60_000), ListChange::Membership);
        assert_eq!(l.ids(), vec![2]);
        // A refreshed live list that no longer holds a game starts its leave delay too.
        l.apply_snapshot(&[], 70_000);
        assert_eq!(l.next_removal(60_000), Some(130_000));
    }

    #[test]
    fn a_competition_keeps_only_its_games_and_keeps_finished_ones() {
        let mut l = GameList::new(ListScope::Competition(4));
        l.apply_snapshot(&[snap(1, 4, "finished", 80), snap(2, 7, "in_progress", 5), snap(3, 4, "scheduled", 0)], 0);
        assert_eq!(l.ids(), vec![1, 3]);
        assert_eq!(l.apply_message(&event_for(2, 201, 9, "in_progress"), 5), ListChange::None, "other competition");
        assert_eq!(l.remove_finished(10_000_000, 1), ListChange::None);
        let text = r#"{"match_id":9,"competition_id":4,"status":"in_progress","previous_status":"scheduled","home_score":0,"away_score":0}"#;
        let started = decode_message::<SerdeJson>("status.changed", text).unwrap().unwrap();
        assert_eq!(l.apply_message(&started, 6), ListChange::Membership, "new game learnt from the competition channel");
        assert_eq!(l.ids(), vec![1, 3, 9]);
    }

    #[test]
    fn three_hundred_games() {
        let mut l = GameList::new(ListScope::Live);
        let list: Vec<MatchSnapshot> = (1..=300).rev().map(|i| snap(i, 4, "in_progress", i as u32)).collect();
        l.apply_snapshot(&list, 0);
        assert_eq!(l.ids(), (1..=300).collect::<Vec<u64>>());
        assert_eq!(l.apply_message(&event_for(150, 999_999, 1000, "in_progress"), 1), ListChange::Updated(150));
    }

    #[test]
    fn a_game_that_joins_through_a_push_asks_once_for_its_snapshot() {
        let mut l = GameList::new(ListScope::Live);
        l.default_periods = Some(2);
        l.apply_snapshot(&[snap(1, 4, "in_progress", 10)], 0);
        assert_eq!(l.take_missing_snapshots(0), Vec::<u64>::new(), "listed games came with their snapshot");
        let late = MatchMessage::Event(courtside::store::EventReceived { match_id: 9, ..event(50, 2, 0, "in_progress") });
        assert_eq!(l.apply_message(&late, 10), ListChange::Membership);
        assert_eq!(l.get(9).unwrap().state.periods, Some(2), "the element's periods until a snapshot says");
        assert_eq!(l.take_missing_snapshots(10), vec![9]);
        assert_eq!(l.take_missing_snapshots(11), Vec::<u64>::new(), "one request, not one per push");
        let retry = 10 + GameList::SNAPSHOT_RETRY_MS;
        assert_eq!(l.take_missing_snapshots(retry - 1), Vec::<u64>::new());
        assert_eq!(l.take_missing_snapshots(retry), vec![9], "unanswered: asked again after a while");
        let mut own = snap(9, 7, "in_progress", 2);
        own.last_event = None;
        own.periods = Some(4);
        assert_eq!(l.apply_match_snapshot(&own, 20), ListChange::Updated(9));
        assert_eq!(l.take_missing_snapshots(retry * 2), Vec::<u64>::new(), "answered: never again");
        let g = &l.get(9).unwrap().state;
        assert_eq!(g.home.as_ref().and_then(|t| t.name.as_deref()), Some("H"), "names arrive");
        assert_eq!((g.home_score, g.last_event_id, g.periods), (2, 50, Some(4)), "the push is kept, the snapshot's periods win");
        assert_eq!(l.apply_match_snapshot(&snap(77, 4, "in_progress", 1), 20), ListChange::None, "unlisted games are not added");
        // The usual order: the push's own event is in the snapshot too (same id, same scores),
        // and only the names are new. That is a change the card must show.
        let late = MatchMessage::Event(courtside::store::EventReceived { match_id: 12, ..event(60, 3, 0, "in_progress") });
        l.apply_message(&late, 30);
        let shown = l.get(12).unwrap().state.clone();
        let mut same = snap(12, 4, "in_progress", 3);
        same.last_event = shown.last_event.clone();
        same.current_period = shown.period;
        same.current_clock = shown.clock.clone();
        assert_eq!(l.apply_match_snapshot(&same, 31), ListChange::Updated(12), "names alone are a change");
        assert_eq!(l.apply_match_snapshot(&same, 32), ListChange::None, "the same snapshot again is not");
    }
}

#[test]
fn the_score_is_announced_at_once_after_a_quiet_spell_and_at_most_every_interval_in_a_flood() {
    use courtside::store::{Speak, SpeechThrottle};
    let mut t = SpeechThrottle::new(2_000.0);
    assert_eq!(t.changed(0.0), Speak::Now, "the first change is read at once");
    // Changes within the interval: one reading waits for its end, the others join it.
    assert_eq!(t.changed(500.0), Speak::After(1_500.0));
    assert_eq!(t.changed(900.0), Speak::Waiting);
    assert_eq!(t.changed(1_999.0), Speak::Waiting);
    t.spoken(2_000.0);
    // The next interval counts from that reading.
    assert_eq!(t.changed(2_100.0), Speak::After(1_900.0));
    t.spoken(4_000.0);
    // After a quiet spell, at once again.
    assert_eq!(t.changed(6_000.0), Speak::Now);
    assert_eq!(t.changed(8_000.0), Speak::Now, "exactly one interval later is not too soon");
    // In a flood of 50 changes a second for 10 s: 5 readings, not 500.
    let mut t = SpeechThrottle::new(2_000.0);
    let (mut readings, mut due) = (0, None::<f64>);
    for i in 0..500 {
        let now = f64::from(i) * 20.0;
        if due.is_some_and(|d| d <= now) {
            t.spoken(due.take().unwrap_or(now));
            readings += 1;
        }
        match t.changed(now) {
            Speak::Now => readings += 1,
            Speak::After(ms) => due = Some(now + ms),
            Speak::Waiting => {}
        }
    }
    assert_eq!(readings, 5);
}
