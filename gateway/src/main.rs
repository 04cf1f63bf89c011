use courtside_gateway::app::{router, run_housekeeping, AppState};
use courtside_gateway::config::{Config, Mode, Parsed, HELP};
use courtside_gateway::directory::DirectoryHandle;
use courtside_gateway::serve::{init_logging, serve, ServeLimits};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::parse(&args, |k| std::env::var(k).ok()) {
        Ok(Parsed::Run(c)) => c,
        Ok(Parsed::Help) => {
            print!("{HELP}");
            return;
        }
        Err(e) => {
            eprintln!("courtside-gateway: {e}");
            std::process::exit(2);
        }
    };
    // `log` records (reqwest, tungstenite) are bridged into the same subscriber.
    init_logging(tracing_subscriber::EnvFilter::try_from_env("COURTSIDE_LOG").unwrap_or_else(|_| "info".into()));
    // A directory that cannot be read stops the start: better than serving without names.
    let directory = match &config.directory {
        Some(path) => match DirectoryHandle::load(path) {
            Ok(d) => {
                tokio::spawn(d.clone().watch(path.clone(), Duration::from_secs(2)));
                d
            }
            Err(e) => {
                eprintln!("courtside-gateway: COURTSIDE_DIRECTORY: {e}");
                std::process::exit(2);
            }
        },
        None => DirectoryHandle::empty(),
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("courtside-gateway: cannot listen on {}: {e}", config.listen);
            std::process::exit(1);
        }
    };
    tracing::info!(mode = ?config.mode, listen = %config.listen, "gateway started");
    if config.mode == Mode::Demo {
        tracing::warn!(
            "DEMO MODE: a simulated league, channel auth signed with the demo app's secret, and \
             /demo/publish {} — for trying courtside out, never for a site's readers",
            if config.demo_token.is_some() { "open to holders of COURTSIDE_DEMO_TOKEN" } else { "disabled (no COURTSIDE_DEMO_TOKEN)" }
        );
    }
    let mode = config.mode;
    let limits = ServeLimits::from_config(&config);
    let state = AppState::with_directory(config, directory);
    if mode == Mode::Demo {
        tokio::spawn(courtside_gateway::demo::run_league(state.clone()));
    }
    if state.inner().mirror.is_some() {
        tokio::spawn(courtside_gateway::relay::run(state.clone()));
    }
    tokio::spawn(run_housekeeping(state.clone()));
    let shutdown = async {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! { _ = ctrl_c => {}, _ = term => {} }
        tracing::info!("shutting down");
    };
    // Header and request deadlines, a connection cap, and a shutdown that waits at most
    // COURTSIDE_SHUTDOWN_S for requests in flight.
    if let Err(e) = serve(listener, router(state), limits, shutdown).await {
        eprintln!("courtside-gateway: {e}");
        std::process::exit(1);
    }
    // Now, whatever background work (relay, a DNS lookup on a blocking thread) is still going:
    // dropping the runtime would wait for blocking tasks without a deadline.
    tracing::info!("stopped");
    std::process::exit(0);
}
