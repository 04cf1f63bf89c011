//! The native Pusher driver (`courtside_gateway::pusher_client`) against the scripted
//! Reverb-like peer (`tests/peer`), served in-process on an ephemeral port. Every wait is on the
//! driver's event channel with a bounded timeout; the one fixed wait proves an absence (no auth
//! retry after a 403) and is longer than the engine's first auth retry would be.

mod pusher_client {
    use courtside::protocol::socket_url;
    use courtside_gateway::config::Secret;
    use courtside_gateway::pusher_client::{spawn, UpstreamEvent, UpstreamHandle, UpstreamSocket};
    use serde_json::Value;
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};
    use tokio::sync::mpsc;

    const CHANNEL: &str = "private-match.1";
    const WAIT: Duration = Duration::from_secs(10);

    /// The peer on 127.0.0.1:0, with fresh state.
    async fn peer() -> SocketAddr {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind an ephemeral port");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, courtside_peer::router()).await;
        });
        addr
    }

    fn config(addr: SocketAddr, key: &str) -> UpstreamSocket {
        let url = socket_url(false, "127.0.0.1", addr.port(), key, "test");
        UpstreamSocket::new(url, format!("http://{addr}/s/{key}/auth"), Secret("peer-token".into()))
            .channel(CHANNEL)
            .connect_timeout(Duration::from_secs(5))
            .tune(|c| {
                c.backoff_base_ms = 200;
                c.backoff_cap_ms = 1_000;
            })
    }

    struct Run {
        addr: SocketAddr,
        key: String,
        handle: UpstreamHandle,
        rx: mpsc::Receiver<UpstreamEvent>,
    }

    async fn start(scenario: &str, tune: impl FnOnce(UpstreamSocket) -> UpstreamSocket) -> Run {
        let addr = peer().await;
        let key = format!("{scenario}.1");
        let (tx, rx) = mpsc::channel(16);
        let handle = spawn(tune(config(addr, &key)), tx);
        Run { addr, key, handle, rx }
    }

    impl Run {
        async fn next(&mut self) -> UpstreamEvent {
            match tokio::time::timeout(WAIT, self.rx.recv()).await {
                Ok(Some(e)) => e,
                Ok(None) => panic!("{}: the driver stopped; stats {:?}", self.key, self.handle.stats()),
                Err(_) => panic!("{}: no event within {WAIT:?}; stats {:?}", self.key, self.handle.stats()),
            }
        }

        async fn connected(&mut self) -> String {
            match self.next().await {
                UpstreamEvent::Connected { socket_id } => socket_id,
                other => panic!("{}: expected Connected, got {other:?}", self.key),
            }
        }

        async fn subscribed(&mut self) {
            assert_eq!(self.next().await, UpstreamEvent::Subscribed { channel: CHANNEL.into() }, "{}", self.key);
        }

        async fn disconnected(&mut self) {
            assert_eq!(self.next().await, UpstreamEvent::Disconnected, "{}", self.key);
        }

        /// The next event must be a score push on the match channel; returns its payload.
        async fn push(&mut self) -> Value {
            match self.next().await {
                UpstreamEvent::Message { channel, event, data } => {
                    assert_eq!(channel, CHANNEL, "{}", self.key);
                    assert_eq!(event, "event.received", "{}", self.key);
                    serde_json::from_str(&data).expect("the payload is JSON")
                }
                other => panic!("{}: expected a Message, got {other:?}", self.key),
            }
        }

        async fn pushes(&mut self, n: usize) -> Vec<Value> {
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                out.push(self.push().await);
            }
            out
        }

        async fn truth(&self) -> Value {
            let url = format!("http://{}/s/{}/truth", self.addr, self.key);
            reqwest::get(url).await.expect("truth").json().await.expect("truth is JSON")
        }

        /// Nothing arrives within `d` (the only fixed wait: it proves an absence).
        async fn quiet_for(&mut self, d: Duration) {
            if let Ok(e) = tokio::time::timeout(d, self.rx.recv()).await {
                panic!("{}: expected silence, got {e:?}", self.key);
            }
        }
    }

    fn event_id(payload: &Value) -> u64 {
        payload["event"]["id"].as_u64().expect("a pushed event id")
    }

    fn assert_increasing(ids: &[u64]) {
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "event ids out of order: {ids:?}");
    }

    async fn assert_clean(run: &Run, connections: u64) {
        let truth = run.truth().await;
        assert_eq!(truth["connections"], connections, "{}: {truth}", run.key);
        assert_eq!(truth["violations"], serde_json::json!([]), "{}: {truth}", run.key);
    }

    #[tokio::test]
    async fn clean_connect_subscribe_and_pushes_in_order() {
        let mut run = start("clean-connect", |c| c).await;
        let socket_id = run.connected().await;
        assert_eq!(socket_id, "1001.4249");
        run.subscribed().await;
        let pushes = run.pushes(5).await;
        let ids: Vec<u64> = pushes.iter().map(event_id).collect();
        assert_eq!(ids, vec![4, 5, 6, 7, 8], "the initial three were played before the client came");
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.connections, stats.auth_calls, stats.messages), (1, 1, 1, 5));
        let truth = run.truth().await;
        let last = &pushes[4];
        assert_eq!((&last["home_score"], &last["away_score"]), (&truth["home"], &truth["away"]));
        assert_clean(&run, 1).await;
        run.handle.shutdown().await;
        assert_eq!(run.rx.recv().await, None, "the task ended and dropped its sender");
    }

    #[tokio::test]
    async fn dropped_mid_stream_reconnects_and_resubscribes() {
        let mut run = start("drop-mid-burst", |c| c).await;
        let first = run.connected().await;
        run.subscribed().await;
        let mut ids: Vec<u64> = run.pushes(3).await.iter().map(event_id).collect();
        run.disconnected().await;
        let second = run.connected().await;
        assert_ne!(first, second, "a new socket");
        run.subscribed().await;
        ids.extend(run.pushes(2).await.iter().map(event_id));
        assert_increasing(&ids);
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.connections, stats.auth_calls), (2, 2, 2), "{stats:?}");
        // Re-authorized with the new socket id: the peer checks every signature.
        assert_clean(&run, 2).await;
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn flapping_five_drops_each_reconnects() {
        let mut run = start("flapping-five-drops", |c| c).await;
        let mut ids = vec![];
        let mut sockets = vec![];
        for _ in 0..5 {
            sockets.push(run.connected().await);
            run.subscribed().await;
            ids.push(event_id(&run.push().await));
            run.disconnected().await;
        }
        sockets.push(run.connected().await);
        run.subscribed().await;
        ids.push(event_id(&run.push().await));
        assert_increasing(&ids);
        sockets.dedup();
        assert_eq!(sockets.len(), 6);
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.auth_calls), (6, 6), "{stats:?}");
        assert_clean(&run, 6).await;
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn close_frames_and_a_silent_server_reconnect() {
        for scenario in ["close-frame-1000", "close-frame-1001-going-away"] {
            let mut run = start(scenario, |c| c).await;
            run.connected().await;
            run.subscribed().await;
            if scenario == "close-frame-1000" {
                run.push().await;
            }
            run.disconnected().await;
            run.connected().await;
            run.subscribed().await;
            run.push().await;
            assert_eq!(run.handle.stats().connection_attempts, 2, "{scenario}");
            assert_clean(&run, 2).await;
            run.handle.shutdown().await;
        }
        // No connection_established: the engine's handshake deadline closes and reconnects.
        let mut run = start("no-hello-handshake-timeout", |c| c.tune(|e| e.handshake_timeout_ms = 300)).await;
        run.connected().await;
        run.subscribed().await;
        run.pushes(2).await;
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.connections, stats.auth_calls), (2, 2, 1), "{stats:?}");
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn error_4201_reconnects_at_once_without_backoff() {
        // A minute of backoff: only the engine's "reconnect at once" can bring it back in time.
        let mut run = start("pong-not-received-4201", |c| {
            c.tune(|e| {
                e.backoff_base_ms = 60_000;
                e.backoff_cap_ms = 60_000;
            })
        })
        .await;
        run.connected().await;
        run.subscribed().await;
        let a = event_id(&run.push().await);
        run.disconnected().await;
        let lost = Instant::now();
        run.connected().await;
        let waited = lost.elapsed();
        assert!(waited < Duration::from_secs(2), "reconnected after {waited:?}");
        run.subscribed().await;
        let b = event_id(&run.push().await);
        assert!(b > a + 1, "one event was missed while away: {a} then {b}");
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.auth_calls), (2, 2), "{stats:?}");
        assert_clean(&run, 2).await;
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn error_4100_backs_off_at_least_a_second() {
        let started = Instant::now();
        let mut run = start("over-capacity-4100", |c| c).await;
        // The first socket gets 4100 instead of a hello; the engine waits ≥ 1 s before the next.
        run.connected().await;
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(1), "reconnected after {waited:?}");
        run.subscribed().await;
        run.pushes(2).await;
        assert_eq!(run.handle.stats().connection_attempts, 2);
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn error_4009_fails_the_channel_keeps_the_socket_and_retry_reauthorizes() {
        let mut run = start("unauthorized-4009-no-channel", |c| c).await;
        run.connected().await;
        match run.next().await {
            UpstreamEvent::SubscriptionFailed { channel, reason, retrying } => {
                assert_eq!(channel, CHANNEL);
                assert!(reason.contains("unauthorized"), "{reason}");
                assert!(!retrying);
            }
            other => panic!("expected SubscriptionFailed, got {other:?}"),
        }
        assert_eq!(run.handle.stats().auth_calls, 1);
        // Asking again re-authorizes on the same socket (the peer refuses again).
        run.handle.retry(CHANNEL);
        match run.next().await {
            UpstreamEvent::SubscriptionFailed { retrying: false, .. } => {}
            other => panic!("expected SubscriptionFailed, got {other:?}"),
        }
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.auth_calls), (1, 2), "{stats:?}");
        let truth = run.truth().await;
        assert_eq!(truth["connections"], 1, "the socket stayed: {truth}");
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn auth_403_fails_once_without_a_retry_loop() {
        let mut run = start("auth-403-denied", |c| c).await;
        run.connected().await;
        match run.next().await {
            UpstreamEvent::SubscriptionFailed { channel, reason, retrying } => {
                assert_eq!(channel, CHANNEL);
                assert!(reason.contains("403"), "{reason}");
                assert!(!retrying);
            }
            other => panic!("expected SubscriptionFailed, got {other:?}"),
        }
        // A passing failure is retried after 2 s; a refusal never is.
        run.quiet_for(Duration::from_millis(2_500)).await;
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.auth_calls), (1, 1), "{stats:?}");
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn auth_500_is_retried_by_the_engine() {
        let mut run = start("auth-500-then-ok", |c| c).await;
        run.connected().await;
        match run.next().await {
            UpstreamEvent::SubscriptionFailed { retrying: true, reason, .. } => assert!(reason.contains("500"), "{reason}"),
            other => panic!("expected a retrying SubscriptionFailed, got {other:?}"),
        }
        run.subscribed().await;
        run.pushes(2).await;
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.auth_calls), (1, 2), "{stats:?}");
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn garbage_frames_are_skipped_and_the_socket_survives() {
        for scenario in
            ["garbage-frame", "binary-frame", "unknown-pusher-event", "oversized-frame", "invalid-format-4200-no-close", "hello-twice"]
        {
            let mut run = start(scenario, |c| c).await;
            run.connected().await;
            run.subscribed().await;
            let ids: Vec<u64> = run.pushes(2).await.iter().map(event_id).collect();
            assert_increasing(&ids);
            let stats = run.handle.stats();
            assert_eq!((stats.connection_attempts, stats.oversized_frames), (1, 0), "{scenario}: {stats:?}");
            assert_clean(&run, 1).await;
            run.handle.shutdown().await;
        }
    }

    #[tokio::test]
    async fn events_on_unsubscribed_channels_are_not_forwarded() {
        let mut run = start("event-on-other-channel", |c| c).await;
        run.connected().await;
        run.subscribed().await;
        run.pushes(2).await;
        // The stray frame (private-match.999) follows the two pushes 60 ms later.
        run.quiet_for(Duration::from_millis(300)).await;
        assert_eq!(run.handle.stats().messages, 2);
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn a_frame_over_the_cap_closes_the_socket_and_the_engine_reconnects() {
        let mut run = start("oversized-frame", |c| c.max_frame_bytes(64 * 1024)).await;
        run.connected().await;
        run.subscribed().await;
        run.disconnected().await;
        run.connected().await;
        let stats = run.handle.stats();
        assert!(stats.oversized_frames >= 1, "{stats:?}");
        assert!(stats.connection_attempts >= 2, "{stats:?}");
        run.handle.shutdown().await;
    }

    #[tokio::test]
    async fn fatal_4001_fails_for_good_and_ends_the_task() {
        let mut run = start("fatal-4001-no-close-frame", |c| c).await;
        match run.next().await {
            UpstreamEvent::Failed { reason } => assert!(reason.contains("4001"), "{reason}"),
            other => panic!("expected Failed, got {other:?}"),
        }
        assert_eq!(tokio::time::timeout(WAIT, run.rx.recv()).await.expect("the task ends"), None);
        assert!(run.handle.is_finished());
        let stats = run.handle.stats();
        assert_eq!((stats.connection_attempts, stats.auth_calls), (1, 0), "{stats:?}");
        let truth = run.truth().await;
        assert_eq!(truth["connections"], 1, "no reconnect loop: {truth}");
    }

    #[tokio::test]
    async fn wss_to_a_plain_server_fails_each_attempt_cleanly_and_keeps_trying() {
        // Runs the rustls client set-up for real: it must fail the handshake, not panic.
        let addr = peer().await;
        let key = "clean-connect.1";
        let url = socket_url(true, "127.0.0.1", addr.port(), key, "test");
        assert!(url.starts_with("wss://"));
        let config = UpstreamSocket::new(url, format!("http://{addr}/s/{key}/auth"), Secret("peer-token".into()))
            .channel(CHANNEL)
            .tune(|c| {
                c.backoff_base_ms = 50;
                c.backoff_cap_ms = 100;
            });
        let (tx, mut rx) = mpsc::channel(16);
        let handle = spawn(config, tx);
        tokio::time::timeout(WAIT, async {
            while handle.stats().connection_attempts < 3 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("the engine keeps reconnecting");
        let stats = handle.stats();
        assert_eq!((stats.connections, stats.auth_calls), (0, 0), "{stats:?}");
        assert!(!handle.is_finished());
        assert!(rx.try_recv().is_err(), "no Connected over a failed TLS handshake");
        handle.shutdown().await;
    }

    #[tokio::test]
    async fn subscribe_later_and_stop_when_the_receiver_is_gone() {
        let addr = peer().await;
        let key = "clean-connect.2";
        let url = socket_url(false, "127.0.0.1", addr.port(), key, "test");
        let config = UpstreamSocket::new(url, format!("http://{addr}/s/{key}/auth"), Secret("peer-token".into()));
        let (tx, rx) = mpsc::channel(1);
        let handle = spawn(config, tx);
        let mut run = Run { addr, key: key.into(), handle, rx };
        run.connected().await;
        assert_eq!(run.handle.stats().auth_calls, 0, "no channel yet");
        run.handle.subscribe(CHANNEL);
        run.subscribed().await;
        run.push().await;
        drop(run.rx);
        // The next push finds nobody listening: the task stops by itself.
        tokio::time::timeout(WAIT, async {
            while !run.handle.is_finished() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("the task stops once its receiver is gone");
    }
}
