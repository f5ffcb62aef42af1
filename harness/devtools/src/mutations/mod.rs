//! Mutation detection: single faults injected into valid R4 examples, each mutant validated
//! against the base definitions. Shared by the `mutations` example (the full measurement) and
//! the floor test on a small sample.

pub mod edit;
pub mod generate;
pub mod run;
pub mod sample;
