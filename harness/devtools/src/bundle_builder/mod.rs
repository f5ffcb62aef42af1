//! Generating the FHIR R4 definitions bundle that `assure_validate::bundled` compiles in:
//! selected from the published R4 packages, stripped of what validation never reads, written
//! byte-for-byte reproducibly.

mod build;
mod canonical_json;
mod select;
mod strip;

pub use build::{Built, build};
