//! Development tools for the validator, never shipped in the `assure` binary: the corpus runner
//! that measures agreement with the reference validator, the generator of the built-in R4
//! definitions bundle, the mutation generator, and synthetic Bundles of any size (for how
//! validation scales with the number of entries). The examples and benches of this crate are
//! the commands that print the project's figures.

pub mod bundle_builder;
pub mod corpus;
pub mod extension_pack_list;
pub mod module_graph;
pub mod mutations;
pub mod process_stats;
pub mod synthetic_bundle;
