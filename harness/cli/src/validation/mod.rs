//! Validation: where FHIR definitions come from, validating a document (a file or a response
//! body), remembering resources so references between documents resolve, and the text form of
//! validation issues. The one entry point for `assure validate` and the runner's `conforms`
//! assertion.

mod config_file;
mod document;
mod lazy;
mod parsed_file;
mod render;
mod schedule;
mod settings;
mod sources;

pub use config_file::read_config;
pub use document::{
    Document, remember, undefined_profile, unusable_bundle_rule, validate_document,
};
pub use lazy::Validation;
pub use parsed_file::{ParsedFile, remember_shared};
pub use render::{issue_line, summary};
pub use schedule::largest_first;
pub use settings::{LIST_KEYS, Level, SETTING_KEYS, SettingValue, ValidatorSettings};
pub use sources::{DefinitionSources, Loaded, PackageSpec, R4_CORE, SourceError};
