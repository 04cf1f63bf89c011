//! Reconnect delays: exponential backoff with full jitter.
//!
//! Attempt `n` (counting from 0) waits a uniformly random time in `[floor, min(cap, base·2ⁿ)]`.
//! With the defaults (base 1.5 s, cap 30 s) the upper bounds run 1.5, 3, 6, 12, 24, 30, 30 … s,
//! so 100,000 clients dropped at once spread their retries over the whole window instead of
//! hitting the server in the same millisecond (pusher-js waits a fixed 1 s). The attempt count
//! resets once a connection has stayed up for `stable_after_ms`.

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
    attempt: u32,
    jitter: Jitter,
}

impl Backoff {
    pub fn new(base_ms: u64, cap_ms: u64, seed: u64) -> Self {
        Backoff { base_ms: base_ms.max(1), cap_ms: cap_ms.max(base_ms.max(1)), attempt: 0, jitter: Jitter::new(seed) }
    }

    /// The upper bound for the next attempt.
    pub fn ceiling_ms(&self) -> u64 {
        let shifted = self.base_ms.checked_shl(self.attempt.min(40)).unwrap_or(u64::MAX);
        shifted.min(self.cap_ms)
    }

    /// The delay before the next attempt, never below `floor_ms`.
    pub fn next_delay(&mut self, floor_ms: u64) -> u64 {
        let ceiling = self.ceiling_ms().max(floor_ms);
        self.attempt = self.attempt.saturating_add(1);
        floor_ms + self.jitter.below_or_eq(ceiling - floor_ms)
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let mut b = Backoff::new(500, 30_000, 7);
        let mut ceilings = vec![];
        for _ in 0..9 {
            ceilings.push(b.ceiling_ms());
            b.next_delay(0);
        }
        assert_eq!(ceilings, vec![500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }

    #[test]
    fn delays_stay_within_floor_and_ceiling() {
        for seed in 0..200 {
            let mut b = Backoff::new(500, 30_000, seed);
            for _ in 0..50 {
                let ceiling = b.ceiling_ms();
                let d = b.next_delay(0);
                assert!(d <= ceiling, "{d} > {ceiling}");
            }
            let mut b = Backoff::new(500, 30_000, seed);
            let d = b.next_delay(1000);
            assert_eq!(d, 1000);
        }
    }

    #[test]
    fn floor_raises_the_minimum() {
        let mut b = Backoff::new(500, 30_000, 3);
        for _ in 0..4 {
            b.next_delay(0);
        }
        for _ in 0..100 {
            let d = b.next_delay(1000);
            assert!(d >= 1000);
        }
    }

    #[test]
    fn jitter_spreads_delays() {
        // 1,000 clients at the same attempt must not pick the same few delays.
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..1000u64 {
            let mut b = Backoff::new(500, 30_000, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            seen.insert(b.next_delay(0) / 10);
        }
        assert!(seen.len() > 40, "only {} distinct 10 ms buckets", seen.len());
    }

    #[test]
    fn reset_starts_over_and_huge_attempts_do_not_overflow() {
        let mut b = Backoff::new(500, 30_000, 1);
        for _ in 0..100 {
            b.next_delay(0);
        }
        assert_eq!(b.ceiling_ms(), 30_000);
        b.reset();
        assert_eq!(b.attempts(), 0);
        assert_eq!(b.ceiling_ms(), 500);
    }
}
