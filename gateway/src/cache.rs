//! A short-TTL response cache with request coalescing: while one request for a key is in
//! flight, every other request for it waits for that answer instead of asking upstream again.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
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
    /// Callers waiting on this slot now. An unfilled slot nobody waits on is abandoned (every
    /// caller went away mid-fetch): it is evicted like an expired one.
    callers: AtomicUsize,
}

/// One caller's claim on a slot, given up when the caller finishes or is dropped.
struct Waiting(Arc<Slot>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.callers.fetch_sub(1, Ordering::AcqRel);
    }
}

struct Slots {
    map: HashMap<String, Arc<Slot>>,
    /// Every slot ever inserted, oldest first (an entry whose key now holds a newer slot is
    /// stale and skipped): eviction pops from the front, O(1) amortised per insert, never a
    /// scan of the map.
    order: VecDeque<(String, Weak<Slot>)>,
}

pub struct ResponseCache {
    ttl: Duration,
    /// Failures (5xx, timeouts) are kept briefly, so an outage is not hammered either.
    error_ttl: Duration,
    slots: Mutex<Slots>,
    max_entries: usize,
}

impl ResponseCache {
    pub fn new(ttl: Duration) -> Self {
        ResponseCache::with_capacity(ttl, 10_000)
    }

    /// At most `max_entries` keys at once (the oldest go first when it is reached).
    pub fn with_capacity(ttl: Duration, max_entries: usize) -> Self {
        ResponseCache {
            ttl,
            error_ttl: ttl.min(Duration::from_millis(500)),
            slots: Mutex::new(Slots { map: HashMap::new(), order: VecDeque::new() }),
            max_entries: max_entries.max(1),
        }
    }

    fn fresh(&self, slot: &Slot, now: Instant) -> bool {
        match slot.cell.get() {
            // In flight: join it, unless every caller left.
            None => slot.callers.load(Ordering::Acquire) > 0,
            Some(c) => {
                let ttl = if c.status >= 500 { self.error_ttl } else { self.ttl };
                now.duration_since(slot.created) < ttl
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Pops from the front of the queue while its entry is stale, expired, abandoned, or the
    /// map (or the queue) is over its cap. Each queue entry is popped once: O(1) amortised.
    fn evict(&self, slots: &mut Slots, now: Instant) {
        while let Some((key, weak)) = slots.order.front() {
            let current = slots.map.get(key).filter(|s| weak.upgrade().is_some_and(|w| Arc::ptr_eq(s, &w)));
            let remove = match current {
                None => false,
                Some(s) => {
                    let over = slots.map.len() > self.max_entries || slots.order.len() > 2 * self.max_entries;
                    if !over && self.fresh(s, now) {
                        break;
                    }
                    true
                }
            };
            if let Some((key, _)) = slots.order.pop_front() {
                if remove {
                    slots.map.remove(&key);
                }
            }
        }
    }

    pub async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Cached
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Cached>,
    {
        let waiting = {
            let now = Instant::now();
            let mut slots = self.lock();
            // Callers are counted under the lock: eviction (also under it) never takes a slot
            // about to be joined for an abandoned one.
            match slots.map.get(key) {
                Some(s) if self.fresh(s, now) => {
                    s.callers.fetch_add(1, Ordering::AcqRel);
                    Waiting(s.clone())
                }
                _ => {
                    let s = Arc::new(Slot { created: now, cell: OnceCell::new(), callers: AtomicUsize::new(1) });
                    slots.map.insert(key.to_owned(), s.clone());
                    slots.order.push_back((key.to_owned(), Arc::downgrade(&s)));
                    self.evict(&mut slots, now);
                    Waiting(s)
                }
            }
        };
        waiting.0.cell.get_or_init(fetch).await.clone()
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Callers waiting now on the fetch in flight for `key` (0 when none is in flight).
    pub fn waiting(&self, key: &str) -> usize {
        let slots = self.lock();
        slots.map.get(key).filter(|s| s.cell.get().is_none()).map_or(0, |s| s.callers.load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    fn answer(status: u16) -> Cached {
        Cached { status, body: Arc::from(&b"{}"[..]) }
    }

    /// Waits (polling, under a deadline) until `key` has `n` callers waiting on its fetch,
    /// with never more than one fetch started.
    async fn until_waiting(cache: &ResponseCache, key: &str, n: usize, calls: &AtomicUsize) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while cache.waiting(key) < n {
            assert!(calls.load(Ordering::SeqCst) <= 1, "{} fetches for one key", calls.load(Ordering::SeqCst));
            assert!(Instant::now() < deadline, "only {} of {n} callers joined", cache.waiting(key));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ten_thousand_concurrent_requests_make_one_fetch() {
        // No lifetime at all: what is shared is the fetch in flight, not a cached answer.
        let cache = Arc::new(ResponseCache::new(Duration::ZERO));
        let calls = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(tokio::sync::Notify::new());
        let mut tasks = vec![];
        for _ in 0..10_000 {
            let (cache, calls, release) = (cache.clone(), calls.clone(), release.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_fetch("/api/matches/1", || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        // Held until every caller waits on it, however slow the machine.
                        release.notified().await;
                        answer(200)
                    })
                    .await
            }));
        }
        until_waiting(&cache, "/api/matches/1", 10_000, &calls).await;
        release.notify_one();
        for t in tasks {
            assert_eq!(t.await.unwrap().status, 200);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn abandoned_fetches_are_evicted_and_inserts_stay_fast() {
        let cache = ResponseCache::new(Duration::from_secs(2));
        // 20,000 fetches that never finish, each given up by its only caller.
        for i in 0..20_000 {
            // Polled once, then dropped: a client that went away while upstream was asked.
            let gave_up = cache.get_or_fetch(&format!("/api/matches/{i}"), std::future::pending::<Cached>).now_or_never();
            assert!(gave_up.is_none());
        }
        println!("after 20,000 abandoned fetches: {} keys", cache.len());
        assert!(cache.len() <= 10_000, "{} keys held", cache.len());
        let started = Instant::now();
        for i in 0..2_000 {
            cache.get_or_fetch(&format!("/api/matches/new/{i}"), || async { answer(200) }).await;
        }
        let took = started.elapsed();
        println!("2,000 inserts took {took:?}");
        assert!(took < Duration::from_secs(2), "2,000 inserts took {took:?}");
        assert!(cache.len() <= 10_000);
        // An abandoned key is fetched afresh, not joined forever.
        assert!(cache.get_or_fetch("k", std::future::pending::<Cached>).now_or_never().is_none());
        assert_eq!(cache.get_or_fetch("k", || async { answer(201) }).await.status, 201);
    }

    #[tokio::test]
    async fn the_map_stays_within_its_cap_and_keeps_the_newest() {
        let cache = ResponseCache::with_capacity(Duration::from_secs(60), 100);
        for i in 0..1_000 {
            cache.get_or_fetch(&i.to_string(), || async { answer(200) }).await;
            assert!(cache.len() <= 100);
        }
        let calls = AtomicUsize::new(0);
        cache.get_or_fetch("999", || async { calls.fetch_add(1, Ordering::SeqCst); answer(200) }).await;
        assert_eq!(calls.load(Ordering::SeqCst), 0, "the newest entries stay");
        assert!(cache.lock().order.len() <= 200);
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
