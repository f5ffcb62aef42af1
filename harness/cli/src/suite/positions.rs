//! Where each node of a YAML document starts, by node path, for errors found after parsing.
//!
//! Paths name nodes the way messages do: `tests[3].needs[0]`, `variables.patient_id`,
//! `tests[0].steps[1].search.params.birthdate[1]`; the root is the empty path. Built from a
//! second, event-level parse of the same text; nodes reached through an alias are not indexed
//! (their lookups fall back to the alias itself).

use super::error::Position;
use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// Start positions (and scalar text) of the nodes of one YAML document.
#[derive(Debug, Default)]
pub(crate) struct PositionIndex {
    nodes: HashMap<String, IndexedNode>,
}

#[derive(Debug)]
struct IndexedNode {
    position: Position,
    /// The text of a scalar node, as written (after unquoting).
    scalar: Option<String>,
}

/// A collection being walked.
enum Frame {
    Sequence { path: String, next_index: usize },
    Mapping { path: String, key: Option<String> },
}

impl PositionIndex {
    /// Indexes the first document of `text`. A document the event parser rejects is indexed up
    /// to the problem.
    pub(crate) fn build(text: &str) -> PositionIndex {
        let mut index = PositionIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let position = Position {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            let starts_node = matches!(
                event,
                Event::Scalar(..)
                    | Event::Alias(_)
                    | Event::SequenceStart(..)
                    | Event::MappingStart(..)
            );
            if starts_node {
                let Some(path) = next_node_path(&mut stack, &event) else {
                    continue;
                };
                let scalar = match &event {
                    Event::Scalar(value, ..) => Some(value.to_string()),
                    _ => None,
                };
                match event {
                    Event::SequenceStart(..) => stack.push(Frame::Sequence {
                        path: path.clone(),
                        next_index: 0,
                    }),
                    Event::MappingStart(..) => stack.push(Frame::Mapping {
                        path: path.clone(),
                        key: None,
                    }),
                    _ => {}
                }
                index.nodes.insert(path, IndexedNode { position, scalar });
            } else {
                match event {
                    Event::SequenceEnd | Event::MappingEnd => {
                        stack.pop();
                    }
                    Event::DocumentEnd => break,
                    _ => {}
                }
            }
        }
        index
    }

    /// Where the node at `path` starts; for a path that is not indexed, where its nearest
    /// indexed ancestor starts (the document start at worst).
    pub(crate) fn position(&self, path: &str) -> Position {
        let mut path = path;
        loop {
            if let Some(node) = self.nodes.get(path) {
                return node.position;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None if !path.is_empty() => path = "",
                None => return Position::START,
            }
        }
    }

    /// The text of the scalar at exactly `path`, as written.
    pub(crate) fn scalar(&self, path: &str) -> Option<&str> {
        self.nodes.get(path)?.scalar.as_deref()
    }
}

/// The path of the node that `event` starts, advancing the enclosing collection; `None` for a
/// scalar mapping key, which is remembered instead. A collection used as a key (rare) is
/// indexed under the key `?`.
fn next_node_path(stack: &mut [Frame], event: &Event<'_>) -> Option<String> {
    let join = |parent: &str, key: &str| {
        if parent.is_empty() {
            key.to_owned()
        } else {
            format!("{parent}.{key}")
        }
    };
    match stack.last_mut() {
        None => Some(String::new()),
        Some(Frame::Sequence { path, next_index }) => {
            let node_path = format!("{path}[{next_index}]");
            *next_index += 1;
            Some(node_path)
        }
        Some(Frame::Mapping { path, key }) => match (key.take(), event) {
            (Some(key), _) => Some(join(path, &key)),
            (None, Event::Scalar(value, ..)) => {
                *key = Some(value.to_string());
                None
            }
            (None, Event::Alias(_)) => {
                *key = Some("?".to_owned());
                None
            }
            (None, _) => {
                *key = Some("?".to_owned());
                Some(join(path, "?"))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
id: core
tests:
  - id: A
    needs: [B, \"C\"]
    steps:
      - search:
          params: { birthdate: [ge1980, le1990], _count: 5.40 }
";

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn indexes_mapping_values_and_list_items() {
        let index = PositionIndex::build(DOC);
        assert_eq!(index.position(""), at(1, 1));
        assert_eq!(index.position("id"), at(1, 5));
        assert_eq!(index.position("tests"), at(3, 3));
        assert_eq!(index.position("tests[0]"), at(3, 5));
        assert_eq!(index.position("tests[0].needs[0]"), at(4, 13));
        assert_eq!(index.position("tests[0].needs[1]"), at(4, 16));
        assert_eq!(
            index.position("tests[0].steps[0].search.params.birthdate[1]"),
            at(7, 41)
        );
    }

    #[test]
    fn keeps_scalar_text_as_written() {
        let index = PositionIndex::build(DOC);
        assert_eq!(
            index.scalar("tests[0].steps[0].search.params._count"),
            Some("5.40")
        );
        assert_eq!(index.scalar("tests[0].needs[1]"), Some("C"));
        assert_eq!(index.scalar("tests[0]"), None);
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_ancestor() {
        let index = PositionIndex::build(DOC);
        assert_eq!(index.position("tests[0].needs[7]"), at(4, 12));
        assert_eq!(index.position("nothing.here"), at(1, 1));
    }

    #[test]
    fn complex_keys_do_not_disturb_their_siblings() {
        let index = PositionIndex::build("? [a, b]\n: 1\nnext: 2\n");
        assert_eq!(index.position("next"), at(3, 7));
    }

    #[test]
    fn broken_documents_are_indexed_up_to_the_problem() {
        let index = PositionIndex::build("a: 1\nb: [\n");
        assert_eq!(index.position("a"), at(1, 4));
    }
}
