//! `assure report verify DIR`: checks a report folder against its `manifest.sha256`.

use crate::cli::args::ReportCommand;
use crate::cli::error::CliError;
use crate::cli::exit::Exit;
use crate::display::terminal_line;
use crate::report::manifest::{self, MANIFEST_FILE};

/// Runs a `report` subcommand: exit 0 when the folder matches its manifest, 1 when a file
/// differs, is missing or is not listed, 2 when there is no readable manifest.
pub fn report(command: ReportCommand) -> Result<Exit, CliError> {
    match command {
        ReportCommand::Verify(args) => {
            let verification =
                manifest::verify(&args.dir).map_err(|e| CliError::usage(format!("{e:#}")))?;
            let shown = args.dir.display().to_string();
            let folder = terminal_line(&shown);
            if verification.problems.is_empty() {
                println!(
                    "{folder}: {} files match {MANIFEST_FILE}",
                    verification.matched.len()
                );
                return Ok(Exit::Passed);
            }
            for problem in &verification.problems {
                println!("{folder}: {}", terminal_line(problem));
            }
            println!(
                "{folder}: does not match {MANIFEST_FILE} ({} problem(s); {} files match)",
                verification.problems.len(),
                verification.matched.len()
            );
            Ok(Exit::ChecksFailed)
        }
    }
}
