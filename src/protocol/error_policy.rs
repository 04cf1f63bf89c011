//! What a `pusher:error` code means for the connection.
//!
//! Reverb closes the TCP connection after an error without a close frame (the browser reports
//! 1006), so the policy is decided from the last `pusher:error`, never from the close code.

/// What the engine does about an error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorAction {
    /// 4000–4099 (but 4009): these settings will never work; stop and say so.
    Fatal,
    /// 4100–4199: try again later, after a backoff of at least one second.
    Backoff,
    /// 4201–4299: reconnect at once.
    ReconnectNow,
    /// 4009: a channel was refused; the connection itself is fine.
    Unauthorized,
    /// 4200 "Invalid message format" and 4300+: logged; the socket stays.
    Report,
}

pub fn classify(code: Option<u16>) -> ErrorAction {
    match code {
        Some(4009) => ErrorAction::Unauthorized,
        Some(4000..=4099) => ErrorAction::Fatal,
        Some(4100..=4199) => ErrorAction::Backoff,
        Some(4200) => ErrorAction::Report,
        Some(4201..=4299) => ErrorAction::ReconnectNow,
        _ => ErrorAction::Report,
    }
}

/// What to do when the socket closes after the last error on it (`None`: no error at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconnectPlan {
    Stop,
    Immediately,
    Backoff { floor_ms: u64 },
}

pub fn plan_after_close(last_code: Option<Option<u16>>) -> ReconnectPlan {
    match last_code {
        None => ReconnectPlan::Backoff { floor_ms: 0 },
        Some(code) => match classify(code) {
            ErrorAction::Fatal => ReconnectPlan::Stop,
            ErrorAction::Backoff => ReconnectPlan::Backoff { floor_ms: 1_000 },
            ErrorAction::ReconnectNow => ReconnectPlan::Immediately,
            ErrorAction::Unauthorized | ErrorAction::Report => ReconnectPlan::Backoff { floor_ms: 0 },
        },
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_range_has_its_action() {
        for code in 4000..=4099u16 {
            let want = if code == 4009 { ErrorAction::Unauthorized } else { ErrorAction::Fatal };
            assert_eq!(classify(Some(code)), want, "{code}");
        }
        for code in 4100..=4199u16 {
            assert_eq!(classify(Some(code)), ErrorAction::Backoff, "{code}");
        }
        assert_eq!(classify(Some(4200)), ErrorAction::Report);
        for code in 4201..=4299u16 {
            assert_eq!(classify(Some(code)), ErrorAction::ReconnectNow, "{code}");
        }
        for code in [4300u16, 4301, 4999, 1006, 0] {
            assert_eq!(classify(Some(code)), ErrorAction::Report, "{code}");
        }
        assert_eq!(classify(None), ErrorAction::Report);
    }

    #[test]
    fn plans_after_close() {
        assert_eq!(plan_after_close(Some(Some(4001))), ReconnectPlan::Stop);
        assert_eq!(plan_after_close(Some(Some(4100))), ReconnectPlan::Backoff { floor_ms: 1_000 });
        assert_eq!(plan_after_close(Some(Some(4201))), ReconnectPlan::Immediately);
        assert_eq!(plan_after_close(Some(Some(4200))), ReconnectPlan::Backoff { floor_ms: 0 });
        assert_eq!(plan_after_close(Some(None)), ReconnectPlan::Backoff { floor_ms: 0 });
        assert_eq!(plan_after_close(None), ReconnectPlan::Backoff { floor_ms: 0 });
    }
}
