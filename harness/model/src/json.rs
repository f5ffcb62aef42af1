//! FHIR JSON → [`Element`] tree.
//!
//! A strict RFC 8259 parser written for FHIR: it keeps the line/column of every node, reports
//! duplicate property names, and applies the FHIR JSON rules it can check without definitions
//! (no empty objects, arrays or strings; `null` only as a placeholder in arrays of primitives
//! paired with a `_name` extension array). Primitive extensions (`_given`) become `id` and
//! `extension` children of the matching primitive, `resourceType` becomes
//! [`Element::resource_type`] and a narrative `div` becomes [`Primitive::Xhtml`].
//!
//! A primitive keeps the JSON kind it was written with ([`Primitive::String`],
//! [`Primitive::Number`] or [`Primitive::Bool`]), so the validator can reject, for example, a
//! `birthDate` written as a number.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::path::{PathStack, with_root};
use crate::position::PosTracker;
use crate::words::plain_string_len;
use crate::{
    Element, Format, MAX_NESTING, Name, NameTable, ParseError, ParseIssue, Parsed, Pos, Primitive,
};

/// Parses a FHIR JSON resource (already checked to be UTF-8, without byte-order mark).
pub(crate) fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut parser = JsonParser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        tracker: PosTracker::new(text.as_bytes()),
        path: PathStack::default(),
        issues: Vec::new(),
        depth: 0,
        spare_key_sets: Vec::new(),
        spare_children: Vec::new(),
        names: NameTable::default(),
    };
    let mut root = parser.parse_root()?;
    let root_name = match &root.resource_type {
        Some(resource_type) => resource_type.clone(),
        None => {
            parser.issues.push(ParseIssue::error(
                root.pos,
                "",
                "the JSON object has no 'resourceType' property, so it is not a FHIR resource",
            ));
            Name::default()
        }
    };
    root.name = root_name.clone();
    let mut issues = parser.issues;
    for issue in &mut issues {
        issue.path = with_root(&root_name, &issue.path);
        if let Some(emptied) = &mut issue.emptied {
            *emptied = with_root(&root_name, emptied);
        }
    }
    Ok(Parsed {
        root,
        issues,
        format: Format::Json,
    })
}

/// A JSON value that is not an object or an array.
enum Scalar<'a> {
    String(Cow<'a, str>),
    Number(&'a str),
    Bool(bool),
    Null,
}

/// The content of a `_name` property, waiting to be merged into the `name` primitive(s).
struct PendingExtension {
    /// The primitive's name (`given` for `_given`).
    name: String,
    /// Where the `_name` property starts.
    pos: Pos,
    content: ExtensionContent,
}

enum ExtensionContent {
    /// `"_name": {...}`: an element holding the `id`/`extension` children.
    Single(Element),
    /// `"_name": [{...}, null, ...]`, item by item.
    List(Vec<Option<Element>>),
}

/// A `null` item in an array of primitives, legal only when the `_name` array has content at
/// the same index.
struct NullItem {
    name: String,
    index: u32,
    pos: Pos,
}

/// Everything collected while parsing one object that can only be resolved at its end.
#[derive(Default)]
struct ObjectState<'a> {
    keys: KeySet<'a>,
    extensions: Vec<PendingExtension>,
    nulls: Vec<NullItem>,
}

impl<'a> ObjectState<'a> {
    fn with_keys(keys: KeySet<'a>) -> Self {
        ObjectState {
            keys,
            extensions: Vec::new(),
            nulls: Vec::new(),
        }
    }
}

/// Property names seen in one object, to detect duplicates. Objects are usually small, so a
/// vector is scanned until it grows past [`KeySet::SCAN_LIMIT`], then a hash set takes over.
#[derive(Default)]
struct KeySet<'a> {
    few: Vec<Cow<'a, str>>,
    many: HashSet<Cow<'a, str>>,
}

impl<'a> KeySet<'a> {
    const SCAN_LIMIT: usize = 32;

    fn clear(&mut self) {
        self.few.clear();
        self.many.clear();
    }

