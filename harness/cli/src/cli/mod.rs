//! The command line: argument parsing and the `run`, `list`, `serve`, `validate` and
//! `packages` commands.

pub mod args;
pub mod exit;
mod list;
mod packages;
mod run;
mod serve;
mod suites;
mod validate;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// Parses the command line, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::TARGET_ERROR);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run::run(args).await,
            Command::List(args) => list::list(args),
            Command::Serve(args) => serve::serve(args).await,
            Command::Validate(args) => validate::validate(args),
            Command::Packages(command) => packages::packages(command),
        }
    });
    ExitCode::from(code)
}
