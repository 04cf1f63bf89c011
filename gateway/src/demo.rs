//! Demo mode's own parts: the simulated league's loop, `/demo/publish` for hand-made scores
//! (one, or a batch of up to [`MAX_BATCH`] score events in one request), and the league
//! dressed as the stats API (`/api/v1/…` with a Bearer token), so that the
//! demo can run the real chain: league → relay → the site's Pusher servers → the page.

use crate::app::{now_ms, AppState};
use crate::config::{Mode, Secret};
use crate::error::{ApiError, Form, JsonBody, Path, Query};
use crate::league::{League, Match};
use crate::publisher::{BatchEvent, Publisher};
use crate::signing::channel_auth;
use crate::validate;
use axum::http::{header, HeaderMap, StatusCode};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/demo/publish", post(demo_publish))
        .route("/api/v1/broadcasting/auth", post(stats_auth))
        .route("/api/v1/matches", get(stats_list))
        .route("/api/v1/matches/{id}", get(stats_match))
}

fn league(state: &AppState) -> Result<&Arc<Mutex<League>>, ApiError> {
    state.inner().league.as_ref().ok_or(ApiError::NotFound("demo mode only"))
}

fn with_league<T>(l: &Mutex<League>, f: impl FnOnce(&mut League) -> T) -> T {
    f(&mut l.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Score events in one `/demo/publish` batch at most. The gateway's 4 KB body limit comes
/// first for all but the barest events (about 80 of `{"match_id":…,"home_score":…,"away_score":…}`).
pub const MAX_BATCH: usize = 100;

/// `/demo/publish` takes one request (an object), or an array of them (a batch).
enum PublishBody {
    Batch(Vec<PublishRequest>),
    One(PublishRequest),
}

impl PublishBody {
    /// Objects only: serde would also read a struct from an array of its fields in order.
    fn from_json(body: Value) -> Result<Self, ApiError> {
        let one = |v: Value| -> Result<PublishRequest, ApiError> {
            if !v.is_object() {
                return Err(ApiError::BadRequest("expected a JSON object, or an array of them"));
            }
            serde_json::from_value(v).map_err(|_| ApiError::BadRequest("expected a JSON body: match_id, home_score, away_score, kind, status, garble"))
        };
        match body {
            Value::Array(items) => Ok(PublishBody::Batch(items.into_iter().map(one).collect::<Result<_, _>>()?)),
            other => Ok(PublishBody::One(one(other)?)),
        }
    }
}

#[derive(Deserialize)]
struct PublishRequest {
    match_id: u64,
    #[serde(default)]
    home_score: u32,
    #[serde(default)]
    away_score: u32,
    /// Publish `status.changed` to this status instead of an event (a match this route made).
    #[serde(default)]
    status: Option<courtside::wire::MatchStatus>,
    #[serde(default)]
    kind: Option<String>,
    /// Publish a broken payload instead (the league's state still moves): `wrong_types`,
    /// `missing_event`, `huge_number`, `string_numbers`, `not_an_object`. For the widget's
    /// self-healing tests: the screen must reach the league's truth from a snapshot.
    #[serde(default)]
    garble: Option<String>,
}

/// The payload broken one way (each is a way a real server has been seen to fail).
fn garble(data: &mut Value, how: &str) -> Result<(), ApiError> {
    match how {
        "wrong_types" => data["home_score"] = json!("ten"),
        "missing_event" => {
            if let Some(o) = data.as_object_mut() {
                o.remove("event");
            }
        }
        // 2^53 + 2: JavaScript cannot hold it exactly, so it is no id.
        "huge_number" => data["event"]["id"] = json!(9_007_199_254_740_994u64),
        "string_numbers" => data["away_score"] = json!(data["away_score"].to_string()),
        "not_an_object" => *data = json!("{\"match_id\":1"),
        _ => return Err(ApiError::BadRequest("garble must be wrong_types, missing_event, huge_number, string_numbers or not_an_object")),
    }
    Ok(())
}

/// The Bearer `/demo/publish` wants (`COURTSIDE_DEMO_TOKEN`); without one set, the route
/// answers 404 as if it did not exist.
fn operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let expected = state.inner().config.demo_token.as_ref().ok_or(ApiError::NotFound("not enabled"))?;
    bearer_is(headers, expected, "the demo token is required (COURTSIDE_DEMO_TOKEN)")
}

/// The request's Bearer is `expected` (compared in constant time), or a 401 saying `refusal`.
fn bearer_is(headers: &HeaderMap, expected: &Secret, refusal: &'static str) -> Result<(), ApiError> {
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t) if crate::tokens::constant_time_eq(t.as_bytes(), expected.0.as_bytes()) => Ok(()),
        _ => Err(ApiError::Unauthorized(refusal)),
    }
}

