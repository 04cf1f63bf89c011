//! Reconnect delays: exponential backoff with full jitter, bounded by the outage's own length.
//!
//! A run of failed attempts begins at the first delay asked for after a [`Backoff::reset`]
//! (the drop) and ends at the next reset (a connection that stayed up). Attempt `n` of the run
//! (counting from 0) waits a uniformly random time in `[floor, ceiling]`, where
//!
//! ```text
//! ceiling = min(cap, base·2ⁿ, max(base, outage_pct % of the time since the run began))
//! ```
//!
//! With the defaults (base 1.5 s, cap 30 s, 100 %) the exponential bounds run 1.5, 3, 6, 12,
//! 24, 30, 30 … s, so a crowd dropped at once spreads its retries over a window instead of
//! hitting the server in the same millisecond (pusher-js waits a fixed 1 s, then retries a
//! refused socket only every 15, 30, then 60 s). The third bound is the outage's: the window
//! never grows past the time the reader has already been without the server. When the server
//! comes back after an outage of `D`, a reader's last refused attempt was at some `a < D` and
//! its next one comes at most `max(base, a)` later, so it waits less than `max(base, D)` after
//! the return: never longer than the outage lasted (or the first window, if that is longer).
//! Without this bound the window kept doubling while the server was away, and a reader could
//! wait for nearly the whole cap after it came back (10,000 engines, a 12 s outage: the last
//! one 29.7 s after the return, 1 % of them over 24 s). The price: the retries of a crowd are
//! denser in the first seconds (18 % of the readers in the densest 100 ms instead of 10 %; all
//! refused while the server is away), its returns after a short outage are denser (2 s away:
//! 12 % of the readers in the densest 100 ms instead of 4.5 %, as they come back within 2 s
//! instead of 23 s) and a long outage costs more refused attempts (30 s: 10.3 a reader instead
//! of 6.1). docs/reconnect.md has the figures and the alternatives, from 10,000 engines in
//! tests/reconnect_spread.rs.
//!
//! A connection that drops again before `stable_after_ms` (the engine's) does not reset the
//! run, so a flapping server still sees the window grow. Everything is a function of the
//! `now` the driver passes in: no clock, and a seeded PRNG, so a schedule replays exactly.

/// A small deterministic PRNG (xorshift64*), seeded by the driver: enough for jitter, and tests
/// can replay a schedule exactly.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Jitter(seed | 1)
    }
    /// Uniform in `0..=max`.
    pub fn below_or_eq(&mut self, max: u64) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        if max == u64::MAX {
            r
        } else {
            r % (max + 1)
        }
    }
}

#[derive(Debug, Clone)]
pub struct Backoff {
    base_ms: u64,
    cap_ms: u64,
    /// The window's bound as a share (per cent) of the time since the run began; 0: none.
    outage_pct: u64,
    attempt: u32,
    /// When the current run of failures began (set by the first delay after a reset).
    since: Option<u64>,
    jitter: Jitter,
}

impl Backoff {
    /// A backoff with the outage bound at 100 %.
    pub fn new(base_ms: u64, cap_ms: u64, seed: u64) -> Self {
        Backoff {
            base_ms: base_ms.max(1),
            cap_ms: cap_ms.max(base_ms.max(1)),
            outage_pct: 100,
            attempt: 0,
            since: None,
            jitter: Jitter::new(seed),
        }
    }

    /// Bound the window by `pct` % of the time since the run began (0: no such bound, the
    /// plain exponential).
    pub fn with_outage_pct(mut self, pct: u64) -> Self {
        self.outage_pct = pct;
        self
    }

    /// The upper bound for the next attempt if it is asked for at `now`.
    pub fn ceiling_ms(&self, now: u64) -> u64 {
        let shifted = self.base_ms.checked_shl(self.attempt.min(40)).unwrap_or(u64::MAX);
        let exponential = shifted.min(self.cap_ms);
        if self.outage_pct == 0 {
            return exponential;
        }
        let elapsed = self.since.map_or(0, |since| now.saturating_sub(since));
        let outage = elapsed.saturating_mul(self.outage_pct) / 100;
        exponential.min(outage.max(self.base_ms))
    }