    /// Records `key`; returns `false` if it was already there.
    fn insert(&mut self, key: Cow<'a, str>) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&key) {
                return false;
            }
            self.few.push(key);
            if self.few.len() > Self::SCAN_LIMIT {
                self.many.extend(self.few.drain(..));
            }
            true
        } else {
            self.many.insert(key)
        }
    }
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Byte offset of the next unread byte.
    at: usize,
    tracker: PosTracker<'a>,
    path: PathStack,
    issues: Vec<ParseIssue>,
    /// Current nesting of objects and arrays.
    depth: usize,
    /// Key sets of finished objects, for reuse.
    spare_key_sets: Vec<KeySet<'a>>,
    /// Emptied buffers that objects collect their children in, for reuse.
    spare_children: Vec<Vec<Element>>,
    /// The names given to nodes so far, shared between nodes of the same name.
    names: NameTable,
}

impl<'a> JsonParser<'a> {
    fn parse_root(&mut self) -> Result<Element, ParseError> {
        self.skip_whitespace();
        let start = self.at;
        if self.peek() != Some(b'{') {
            return Err(self.error(start, "expected '{': a FHIR JSON resource is a JSON object"));
        }
        self.at += 1;
        let mut root = Element::new(Name::default(), None, self.tracker.pos(start));
        self.parse_object(&mut root)?;
        self.skip_whitespace();
        if self.at < self.bytes.len() {
            return Err(self.error(self.at, "unexpected content after the end of the resource"));
        }
        Ok(root)
    }

