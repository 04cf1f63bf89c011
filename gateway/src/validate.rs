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

fn matches(pattern: &str, channel: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => channel.len() > prefix.len() && channel.starts_with(prefix),
        None => pattern == channel,
    }
}

/// The channel list: entries are exact names or prefixes ending in `*`; an entry starting with
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
}
