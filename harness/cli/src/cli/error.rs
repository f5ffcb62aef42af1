//! Why a command stopped: its messages and the exit code they call for, printed in one place
//! ([`crate::cli::main`]).

use std::fmt;

use assure_reference::UnknownDefect;

use crate::cli::exit::Exit;
use crate::http::ClientError;
use crate::runner::PlanError;
use crate::suite::LoadError;
use crate::validation::SourceError;

/// A command that could not finish: one or more messages, each printed as an `error:` line,
/// and the exit code.
#[derive(Debug)]
pub struct CliError {
    exit: Exit,
    messages: Vec<String>,
}

impl CliError {
    /// An error that exits with `exit`.
    pub fn new(exit: Exit, message: impl fmt::Display) -> CliError {
        CliError {
            exit,
            messages: vec![message.to_string()],
        }
    }

    /// A bad argument or input ([`Exit::Usage`]).
    pub fn usage(message: impl fmt::Display) -> CliError {
        CliError::new(Exit::Usage, message)
    }

    /// The target, the reference server or the package registry failed ([`Exit::TargetError`]).
    pub fn target(message: impl fmt::Display) -> CliError {
        CliError::new(Exit::TargetError, message)
    }

    /// The harness itself failed ([`Exit::Internal`]).
    pub fn internal(message: impl fmt::Display) -> CliError {
        CliError::new(Exit::Internal, message)
    }

    /// Both errors, this one's messages first; the exit code is the more serious one.
    pub fn and(mut self, other: CliError) -> CliError {
        self.exit = self.exit.max(other.exit);
        self.messages.extend(other.messages);
        self
    }

    /// The exit code.
    pub fn exit(&self) -> Exit {
        self.exit
    }
}

/// One `error: <message>` line per message.
impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, message) in self.messages.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {message}")?;
        }
        Ok(())
    }
}

impl From<LoadError> for CliError {
    fn from(error: LoadError) -> CliError {
        CliError::usage(error)
    }
}

impl From<PlanError> for CliError {
    fn from(error: PlanError) -> CliError {
        CliError::usage(error)
    }
}

impl From<UnknownDefect> for CliError {
    fn from(error: UnknownDefect) -> CliError {
        CliError::usage(error)
    }
}

impl From<ClientError> for CliError {
    fn from(error: ClientError) -> CliError {
        CliError::usage(error)
    }
}

impl From<SourceError> for CliError {
    fn from(error: SourceError) -> CliError {
        CliError::usage(error)
    }
}
