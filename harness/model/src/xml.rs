//! FHIR XML → [`Element`] tree, the same shape the JSON parser produces.
//!
//! - The root element's name is the resource type.
//! - A `value` attribute is the primitive value (always [`Primitive::String`]: XML has no
//!   JSON kinds); an `id` attribute becomes an `id` child, the `url` attribute of an
//!   extension becomes a `url` child. Children made from attributes carry the position of
//!   their element. Any other attribute (even `xsi:schemaLocation`) is reported.
//! - Nested resources are wrapped (`<contained><Patient>…</Patient></contained>`): the wrapper
//!   becomes one element with [`Element::resource_type`] set and the resource's children.
//! - A `div` in the XHTML namespace becomes [`Primitive::Xhtml`], serialised by
//!   [`canonical_xhtml`](crate::canonical_xhtml).
//! - XML cannot tell a one-item array from a single value without the definitions: every
//!   occurrence of a name that repeats among its siblings gets `index: Some(n)`, a name that
//!   occurs once gets `None`. The validator decides cardinality.
//!
//! DOCTYPE declarations are refused (no entity expansion: no XXE, no "billion laughs").

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

use crate::path::{PathStack, with_root};
use crate::position::PosTracker;
use crate::{
    Element, Format, MAX_NESTING, NameTable, ParseError, ParseIssue, Parsed, Pos, Primitive,
    canonical_xhtml,
};

/// The FHIR namespace.
pub(crate) const FHIR_NS: &str = "http://hl7.org/fhir";
/// The XHTML namespace, used by narrative `div`s.
pub(crate) const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Parses a FHIR XML resource (already checked to be UTF-8, without byte-order mark).
pub(crate) fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_comments = true;
    let mut parser = XmlParser {
        text,
        reader,
        tracker: PosTracker::new(text.as_bytes()),
        stack: Vec::new(),
        root: None,
        path: PathStack::default(),
        issues: Vec::new(),
        names: NameTable::default(),
    };
    parser.run()?;
    let root = match parser.root {
        Some(root) => root,
        None => {
            return Err(ParseError::new(
                parser.tracker.pos(text.len()),
                "no root element",
            ));
        }
    };
    let mut issues = parser.issues;
    for issue in &mut issues {
        issue.path = with_root(&root.name, &issue.path);
        if let Some(emptied) = &mut issue.emptied {
            *emptied = with_root(&root.name, emptied);
        }
    }
    Ok(Parsed {
        root,
        issues,
        format: Format::Xml,
    })
}

/// The namespace an element or attribute name resolved to.
#[derive(PartialEq)]
enum Namespace {
    Fhir,
    Xhtml,
    Other(String),
    None,
}

/// An element being parsed.
struct Frame {
    element: Element,
    /// A resource (`<Patient>`): the root, or the content of a wrapper element whose
    /// children it becomes.
    is_resource: bool,
    /// Whether the current run of stray text in this element was already reported (a run
    /// ends at a child element).
    text_reported: bool,
    /// The names of the child elements opened so far.
    child_names: NameCounts,
}

/// How many times each name occurred, for the `[n]` of issue paths: a short list scanned
/// while few names are seen, a hash map beyond.
#[derive(Default)]
struct NameCounts {
    few: Vec<(String, usize)>,
    many: HashMap<String, usize>,
}

impl NameCounts {
    const SCAN_LIMIT: usize = 16;

    /// Counts one more `name`; returns how many came before it.
    fn next_occurrence(&mut self, name: &str) -> usize {
        if self.many.is_empty() {
            if let Some((_, count)) = self.few.iter_mut().find(|(seen, _)| seen == name) {
                *count += 1;
                return *count - 1;
            }
            if self.few.len() < Self::SCAN_LIMIT {
                self.few.push((name.to_owned(), 1));
                return 0;
            }
            self.many.extend(self.few.drain(..));
        }
        let count = self.many.entry(name.to_owned()).or_default();
        *count += 1;
        *count - 1
    }
}

struct XmlParser<'a> {
    text: &'a str,
    reader: NsReader<&'a [u8]>,
    tracker: PosTracker<'a>,
    stack: Vec<Frame>,
    root: Option<Element>,
    path: PathStack,
    issues: Vec<ParseIssue>,
    /// The names given to nodes so far, shared between nodes of the same name.
    names: NameTable,
}

