//! Search semantics, table-driven from R4 search.html: one module per parameter type.

mod common;
mod composite;
mod criteria;
mod date;
mod definitions;
mod missing;
mod number;
mod quantity;
mod reference;
mod string;
mod token;
mod uri;
