//! Rate limits per client address and per widget token (the `governor` crate's GCRA).

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

pub struct Limits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_token: DefaultKeyedRateLimiter<String>,
}

fn quota(per_second: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    // Bursts of twice the rate absorb a page that mounts many widgets at once.
    let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).unwrap_or(rate);
    Quota::per_second(rate).allow_burst(burst)
}

impl Limits {
    pub fn new(per_ip: u32, per_token: u32) -> Self {
        Limits { per_ip: RateLimiter::keyed(quota(per_ip)), per_token: RateLimiter::keyed(quota(per_token)) }
    }

    pub fn allow_ip(&self, ip: IpAddr) -> bool {
        self.per_ip.check_key(&ip).is_ok()
    }

    pub fn allow_token(&self, token: &str) -> bool {
        self.per_token.check_key(&token.to_owned()).is_ok()
    }

    /// Forget idle keys (called periodically, so memory follows active clients only).
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_token.retain_recent();
    }
}
