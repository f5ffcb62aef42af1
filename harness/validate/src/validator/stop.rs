//! Stopping a validation that runs past its deadline or is no longer wanted.
//!
//! A walk polls its [`Stop`] as it goes: once stopped, every element it has not reached yet
//! returns at once, the walks of a large Bundle's entries on other threads included, and the
//! outcome carries one [`STOPPED_RULE`] error saying that its verdict is incomplete.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The rule of the issue that says a validation was stopped before it finished.
pub const STOPPED_RULE: &str = "validation-stopped";

/// When a validation must stop: never (the default), at a deadline, or when cancelled from
/// another thread. Clones share the cancellation.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    stopped: Arc<AtomicBool>,
    deadline: Option<(Instant, Duration)>,
}

impl Stop {
    /// A validation that must finish within `limit` from now.
    pub fn after(limit: Duration) -> Stop {
        Stop {
            stopped: Arc::default(),
            deadline: Instant::now()
                .checked_add(limit)
                .map(|deadline| (deadline, limit)),
        }
    }

    /// Stops the validation (and every other holder of a clone of this `Stop`).
    pub fn cancel(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }

    /// Whether the validation has been stopped, by [`Stop::cancel`] or by a [`Stop::poll`]
    /// past the deadline. Cheap: an atomic load.
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    /// Reads the clock and stops the validation when its deadline has passed.
    pub fn poll(&self) {
        if let Some((deadline, _)) = self.deadline
            && Instant::now() >= deadline
        {
            self.cancel();
        }
    }

    /// Why a stopped validation stopped, for its [`STOPPED_RULE`] issue.
    pub fn reason(&self) -> String {
        match self.deadline {
            Some((deadline, limit)) if Instant::now() >= deadline => format!(
                "Validation stopped after {}, its time limit, before it checked the whole \
                 resource: the issues found so far are listed, and the resource may have others",
                readable(limit)
            ),
            _ => "Validation was cancelled before it checked the whole resource: the issues \
                  found so far are listed, and the resource may have others"
                .to_owned(),
        }
    }
}

/// `250 ms`, `30.0 s`.
fn readable(limit: Duration) -> String {
    if limit < Duration::from_secs(1) {
        format!("{} ms", limit.as_millis())
    } else {
        format!("{:.1} s", limit.as_secs_f64())
    }
}

/// Walks poll the clock once per this many elements: often enough to stop within a few
/// milliseconds, rarely enough to cost nothing measurable.
pub const POLL_EVERY: u32 = 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_without_deadline_stops_only_when_cancelled() {
        let stop = Stop::default();
        stop.poll();
        assert!(!stop.is_stopped());
        let shared = stop.clone();
        shared.cancel();
        assert!(stop.is_stopped());
        assert!(stop.reason().contains("cancelled"));
    }

    #[test]
    fn a_deadline_stops_at_the_first_poll_after_it() {
        let stop = Stop::after(Duration::from_millis(20));
        stop.poll();
        assert!(!stop.is_stopped());
        std::thread::sleep(Duration::from_millis(30));
        assert!(!stop.is_stopped(), "only a poll reads the clock");
        stop.poll();
        assert!(stop.is_stopped());
        assert!(stop.reason().contains("after 20 ms"), "{}", stop.reason());
    }
}
