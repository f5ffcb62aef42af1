//! Generated profile checks (`generate.profiles`): for every profile the target claims under
//! a canonical prefix, its instances are served, conform, populate the must-support elements
//! and reference what exists.

mod check;
mod expand;
mod instances;
mod must_support;

pub(crate) use check::execute;
pub(crate) use expand::expand;
