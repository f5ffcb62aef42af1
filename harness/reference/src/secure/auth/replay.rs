//! Single use of client assertions: every `jti` seen is remembered until its token expires.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The assertion ids already used, with their expiry (seconds since the epoch).
#[derive(Debug, Default)]
pub(crate) struct ReplayCache {
    seen: Mutex<HashMap<(String, String), i64>>,
}

impl ReplayCache {
    /// Records `jti` from `client_id`, valid until `expires`; `false` if it was already used.
    pub(crate) fn first_use(&self, client_id: &str, jti: &str, expires: i64, now: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, expiry| *expiry >= now);
        seen.insert((client_id.to_owned(), jti.to_owned()), expires)
            .is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_id_is_used_once_until_it_expires() {
        let cache = ReplayCache::default();
        assert!(cache.first_use("c", "1", 100, 50));
        assert!(!cache.first_use("c", "1", 100, 60));
        assert!(cache.first_use("other", "1", 100, 60));
        assert!(
            cache.first_use("c", "1", 300, 200),
            "forgotten once expired"
        );
    }
}
