//! The terminal display: live progress while a run goes, and the summary after it.
//!
//! It consumes [`RunEvent`](crate::runner::RunEvent)s only; rendering is done by pure
//! functions returning strings, so what users see is pinned by tests.

mod escape;
mod line;
mod progress;
mod summary;

pub use escape::{terminal_line, terminal_safe};
pub use line::test_line;
pub use progress::TerminalDisplay;
pub use summary::render_summary;
