//! Nodes → model: the suite format read from a parsed YAML tree.
//!
//! Every mapping has a closed set of keys (see [`keys`]); unknown, repeated and conflicting keys,
//! wrong types and malformed values fail at the offending node with what was expected. Only the
//! first such problem of a file is reported (reading stops there); the checks that need the
//! whole suite (ids, `needs`, variables, regular expressions) live in `check`.

mod action;
mod assertion;
mod auth;
mod data;
mod document;
mod generate;
mod keys;
mod level;
mod probe;
mod scalars;
mod step;
mod values;

pub(crate) use document::document;

use super::error::Position;
use super::yaml::Node;

/// What is wrong with a suite file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) position: Position,
    pub(crate) message: String,
}

impl Problem {
    /// A problem with `node`, reported where it starts.
    pub(crate) fn at(node: &Node, message: impl Into<String>) -> Problem {
        Problem {
            position: node.position,
            message: message.into(),
        }
    }
}

/// The result of reading one part of a suite.
pub(crate) type Result<T> = std::result::Result<T, Problem>;
