//! `assure`: certify a FHIR server against a declarative assurance checklist.

pub mod auth;
pub mod cli;
pub mod display;
pub mod evidence;
pub mod http;
pub mod redact;
pub mod report;
pub mod resource_head;
pub mod results;
pub mod runner;
pub mod suite;
pub mod validation;
