//! Live progress: a progress bar on stderr when it is a terminal, otherwise one plain line per
//! finished test.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::line::test_line;
use crate::results::Status;
use crate::runner::{EventSink, RunEvent};

/// An [`EventSink`] that shows a run's progress.
pub struct TerminalDisplay {
    mode: Mode,
}

enum Mode {
    /// A bar; failing tests are printed above it as they finish.
    Bar(ProgressBar),
    /// One line per finished test to the writer.
    Lines(Mutex<Box<dyn Write + Send>>),
}

impl TerminalDisplay {
    /// A progress bar when stderr is a terminal, plain lines on stderr otherwise.
    pub fn stderr() -> TerminalDisplay {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} {elapsed} {wide_msg}",
            )
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            TerminalDisplay {
                mode: Mode::Bar(bar),
            }
        } else {
            TerminalDisplay::lines(Box::new(std::io::stderr()))
        }
    }

    /// Plain lines to `writer`, whatever it is.
    pub fn lines(writer: Box<dyn Write + Send>) -> TerminalDisplay {
        TerminalDisplay {
            mode: Mode::Lines(Mutex::new(writer)),
        }
    }
}

impl EventSink for TerminalDisplay {
    fn emit(&self, event: &RunEvent) {
        match &self.mode {
            Mode::Bar(bar) => match event {
                RunEvent::Started { total } => {
                    bar.set_length(*total as u64);
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
                RunEvent::TestStarted { id, .. } => bar.set_message(id.clone()),
                RunEvent::TestFinished { result } => {
                    if result.status != Status::Pass {
                        bar.println(test_line(result));
                    }
                    bar.inc(1);
                }
                RunEvent::Finished { .. } => bar.finish_and_clear(),
            },
            Mode::Lines(writer) => {
                if let RunEvent::TestFinished { result } = event {
                    let mut writer = writer
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    // A closed stderr must not abort the run; the results still reach the reports.
                    let _ = writeln!(writer, "{}", test_line(result));
                }
            }
        }
    }
}
