//! Checks on what browsers send: socket ids and channel names.

/// `123.456`: two runs of digits.
pub fn socket_id(s: &str) -> bool {
    let mut parts = s.split('.');
    let ok = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// Pusher's channel-name alphabet, at most 164 bytes.
pub fn channel_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 164
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_=@,.;".contains(&b))
}

/// The largest id a pattern's `{id}` matches: 2^53 - 1, the largest integer a browser's
/// JavaScript holds exactly.
pub const MAX_ID: u64 = (1 << 53) - 1;

/// The length of the id at the start of `s` (a positive integer, no leading zero, at most
/// [`MAX_ID`]), or `None`.
fn id_len(s: &str) -> Option<usize> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    let digits = &s[..len];
    if len == 0 || len > 16 || digits.starts_with('0') {
        return None;
    }
    digits.parse::<u64>().ok().filter(|n| (1..=MAX_ID).contains(n)).map(|_| len)
}

fn matches(pattern: &str, channel: &str) -> bool {
    // `*` at the end: any non-empty rest (kept for compatibility; `{id}` says what it means).
    let (pattern, any_rest) = match pattern.strip_suffix('*') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let mut rest = channel;
    let mut pieces = pattern.split("{id}");
    let first = pieces.next().unwrap_or_default();
    let Some(r) = rest.strip_prefix(first) else { return false };
    rest = r;
    for literal in pieces {
        let Some(n) = id_len(rest) else { return false };
        let Some(r) = rest[n..].strip_prefix(literal) else { return false };
        rest = r;
    }
    if any_rest {
        !rest.is_empty()
    } else {
        rest.is_empty()
    }
}

/// The channel list: entries are exact names, names with `{id}` standing for one id (digits
/// only, see [`MAX_ID`]), or prefixes ending in `*` (any rest at all); an entry starting with
/// `!` denies what it matches, whatever else allows it.
pub fn channel_allowed(patterns: &[String], channel: &str) -> bool {
    let denied = patterns.iter().filter_map(|p| p.strip_prefix('!')).any(|p| matches(p, channel));
    !denied && patterns.iter().filter(|p| !p.starts_with('!')).any(|p| matches(p, channel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_ids() {
        assert!(socket_id("123.456"));
        assert!(socket_id("1.1"));
        for bad in ["", "1", "1.", ".1", "1.2.3", "a.1", "1.1 ", "1.-1", &"9".repeat(30)] {
            assert!(!socket_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn channel_names() {
        assert!(channel_name("private-match.123"));
        for bad in ["", "private match", "private-ü", "a\nb", &"a".repeat(200)] {
            assert!(!channel_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn allow_list() {
        let p = vec!["private-match.*".to_string(), "private-games".to_string()];
        assert!(channel_allowed(&p, "private-match.1"));
        assert!(channel_allowed(&p, "private-games"));
        assert!(!channel_allowed(&p, "private-match."));
        assert!(!channel_allowed(&p, "private-games2"));
        assert!(!channel_allowed(&p, "private-competition.4"));
        let p = vec!["private-match.*".to_string(), "!private-match.403*".to_string()];
        assert!(channel_allowed(&p, "private-match.12"));
        assert!(!channel_allowed(&p, "private-match.403001"));
    }

    fn list(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn id_patterns_match_ids_only() {
        let p = list(&["private-match.{id}", "private-competition.{id}", "private-games"]);
        for ok in ["private-match.1", "private-match.12", "private-match.9007199254740991", "private-competition.4", "private-games"] {
            assert!(channel_allowed(&p, ok), "{ok}");
        }
        for bad in [
            "private-match.1,private-games",
            "private-match.1.officials",
            "private-match.abc",
            "private-match.",
            "private-match.0",
            "private-match.01",
            "private-match.-1",
            "private-match.1a",
            "private-match.9007199254740992",
            "private-match.99999999999999999999",
            "private-match.{id}",
            "private-matchx.1",
            "private-competition.4;private-games",
            "private-games.1",
        ] {
            assert!(!channel_allowed(&p, bad), "{bad}");
        }
        // In the middle of a name, and twice.
        let p = list(&["private-match.{id}.period.{id}"]);
        assert!(channel_allowed(&p, "private-match.7.period.2"));
        assert!(!channel_allowed(&p, "private-match.7.period.2x"));
        assert!(!channel_allowed(&p, "private-match.7.period."));
        // Denials keep working, exact and by prefix, next to `{id}`.
        let p = list(&["private-match.{id}", "!private-match.666", "!private-match.403*"]);
        assert!(channel_allowed(&p, "private-match.665"));
        assert!(!channel_allowed(&p, "private-match.666"));
        assert!(!channel_allowed(&p, "private-match.4031"));
        assert!(channel_allowed(&p, "private-match.403"), "as before, `*` stands for a non-empty rest");
    }
}
