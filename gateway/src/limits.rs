//! Rate limits: per client address (IPv6 per /64), per widget token, on minting tokens per
//! address, and on `/auth` for everyone together. GCRA throughout (a burst of twice the rate,
//! then the rate); the keyed limiters' state is bounded, not only pruned.

use crate::config::Config;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Instant;

/// The limiter key for a client address: IPv4 as is; IPv6 by its /64 (one subscriber's
/// network: rotating the interface id is free), IPv4-mapped IPv6 as IPv4.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
    }
}

const SHARDS: usize = 16;
/// A full shard looks for idle keys to drop at most this often (nanoseconds), so a flood of
/// new keys cannot make every request scan the shard.
const PRUNE_GAP_NS: u64 = 100_000_000;

struct Shard<K> {
    /// Each key's theoretical arrival time (ns since `epoch`); a key at or before now is idle,
    /// the same as absent.
    tat: HashMap<K, u64>,
    last_prune: Option<u64>,
}

/// A keyed GCRA limiter holding at most `max_keys` keys: when full of active keys, a new key
/// is refused (the clients already tracked keep their limits; nothing is forgotten early).
pub struct KeyedLimiter<K> {
    shards: Vec<Mutex<Shard<K>>>,
    /// Nanoseconds between two requests at the sustained rate.
    interval: u64,
    /// How far ahead of now a key's arrival time may run: the burst.
    tolerance: u64,
    per_shard: usize,
    epoch: Instant,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// `per_second` sustained, bursts of twice that, at most `max_keys` keys.
    pub fn new(per_second: u32, max_keys: usize) -> Self {
        let rate = u64::from(per_second.max(1));
        let interval = 1_000_000_000 / rate;
        let burst = rate.saturating_mul(2);
        KeyedLimiter {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard { tat: HashMap::new(), last_prune: None })).collect(),
            interval,
            tolerance: interval.saturating_mul(burst - 1),
            per_shard: max_keys.div_ceil(SHARDS).max(1),
            epoch: Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    fn shard(&self, key: &K) -> &Mutex<Shard<K>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[(h.finish() as usize) % SHARDS]
    }

    pub fn check(&self, key: &K) -> bool {
        let now = self.now();
        let mut shard = self.shard(key).lock().unwrap_or_else(|p| p.into_inner());
        let tat = match shard.tat.get(key) {
            Some(t) => (*t).max(now),
            None => {
                if shard.tat.len() >= self.per_shard {
                    if shard.last_prune.is_none_or(|at| now.saturating_sub(at) >= PRUNE_GAP_NS) {
                        shard.tat.retain(|_, t| *t > now);
                        shard.last_prune = Some(now);
                    }
                    if shard.tat.len() >= self.per_shard {
                        return false;
                    }
                }
                now
            }
        };
        if tat - now > self.tolerance {
            return false;
        }
        shard.tat.insert(key.clone(), tat + self.interval);
        true
    }

    /// Forgets idle keys (their state is the same as a new key's).
    pub fn forget_idle(&self) {
        let now = self.now();
        for s in &self.shards {
            s.lock().unwrap_or_else(|p| p.into_inner()).tat.retain(|_, t| *t > now);
        }
    }

    /// Keys tracked now.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).tat.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The numbers behind [`Limits`] (see `config.rs` for the variables).
#[derive(Clone, Copy, Debug)]
pub struct LimitSettings {
    pub per_ip: u32,
    pub per_token: u32,
    pub token_per_ip: u32,
    pub auth_global: u32,
    pub max_keys: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings { per_ip: 50, per_token: 20, token_per_ip: 5, auth_global: 200, max_keys: 100_000 }
    }
}

pub struct Limits {
    per_ip: KeyedLimiter<IpAddr>,
    per_token: KeyedLimiter<String>,
    mint_per_ip: KeyedLimiter<IpAddr>,
    auth_global: DefaultDirectRateLimiter,
}

fn quota(per_second: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).unwrap_or(rate);
    Quota::per_second(rate).allow_burst(burst)
}

impl Limits {
    /// Per address and per token as given, the rest at their defaults.
    pub fn new(per_ip: u32, per_token: u32) -> Self {
        Limits::with(LimitSettings { per_ip, per_token, ..LimitSettings::default() })
    }

