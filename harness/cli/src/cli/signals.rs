//! Ctrl-C (SIGINT) and SIGTERM during `assure run`: the first stops the run, which still writes
//! its reports marked as stopped; the second quits at once.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::cli::exit::Exit;
use crate::runner::Cancellation;

/// A signal that stopped the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM (a CI job cancelled, a container stopped).
    Terminate,
}

impl Stop {
    /// The exit code of a run it stopped: 128 + the signal's number, as shells report it.
    pub fn exit(self) -> Exit {
        match self {
            Stop::Interrupt => Exit::Interrupted,
            Stop::Terminate => Exit::Terminated,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Stop::Interrupt => "SIGINT",
            Stop::Terminate => "SIGTERM",
        }
    }
}

/// Watches for the signals for as long as it lives.
pub struct SignalWatch {
    stopped: Arc<OnceLock<Stop>>,
    task: JoinHandle<()>,
}

impl SignalWatch {
    /// Starts watching: the first signal cancels `cancellation`, the second exits the process.
    pub fn start(cancellation: Cancellation) -> SignalWatch {
        let stopped = Arc::new(OnceLock::new());
        let task = tokio::spawn(watch(cancellation, stopped.clone()));
        SignalWatch { stopped, task }
    }

    /// The signal that stopped the run, if one did.
    pub fn stopped(&self) -> Option<Stop> {
        self.stopped.get().copied()
    }
}

impl Drop for SignalWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Stops the run after `deadline`: the run ends as if cancelled, naming the deadline.
pub fn start_deadline(cancellation: Cancellation, deadline: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(deadline).await;
        eprintln!(
            "deadline: the run's {} have passed; stopping and writing the reports",
            humantime::format_duration(deadline)
        );
        cancellation.cancel(format!(
            "the run's deadline of {} passed",
            humantime::format_duration(deadline)
        ));
    })
}

async fn watch(cancellation: Cancellation, stopped: Arc<OnceLock<Stop>>) {
    let Some(mut signals) = Signals::register() else {
        return;
    };
    let mut first = None;
    while let Some(signal) = signals.next().await {
        match first {
            None => {
                first = Some(signal);
                let _ = stopped.set(signal);
                eprintln!(
                    "\n{}: stopping; the reports are being written (again to quit at once)",
                    signal.name()
                );
                cancellation.cancel(format!("interrupted by {}", signal.name()));
            }
            Some(first) => {
                eprintln!("{}: quitting without reports", signal.name());
                std::process::exit(first.exit() as i32);
            }
        }
    }
}

/// The process's SIGINT and SIGTERM, registered once.
#[cfg(unix)]
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn register() -> Option<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Signals {
            interrupt: signal(SignalKind::interrupt()).ok()?,
            terminate: signal(SignalKind::terminate()).ok()?,
        })
    }

    async fn next(&mut self) -> Option<Stop> {
        tokio::select! {
            Some(()) = self.interrupt.recv() => Some(Stop::Interrupt),
            Some(()) = self.terminate.recv() => Some(Stop::Terminate),
            else => None,
        }
    }
}

/// Ctrl-C where there are no Unix signals.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn register() -> Option<Signals> {
        Some(Signals)
    }

    async fn next(&mut self) -> Option<Stop> {
        tokio::signal::ctrl_c().await.ok().map(|()| Stop::Interrupt)
    }
}
