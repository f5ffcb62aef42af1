//! Secure mode: the parts of the reference server that protect the FHIR API.

pub(crate) mod auth;
