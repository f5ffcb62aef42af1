//! The `assure` command.

use std::process::ExitCode;

/// mimalloc hands freed memory back to the system and does not keep a separate heap per worker
/// thread: with the system allocator, a large body parsed on one worker and freed stays
/// reserved for that worker, and peak memory grows with the number of workers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    assure::cli::main()
}
