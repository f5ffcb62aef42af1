//! The `assure` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    assure::cli::main()
}
