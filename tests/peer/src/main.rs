//! courtside-peer's binary: serves the peer ([`courtside_peer::router`]) on 127.0.0.1:PORT
//! (default 17001) for the browser tests.

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(17001);
    let app = courtside_peer::router();
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("courtside-peer: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    eprintln!("courtside-peer listening on 127.0.0.1:{port}");
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("courtside-peer: {e}");
    }
}
