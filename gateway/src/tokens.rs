//! Widget tokens: short-lived, bound to the page's origin, signed with the gateway's key.
//!
//! `v1.<expiry unix seconds>.<base64url origin>.<hex HMAC-SHA256>`: stateless, so any replica
//! holding the same key verifies any other's tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl TokenKey {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        TokenKey(bytes.into())
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub origin: String,
    pub expires_at: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    BadSignature,
    Expired,
    /// Expires further ahead than this gateway's lifetime allows: not a token it minted
    /// (or minted under a longer lifetime since withdrawn).
    TooLong,
}

/// Clock difference tolerated between replicas, in seconds.
pub const CLOCK_SKEW_S: u64 = 60;

/// Equal bytes, compared in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn mint(key: &TokenKey, origin: &str, now_s: u64, ttl_s: u64) -> String {
    let payload = format!("v1.{}.{}", now_s + ttl_s, URL_SAFE_NO_PAD.encode(origin));
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    format!("{payload}.{}", hex::encode(mac.finalize().into_bytes()))
}

/// The claims of `token` if this key signed it, it has not expired, and it expires no later
/// than `max_ttl_s` (the configured lifetime) plus [`CLOCK_SKEW_S`] from `now_s`.
pub fn verify(key: &TokenKey, token: &str, now_s: u64, max_ttl_s: u64) -> Result<Claims, TokenError> {
    if token.len() > 1024 {
        return Err(TokenError::Malformed);
    }
    let (payload, sig) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let sig = hex::decode(sig).map_err(|_| TokenError::Malformed)?;
    let mut parts = payload.split('.');
    let (Some("v1"), Some(exp), Some(origin), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    mac.verify_slice(&sig).map_err(|_| TokenError::BadSignature)?;
    let expires_at: u64 = exp.parse().map_err(|_| TokenError::Malformed)?;
    let origin = URL_SAFE_NO_PAD.decode(origin).ok().and_then(|b| String::from_utf8(b).ok()).ok_or(TokenError::Malformed)?;
    if expires_at <= now_s {
        return Err(TokenError::Expired);
    }
    if expires_at > now_s.saturating_add(max_ttl_s).saturating_add(CLOCK_SKEW_S) {
        return Err(TokenError::TooLong);
    }
    Ok(Claims { origin, expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_expiry() {
        let k = TokenKey::new(*b"0123456789abcdef0123456789abcdef");
        let t = mint(&k, "https://news.example", 1000, 300);
        assert_eq!(verify(&k, &t, 1000, 300), Ok(Claims { origin: "https://news.example".into(), expires_at: 1300 }));
        assert_eq!(verify(&k, &t, 1299, 300).map(|c| c.expires_at), Ok(1300));
        assert_eq!(verify(&k, &t, 1300, 300), Err(TokenError::Expired));
    }

    #[test]
    fn expiry_no_further_than_the_lifetime_plus_skew() {
        let k = TokenKey::new(*b"0123456789abcdef0123456789abcdef");
        let t = mint(&k, "https://news.example", 1000, 300);
        // Minted by a replica whose clock runs up to a minute ahead.
        assert!(verify(&k, &t, 1000 - CLOCK_SKEW_S, 300).is_ok());
        assert_eq!(verify(&k, &t, 1000 - CLOCK_SKEW_S - 1, 300), Err(TokenError::TooLong));
        // The lifetime was lowered since: longer tokens are refused.
        assert_eq!(verify(&k, &t, 1000, 120), Err(TokenError::TooLong));
        let forever = mint(&k, "https://news.example", 1000, u64::MAX / 2);
        assert_eq!(verify(&k, &forever, 1000, 300), Err(TokenError::TooLong));
        assert_eq!(verify(&k, &forever, u64::MAX, u64::MAX), Err(TokenError::Expired));
    }

    #[test]
    fn tampering_is_caught() {
        let k = TokenKey::new(*b"0123456789abcdef0123456789abcdef");
        let t = mint(&k, "https://news.example", 1000, 300);
        let longer = t.replacen("v1.1300.", "v1.9999.", 1);
        assert_eq!(verify(&k, &longer, 1000, 300), Err(TokenError::BadSignature));
        let other_origin = t.replacen(&URL_SAFE_NO_PAD.encode("https://news.example"), &URL_SAFE_NO_PAD.encode("https://evil.example"), 1);
        assert_eq!(verify(&k, &other_origin, 1000, 300), Err(TokenError::BadSignature));
        let other_key = TokenKey::new(*b"another key, another gateway....");
        assert_eq!(verify(&other_key, &t, 1000, 300), Err(TokenError::BadSignature));
        for junk in ["", "v1", "v1.1.2", "v1.x.y.zz", "v2.1300.aA.00", &"a".repeat(2000)] {
            assert!(verify(&k, junk, 1000, 300).is_err(), "{junk}");
        }
    }
}
