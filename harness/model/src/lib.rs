//! The FHIR element model shared by the parsers, FHIRPath and the validator.
//!
//! A parsed resource is a tree of [`Element`]s that keeps what FHIR needs and what error
//! messages need: property names as they appear in JSON (`valueQuantity`), primitive values in
//! their lexical form, primitive extensions (`_given` in JSON, `id`/`extension` on XML
//! primitives) as ordinary children of the primitive, and the source position of every node.

mod element;

pub use element::{Element, Pos, Primitive};