    /// Parses the members of an object whose `{` was just consumed into `element`.
    fn parse_object(&mut self, element: &mut Element) -> Result<(), ParseError> {
        self.enter(self.at - 1)?;
        let open = self.at - 1;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            let pos = self.tracker.pos(open);
            let path = self.path.below_root().to_owned();
            let issue = ParseIssue::error(pos, path.clone(), "empty JSON object").emptying(path);
            self.issues.push(issue);
            self.depth -= 1;
            return Ok(());
        }
        // Key sets are recycled: most objects then need no allocation for them.
        let mut keys = self.spare_key_sets.pop().unwrap_or_default();
        keys.clear();
        let mut state = ObjectState::with_keys(keys);
        // Children are collected in a recycled buffer, then moved to a vector of their exact
        // size: the tree lives as long as the document is validated, without spare capacity.
        let mut buffer = self.spare_children.pop().unwrap_or_default();
        buffer.append(&mut element.children);
        element.children = buffer;
        loop {
            self.skip_whitespace();
            let key_start = self.at;
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') => return Err(self.error(key_start, "trailing comma before '}'")),
                _ => return Err(self.error(key_start, "expected a property name in double quotes")),
            }
            let key = self.parse_string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error(self.at, "expected ':' after the property name"));
            }
            self.at += 1;
            self.skip_whitespace();
            let key_pos = self.tracker.pos(key_start);
            if !state.keys.insert(key.clone()) {
                let path = format!("{}.{key}", self.path.below_root());
                self.issue(key_pos, path, format!("duplicate property '{key}'"));
            }
            self.parse_member(element, key, key_pos, &mut state)?;
            self.skip_whitespace();
            if self.after_value(b'}')? {
                break;
            }
        }
        self.merge_extensions(element, state.extensions, state.nulls);
        let mut buffer = std::mem::take(&mut element.children);
        element.children = Vec::with_capacity(buffer.len());
        element.children.append(&mut buffer);
        self.spare_children.push(buffer);
        self.spare_key_sets.push(state.keys);
        self.depth -= 1;
        Ok(())
    }

    /// Parses the value of property `key` of `element`.
    fn parse_member(
        &mut self,
        element: &mut Element,
        key: Cow<'a, str>,
        key_pos: Pos,
        state: &mut ObjectState<'a>,
    ) -> Result<(), ParseError> {
        if key == "resourceType" {
            let value_pos = self.tracker.pos(self.at);
            self.path.push("resourceType", None);
            let value = self.parse_discardable()?;
            self.path.pop();
            match value {
                Some(Scalar::String(resource_type)) if !resource_type.is_empty() => {
                    element.resource_type = Some(self.names.name(&resource_type));
                }
                _ => {
                    let path = format!("{}.resourceType", self.path.below_root());
                    self.issue(
                        value_pos,
                        path,
                        "'resourceType' must be a non-empty JSON string",
                    );
                }
            }
            return Ok(());
        }
        if let Some(name) = key.strip_prefix('_').filter(|name| !name.is_empty()) {
            if let Some(content) = self.parse_extension_content(&key, key_pos)? {
                state.extensions.push(PendingExtension {
                    name: name.to_owned(),
                    pos: key_pos,
                    content,
                });
            }
            return Ok(());
        }
        match self.peek() {
            Some(b'[') => {
                self.at += 1;
                self.parse_array(element, &key, state)
            }
            Some(b'{') => {
                self.at += 1;
                let mut child = Element::new(self.names.name(&key), None, key_pos);
                self.path.push(&key, None);
                let parsed = self.parse_object(&mut child);
                self.path.pop();
                parsed?;
                element.children.push(child);
                Ok(())
            }
            _ => {
                let value_pos = self.tracker.pos(self.at);
                self.path.push(&key, None);
                // (A syntax error ends the whole parse: the path needs no clean-up then.)
                let scalar = self.parse_scalar()?;
                match self.primitive(&key, None, scalar, key_pos, value_pos) {
                    Some(child) => element.children.push(child),
                    None => self.issue(
                        value_pos,
                        self.path.below_root().to_owned(),
                        "null is not allowed here (only as a placeholder in an array of primitives)",
                    ),
                }
                self.path.pop();
                Ok(())
            }
        }
    }

    /// Parses the items of an array (its `[` was just consumed) as repetitions of `key`.
    fn parse_array(
        &mut self,
        element: &mut Element,
        key: &str,
        state: &mut ObjectState<'a>,
    ) -> Result<(), ParseError> {
        let open = self.at - 1;
        self.enter(open)?;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            let pos = self.tracker.pos(open);
            let holder = self.path.below_root().to_owned();
            let path = format!("{holder}.{key}");
            let issue = ParseIssue::error(pos, path, "empty JSON array");
            self.issues.push(issue.emptying(holder));
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            self.skip_whitespace();
            let item_pos = self.tracker.pos(self.at);
            self.path.push(key, Some(index));
            let item = self.parse_array_item(element, key, index, item_pos, state);
            self.path.pop();
            item?;
            index = self.next_index(index)?;
            self.skip_whitespace();
            if self.after_value(b']')? {
                break;
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn parse_array_item(
        &mut self,
        element: &mut Element,
        key: &str,
        index: u32,
        item_pos: Pos,
        state: &mut ObjectState<'a>,
    ) -> Result<(), ParseError> {
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut child = Element::new(self.names.name(key), Some(index), item_pos);
                self.parse_object(&mut child)?;
                element.children.push(child);
            }
            Some(b'[') => {
                self.issue(
                    item_pos,
                    self.path.below_root().to_owned(),
                    "arrays of arrays are not allowed in FHIR JSON",
                );
                self.parse_discardable()?;
            }
            _ => {
                let scalar = self.parse_scalar()?;
                match self.primitive(key, Some(index), scalar, item_pos, item_pos) {
                    Some(child) => element.children.push(child),
                    None => state.nulls.push(NullItem {
                        name: key.to_owned(),
                        index,
                        pos: item_pos,
                    }),
                }
            }
        }
        Ok(())
    }

    /// The element for a primitive value (`None` for `null`); reports empty strings. The path
    /// must already include the element.
    fn primitive(
        &mut self,
        name: &str,
        index: Option<u32>,
        scalar: Scalar<'a>,
        pos: Pos,
        value_pos: Pos,
    ) -> Option<Element> {
        let value = match scalar {
            Scalar::String(text) => {
                if text.is_empty() {
                    let path = self.path.below_root().to_owned();
                    self.issue(value_pos, path, "empty string: omit the property instead");
                }
                if name == "div" {
                    Primitive::Xhtml(text.into())
                } else {
                    Primitive::String(text.into())
                }
            }
            Scalar::Number(lexical) => Primitive::Number(lexical.into()),
            Scalar::Bool(value) => Primitive::Bool(value),
            Scalar::Null => return None,
        };
        let mut element = Element::new(self.names.name(name), index, pos);
        element.value = Some(value);
        Some(element)
    }

    /// Parses the value of the `_name` property `key`; `None` when it is unusable (already
    /// reported).
    fn parse_extension_content(
        &mut self,
        key: &str,
        key_pos: Pos,
    ) -> Result<Option<ExtensionContent>, ParseError> {
        let name = &key[1..];
        let value_pos = self.tracker.pos(self.at);
        let path = format!("{}.{key}", self.path.below_root());
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut holder = Element::new(self.names.name(name), None, key_pos);
                self.path.push(key, None);
                let parsed = self.parse_object(&mut holder);
                self.path.pop();
                parsed?;
                Ok(Some(ExtensionContent::Single(holder)))
            }
            Some(b'[') => {
                self.at += 1;
                self.enter(self.at - 1)?;
                let mut items = Vec::new();
                let mut index = 0;
                self.skip_whitespace();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    self.issue(value_pos, path, "empty JSON array");
                } else {
                    loop {
                        self.skip_whitespace();
                        let item_pos = self.tracker.pos(self.at);
                        if self.peek() == Some(b'{') {
                            self.at += 1;
                            let mut holder =
                                Element::new(self.names.name(name), Some(index), item_pos);
                            self.path.push(key, Some(index));
                            let parsed = self.parse_object(&mut holder);
                            self.path.pop();
                            parsed?;
                            items.push(Some(holder));
                        } else {
                            if !matches!(self.parse_discardable()?, Some(Scalar::Null)) {
                                self.issue(
                                    item_pos,
                                    format!("{path}[{index}]"),
                                    "items of a primitive extension array must be objects or null",
                                );
                            }
                            items.push(None);
                        }
                        index = self.next_index(index)?;
                        self.skip_whitespace();
                        if self.after_value(b']')? {
                            break;
                        }
                    }
                }
                self.depth -= 1;
                Ok(Some(ExtensionContent::List(items)))
            }
            _ => {
                self.parse_discardable()?;
                self.issue(
                    value_pos,
                    path,
                    "a primitive extension ('_' property) must be an object or an array",
                );
                Ok(None)
            }
        }
    }

    /// Attaches the `_name` contents of one object to their primitives and checks the `null`
    /// placeholders of primitive arrays.
    fn merge_extensions(
        &mut self,
        element: &mut Element,
        extensions: Vec<PendingExtension>,
        nulls: Vec<NullItem>,
    ) {
        for null in &nulls {
            let covered = extensions.iter().any(|extension| {
                extension.name == null.name
                    && matches!(&extension.content, ExtensionContent::List(items)
                        if items.get(null.index as usize).is_some_and(Option::is_some))
            });
            if !covered {
                let path = format!("{}.{}[{}]", self.path.below_root(), null.name, null.index);
                self.issue(
                    null.pos,
                    path,
                    format!(
                        "null is only allowed in an array of primitives when '_{}' has an extension at the same index",
                        null.name
                    ),
                );
            }
        }
        for extension in extensions {
            let path = format!("{}._{}", self.path.below_root(), extension.name);
            let name = extension.name.as_str();
            let nulls_of_name = nulls.iter().filter(|null| null.name == name);
            let array_length = element
                .children_named(name)
                .filter_map(|child| child.index)
                .chain(nulls_of_name.map(|null| null.index))
                .max()
                .map(|last| last + 1);
            let single = element
                .children
                .iter()
                .position(|c| c.name == name && c.index.is_none());
            match extension.content {
                ExtensionContent::Single(holder) => match (single, array_length) {
                    (Some(target), _) => {
                        self.attach(&mut element.children[target], holder, extension.pos, path)
                    }
                    (None, Some(_)) => self.issue(
                        extension.pos,
                        path,
                        format!("'_{name}' is an object but '{name}' is an array"),
                    ),
                    (None, None) => element.children.push(holder),
                },
                ExtensionContent::List(items) => {
                    if single.is_some() {
                        self.issue(
                            extension.pos,
                            path,
                            format!("'_{name}' is an array but '{name}' is not"),
                        );
                        continue;
                    }
                    if let Some(length) =
                        array_length.filter(|&length| length as usize != items.len())
                    {
                        self.issue(
                            extension.pos,
                            path.clone(),
                            format!(
                                "'{name}' has {length} items but '_{name}' has {}: the arrays must align",
                                items.len()
                            ),
                        );
                    }
                    for (index, item) in (0..).zip(items) {
                        let target = element
                            .children
                            .iter()
                            .position(|c| c.name == name && c.index == Some(index));
                        match (item, target) {
                            (Some(holder), Some(target)) => {
                                let item_path = format!("{path}[{index}]");
                                self.attach(
                                    &mut element.children[target],
                                    holder,
                                    extension.pos,
                                    item_path,
                                );
                            }
                            (Some(holder), None) => insert_in_index_order(element, holder),
                            (None, _) if array_length.is_none() => self.issue(
                                extension.pos,
                                format!("{path}[{index}]"),
                                format!(
                                    "null in '_{name}' with no '{name}' value at the same index"
                                ),
                            ),
                            (None, _) => {}
                        }
                    }
                }
            }
        }
    }

    /// Adds the `id`/`extension` children of a `_name` holder to the primitive `target`.
    fn attach(&mut self, target: &mut Element, holder: Element, pos: Pos, path: String) {
        if target.value.is_none() {
            self.issue(
                pos,
                path,
                format!(
                    "'_{0}' is only allowed when '{0}' is a primitive value",
                    target.name
                ),
            );
        } else {
            target.children.extend(holder.children);
        }
    }

    /// Parses any value and returns it when it is a scalar; objects and arrays are parsed
    /// (so syntax errors and nested issues are still found) and dropped.
    fn parse_discardable(&mut self) -> Result<Option<Scalar<'a>>, ParseError> {
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut scratch = Element::new("", None, Pos::default());
                self.parse_object(&mut scratch)?;
                Ok(None)
            }
            Some(b'[') => {
                self.at += 1;
                let mut scratch = Element::new("", None, Pos::default());
                let mut state = ObjectState::default();
                self.parse_array(&mut scratch, "", &mut state)?;
                Ok(None)
            }
            _ => self.parse_scalar().map(Some),
        }
    }

    fn parse_scalar(&mut self) -> Result<Scalar<'a>, ParseError> {
        let start = self.at;
        match self.peek() {
            Some(b'"') => self.parse_string().map(Scalar::String),
            Some(b'-' | b'0'..=b'9') => self.parse_number().map(Scalar::Number),
            Some(b't') => self.parse_literal("true", Scalar::Bool(true)),
            Some(b'f') => self.parse_literal("false", Scalar::Bool(false)),
            Some(b'n') => self.parse_literal("null", Scalar::Null),
            Some(b']' | b'}') => Err(self.error(start, "expected a value (trailing comma?)")),
            Some(_) => {
                let found = self.text[start..].chars().next().unwrap_or_default();
                Err(self.error(
                    start,
                    format!("unexpected character {found:?}, expected a value"),
                ))
            }
            None => Err(self.error(start, "unexpected end of input, expected a value")),
        }
    }

    fn parse_literal(&mut self, word: &str, value: Scalar<'a>) -> Result<Scalar<'a>, ParseError> {
        let start = self.at;
        let end = start + word.len();
        let followed_by_name_char = self
            .bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if self.bytes.get(start..end) != Some(word.as_bytes()) || followed_by_name_char {
            return Err(self.error(
                start,
                "invalid literal: expected a string, number, object, array, true, false or null",
            ));
        }
        self.at = end;
        Ok(value)
    }

    /// RFC 8259 number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept lexical.
    fn parse_number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.error(start, "invalid number: leading zeros are not allowed"));
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return Err(self.error(self.at, "invalid number: expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error(self.at, "invalid number: expected a digit after '.'"));
            }
            self.skip_digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error(self.at, "invalid number: expected a digit in the exponent"));
            }
            self.skip_digits();
        }
        Ok(&self.text[start..self.at])
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
    }

    /// Parses a string whose opening quote is at the cursor; borrows when it has no escapes.
    fn parse_string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        let open = self.at;
        self.at += 1;
        let content_start = self.at;
        self.at += plain_string_len(&self.bytes[self.at..]);
        if self.bytes.get(self.at) == Some(&b'"') {
            self.at += 1;
            return Ok(Cow::Borrowed(&self.text[content_start..self.at - 1]));
        }
        let mut out = String::from(&self.text[content_start..self.at]);
        loop {
            match self.bytes.get(self.at) {
                None => return Err(self.error(open, "unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => self.parse_escape(&mut out)?,
                Some(&b) if b < 0x20 => {
                    return Err(self.error(
                        self.at,
                        format!("control character U+{b:04X} must be escaped in a JSON string"),
                    ));
                }
                Some(_) => {
                    let run_start = self.at;
                    self.at += plain_string_len(&self.bytes[self.at..]);
                    out.push_str(&self.text[run_start..self.at]);
                }
            }
        }
    }

    /// Decodes the escape sequence at the cursor (a backslash) into `out`.
    fn parse_escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let backslash = self.at;
        let decoded = match self.bytes.get(self.at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 2;
                let unit = self.parse_hex4(backslash)?;
                let decoded = match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                            return Err(
                                self.error(backslash, "invalid \\u escape: unpaired surrogate")
                            );
                        }
                        self.at += 2;
                        let low = self.parse_hex4(backslash)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(
                                self.error(backslash, "invalid \\u escape: unpaired surrogate")
                            );
                        }
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    }
                    0xDC00..=0xDFFF => None,
                    _ => char::from_u32(unit),
                };
                out.push(decoded.ok_or_else(|| {
                    self.error(backslash, "invalid \\u escape: unpaired surrogate")
                })?);
                return Ok(());
            }
            _ => {
                let found = self.text[backslash + 1..].chars().next();
                let message = match found {
                    Some(c) => format!("invalid escape sequence '\\{c}'"),
                    None => "unterminated string".to_owned(),
                };
                return Err(self.error(backslash, message));
            }
        };
        out.push(decoded);
        self.at += 2;
        Ok(())
    }

    fn parse_hex4(&mut self, escape_start: usize) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .filter(|digits| digits.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.error(escape_start, "invalid \\u escape: expected 4 hex digits"))?;
        let value = digits.iter().fold(0, |value, &digit| {
            value * 16 + char::from(digit).to_digit(16).unwrap_or(0)
        });
        self.at += 4;
        Ok(value)
    }

    fn enter(&mut self, offset: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(offset, format!("nesting deeper than {MAX_NESTING} levels")));
        }
        Ok(())
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek();
        self.at += 1;
        byte
    }

    /// Reads what follows a value in an object or array: `,` (more to come, `false`) or the
    /// container's `close` byte (`true`).
    fn after_value(&mut self, close: u8) -> Result<bool, ParseError> {
        match self.next_byte() {
            Some(b',') => Ok(false),
            Some(byte) if byte == close => Ok(true),
            _ => Err(self.error(
                self.at.saturating_sub(1),
                format!("expected ',' or '{}' after a value", close as char),
            )),
        }
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(self.tracker.pos(offset), message)
    }

    /// The index after `index` in an array, or an error for an array too long to index.
    fn next_index(&mut self, index: u32) -> Result<u32, ParseError> {
        index
            .checked_add(1)
            .ok_or_else(|| self.error(self.at, "an array has more items than can be indexed"))
    }

    /// Records an error-level issue; `path` is below the root (completed at the end).
    fn issue(&mut self, pos: Pos, path: String, message: impl Into<String>) {
        self.issues.push(ParseIssue::error(pos, path, message));
    }
}

/// Inserts an extension-only primitive (its value was `null`) among its siblings of the same
/// name, by index.
fn insert_in_index_order(element: &mut Element, holder: Element) {
    let same_name = |c: &Element| c.name == holder.name;
    let at = element
        .children
        .iter()
        .position(|c| same_name(c) && c.index > holder.index)
        .or_else(|| {
            element
                .children
                .iter()
                .rposition(same_name)
                .map(|last| last + 1)
        })
        .unwrap_or(element.children.len());
    element.children.insert(at, holder);
}
