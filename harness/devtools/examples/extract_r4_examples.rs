//! Writes the R4 instance examples (the JSON files of the R4 examples package that are not
//! conformance resources) into a folder, for timing `assure validate` over all of them in one
//! process (`scripts/r4-examples-wall.sh`).
//!
//! Run: `cargo run --release -p assure-devtools --example extract_r4_examples -- <folder>`;
//! prints the number of files and their total size.

use std::path::{Path, PathBuf};

use assure_validate::package::{archive_files, header_resource_type, is_conformance_type};

fn main() {
    let Some(folder) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: extract_r4_examples <folder>");
        std::process::exit(2);
    };
    let tarball = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let files = archive_files(&tarball, |p| {
        p.starts_with("package/") && p.ends_with(".json")
    })
    .unwrap_or_else(|e| {
        eprintln!("{}: {e}", tarball.display());
        std::process::exit(2);
    });
    std::fs::create_dir_all(&folder).expect("output folder");
    let (mut count, mut bytes) = (0, 0);
    for file in files {
        if header_resource_type(&file.bytes).is_none_or(|t| is_conformance_type(&t)) {
            continue;
        }
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        std::fs::write(folder.join(name), &file.bytes).expect("write example");
        count += 1;
        bytes += file.bytes.len();
    }
    println!(
        "{count} files, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        folder.display()
    );
}
