//! The run as a stream of events, so that what shows progress (the terminal display) and what
//! runs (the runner) stay apart.

use crate::results::{Summary, TestResult};

/// Something that happened during a run.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// The run begins; `total` tests are planned.
    Started { total: usize },
    /// A test starts sending requests (tests skipped for their `needs` never start).
    TestStarted { id: String, title: String },
    /// A test has its verdict (emitted in completion order, not plan order).
    TestFinished { result: TestResult },
    /// Every test has its verdict.
    Finished { summary: Summary, duration_ms: u64 },
}

/// Receives the events of a run; called from several tasks at once.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: &RunEvent);
}

impl<F> EventSink for F
where
    F: Fn(&RunEvent) + Send + Sync,
{
    fn emit(&self, event: &RunEvent) {
        self(event)
    }
}
