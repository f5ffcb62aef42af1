//! The values suites are made of: checked text, lists, string-keyed mappings, flags, counts and
//! JSON, each failing at the offending node with what was expected. Wrong types are worded as
//! `invalid type: string "x", expected a list of tags`.

use super::scalars::{Typed, describe, parse_bool, parse_unsigned, typed};
use super::{Problem, Result};
use crate::suite::yaml::{Node, Value};
use indexmap::IndexMap;

/// "invalid type: (what `node` is), expected (expected)", at `node`.
pub(crate) fn invalid_type(node: &Node, expected: &str) -> Problem {
    match describe(node) {
        Ok(found) => Problem::at(node, format!("invalid type: {found}, expected {expected}")),
        Err(message) => Problem::at(node, message),
    }
}

/// The entries of a mapping; an empty value (`key:` with nothing after it) is an empty mapping.
pub(crate) fn mapping<'n>(node: &'n Node, expected: &str) -> Result<&'n [(Node, Node)]> {
    match &node.value {
        Value::Mapping(entries) => Ok(entries),
        _ if node.is_empty_plain() => Ok(&[]),
        _ => Err(invalid_type(node, expected)),
    }
}

/// The items of a sequence; an empty value is an empty sequence.
pub(crate) fn sequence<'n>(node: &'n Node, expected: &str) -> Result<&'n [Node]> {
    match &node.value {
        Value::Sequence(items) => Ok(items),
        _ if node.is_empty_plain() => Ok(&[]),
        _ => Err(invalid_type(node, expected)),
    }
}

/// What a node holds where any type is accepted.
pub(crate) enum Any<'n> {
    Scalar(Typed<'n>),
    Sequence(&'n [Node]),
    Mapping(&'n [(Node, Node)]),
}

/// `node` as any type. A node with a local tag (`!name`) is refused as an enum, which no
/// value of the suite format is.
pub(crate) fn any<'n>(node: &'n Node, expected: &str) -> Result<Any<'n>> {
    if node.tag.as_deref().is_some_and(|tag| tag.starts_with('!')) {
        return Err(Problem::at(
            node,
            format!("invalid type: enum, expected {expected}"),
        ));
    }
    match &node.value {
        Value::Scalar { text, plain } => typed(text, *plain, node.tag.as_deref())
            .map(Any::Scalar)
            .map_err(|message| Problem::at(node, message)),
        Value::Sequence(items) => Ok(Any::Sequence(items)),
        Value::Mapping(entries) => Ok(Any::Mapping(entries)),
    }
}

/// What a piece of text must look like.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anything, including the empty string.
    Any,
    /// At least one non-blank character.
    NonEmpty,
    /// An identifier: ASCII letters, digits, `.`, `_` and `-`.
    Name,
}

/// Any YAML scalar read as its text (`123` and `true` are the strings `"123"` and `"true"`),
/// checked against a [`Rule`]. `what` names the value in messages ("a test id").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text {
    what: &'static str,
    rule: Rule,
}

impl Text {
    pub(crate) const fn any(what: &'static str) -> Text {
        Text {
            what,
            rule: Rule::Any,
        }
    }

    pub(crate) const fn non_empty(what: &'static str) -> Text {
        Text {
            what,
            rule: Rule::NonEmpty,
        }
    }

    pub(crate) const fn name(what: &'static str) -> Text {
        Text {
            what,
            rule: Rule::Name,
        }
    }

    /// The text of the scalar `node`, if it follows the rule.
    pub(crate) fn read(self, node: &Node) -> Result<String> {
        let text = node.scalar().ok_or_else(|| invalid_type(node, self.what))?;
        match self.problem(text) {
            Some(message) => Err(Problem::at(node, message)),
            None => Ok(text.to_owned()),
        }
    }

