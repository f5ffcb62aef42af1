//! Validates FHIR resource files against the R4 definitions and prints the issues.
//! Run: `cargo run --release -p assure-devtools --example validate_file -- <package.tgz>... <file>...`
//! (arguments ending in `.tgz` are packages to load, the others are resources).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use assure_model::Format;
use assure_validate::package::Package;
use assure_validate::{Definitions, Options, Validator};

fn main() {
    let (packages, files): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.ends_with(".tgz"));
    if packages.is_empty() || files.is_empty() {
        eprintln!("usage: validate_file <package.tgz>... <resource file>...");
        std::process::exit(2);
    }
    let mut defs = Definitions::new();
    for package in &packages {
        match Package::from_tarball(Path::new(package)) {
            Ok(p) => defs.add_package(p),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
    let validator = Validator::new(Arc::new(defs));
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            eprintln!("{file}: cannot read");
            continue;
        };
        let format = Format::sniff(&bytes, Some(file)).unwrap_or(Format::Json);
        let started = Instant::now();
        let outcome = validator.validate_bytes(&bytes, format, &Options::default());
        println!(
            "{file}: {} issue(s) in {:?}",
            outcome.issues.len(),
            started.elapsed()
        );
        for issue in &outcome.issues {
            println!(
                "  {:?} {} [{}:{}] {}",
                issue.severity, issue.location, issue.line, issue.col, issue.message
            );
        }
    }
}
