//! Validates many files in one process as `assure validate` does (every file read first, then
//! validated on the rayon pool against the built-in R4 definitions), without the command
//! line's cross-file references and rendering, and prints the wall time, the CPU time, the
//! peak resident memory and a digest of the issues (to compare two builds' verdicts).
//!
//! Run: `cargo run --release -p assure-devtools --example validate_files -- [--each] <file>...`
//! (e.g. the folder written by the `extract_r4_examples` example); `--each` also prints one
//! line per file: its errors, issues and digest.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;

use assure_devtools::process_stats::{cpu_seconds, status_kib};
use assure_model::Format;
use assure_validate::{Definitions, Options, Validator};
use rayon::prelude::*;

fn main() {
    let started = Instant::now();
    let each = std::env::args().any(|a| a == "--each");
    let files: Vec<(String, Vec<u8>)> = std::env::args()
        .skip(1)
        .filter(|a| a != "--each")
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, bytes)
        })
        .collect();
    let mut definitions = Definitions::new();
    definitions.add_package(assure_validate::bundled::package().expect("built-in bundle"));
    let validator = Validator::new(Arc::new(definitions));
    let outcomes: Vec<(usize, usize, u64)> = files
        .par_iter()
        .map(|(path, bytes)| {
            let format = Format::sniff(bytes, Some(path)).unwrap_or(Format::Json);
            let outcome = validator.validate_bytes(bytes, format, &Options::default());
            let mut digest = DefaultHasher::new();
            for issue in &outcome.issues {
                (&issue.location, &issue.message, issue.line, issue.col).hash(&mut digest);
            }
            (
                outcome.errors().count(),
                outcome.issues.len(),
                digest.finish(),
            )
        })
        .collect();
    let wall = started.elapsed().as_secs_f64();
    if each {
        for ((path, _), (errors, issues, digest)) in files.iter().zip(&outcomes) {
            println!("{path}: {errors} errors, {issues} issues, digest {digest:016x}");
        }
    }
    let mut digest = DefaultHasher::new();
    outcomes.hash(&mut digest);
    let with_errors = outcomes.iter().filter(|(errors, _, _)| *errors > 0).count();
    let issues: usize = outcomes.iter().map(|(_, issues, _)| issues).sum();
    println!(
        "{} files ({with_errors} with errors, {issues} issues, digest {:016x}): {wall:.2} s wall, \
         {:.2} s CPU, peak RSS {} MiB",
        files.len(),
        digest.finish(),
        cpu_seconds(),
        status_kib("VmHWM:") / 1024
    );
}
