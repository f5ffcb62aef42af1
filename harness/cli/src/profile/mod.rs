//! Profile conformance: where FHIR definitions come from, validation of received documents,
//! and the text form of validation issues. Shared by `assure validate` and the runner's
//! `conforms` assertion.

mod check;
mod conformance;
mod render;
mod sources;

pub use check::check_document;
pub use conformance::{Conformance, unknown_profile};
pub use render::{issue_line, summary};
pub use sources::{DefinitionSources, Loaded, PackageSpec, R4_CORE, SourceError};
