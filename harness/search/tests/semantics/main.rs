//! Search semantics, table-driven from R4 search.html: one module per parameter type.

mod common;
mod token;