    /// Why `text` breaks the rule, if it does.
    fn problem(self, text: &str) -> Option<String> {
        let what = self.what;
        match self.rule {
            Rule::Any => None,
            Rule::NonEmpty | Rule::Name if text.trim().is_empty() => {
                Some(format!("expected {what}, found an empty value"))
            }
            Rule::NonEmpty => None,
            Rule::Name => (!text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .then(|| {
                format!("expected {what} (letters, digits, `.`, `_` and `-`), found `{text}`")
            }),
        }
    }
}

/// A YAML list whose items are read with `item`; `expecting` names the list ("a list of tags").
/// `[]` is refused unless `allow_empty`.
pub(crate) fn list<T>(
    node: &Node,
    expecting: &str,
    allow_empty: bool,
    item: impl FnMut(&Node) -> Result<T>,
) -> Result<Vec<T>> {
    let items: Vec<T> = sequence(node, expecting)?
        .iter()
        .map(item)
        .collect::<Result<_>>()?;
    if items.is_empty() && !allow_empty {
        return Err(Problem::at(
            node,
            format!("expected {expecting}, found an empty list"),
        ));
    }
    Ok(items)
}

/// A YAML mapping from text keys (checked with `key`, no repeats) to values read with `value`,
/// in the order written. `what` names the mapping in messages ("headers").
pub(crate) fn entries<T>(
    node: &Node,
    what: &str,
    key: Text,
    mut value: impl FnMut(&Node) -> Result<T>,
) -> Result<IndexMap<String, T>> {
    let mut read = IndexMap::new();
    for (name, item) in mapping(node, &format!("a mapping of {what}"))? {
        if let Some(text) = name.scalar()
            && read.contains_key(text)
        {
            return Err(Problem::at(
                name,
                format!("duplicate key `{text}` in {what}"),
            ));
        }
        let name = key.read(name)?;
        let item = value(item)?;
        read.insert(name, item);
    }
    Ok(read)
}

/// A boolean: `true` or `false` unquoted (`True` and `TRUE` too).
pub(crate) fn boolean(node: &Node) -> Result<bool> {
    boolean_expecting(node, "a boolean")
}

fn boolean_expecting(node: &Node, expected: &str) -> Result<bool> {
    match &node.value {
        Value::Scalar { text, plain: true } => parse_bool(text),
        _ => None,
    }
    .ok_or_else(|| invalid_type(node, expected))
}

/// A `true` flag that only has one meaning (e.g. `operation_outcome: true`): `false` and other
/// values are refused.
pub(crate) fn only_true(node: &Node, key: &str) -> Result<()> {
    let expected = format!("`true` (`{key}` takes no other value)");
    if boolean_expecting(node, &expected)? {
        Ok(())
    } else {
        Err(Problem::at(
            node,
            format!("invalid value: boolean `false`, expected {expected}"),
        ))
    }
}

/// A count: a non-negative integer, unquoted.
pub(crate) fn count(node: &Node) -> Result<usize> {
    match &node.value {
        Value::Scalar { text, plain: true } => {
            parse_unsigned(text).and_then(|count| usize::try_from(count).ok())
        }
        _ => None,
    }
    .ok_or_else(|| invalid_type(node, "usize"))
}

/// Any YAML value as JSON (`equals: 3`, `contains: { system: x }`).
pub(crate) fn json(node: &Node) -> Result<serde_json::Value> {
    Ok(match any(node, "any valid JSON value")? {
        Any::Scalar(Typed::Null) => serde_json::Value::Null,
        Any::Scalar(Typed::Bool(value)) => value.into(),
        Any::Scalar(Typed::Unsigned(value)) => value.into(),
        Any::Scalar(Typed::Signed(value)) => value.into(),
        Any::Scalar(Typed::BigUnsigned(_) | Typed::BigSigned(_)) => {
            return Err(Problem::at(node, "JSON number out of range"));
        }
        Any::Scalar(Typed::Float(value)) => serde_json::Number::from_f64(value)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Any::Scalar(Typed::Str(text)) => text.into(),
        Any::Sequence(items) => {
            serde_json::Value::Array(items.iter().map(json).collect::<Result<_>>()?)
        }
        Any::Mapping(entries) => json_members(entries)?,
    })
}

/// A YAML mapping as a JSON object (a request `body`); anything else is refused at the node.
pub(crate) fn json_object(node: &Node) -> Result<serde_json::Value> {
    json_members(mapping(
        node,
        "a mapping (sent as a JSON object); use `raw` for other bodies",
    )?)
}

/// Mapping entries as a JSON object; a repeated key keeps its first place and its last value.
fn json_members(entries: &[(Node, Node)]) -> Result<serde_json::Value> {
    let mut object = serde_json::Map::new();
    for (key, value) in entries {
        let key = key
            .scalar()
            .ok_or_else(|| invalid_type(key, "a string key"))?;
        object.insert(key.to_owned(), json(value)?);
    }
    Ok(serde_json::Value::Object(object))
}

/// Variable names as used in `{{ name }}`, `capture` and `for_each`.
pub(crate) const VARIABLE_NAME: Text = Text::name("a variable name");