/// The league with the hand-made match cap of this gateway's configuration applied.
fn with_manual<T>(state: &AppState, f: impl FnOnce(&mut League) -> T) -> Result<T, ApiError> {
    let cap = state.inner().config.demo_max_manual;
    Ok(with_league(league(state)?, |l| {
        l.set_max_manual(cap);
        f(l)
    }))
}

fn event_kind(kind: Option<&str>) -> Result<&'static str, ApiError> {
    match kind {
        None | Some("2pt_made") => Ok("2pt_made"),
        Some("3pt_made") => Ok("3pt_made"),
        Some("ft_made") => Ok("ft_made"),
        Some(_) => Err(ApiError::BadRequest("kind must be 2pt_made, 3pt_made or ft_made")),
    }
}

/// Set a match's score by hand and publish it (tests and live demos); or, given an array,
/// a batch of score events (see [`demo_publish_batch`]).
async fn demo_publish(State(state): State<AppState>, headers: HeaderMap, JsonBody(body): JsonBody<Value>) -> Result<Response, ApiError> {
    operator(&state, &headers)?;
    let req = match PublishBody::from_json(body)? {
        PublishBody::One(req) => req,
        PublishBody::Batch(events) => return demo_publish_batch(&state, events).await,
    };
    if let Some(status) = req.status {
        let publication = with_manual(&state, |l| l.manual_status(req.match_id, status))?
            .ok_or(ApiError::BadRequest("status: only a match made by this route can change status"))?;
        publisher(&state)?.publish(&publication).await.map_err(ApiError::BadGateway)?;
        return Ok(Json(publication.data).into_response());
    }
    let kind = event_kind(req.kind.as_deref())?;
    let mut publication = with_manual(&state, |l| l.manual_event(req.match_id, req.home_score, req.away_score, kind, now_ms()))?;
    if let Some(how) = &req.garble {
        garble(&mut publication.data, how)?;
    }
    publisher(&state)?.publish(&publication).await.map_err(ApiError::BadGateway)?;
    Ok(Json(publication.data).into_response())
}

/// A batch: 1 to [`MAX_BATCH`] score events (`match_id`, `home_score`, `away_score`, `kind`;
/// no `status`, no `garble`), all checked before any is applied, applied to the league in
/// their order (so that snapshots serve them) and published in that order through the Pusher
/// server's batch API, each on the league's channels for it. Answers `{"published": N}`.
/// Batches sent at once publish in no set order between them: send the events of one match
/// one batch after another.
async fn demo_publish_batch(state: &AppState, events: Vec<PublishRequest>) -> Result<Response, ApiError> {
    if events.is_empty() {
        return Err(ApiError::BadRequest("an empty batch: send 1 to 100 score events"));
    }
    if events.len() > MAX_BATCH {
        let refusal = json!({ "error": format!("a batch holds at most {MAX_BATCH} score events, not {}", events.len()) });
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, Json(refusal)).into_response());
    }
    let mut kinds = Vec::with_capacity(events.len());
    for e in &events {
        if e.status.is_some() || e.garble.is_some() {
            return Err(ApiError::BadRequest("a batch holds score events only: status and garble go one request at a time"));
        }
        kinds.push(event_kind(e.kind.as_deref())?);
    }
    let publisher = publisher(state)?;
    let now = now_ms();
    let publications = with_manual(state, |l| {
        events.iter().zip(kinds).map(|(e, kind)| l.manual_event(e.match_id, e.home_score, e.away_score, kind, now)).collect::<Vec<_>>()
    })?;
    let texts: Vec<String> = publications.iter().map(|p| p.data.to_string()).collect();
    let batch: Vec<BatchEvent<'_>> = publications
        .iter()
        .zip(&texts)
        .flat_map(|(p, data)| p.channels.iter().map(move |channel| BatchEvent { channel, name: p.name, data }))
        .collect();
    publisher.publish_batch(&batch).await.map_err(ApiError::BadGateway)?;
    Ok(Json(json!({ "published": publications.len() })).into_response())
}

fn publisher(state: &AppState) -> Result<Publisher, ApiError> {
    let config = &state.inner().config;
    let app = config.app.clone().ok_or(ApiError::NotFound("demo mode only"))?;
    Ok(Publisher::new(&config.pusher_http_url, app))
}

