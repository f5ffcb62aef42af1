//! Generated search checks (`generate.search` of a suite): expanded from the target's
//! CapabilityStatement when the run starts, each run by its own executor rather than by steps.

mod check;
mod expand;
mod pages;
mod sample;
mod value;
mod variant;

pub(crate) use check::execute;
pub(crate) use expand::{Generated, expand};
