//! Connection settings a page gives on the script tag (`data-*`), validated.
//!
//! Defaults are the stats API's public settings; the gateway URL is the one thing a site must
//! give. Every bad value is reported and replaced by its default, never a panic.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The gateway's base URL without a trailing slash; empty means the page's own origin.
    pub gateway: String,
    /// The socket's host; `self` in `data-host` means the page's own origin.
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub key: String,
    /// `data-channels="public"`: the site's relay republishes on public channels (`match.{id}`,
    /// `games`…), followed without auth; `private` (default): the stats API's own channels.
    pub access: crate::wire::Access,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { gateway: String::new(), host: "stats-api.ds2.app".into(), port: 443, tls: true, key: "stats-admin-public-key".into(), access: crate::wire::Access::Private }
    }
}

fn valid_host(h: &str) -> bool {
    !h.is_empty() && h.len() <= 253 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= 128 && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn valid_gateway(g: &str) -> bool {
    let rest = g.strip_prefix("https://").or_else(|| g.strip_prefix("http://"));
    let ok_chars = g.bytes().all(|b| b.is_ascii_graphic() && !b"\"'<>\\`{}|^".contains(&b));
    ok_chars && (g.is_empty() || g.starts_with('/') || rest.is_some_and(|r| !r.is_empty()))
}

impl Settings {
    /// Read settings through `attr` (`"gateway"` → the value of `data-gateway`). Returns the
    /// settings and one message per value that was refused.
    pub fn from_attributes(attr: &dyn Fn(&str) -> Option<String>) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut problems = vec![];
        match attr("gateway") {
            Some(g) => {
                let g = g.trim().trim_end_matches('/').to_owned();
                if valid_gateway(&g) {
                    s.gateway = g;
                } else {
                    problems.push(format!("data-gateway \"{g}\" is not a URL (https://… or /path)"));
                }
            }
            None => problems.push("data-gateway is missing: channel auth and scores need the site's gateway".into()),
        }
        if let Some(h) = attr("host") {
            let h = h.trim();
            if valid_host(h) {
                s.host = h.to_owned();
            } else {
                problems.push(format!("data-host \"{h}\" is not a host name"));
            }
        }
        if let Some(p) = attr("port") {
            match p.trim().parse::<u16>() {
                Ok(p) if p > 0 => s.port = p,
                _ => problems.push(format!("data-port \"{p}\" is not a port number")),
            }
        }
        if let Some(t) = attr("tls") {
            match t.trim() {
                "true" | "1" | "" => s.tls = true,
                "false" | "0" => s.tls = false,
                other => problems.push(format!("data-tls \"{other}\" must be true or false")),
            }
        }
        if let Some(k) = attr("key") {
            let k = k.trim();
            if valid_key(k) {
                s.key = k.to_owned();
            } else {
                problems.push(format!("data-key \"{k}\" is not an app key"));
            }
        }
        if let Some(c) = attr("channels") {
            match c.trim() {
                "public" => s.access = crate::wire::Access::Public,
                "private" | "" => s.access = crate::wire::Access::Private,
                other => problems.push(format!("data-channels \"{other}\" must be public or private")),
            }
        }
        (s, problems)
    }

    pub fn socket_url(&self, version: &str) -> String {
        crate::protocol::socket_url(self.tls, &self.host, self.port, &self.key, version)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> (Settings, Vec<String>) {
        let m: HashMap<&str, &str> = pairs.iter().copied().collect();
        Settings::from_attributes(&|k| m.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn defaults_are_the_stats_api() {
        let (s, problems) = read(&[("gateway", "https://gw.news.example/")]);
        assert!(problems.is_empty());
        assert_eq!(s.gateway, "https://gw.news.example");
        assert_eq!(
            s.socket_url("0.1.0"),
            "wss://stats-api.ds2.app:443/app/stats-admin-public-key?protocol=7&client=courtside&version=0.1.0"
        );
    }

    #[test]
    fn overrides() {
        let (s, problems) =
            read(&[("gateway", ""), ("host", "127.0.0.1"), ("port", "6001"), ("tls", "false"), ("key", "demo-key")]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.socket_url("1"), "ws://127.0.0.1:6001/app/demo-key?protocol=7&client=courtside&version=1");
    }

    #[test]
    fn bad_values_are_named_and_defaulted() {
        let (s, problems) = read(&[
            ("gateway", "javascript:alert(1)"),
            ("host", "evil.example/path?x"),
            ("port", "70000"),
            ("tls", "maybe"),
            ("key", "a b"),
        ]);
        assert_eq!(s, Settings::default());
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].starts_with("data-gateway"));
        assert!(problems[2].starts_with("data-port"));
    }

    #[test]
    fn channels_follow_the_relay() {
        let (s, problems) = read(&[("gateway", ""), ("channels", "public")]);
        assert!(problems.is_empty());
        assert_eq!(s.access, crate::wire::Access::Public);
        let (s, problems) = read(&[("gateway", ""), ("channels", "open")]);
        assert_eq!((s.access, problems.len()), (crate::wire::Access::Private, 1));
    }

    #[test]
    fn missing_gateway_is_reported() {
        let (_, problems) = read(&[]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("data-gateway is missing"));
    }
}
