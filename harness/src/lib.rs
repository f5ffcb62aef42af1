//! `assure`: certify a FHIR server against a declarative assurance checklist.

pub mod reference;
pub mod report;
pub mod results;
pub mod suite;
