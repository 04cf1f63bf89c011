//! A short-TTL response cache with request coalescing: while one request for a key is in
//! flight, every other request for it waits for that answer instead of asking upstream again.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// A cached upstream answer: HTTP status and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cached {
    pub status: u16,
    pub body: Arc<[u8]>,
}

struct Slot {
    created: Instant,
    cell: OnceCell<Cached>,
}

pub struct ResponseCache {
    ttl: Duration,
    /// Failures (5xx, timeouts) are kept briefly, so an outage is not hammered either.
    error_ttl: Duration,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    max_entries: usize,
}

impl ResponseCache {
    pub fn new(ttl: Duration) -> Self {
        ResponseCache { ttl, error_ttl: ttl.min(Duration::from_millis(500)), slots: Mutex::new(HashMap::new()), max_entries: 10_000 }
    }

    fn fresh(&self, slot: &Slot, now: Instant) -> bool {
        match slot.cell.get() {
            None => true, // in flight: join it
            Some(c) => {
                let ttl = if c.status >= 500 { self.error_ttl } else { self.ttl };
                now.duration_since(slot.created) < ttl
            }
        }
    }

    pub async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Cached
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Cached>,
    {
        let slot = {
            let now = Instant::now();
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            match slots.get(key) {
                Some(s) if self.fresh(s, now) => s.clone(),
                _ => {
                    if slots.len() >= self.max_entries {
                        slots.retain(|_, s| self.fresh(s, now));
                    }
                    let s = Arc::new(Slot { created: now, cell: OnceCell::new() });
                    slots.insert(key.to_owned(), s.clone());
                    s
                }
            }
        };
        slot.cell.get_or_init(fetch).await.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn answer(status: u16) -> Cached {
        Cached { status, body: Arc::from(&b"{}"[..]) }
    }

    #[tokio::test]
    async fn ten_thousand_concurrent_requests_make_one_fetch() {
        let cache = Arc::new(ResponseCache::new(Duration::from_secs(2)));
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = vec![];
        for _ in 0..10_000 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_fetch("/api/matches/1", || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        answer(200)
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().status, 200);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn entries_expire_and_errors_expire_sooner() {
        let cache = ResponseCache::new(Duration::from_millis(200));
        let calls = AtomicUsize::new(0);
        let fetch = |status| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move { answer(status) }
        };
        cache.get_or_fetch("a", || fetch(200)).await;
        cache.get_or_fetch("a", || fetch(200)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(250)).await;
        cache.get_or_fetch("a", || fetch(200)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        cache.get_or_fetch("b", || fetch(502)).await;
        cache.get_or_fetch("b", || fetch(502)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 3, "errors are cached briefly too");
        assert_eq!(cache.get_or_fetch("c", || fetch(404)).await.status, 404);
    }
}
