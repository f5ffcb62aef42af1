//! The FHIR R4 base definitions compiled into the binary: a compact package (resource and
//! data type StructureDefinitions with snapshots, extension definitions, bound value sets with
//! their code systems, search parameters) generated from the published R4 packages by the
//! `make_r4_core_bundle` example of the devtools crate, checked against its SHA-256 when loaded.

use sha2::{Digest, Sha256};

use crate::Definitions;
use crate::package::{Package, PackageError};

/// Package name the bundle declares: it stands in for the R4 core package.
pub const PACKAGE_NAME: &str = "hl7.fhir.r4.core";

/// Package version the bundle declares.
pub const PACKAGE_VERSION: &str = "4.0.1";

/// File name of the bundle under `harness/validate/data/`.
pub const FILE_NAME: &str = "r4-core.bundle.tgz";

/// The bundle: a gzip'd tarball in FHIR package layout.
pub const BUNDLE: &[u8] = include_bytes!("../data/r4-core.bundle.tgz");

/// `sha256sum` output for the bundle: hex digest, two spaces, file name.
pub const CHECKSUM_FILE: &str = include_str!("../data/r4-core.bundle.sha256");

/// Why the bundled definitions could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(
        "the built-in R4 definitions are corrupt: SHA-256 {actual}, expected {expected} \
         (rebuild the binary)"
    )]
    Checksum { expected: String, actual: String },
    #[error("the built-in R4 definitions cannot be read: {0}")]
    Package(#[from] PackageError),
}

/// The bundled package, verified and indexed.
pub fn package() -> Result<Package, BundleError> {
    verify(BUNDLE, CHECKSUM_FILE)?;
    Ok(Package::from_tarball_bytes(BUNDLE)?)
}

/// Definitions holding only the bundled package.
pub fn definitions() -> Result<Definitions, BundleError> {
    let mut definitions = Definitions::new();
    definitions.add_package(package()?);
    Ok(definitions)
}

/// Checks `bytes` against the digest at the start of `checksum_file` (`sha256sum` format).
pub fn verify(bytes: &[u8], checksum_file: &str) -> Result<(), BundleError> {
    let expected = checksum_file
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let actual = sha256_hex(bytes);
    if actual == expected {
        Ok(())
    } else {
        Err(BundleError::Checksum { expected, actual })
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The checksum file's text for `bytes`, as `sha256sum` writes it.
pub fn checksum_line(bytes: &[u8]) -> String {
    format!("{}  {FILE_NAME}\n", sha256_hex(bytes))
}
