//! The HTTP server around the router, with the limits `axum::serve` does not have: a deadline
//! for a request's headers (idle keep-alive time included), a deadline from headers to answer
//! (the body included), a cap on open connections, and a graceful shutdown that gives up after
//! a deadline. HTTP/1.1 only, as before.
//!
//! Also the `log` → `tracing` bridge, installed by `main` and by the tests alike.

use crate::config::Config;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// The server's limits (`COURTSIDE_HEADER_TIMEOUT_S`, `…_REQUEST_TIMEOUT_S`,
/// `COURTSIDE_MAX_CONNECTIONS`, `COURTSIDE_SHUTDOWN_S`).
#[derive(Clone, Copy, Debug)]
pub struct ServeLimits {
    /// From the moment the server waits for a request (a new connection, or an idle
    /// keep-alive one) until its headers are in; then the connection is closed.
    pub header_read_timeout: Duration,
    /// From the headers until the answer, reading the body included; then a 408.
    pub request_timeout: Duration,
    /// Connections open at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// After the shutdown signal, how long requests in flight may finish before every
    /// connection is dropped and `serve` returns.
    pub shutdown_deadline: Duration,
}

impl ServeLimits {
    pub fn from_config(c: &Config) -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(c.header_timeout_s),
            request_timeout: Duration::from_secs(c.request_timeout_s),
            max_connections: c.max_connections,
            shutdown_deadline: Duration::from_secs(c.shutdown_s),
        }
    }
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(15),
            max_connections: 4096,
            shutdown_deadline: Duration::from_secs(10),
        }
    }
}

fn timed_out() -> Response {
    let body = axum::Json(serde_json::json!({ "error": "request timed out" }));
    (StatusCode::REQUEST_TIMEOUT, [(header::CONNECTION, "close")], body).into_response()
}

/// Serves `router` on `listener` until `shutdown` completes, then lets requests in flight
/// finish for at most `limits.shutdown_deadline` and returns. Handlers see the peer address
/// as `ConnectInfo<SocketAddr>`, as with `into_make_service_with_connect_info`.
pub async fn serve(listener: TcpListener, router: Router, limits: ServeLimits, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let request_timeout = limits.request_timeout;
    tokio::pin!(shutdown);
    loop {
        // Finished connections leave the set as they go.
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, or a connection reset before it was accepted: the
                    // listener itself is fine; breathe and go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let answer = router.clone().oneshot(request.map(axum::body::Body::new));
            async move {
                match tokio::time::timeout(request_timeout, answer).await {
                    Ok(Ok(response)) => Ok::<_, Infallible>(response),
                    Ok(Err(never)) => match never {},
                    Err(_) => Ok(timed_out()),
                }
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        connections.spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    let open = connections.len();
    tracing::info!(connections = open, deadline_s = limits.shutdown_deadline.as_secs_f64(), "no longer accepting; finishing requests in flight");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.shutdown_deadline) => {
            tracing::warn!(connections = connections.len(), "shutdown deadline reached; closing the connections still open");
        }
    }
    connections.shutdown().await;
    Ok(())
}

/// Routes `log` records (reqwest, tungstenite, …) into `tracing`, so they meet the same
/// subscriber, filter and writer as the gateway's own. Once per process; later calls do
/// nothing.
pub fn install_log_bridge() {
    let _ = tracing_log::LogTracer::init();
}

/// Production logging: the log bridge, then a `fmt` subscriber filtered by `filter`
/// (`COURTSIDE_LOG`, default `info`).
pub fn init_logging(filter: tracing_subscriber::EnvFilter) {
    install_log_bridge();
    let subscriber = tracing_subscriber::fmt().with_env_filter(filter).finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}
