//! Stopping a run early (a signal, the run's deadline): in-flight tests are dropped, which
//! cancels their requests, and every test that had not finished ends `error` with the reason.

use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

/// A run's cancellation: cheap to clone; the first reason given wins.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    token: CancellationToken,
    reason: Arc<OnceLock<String>>,
}

impl Cancellation {
    /// A cancellation that has not happened.
    pub fn new() -> Cancellation {
        Cancellation::default()
    }

    /// Stops the run, `reason` saying why (`interrupted (SIGINT)`); later reasons are ignored.
    pub fn cancel(&self, reason: impl Into<String>) {
        let _ = self.reason.set(reason.into());
        self.token.cancel();
    }

    /// Why the run was stopped, once it was.
    pub fn reason(&self) -> Option<&str> {
        self.reason.get().map(String::as_str)
    }

    /// Completes when the run is stopped.
    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }

    /// The message of a test that did not finish.
    pub(super) fn test_message(&self) -> String {
        format!(
            "cancelled before it finished: {}",
            self.reason().unwrap_or("the run was stopped")
        )
    }
}
