//! YAML text → a tree of nodes that remember where they were written.
//!
//! Built in one pass over `saphyr-parser` events. Only the first document of a file is kept
//! ([`Document::more_documents`] tells whether others follow). An alias becomes a copy of its
//! anchor's node, positioned at the alias throughout, so that a problem in repeated content is
//! reported where it is repeated. Nesting is limited to [`MAX_DEPTH`] sequences and mappings,
//! and alias copies to [`COPIES_PER_EVENT`] nodes per event read (no "billion laughs").

use super::error::Position;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use std::collections::HashMap;

/// The deepest nesting of sequences and mappings accepted (the root collection is level 1).
pub(crate) const MAX_DEPTH: usize = 128;

/// How many nodes alias copies may add, on average, per event of the text.
const COPIES_PER_EVENT: usize = 100;

/// One node of a YAML document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Where the node starts (its anchor or tag, if it has one).
    pub(crate) position: Position,
    /// The node's tag, resolved: `tag:yaml.org,2002:str` for `!!str`, `!point` for `!point`.
    pub(crate) tag: Option<String>,
    pub(crate) value: Value,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Text as written, after unquoting and folding. `plain` is false for quoted and block
    /// scalars, which are always strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Keys and values in the order written (repeated keys included).
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// The value of `key` in this mapping (the last one, if repeated); this node itself when
    /// there is none, so that a position falls back to the nearest node written.
    pub(crate) fn field(&self, key: &str) -> &Node {
        match &self.value {
            Value::Mapping(entries) => entries
                .iter()
                .rev()
                .find(|(name, _)| name.scalar() == Some(key))
                .map_or(self, |(_, value)| value),
            _ => self,
        }
    }

    /// Item `index` of this sequence; this node itself when there is none.
    pub(crate) fn item(&self, index: usize) -> &Node {
        match &self.value {
            Value::Sequence(items) => items.get(index).unwrap_or(self),
            _ => self,
        }
    }

    /// The text of a scalar.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether this is a plain scalar with no text (`key:` with nothing after it).
    pub(crate) fn is_empty_plain(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if text.is_empty())
    }
}

/// The first document of a YAML text.
#[derive(Debug)]
pub(crate) struct Document {
    /// The root node; an empty plain scalar for an empty document.
    pub(crate) root: Node,
    /// Where a second document starts, when anything but the end of the text follows the
    /// first.
    pub(crate) more_documents: Option<Position>,
}

/// Why a text is not YAML (or nests too deeply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) position: Position,
    pub(crate) message: String,
}

/// Parses the first document of `text`.
pub(crate) fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut builder = Builder {
        chars: text.chars().collect(),
        open: Vec::new(),
        anchors: HashMap::new(),
        copy_budget: 0,
        root: None,
    };
    let mut events = Parser::new_from_str(text);
    let mut end = Position::START;
    for event in events.by_ref() {
        let (event, span) = event.map_err(|error| builder.syntax_error(&error))?;
        end = position(span.start);
        if builder.event(event, span)? {
            break;
        }
    }
    let more_documents = match events.next() {
        None | Some(Ok((Event::StreamEnd, _))) => None,
        Some(Ok((_, span))) => Some(position(span.start)),
        Some(Err(error)) => Some(position(*error.marker())),
    };
    let root = builder.root.unwrap_or(Node {
        position: end,
        tag: None,
        value: Value::Scalar {
            text: String::new(),
            plain: true,
        },
    });
    Ok(Document {
        root,
        more_documents,
    })
}

/// A sequence or mapping whose end has not been read yet.
struct Open {
    position: Position,
    tag: Option<String>,
    anchor: usize,
    content: Content,
}

enum Content {
    Sequence(Vec<Node>),
    /// Entries so far, and a key waiting for its value.
    Mapping(Vec<(Node, Node)>, Option<Node>),
}

struct Builder {
    /// The text, for looking at the character an event starts at.
    chars: Vec<char>,
    open: Vec<Open>,
    /// Finished anchored nodes by anchor id.
    anchors: HashMap<usize, Node>,
    /// How many more nodes alias copies may add.
    copy_budget: usize,
    root: Option<Node>,
}