impl<'a> XmlParser<'a> {
    fn run(&mut self) -> Result<(), ParseError> {
        loop {
            let start = self.offset();
            let (namespace, event) = match self.reader.read_resolved_event() {
                Ok((resolved, event)) => (classify(resolved), event),
                Err(error) => {
                    let at = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
                    return Err(self.error(at, format!("malformed XML: {error}")));
                }
            };
            match event {
                Event::Start(tag) | Event::Empty(tag) if namespace.is_err() => {
                    let prefix = tag.name().prefix().map(|p| p.into_inner().to_owned());
                    let message = format!(
                        "undeclared namespace prefix '{}'",
                        prefix.unwrap_or_default()
                    );
                    return Err(self.error(start, message));
                }
                Event::Start(tag) => {
                    self.open(namespace.unwrap_or(Namespace::None), &tag, start, false)?
                }
                Event::Empty(tag) => {
                    self.open(namespace.unwrap_or(Namespace::None), &tag, start, true)?
                }
                Event::End(_) => self.close(),
                Event::Text(text) => {
                    if !text.chars().all(is_xml_whitespace) {
                        self.stray_text(start)?;
                    }
                }
                Event::CData(_) | Event::GeneralRef(_) => self.stray_text(start)?,
                Event::DocType(_) => {
                    return Err(self.error(
                        start,
                        "DOCTYPE declarations are not allowed in FHIR XML (they enable entity expansion attacks such as XXE)",
                    ));
                }
                Event::Decl(declaration) => {
                    if let Some(Ok(encoding)) = declaration.encoding()
                        && !encoding.eq_ignore_ascii_case("utf-8")
                    {
                        let pos = self.tracker.pos(start);
                        self.issues.push(ParseIssue::error(
                            pos,
                            "",
                            format!(
                                "FHIR XML must be encoded in UTF-8, the declaration says {encoding:?}"
                            ),
                        ));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => break,
            }
        }
        if let Some(open) = self.stack.last() {
            let message = format!(
                "unexpected end of document: <{}> is not closed",
                open.element.name
            );
            return Err(self.error(self.text.len(), message));
        }
        Ok(())
    }

    /// Handles a start tag (and, for `empty`, its end).
    fn open(
        &mut self,
        namespace: Namespace,
        tag: &BytesStart<'a>,
        start: usize,
        empty: bool,
    ) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_NESTING {
            return Err(self.error(start, format!("nesting deeper than {MAX_NESTING} levels")));
        }
        let pos = self.tracker.pos(start);
        let local = tag.local_name().into_inner();
        if let Some(parent) = self.stack.last_mut() {
            parent.text_reported = false;
        }
        if self.stack.is_empty() {
            if self.root.is_some() {
                return Err(self.error(start, "only one root element is allowed"));
            }
            if namespace != Namespace::Fhir {
                return Err(self.error(
                    start,
                    format!("the root element <{local}> is not in the FHIR namespace {FHIR_NS}"),
                ));
            }
        }
        match namespace {
            Namespace::Fhir => {}
            Namespace::Xhtml if local == "div" => return self.narrative(tag, start, pos, empty),
            other => {
                let namespace = match other {
                    Namespace::Other(uri) => format!("namespace {uri}"),
                    Namespace::Xhtml => format!("namespace {XHTML_NS}"),
                    _ => "no namespace".to_owned(),
                };
                let path = self.child_path(local);
                self.issues.push(ParseIssue::error(
                    pos,
                    path,
                    format!("element <{local}> is in {namespace}, not the FHIR namespace {FHIR_NS}; it is ignored"),
                ));
                if !empty {
                    self.reader
                        .read_to_end(tag.name())
                        .map_err(|error| self.error(start, format!("malformed XML: {error}")))?;
                }
                return Ok(());
            }
        }
        let is_resource = local.starts_with(|c: char| c.is_ascii_uppercase());
        if self.stack.is_empty() && !is_resource {
            self.issues.push(ParseIssue::error(
                pos,
                "",
                format!("the root element <{local}> is not a resource type"),
            ));
        }
        // Resources add no path step: their content belongs to the wrapper (or is the root).
        if let Some(parent) = self.stack.last_mut()
            && !is_resource
        {
            let occurrence = parent.child_names.next_occurrence(local);
            self.path
                .push(local, (occurrence > 0).then_some(item_index(occurrence)));
        }
        let mut element = Element::new(self.names.name(local), None, pos);
        self.read_attributes(tag, start, is_resource, &mut element)?;
        self.stack.push(Frame {
            element,
            is_resource,
            text_reported: false,
            child_names: NameCounts::default(),
        });
        if empty {
            self.close();
        }
        Ok(())
    }

    /// Turns the attributes of a FHIR element into its value and `id`/`url` children.
    /// A resource element (`<Patient>`) has none: its id is an `<id>` child.
    fn read_attributes(
        &mut self,
        tag: &BytesStart<'a>,
        start: usize,
        is_resource: bool,
        element: &mut Element,
    ) -> Result<(), ParseError> {
        for attribute in tag.attributes() {
            let attribute = attribute
                .map_err(|error| self.error(start, format!("malformed attribute: {error}")))?;
            let key = attribute.key.into_inner();
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            // FHIR elements have no attributes in a namespace (not even `xsi:schemaLocation`).
            match self.reader.resolver().resolve_attribute(attribute.key).0 {
                ResolveResult::Unbound => {}
                ResolveResult::Bound(_) => {
                    let path = self.path.below_root().to_owned();
                    self.issues.push(ParseIssue::error(
                        element.pos,
                        path,
                        format!("unknown attribute '{key}' on <{}>", element.name),
                    ));
                    continue;
                }
                ResolveResult::Unknown(prefix) => {
                    return Err(
                        self.error(start, format!("undeclared namespace prefix '{prefix}'"))
                    );
                }
            }
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|error| self.error(start, format!("attribute '{key}': {error}")))?
                .into_owned();
            let is_extension = element.name == "extension" || element.name == "modifierExtension";
            match key {
                "value" | "id" if !is_resource => {
                    self.check_attribute_value(element.pos, key, &value)
                }
                "url" if is_extension => self.check_attribute_value(element.pos, key, &value),
                _ => {
                    let path = self.path.below_root().to_owned();
                    self.issues.push(ParseIssue::error(
                        element.pos,
                        path,
                        format!("unknown attribute '{key}' on <{}>", element.name),
                    ));
                    continue;
                }
            }
            if key == "value" {
                element.value = Some(Primitive::String(value.into()));
            } else {
                let mut child = Element::new(self.names.name(key), None, element.pos);
                child.value = Some(Primitive::String(value.into()));
                element.children.push(child);
            }
        }
        Ok(())
    }

