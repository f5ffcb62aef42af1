//! The command line: argument parsing and the `run`, `list`, `serve`, `validate`, `packages`
//! and `report` commands. Each command returns the exit code of what it finished, or a
//! [`CliError`]; errors are printed here and nowhere else.

mod annotations;
pub mod args;
mod embedded;
pub mod error;
pub mod exit;
mod gate;
mod list;
mod packages;
mod report;
mod run;
mod serve;
mod signals;
mod suites;
mod validate;
mod waivers;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use error::CliError;
use exit::Exit;

/// Parses the command line, runs the command, prints its error if any, and returns the process
/// exit code.
pub fn main() -> ExitCode {
    match execute(Cli::parse()) {
        Ok(exit) => exit.into(),
        Err(error) => {
            // Errors quote files, suites and servers: no control character reaches the terminal.
            eprintln!("{}", crate::display::terminal_safe(&error.to_string()));
            error.exit().into()
        }
    }
}

/// Runs the command on an async runtime.
fn execute(cli: Cli) -> Result<Exit, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run::run(*args).await,
            Command::Replay(args) => run::replay(*args).await,
            Command::List(args) => list::list(args),
            Command::Serve(args) => serve::serve(args).await,
            Command::Validate(args) => validate::validate(args),
            Command::Packages(command) => packages::packages(command),
            Command::Report(command) => report::report(command),
        }
    })
}
