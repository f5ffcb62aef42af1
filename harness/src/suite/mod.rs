//! Suites: the declarative checklist, its model and its loader.

mod model;

pub use model::*;