    /// Reports empty values and values with surrounding whitespace.
    fn check_attribute_value(&mut self, pos: Pos, key: &str, value: &str) {
        let path = self.path.below_root().to_owned();
        if value.is_empty() {
            self.issues.push(ParseIssue::error(
                pos,
                path,
                format!("empty '{key}' attribute: omit the attribute instead"),
            ));
        } else if value.starts_with(is_xml_whitespace) || value.ends_with(is_xml_whitespace) {
            self.issues.push(ParseIssue::warning(
                pos,
                path,
                format!("the '{key}' attribute has leading or trailing whitespace"),
            ));
        }
    }

    /// Reads a narrative `div` (in the XHTML namespace) as one [`Primitive::Xhtml`] child.
    fn narrative(
        &mut self,
        tag: &BytesStart<'a>,
        start: usize,
        pos: Pos,
        empty: bool,
    ) -> Result<(), ParseError> {
        if !empty {
            self.reader.read_to_end(tag.name()).map_err(|error| {
                self.error(start, format!("malformed XML in the narrative: {error}"))
            })?;
        }
        let end = self.offset();
        let xhtml = canonical_xhtml(&self.text[start..end]).map_err(|error| {
            self.error(
                start + error.offset,
                format!("malformed XHTML in the narrative: {}", error.message),
            )
        })?;
        let mut div = Element::new(self.names.name("div"), None, pos);
        div.value = Some(Primitive::Xhtml(xhtml.into()));
        if let Some(parent) = self.stack.last_mut() {
            parent.element.children.push(div);
        }
        Ok(())
    }