impl Builder {
    /// Takes in one event; true once the first document is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, SyntaxError> {
        self.copy_budget += COPIES_PER_EVENT;
        let at = position(span.start);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain;
                let tag = tag.map(|tag| full_tag(&tag));
                let position = if plain && text.is_empty() && tag.is_none() && anchor == 0 {
                    self.empty_value_position(span)
                } else {
                    at
                };
                let node = Node {
                    position,
                    tag,
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                };
                self.finish(node, anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                self.start(at, anchor, tag, Content::Sequence(Vec::new()))?
            }
            Event::MappingStart(anchor, tag) => {
                self.start(at, anchor, tag, Content::Mapping(Vec::new(), None))?
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.open.pop() {
                    let value = match open.content {
                        Content::Sequence(items) => Value::Sequence(items),
                        Content::Mapping(entries, _) => Value::Mapping(entries),
                    };
                    let node = Node {
                        position: open.position,
                        tag: open.tag,
                        value,
                    };
                    self.finish(node, open.anchor);
                }
            }
            Event::Alias(anchor) => {
                let node = self.copy_of(anchor, at)?;
                self.finish(node, 0);
            }
            Event::DocumentEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) => {}
        }
        Ok(false)
    }

    fn start(
        &mut self,
        position: Position,
        anchor: usize,
        tag: Option<std::borrow::Cow<'_, Tag>>,
        content: Content,
    ) -> Result<(), SyntaxError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(too_deep(position));
        }
        self.open.push(Open {
            position,
            tag: tag.map(|tag| full_tag(&tag)),
            anchor,
            content,
        });
        Ok(())
    }

    /// Adds a finished node to the collection being read (or makes it the root).
    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.open.last_mut().map(|open| &mut open.content) {
            None => self.root = Some(node),
            Some(Content::Sequence(items)) => items.push(node),
            Some(Content::Mapping(entries, key)) => match key.take() {
                Some(key) => entries.push((key, node)),
                None => *key = Some(node),
            },
        }
    }

    /// A copy of the node anchored as `anchor`, positioned at the alias.
    fn copy_of(&mut self, anchor: usize, at: Position) -> Result<Node, SyntaxError> {
        let Some(node) = self.anchors.get(&anchor) else {
            // The anchor is on a collection that is still open: the alias would contain itself.
            return Err(SyntaxError {
                position: at,
                message: "an alias cannot refer to a node that contains it".to_owned(),
            });
        };
        if self.open.len() + height(node) > MAX_DEPTH {
            return Err(too_deep(at));
        }
        copy_at(node, at, &mut self.copy_budget).ok_or_else(|| SyntaxError {
            position: at,
            message: "repetition limit exceeded: aliases copy too many nodes".to_owned(),
        })
    }

    /// Where an empty value is reported, as libyaml does: at the `,` or `}` that ends it in a
    /// flow mapping, else just after the `:` or `-` that introduces it (the parser points at
    /// the `:` itself, or past the blanks after a `-`).
    fn empty_value_position(&self, span: Span) -> Position {
        let at = position(span.start);
        let index = span.start.index();
        let is_blank = |c: &&char| matches!(c, ' ' | '\t');
        if self.chars.get(index) == Some(&':') {
            let blanks = self.chars[index + 1..].iter().take_while(is_blank).count();
            let skip = match self.chars.get(index + 1 + blanks) {
                Some(',' | '}') => 1 + blanks,
                _ => 1,
            };
            return Position {
                column: at.column + skip,
                ..at
            };
        }
        let blanks = self.chars[..index.min(self.chars.len())]
            .iter()
            .rev()
            .take_while(is_blank)
            .count();
        match index.checked_sub(blanks + 1).map(|i| self.chars[i]) {
            Some('-') if blanks < at.column => Position {
                column: at.column - blanks,
                ..at
            },
            _ => at,
        }
    }

    /// The parser's error in the words of libyaml: `problem, context at line L column C`,
    /// where the context is the collection or scalar being read.
    fn syntax_error(&self, error: &ScanError) -> SyntaxError {
        let mut at = position(*error.marker());
        let info = match error.info() {
            "while parsing node, found unknown anchor" => "unknown anchor",
            "simple key expect ':'" | "simple key expected" => {
                "while scanning a simple key, could not find expected ':'"
            }
            "while parsing a flow sequence, expected ',' or ']'" => {
                "while parsing a flow sequence, did not find expected ',' or ']'"
            }
            info => info,
        };
        let Some((context, problem)) = info
            .split_once(", ")
            .filter(|(context, _)| context.starts_with("while "))
        else {
            return SyntaxError {
                position: at,
                message: info.to_owned(),
            };
        };
        let open = |sequence: bool| {
            self.open
                .iter()
                .rev()
                .find(|open| matches!(open.content, Content::Sequence(_)) == sequence)
                .map(|open| open.position)
        };
        let context_at = match context {
            "while parsing a flow mapping" | "while parsing a block mapping" => open(false),
            "while parsing a flow sequence" | "while parsing a block collection" => open(true),
            // The parser points at the start of what it was scanning; libyaml at the end.
            _ if problem == "found unexpected end of stream" => {
                let context_at = at;
                at = self.end();
                Some(context_at)
            }
            _ => None,
        };
        let message = match context_at {
            Some(mark) if mark != at => format!(
                "{problem}, {context} at line {} column {}",
                mark.line, mark.column
            ),
            _ => format!("{problem}, {context}"),
        };
        SyntaxError {
            position: at,
            message,
        }
    }

    /// The position just past the last character.
    fn end(&self) -> Position {
        let line = 1 + self.chars.iter().filter(|&&c| c == '\n').count();
        let column = 1 + self.chars.iter().rev().take_while(|&&c| c != '\n').count();
        Position { line, column }
    }
}

fn too_deep(position: Position) -> SyntaxError {
    SyntaxError {
        position,
        message: format!("nested too deeply: at most {MAX_DEPTH} levels of sequences and mappings"),
    }
}

