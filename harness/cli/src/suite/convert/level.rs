//! A requirement level as written: `SHALL`, `SHOULD` or `MAY`.

use super::values::Text;
use super::{Problem, Result};
use crate::suite::model::Level;
use crate::suite::yaml::Node;

/// `SHALL`, `SHOULD` or `MAY`.
pub(crate) fn level(node: &Node) -> Result<Level> {
    let text = Text::any("SHALL, SHOULD or MAY").read(node)?;
    [Level::Shall, Level::Should, Level::May]
        .into_iter()
        .find(|level| level.as_str() == text)
        .ok_or_else(|| {
            Problem::at(
                node,
                format!("unknown level `{text}`, expected SHALL, SHOULD or MAY"),
            )
        })
}