/// Runs the demo league until the process stops: ticks when a match is due, publishes in order.
pub async fn run_league(state: AppState) {
    let (Ok(league), Ok(publisher)) = (league(&state).cloned(), publisher(&state)) else { return };
    loop {
        let (publications, next) = with_league(&league, |l| (l.tick(now_ms()), l.next_due()));
        for p in publications {
            if let Err(e) = publisher.publish(&p).await {
                tracing::warn!(event = p.name, error = %e, "publish failed");
            }
        }
        let wait = next.map_or(250, |t| t.saturating_sub(now_ms()).clamp(10, 250));
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

/// The simulated stats API's Bearer check (`COURTSIDE_DEMO_STATS_TOKEN`); without one set,
/// its `/api/v1` routes do not exist.
fn stats_caller(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let config = &state.inner().config;
    let expected = config.demo_stats_token.as_ref().filter(|_| config.mode == Mode::Demo).ok_or(ApiError::NotFound("not enabled"))?;
    // Laravel's own words for a missing or wrong token.
    bearer_is(headers, expected, "Unauthenticated.")
}

#[derive(Deserialize)]
struct AuthForm {
    socket_id: String,
    channel_name: String,
}

/// `/api/v1/broadcasting/auth` as Laravel answers it: the signature, or 403.
async fn stats_auth(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<AuthForm>) -> Result<Json<Value>, ApiError> {
    stats_caller(&state, &headers)?;
    if !validate::socket_id(&form.socket_id) || !validate::channel_name(&form.channel_name) {
        return Err(ApiError::BadRequest("malformed socket_id or channel_name"));
    }
    let app = state.inner().config.app.as_ref().ok_or(ApiError::NotFound("demo mode only"))?;
    Ok(Json(json!({ "auth": channel_auth(&app.key, &app.secret, &form.socket_id, &form.channel_name) })))
}

/// A match the way an undocumented read API might give it, in one of three shapes by id (so
/// that the tests see each end to end): ids as strings with `*_team_id`; teams embedded as
/// objects holding only their id; teams as bare ids with `starts_at` for the tip-off. None of
/// them names a team: the directory does.
fn resource(m: &Match) -> Value {
    let mut r = json!({
        "id": m.id,
        "status": m.status,
        "home_score": m.home_score,
        "away_score": m.away_score,
        "current_period": m.current_period,
        "current_clock": m.current_clock,
        "last_event": m.last_event,
    });
    match m.id % 3 {
        0 => {
            r["id"] = json!(m.id.to_string());
            r["competition_id"] = json!(m.competition_id.to_string());
            r["home_team_id"] = json!(m.home_team.id.to_string());
            r["away_team_id"] = json!(m.away_team.id.to_string());
            r["scheduled_at"] = json!(m.scheduled_at);
        }
        1 => {
            r["competition"] = json!({ "id": m.competition_id });
            r["home_team"] = json!({ "id": m.home_team.id });
            r["away_team"] = json!({ "id": m.away_team.id });
            r["scheduled_at"] = json!(m.scheduled_at);
        }
        _ => {
            r["competition_id"] = json!(m.competition_id);
            r["home_team"] = json!(m.home_team.id);
            r["away_team"] = json!(m.away_team.id);
            r["starts_at"] = json!(m.scheduled_at);
        }
    }
    r
}

/// One match: wrapped in Laravel's `data` for two shapes, bare for the third.
fn one(m: &Match) -> Value {
    if m.id % 3 == 2 {
        resource(m)
    } else {
        json!({ "data": resource(m) })
    }
}

async fn stats_match(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<u64>) -> Result<Json<Value>, ApiError> {
    stats_caller(&state, &headers)?;
    let found = with_league(league(&state)?, |l| l.get(id).map(one));
    found.map(Json).ok_or(ApiError::NotFound("No query results for model [Match]."))
}

#[derive(Deserialize)]
struct StatsQuery {
    status: Option<String>,
}

async fn stats_list(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<StatsQuery>) -> Result<Json<Value>, ApiError> {
    stats_caller(&state, &headers)?;
    let live = q.status.as_deref() == Some("live");
    let data: Vec<Value> = with_league(league(&state)?, |l| (if live { l.live() } else { l.all() }).into_iter().map(resource).collect());
    let total = data.len();
    Ok(Json(json!({ "data": data, "meta": { "current_page": 1, "last_page": 1, "total": total } })))
}
