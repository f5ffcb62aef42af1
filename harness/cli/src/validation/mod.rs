//! Validation: where FHIR definitions come from, validating a document (a file or a response
//! body), remembering resources so references between documents resolve, and the text form of
//! validation issues. The one entry point for `assure validate` and the runner's `conforms`
//! assertion.

mod document;
mod lazy;
mod render;
mod sources;

pub use document::{Document, remember, undefined_profile, validate_document};
pub use lazy::Validation;
pub use render::{issue_line, summary};
pub use sources::{DefinitionSources, Loaded, PackageSpec, R4_CORE, SourceError};
