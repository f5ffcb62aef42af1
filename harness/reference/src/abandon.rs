//! Work for a client that has gone: when a client disconnects, the server drops the request's
//! handler; a [`ClientWatch`] held by the handler marks the request abandoned as it is dropped,
//! and blocking work (a search scanning the store) stops at its next check.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Held by a request's handler for as long as the request is being served.
#[derive(Debug, Default)]
pub struct ClientWatch {
    gone: Arc<AtomicBool>,
}

/// What blocking work consults to learn whether its client is still waiting.
#[derive(Debug, Clone, Default)]
pub struct Abandoned {
    gone: Arc<AtomicBool>,
}

impl ClientWatch {
    /// The flag that blocking work for this request polls.
    pub fn abandoned(&self) -> Abandoned {
        Abandoned {
            gone: self.gone.clone(),
        }
    }
}

impl Drop for ClientWatch {
    fn drop(&mut self) {
        self.gone.store(true, Ordering::Relaxed);
    }
}

impl Abandoned {
    /// Whether the request's handler has been dropped (the client left, or the answer is sent).
    pub fn is_set(&self) -> bool {
        self.gone.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_the_watch_marks_the_work_abandoned() {
        let watch = ClientWatch::default();
        let abandoned = watch.abandoned();
        assert!(!abandoned.is_set());
        drop(watch);
        assert!(abandoned.is_set());
    }
}