    pub fn from_config(c: &Config) -> Self {
        Limits::with(LimitSettings {
            per_ip: c.rate_per_ip,
            per_token: c.rate_per_token,
            token_per_ip: c.rate_token_per_ip,
            auth_global: c.rate_auth_global,
            max_keys: c.limit_keys,
        })
    }

    pub fn with(s: LimitSettings) -> Self {
        Limits {
            per_ip: KeyedLimiter::new(s.per_ip, s.max_keys),
            per_token: KeyedLimiter::new(s.per_token, s.max_keys),
            mint_per_ip: KeyedLimiter::new(s.token_per_ip, s.max_keys),
            auth_global: RateLimiter::direct(quota(s.auth_global)),
        }
    }

    /// Any request from this address (IPv6: its /64).
    pub fn allow_ip(&self, ip: IpAddr) -> bool {
        self.per_ip.check(&address_key(ip))
    }

    /// A request with this widget token.
    pub fn allow_token(&self, token: &str) -> bool {
        self.per_token.check(&token.to_owned())
    }

    /// Minting a token (`POST /token`) from this address.
    pub fn allow_mint(&self, ip: IpAddr) -> bool {
        self.mint_per_ip.check(&address_key(ip))
    }

    /// A channel auth (`POST /auth`), whoever asks.
    pub fn allow_auth(&self) -> bool {
        self.auth_global.check().is_ok()
    }

    /// Forget idle keys (called periodically, so memory follows active clients only).
    pub fn forget_idle(&self) {
        self.per_ip.forget_idle();
        self.per_token.forget_idle();
        self.mint_per_ip.forget_idle();
    }

    /// Keys tracked by the keyed limiters together.
    pub fn tracked_keys(&self) -> usize {
        self.per_ip.len() + self.per_token.len() + self.mint_per_ip.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_keyed_by_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        assert_eq!(address_key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1".parse::<IpAddr>().unwrap());
        assert_ne!(address_key("192.0.2.1".parse().unwrap()), address_key("192.0.2.2".parse().unwrap()));
    }

    #[test]
    fn a_burst_of_twice_the_rate_then_the_rate() {
        let l = KeyedLimiter::new(5, 100);
        let passed = (0..30).filter(|_| l.check(&1u32)).count();
        assert_eq!(passed, 10);
        assert!(l.check(&2u32), "another key has its own budget");
    }

    #[test]
    fn limiter_state_is_bounded() {
        let limits = Limits::with(LimitSettings { max_keys: 1_000, ..LimitSettings::default() });
        let mut refused = 0;
        for i in 0..50_000u32 {
            let ip = IpAddr::from(i.to_be_bytes());
            if !limits.allow_ip(ip) {
                refused += 1;
            }
            limits.allow_token(&format!("token-{i}"));
        }
        println!("{} keys tracked, {refused} new addresses refused", limits.tracked_keys());
        assert!(limits.per_ip.len() <= 1_000 + SHARDS, "{}", limits.per_ip.len());
        assert!(limits.per_token.len() <= 1_000 + SHARDS, "{}", limits.per_token.len());
        assert!(refused > 0, "a full limiter refuses new keys");
        // Addresses already tracked keep being served while the table is full.
        let known = IpAddr::from(0u32.to_be_bytes());
        assert!(limits.per_ip.shard(&known).lock().unwrap().tat.contains_key(&known));
    }

    #[test]
    fn idle_keys_make_room_again() {
        // 1000/s: a key is idle again 1 ms after its one request.
        let l = KeyedLimiter::new(1000, 1_600);
        for i in 0..10_000u32 {
            l.check(&i);
        }
        assert!(l.len() <= 1_600 + SHARDS);
        std::thread::sleep(std::time::Duration::from_millis(150));
        let admitted = (100_000..100_200u32).filter(|i| l.check(i)).count();
        assert_eq!(admitted, 200, "idle keys were dropped for new ones");
        std::thread::sleep(std::time::Duration::from_millis(5));
        l.forget_idle();
        assert_eq!(l.len(), 0);
    }
}
