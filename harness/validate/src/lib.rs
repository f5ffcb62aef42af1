//! FHIR definitions and profile validation: FHIR NPM packages, the definitions registry,
//! local terminology, and validation of parsed resources against StructureDefinitions.

pub mod definitions;
pub mod package;

pub use definitions::Definitions;
pub mod terminology;