    /// Handles an end tag: finishes the element and hands it to its parent.
    fn close(&mut self) {
        let Some(Frame {
            mut element,
            is_resource,
            ..
        }) = self.stack.pop()
        else {
            return;
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.text_reported = false;
        }
        number_repeats(&mut element.children);
        // The tree lives as long as the document is validated: give back spare capacity.
        element.children.shrink_to_fit();
        if !is_resource {
            // A resource's `id` is content; elsewhere it is the element's `id` attribute.
            let has_content = element.resource_type.is_some()
                || element.value.is_some()
                || element.children.iter().any(|c| c.name != "id");
            if !has_content {
                let path = self.path.below_root().to_owned();
                let message = format!(
                    "<{}> has no value attribute and no child elements",
                    element.name
                );
                let issue = ParseIssue::error(element.pos, path.clone(), message);
                self.issues.push(issue.emptying(path));
            }
            if !self.stack.is_empty() {
                self.path.pop();
            }
        }
        match self.stack.last_mut() {
            None => {
                if is_resource {
                    element.resource_type = Some(element.name.clone());
                }
                self.root = Some(element);
            }
            Some(parent) if is_resource => {
                let wrapper = &mut parent.element;
                if wrapper.resource_type.is_some()
                    || wrapper.children.iter().any(|c| c.name != "id")
                {
                    let path = self.path.below_root().to_owned();
                    self.issues.push(ParseIssue::error(
                        element.pos,
                        path,
                        format!(
                            "<{}> must contain exactly one resource and nothing else",
                            wrapper.name
                        ),
                    ));
                } else {
                    wrapper.resource_type = Some(element.name);
                    wrapper.children.append(&mut element.children);
                }
            }
            Some(parent) => {
                if parent.element.resource_type.is_some() && !parent.is_resource {
                    let path = self.path.below_root().to_owned();
                    self.issues.push(ParseIssue::error(
                        element.pos,
                        path,
                        format!(
                            "<{}> must contain exactly one resource and nothing else",
                            parent.element.name
                        ),
                    ));
                }
                parent.element.children.push(element);
            }
        }
    }

    /// Non-whitespace text (or CDATA, or an entity reference) where only elements may be.
    fn stray_text(&mut self, start: usize) -> Result<(), ParseError> {
        let pos = self.tracker.pos(start);
        let Some(frame) = self.stack.last_mut() else {
            return Err(ParseError::new(
                pos,
                "text content outside the root element",
            ));
        };
        if !frame.text_reported {
            frame.text_reported = true;
            let message = format!(
                "text content is not allowed in <{}>: FHIR XML puts values in 'value' attributes",
                frame.element.name
            );
            let path = self.path.below_root().to_owned();
            self.issues.push(ParseIssue::error(pos, path, message));
        }
        Ok(())
    }

    /// The path of a child named `name` of the current element.
    fn child_path(&self, name: &str) -> String {
        format!("{}.{name}", self.path.below_root())
    }

    fn offset(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(self.tracker.pos(offset), message)
    }
}

/// Maps a resolved namespace; `Err` for an undeclared prefix.
fn classify(resolved: ResolveResult<'_>) -> Result<Namespace, ()> {
    Ok(match resolved {
        ResolveResult::Bound(namespace) => match namespace.into_inner() {
            FHIR_NS => Namespace::Fhir,
            XHTML_NS => Namespace::Xhtml,
            other => Namespace::Other(other.to_owned()),
        },
        ResolveResult::Unbound => Namespace::None,
        ResolveResult::Unknown(_) => return Err(()),
    })
}

/// Gives every occurrence of a repeated name among `children` its occurrence number.
fn number_repeats(children: &mut [Element]) {
    const FEW: usize = 8;
    if children.len() < 2 {
        return;
    }
    if children.len() <= FEW {
        // Few children: compare pairwise, no allocation.
        for i in 0..children.len() {
            let name = &children[i].name;
            let before = children[..i].iter().filter(|c| &c.name == name).count();
            let after = children[i + 1..].iter().filter(|c| &c.name == name).count();
            if before + after > 0 {
                children[i].index = Some(item_index(before));
            }
        }
        return;
    }
    // A stable sort by name keeps document order within each name.
    let mut by_name: Vec<usize> = (0..children.len()).collect();
    by_name.sort_by(|&a, &b| children[a].name.cmp(&children[b].name));
    let mut group_start = 0;
    for end in 1..=by_name.len() {
        let group_ends = end == by_name.len()
            || children[by_name[end]].name != children[by_name[group_start]].name;
        if group_ends {
            if end - group_start > 1 {
                for (n, &child) in by_name[group_start..end].iter().enumerate() {
                    children[child].index = Some(item_index(n));
                }
            }
            group_start = end;
        }
    }
}

/// An occurrence number as an [`Element::index`]. A document small enough to be read has far
/// fewer siblings than `u32` counts; the conversion saturates rather than wraps.
fn item_index(occurrence: usize) -> u32 {
    u32::try_from(occurrence).unwrap_or(u32::MAX)
}

fn is_xml_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}
