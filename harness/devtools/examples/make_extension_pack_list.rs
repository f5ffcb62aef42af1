//! Regenerates `data/extension-pack-urls.txt`, the built-in list of the extensions that the
//! FHIR extensions pack defines (`assure_devtools::extension_pack_list`).
//!
//! Run: `cargo run --release -p assure-devtools --example make_extension_pack_list -- PACKAGE.tgz`
//! with the published `hl7.fhir.uv.extensions.r4` package tarball.

use std::path::PathBuf;
use std::process::ExitCode;

use assure_devtools::extension_pack_list;
use assure_validate::extension_pack;
use assure_validate::package::Package;

fn main() -> ExitCode {
    let Some(tarball) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: make_extension_pack_list PACKAGE.tgz");
        return ExitCode::from(2);
    };
    let package = match Package::from_tarball(&tarball) {
        Ok(package) => package,
        Err(e) => {
            eprintln!("make_extension_pack_list: {}: {e}", tarball.display());
            return ExitCode::FAILURE;
        }
    };
    if package.manifest.name != extension_pack::PACKAGE_NAME {
        eprintln!(
            "make_extension_pack_list: {} is {}, not {}",
            tarball.display(),
            package.manifest.name,
            extension_pack::PACKAGE_NAME
        );
        return ExitCode::FAILURE;
    }
    let file = match extension_pack_list::list_file(&package) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("make_extension_pack_list: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../validate/data")
        .join(extension_pack::FILE_NAME);
    if let Err(e) = std::fs::write(&out, &file) {
        eprintln!("make_extension_pack_list: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {} ({} lines)", out.display(), file.lines().count());
    ExitCode::SUCCESS
}
