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
}

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

pub fn verify(key: &TokenKey, token: &str, now_s: u64) -> Result<Claims, TokenError> {
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
    Ok(Claims { origin, expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_expiry() {
        let k = TokenKey::new(*b"0123456789abcdef0123456789abcdef");
        let t = mint(&k, "https://news.example", 1000, 300);
        assert_eq!(verify(&k, &t, 1000), Ok(Claims { origin: "https://news.example".into(), expires_at: 1300 }));
        assert_eq!(verify(&k, &t, 1299).map(|c| c.expires_at), Ok(1300));
        assert_eq!(verify(&k, &t, 1300), Err(TokenError::Expired));
    }

    #[test]
    fn tampering_is_caught() {
        let k = TokenKey::new(*b"0123456789abcdef0123456789abcdef");
        let t = mint(&k, "https://news.example", 1000, 300);
        let longer = t.replacen("v1.1300.", "v1.9999.", 1);
        assert_eq!(verify(&k, &longer, 1000), Err(TokenError::BadSignature));
        let other_origin = t.replacen(&URL_SAFE_NO_PAD.encode("https://news.example"), &URL_SAFE_NO_PAD.encode("https://evil.example"), 1);
        assert_eq!(verify(&k, &other_origin, 1000), Err(TokenError::BadSignature));
        let other_key = TokenKey::new(*b"another key, another gateway....");
        assert_eq!(verify(&other_key, &t, 1000), Err(TokenError::BadSignature));
        for junk in ["", "v1", "v1.1.2", "v1.x.y.zz", "v2.1300.aA.00", &"a".repeat(2000)] {
            assert!(verify(&k, junk, 1000).is_err(), "{junk}");
        }
    }
}