/// How many collections deep `node` goes (0 for a scalar).
fn height(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 0,
        Value::Sequence(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        Value::Mapping(entries) => {
            1 + entries
                .iter()
                .map(|(key, value)| height(key).max(height(value)))
                .max()
                .unwrap_or(0)
        }
    }
}

/// A copy of `node` with every position set to `at`, or `None` once `budget` nodes are used.
fn copy_at(node: &Node, at: Position, budget: &mut usize) -> Option<Node> {
    *budget = budget.checked_sub(1)?;
    let value = match &node.value {
        Value::Scalar { .. } => node.value.clone(),
        Value::Sequence(items) => Value::Sequence(
            items
                .iter()
                .map(|item| copy_at(item, at, budget))
                .collect::<Option<_>>()?,
        ),
        Value::Mapping(entries) => Value::Mapping(
            entries
                .iter()
                .map(|(key, value)| Some((copy_at(key, at, budget)?, copy_at(value, at, budget)?)))
                .collect::<Option<_>>()?,
        ),
    };
    Some(Node {
        position: at,
        tag: node.tag.clone(),
        value,
    })
}

/// A tag as one string: the handle's prefix followed by the suffix.
fn full_tag(tag: &Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

fn position(marker: saphyr_parser::Marker) -> Position {
    Position {
        line: marker.line(),
        column: marker.col() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    const DOC: &str = "\
id: core
tests:
  - id: A
    needs: [B, \"C\"]
    steps:
      - search:
          params: { birthdate: [ge1980, le1990], _count: 5.40 }
";

    #[test]
    fn nodes_keep_where_they_start() {
        let root = parse(DOC).unwrap().root;
        assert_eq!(root.position, at(1, 1));
        assert_eq!(root.field("id").position, at(1, 5));
        let test = root.field("tests").item(0);
        assert_eq!(root.field("tests").position, at(3, 3));
        assert_eq!(test.position, at(3, 5));
        assert_eq!(test.field("needs").item(0).position, at(4, 13));
        assert_eq!(test.field("needs").item(1).position, at(4, 16));
        let params = test.field("steps").item(0).field("search").field("params");
        assert_eq!(params.field("birthdate").item(1).position, at(7, 41));
        assert_eq!(params.field("_count").scalar(), Some("5.40"));
    }

    #[test]
    fn missing_parts_fall_back_to_the_nearest_node() {
        let root = parse(DOC).unwrap().root;
        let needs = root.field("tests").item(0).field("needs");
        assert_eq!(needs.item(7).position, at(4, 12));
        assert_eq!(root.field("nothing").field("here").position, at(1, 1));
    }

    #[test]
    fn aliases_are_copies_positioned_at_the_alias() {
        let root = parse("a: &x { b: [1] }\nc: *x\n").unwrap().root;
        let copy = root.field("c");
        assert_eq!(copy.field("b").item(0).scalar(), Some("1"));
        assert_eq!(copy.field("b").item(0).position, at(2, 4));
        assert_eq!(root.field("a").field("b").item(0).position, at(1, 13));
    }

    #[test]
    fn empty_values_are_just_after_their_indicator() {
        let root = parse("a:\nb: 1\n").unwrap().root;
        assert!(root.field("a").is_empty_plain());
        assert_eq!(root.field("a").position, at(1, 3));
    }

    #[test]
    fn tags_are_resolved() {
        let root = parse("a: !!str 5\nb: !point x\n").unwrap().root;
        assert_eq!(
            root.field("a").tag.as_deref(),
            Some("tag:yaml.org,2002:str")
        );
        assert_eq!(root.field("b").tag.as_deref(), Some("!point"));
    }

    #[test]
    fn later_documents_are_noticed_not_read() {
        let document = parse("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(document.more_documents, Some(at(2, 1)));
        assert_eq!(document.root.field("b"), &document.root);
        assert_eq!(parse("a: 1\n...\n").unwrap().more_documents, None);
    }

    #[test]
    fn syntax_errors_name_the_collection_being_read() {
        let error = parse("a: 1\nb: { c: d\n").unwrap_err();
        assert_eq!(error.position, at(3, 1));
        assert_eq!(
            error.message,
            "did not find expected ',' or '}', while parsing a flow mapping at line 2 column 4"
        );
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let flow = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let error = parse(&flow).unwrap_err();
        assert_eq!(error.position, at(1, MAX_DEPTH + 1));
        assert_eq!(
            error.message,
            "nested too deeply: at most 128 levels of sequences and mappings"
        );
        let block = format!("{}x\n", "- ".repeat(200));
        assert_eq!(
            parse(&block).unwrap_err().position,
            at(1, 2 * MAX_DEPTH + 1)
        );
        let through_aliases = format!(
            "a: &a {}1{}\nb: {}*a{}\n",
            "[".repeat(100),
            "]".repeat(100),
            "[".repeat(30),
            "]".repeat(30)
        );
        assert_eq!(parse(&through_aliases).unwrap_err().position, at(2, 34));
        let huge = "[".repeat(1_000_000);
        assert!(parse(&huge).is_err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let error = parse(&text).unwrap_err();
        assert!(error.message.starts_with("repetition limit exceeded"));
    }
}