    /// The delay before the next attempt, asked for at `now` (a socket just closed); never
    /// below `floor_ms`.
    pub fn next_delay(&mut self, floor_ms: u64, now: u64) -> u64 {
        self.since.get_or_insert(now);
        let ceiling = self.ceiling_ms(now).max(floor_ms);
        self.attempt = self.attempt.saturating_add(1);
        floor_ms + self.jitter.below_or_eq(ceiling - floor_ms)
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// A new run: the next delay starts from `base` again and from a fresh outage clock.
    pub fn reset(&mut self) {
        self.attempt = 0;
        self.since = None;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// Far enough after the drop that the outage bound is the cap's.
    const LATE: u64 = 1_000_000;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        // Without the outage bound, and with it once the outage is long.
        for (pct, now) in [(0, 0), (100, LATE)] {
            let mut b = Backoff::new(500, 30_000, 7).with_outage_pct(pct);
            b.since = Some(0);
            let mut ceilings = vec![];
            for _ in 0..9 {
                ceilings.push(b.ceiling_ms(now));
                b.next_delay(0, now);
            }
            assert_eq!(ceilings, vec![500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000], "pct {pct}");
        }
    }

    #[test]
    fn delays_stay_within_floor_and_ceiling() {
        for seed in 0..200 {
            let mut b = Backoff::new(500, 30_000, seed);
            let mut now = 0;
            for _ in 0..50 {
                let ceiling = b.ceiling_ms(now);
                let d = b.next_delay(0, now);
                assert!(d <= ceiling, "{d} > {ceiling}");
                now += d;
            }
            let mut b = Backoff::new(500, 30_000, seed);
            let d = b.next_delay(1000, 0);
            assert_eq!(d, 1000);
        }
    }

    #[test]
    fn floor_raises_the_minimum() {
        let mut b = Backoff::new(500, 30_000, 3);
        for _ in 0..4 {
            b.next_delay(0, 0);
        }
        for _ in 0..100 {
            let d = b.next_delay(1000, 0);
            assert!(d >= 1000);
        }
    }

    #[test]
    fn jitter_spreads_delays() {
        // 1,000 clients at the same attempt must not pick the same few delays.
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..1000u64 {
            let mut b = Backoff::new(500, 30_000, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            seen.insert(b.next_delay(0, 0) / 10);
        }
        assert!(seen.len() > 40, "only {} distinct 10 ms buckets", seen.len());
    }

    #[test]
    fn reset_starts_over_and_huge_attempts_do_not_overflow() {
        let mut b = Backoff::new(500, 30_000, 1);
        for _ in 0..100 {
            b.next_delay(0, 0);
        }
        assert_eq!(b.ceiling_ms(LATE), 30_000);
        b.reset();
        assert_eq!(b.attempts(), 0);
        assert_eq!(b.ceiling_ms(LATE), 500, "a new run: no attempts, no outage yet");
        b.next_delay(0, LATE);
        assert_eq!(b.ceiling_ms(LATE + 400), 500, "the outage clock restarted at the reset");
    }

    #[test]
    fn the_window_never_exceeds_the_time_already_spent_away() {
        for pct in [100, 50] {
            for seed in 0..200u64 {
                let mut b = Backoff::new(1_500, 30_000, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)).with_outage_pct(pct);
                let drop = 5_000;
                let mut now = drop;
                for n in 0..40u32 {
                    let ceiling = b.ceiling_ms(now);
                    let away = (now - drop) * pct / 100;
                    assert!(ceiling <= away.max(1_500), "attempt {n}: window {ceiling} after {away} away");
                    assert!(ceiling <= 30_000 && ceiling <= 1_500u64 << n.min(20));
                    now += b.next_delay(0, now);
                }
            }
        }
    }

    #[test]
    fn after_the_server_returns_a_reader_waits_less_than_the_outage_lasted() {
        // The server refuses every attempt before `back`; the first attempt after it succeeds.
        for outage in [100u64, 250, 1_000, 2_000, 5_000, 12_000, 30_000, 120_000] {
            for seed in 0..500u64 {
                let mut b = Backoff::new(1_500, 30_000, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                let mut now = 0;
                // Bounded, so that a schedule of zero delays fails instead of spinning.
                for _ in 0..10_000 {
                    if now >= outage {
                        break;
                    }
                    now += b.next_delay(0, now);
                }
                assert!(now >= outage, "outage {outage}: 10,000 attempts within it");
                let wait = now - outage;
                assert!(wait < outage.max(1_500), "outage {outage}: waited {wait}");
            }
        }
    }

    #[test]
    fn without_the_bound_the_window_outgrows_the_outage() {
        // The old schedule (the plain exponential): after a 12 s outage, some readers wait
        // far longer than 12 s. This is what the outage bound removes.
        let worst = (0..500u64)
            .map(|seed| {
                let mut b = Backoff::new(1_500, 30_000, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)).with_outage_pct(0);
                let mut now = 0;
                for _ in 0..10_000 {
                    if now >= 12_000 {
                        break;
                    }
                    now += b.next_delay(0, now);
                }
                assert!(now >= 12_000, "10,000 attempts within 12 s");
                now - 12_000
            })
            .max()
            .unwrap();
        assert!(worst > 12_000, "worst wait {worst}");
    }
}
