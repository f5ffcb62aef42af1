//! YAML → model: hand-written `Deserialize` impls for the suite format.
//!
//! Every mapping has a closed set of keys (see [`keys`]); unknown, repeated and conflicting keys,
//! wrong types and malformed values fail at the offending node with what was expected. Only the
//! first such problem of a file is reported (parsing stops there); the checks that need the
//! whole suite (ids, `needs`, variables, regular expressions) live in `check`.

mod action;
mod assertion;
mod document;
mod keys;
mod step;
mod values;

pub(crate) use document::SuiteDocument;

use super::error::Position;

/// Parses a whole suite file, or returns where and why it is malformed.
pub(crate) fn parse(text: &str) -> Result<SuiteDocument, (Position, String)> {
    serde_yaml_ng::from_str(text).map_err(|error| {
        let position = error
            .location()
            .map_or(Position::START, |location| Position {
                line: location.line(),
                column: location.column(),
            });
        (position, message_of(&error))
    })
}

/// The message of a YAML error without the position and node path the library adds (the
/// loader reports the position itself).
fn message_of(error: &serde_yaml_ng::Error) -> String {
    let mut message = error.to_string();
    if let Some(location) = error.location() {
        let suffix = format!(" at line {} column {}", location.line(), location.column());
        message = message.replacen(&suffix, "", 1);
    }
    match message.split_once(": ") {
        Some((path, rest)) if is_node_path(path) => rest.to_owned(),
        _ => message,
    }
}

/// Whether `text` looks like a node path the library prefixes to messages
/// (`tests[0].steps[1].read`).
fn is_node_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '?'))
}
