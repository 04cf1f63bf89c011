//! The channel table: reference counts and where each channel is in its subscribe handshake.

/// Why a channel is not subscribed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionError {
    /// The auth endpoint answered with this HTTP status (403: denied).
    AuthRejected { status: u16 },
    /// The auth request failed for a passing reason (network, timeout, 5xx); retried.
    AuthUnavailable { reason: String },
    /// The server refused the signature (4009).
    Unauthorized { message: String },
}

impl core::fmt::Display for SubscriptionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SubscriptionError::AuthRejected { status } => write!(f, "auth refused with HTTP {status}"),
            SubscriptionError::AuthUnavailable { reason } => write!(f, "auth unavailable: {reason}"),
            SubscriptionError::Unauthorized { message } => write!(f, "subscription refused: {message}"),
        }
    }
}

impl SubscriptionError {
    /// Errors that will not go away by asking again.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, SubscriptionError::AuthUnavailable { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Wanted, waiting for a connection.
    Idle,
    /// Auth requested for this socket id.
    Authorizing { socket_id: String },
    /// Auth failed for a passing reason; asked again at this time.
    AuthRetryAt(u64),
    /// `pusher:subscribe` sent; `order` says which of several waiting channels went first.
    Subscribing { order: u64 },
    Subscribed,
    Failed(SubscriptionError),
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub channel: String,
    pub refs: u32,
    pub phase: Phase,
    pub auth_failures: u32,
    /// No listener is left; the server is told at this time unless one comes back first.
    pub release_at: Option<u64>,
}

#[derive(Debug, Default, Clone)]
pub struct Subscriptions {
    list: Vec<Subscription>,
    next_order: u64,
}

impl Subscriptions {
    pub fn get(&self, channel: &str) -> Option<&Subscription> {
        self.list.iter().find(|s| s.channel == channel)
    }

    pub fn get_mut(&mut self, channel: &str) -> Option<&mut Subscription> {
        self.list.iter_mut().find(|s| s.channel == channel)
    }

    /// Adds a reference; true if the channel is new (a lingering one is not).
    pub fn add_ref(&mut self, channel: &str) -> bool {
        if let Some(s) = self.get_mut(channel) {
            s.refs += 1;
            s.release_at = None;
            return false;
        }
        self.list.push(Subscription {
            channel: channel.to_owned(),
            refs: 1,
            phase: Phase::Idle,
            auth_failures: 0,
            release_at: None,
        });
        true
    }

    /// Drops a reference; true when it was the last one.
    pub fn release(&mut self, channel: &str) -> bool {
        match self.get_mut(channel) {
            Some(s) if s.refs > 0 => {
                s.refs -= 1;
                s.refs == 0
            }
            _ => false,
        }
    }

    pub fn remove(&mut self, channel: &str) -> Option<Subscription> {
        let i = self.list.iter().position(|s| s.channel == channel)?;
        Some(self.list.remove(i))
    }

    /// Forget every channel nobody listens to any more.
    pub fn remove_idle(&mut self) {
        self.list.retain(|s| s.refs > 0);
    }

    pub fn next_order(&mut self) -> u64 {
        self.next_order += 1;
        self.next_order
    }

    /// The channel that has waited longest for a subscribe answer: Reverb's 4009 names none.
    pub fn oldest_subscribing(&self) -> Option<&str> {
        self.list
            .iter()
            .filter_map(|s| match s.phase {
                Phase::Subscribing { order } => Some((order, s.channel.as_str())),
                _ => None,
            })
            .min_by_key(|(order, _)| *order)
            .map(|(_, c)| c)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Subscription> {
        self.list.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Subscription> {
        self.list.iter_mut()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn reference_counts() {
        let mut t = Subscriptions::default();
        assert!(t.add_ref("a"));
        assert!(!t.add_ref("a"));
        assert_eq!(t.get("a").map(|s| s.refs), Some(2));
        assert!(!t.release("a"));
        assert!(t.release("a"), "the last reference");
        assert_eq!(t.get("a").map(|s| s.refs), Some(0), "kept, lingering");
        assert!(!t.add_ref("a"), "a lingering channel comes back without a new subscribe");
        assert!(t.release("a"));
        assert!(t.remove("a").is_some());
        assert!(!t.release("a"), "releasing an unknown channel is a no-op");
    }

    #[test]
    fn oldest_subscribing_follows_send_order() {
        let mut t = Subscriptions::default();
        t.add_ref("a");
        t.add_ref("b");
        t.add_ref("c");
        let o1 = t.next_order();
        let o2 = t.next_order();
        t.get_mut("b").unwrap().phase = Phase::Subscribing { order: o1 };
        t.get_mut("a").unwrap().phase = Phase::Subscribing { order: o2 };
        assert_eq!(t.oldest_subscribing(), Some("b"));
        t.get_mut("b").unwrap().phase = Phase::Subscribed;
        assert_eq!(t.oldest_subscribing(), Some("a"));
    }
}
