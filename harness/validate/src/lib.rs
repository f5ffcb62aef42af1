//! FHIR definitions and profile validation: FHIR NPM packages, the definitions registry,
//! local terminology, and validation of parsed resources against StructureDefinitions.

pub mod bundled;
pub mod definitions;
pub mod extension_pack;
pub mod nhs;
pub mod package;
pub mod source_folder;
pub mod terminology;
pub mod validator;

pub use definitions::Definitions;
pub use validator::{
    BestPractice, BundleRule, BundleRuleError, CheckReferences, HtmlInMarkdown, Issue,
    KnownResources, OperationOutcome, Options, Outcome, Policy, ReferenceResolver, STOPPED_RULE,
    Severity, Stop, Switches, UnknownValue, Validator,
};
