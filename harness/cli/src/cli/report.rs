//! `assure report`: `verify DIR` checks a report folder against its `manifest.sha256`; `diff
//! OLD NEW` compares two runs; `merge DIR… --out DIR` puts the shards of a plan together;
//! `annotations DIR` prints a run's failures as GitHub Actions workflow commands. `diff` and
//! `annotations` print JSON instead with `--format json`.

use std::path::Path;

use crate::cli::annotations;
use crate::cli::args::{AnnotationsArgs, DiffArgs, MergeArgs, ReportCommand, ReportFormat};
use crate::cli::error::CliError;
use crate::cli::exit::{self, Exit};
use crate::cli::gate::render_gate;
use crate::cli::run::write_reports;
use crate::display::{render_summary, terminal_line};
use crate::report::manifest::{self, MANIFEST_FILE};
use crate::report::read::read_run;
use crate::report::{diff, merge};
use crate::results::RunResult;

/// Runs a `report` subcommand. `verify`: 0 when the folder matches its manifest, 1 when a file
/// differs, is missing or is not listed, 2 when there is no readable manifest. `diff`: 1 on a
/// regression. `merge`: the exit code the merged run has ([`exit::for_result`]).
/// `annotations`: 0. A report that cannot be read is a usage error (2).
pub fn report(command: ReportCommand) -> Result<Exit, CliError> {
    match command {
        ReportCommand::Verify(args) => verify(&args.dir),
        ReportCommand::Diff(args) => compare(&args),
        ReportCommand::Merge(args) => merge_shards(&args),
        ReportCommand::Annotations(args) => annotate(&args),
    }
}

fn verify(dir: &Path) -> Result<Exit, CliError> {
    let verification = manifest::verify(dir).map_err(|e| CliError::usage(format!("{e:#}")))?;
    let shown = dir.display().to_string();
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

fn compare(args: &DiffArgs) -> Result<Exit, CliError> {
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let diff = diff::diff(&old, &new);
    match args.format {
        ReportFormat::Text => print!("{}", diff::render(&diff)),
        ReportFormat::Json => {
            let (old_path, new_path) = (args.old.display(), args.new.display());
            let old_side = diff::Side {
                path: &old_path.to_string(),
                run: &old,
            };
            let new_side = diff::Side {
                path: &new_path.to_string(),
                run: &new,
            };
            print!("{}", diff::render_json(&diff, old_side, new_side));
        }
    }
    Ok(match diff.regressions() {
        0 => Exit::Passed,
        _ => Exit::ChecksFailed,
    })
}

fn annotate(args: &AnnotationsArgs) -> Result<Exit, CliError> {
    let found = annotations::annotations(&read(&args.dir)?);
    match args.format {
        ReportFormat::Text => print!("{}", annotations::render(&found)),
        ReportFormat::Json => print!("{}", annotations::render_json(&found)),
    }
    Ok(Exit::Passed)
}

fn merge_shards(args: &MergeArgs) -> Result<Exit, CliError> {
    let shards = args
        .dirs
        .iter()
        .map(|dir| read(dir))
        .collect::<Result<_, _>>()?;
    let merged = merge::merge(shards).map_err(|e| CliError::usage(format!("{e:#}")))?;
    print!("{}{}", render_summary(&merged), render_gate(&merged));
    merge::gather_evidence(&args.dirs, &args.out)
        .map_err(|e| CliError::internal(format!("{e:#}")))?;
    write_reports(&merged, &args.out)?;
    Ok(exit::for_result(&merged))
}

fn read(path: &Path) -> Result<RunResult, CliError> {
    read_run(path).map_err(|e| CliError::usage(format!("{e:#}")))
}
