//! Test-only converters from FHIR XML and JSON text to the element model.

#![allow(dead_code)]

pub mod json_tree;
pub mod xml_tree;
