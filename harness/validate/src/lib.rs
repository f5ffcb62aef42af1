//! FHIR definitions and profile validation: FHIR NPM packages, the definitions registry,
//! local terminology, and validation of parsed resources against StructureDefinitions.

pub mod bundled;
pub mod corpus;
pub mod definitions;
pub mod package;

pub use definitions::Definitions;
pub mod terminology;
pub mod validator;

pub use validator::{
    Issue, KnownResources, Options, Outcome, Policy, ReferenceResolver, Severity, Validator,
};
