//! `assure run --waivers FILE`: known failures accepted until a date. The file is YAML:
//!
//! ```yaml
//! waivers:
//!   - id: CORE-HIST-01
//!     reason: history is not implemented before release 4.2 (ticket FHIR-123)
//!     owner: fhir-team@example.org
//!     expires: 2026-06-30
//! ```
//!
//! Every problem is an error naming `file:line:column`: a key that is not one of these, a
//! field missing or empty, a date that is not `YYYY-MM-DD`, an id waived twice, an id that no
//! loaded check has and no generator of the loaded suites could make. A waiver applies through
//! its `expires` day (UTC); after it, it is expired.

use std::path::Path;

use saphyr_parser::{Event, Parser, Span};
use time::{Date, macros::format_description};

use crate::cli::error::CliError;
use crate::results::Waiver;
use crate::suite::{Generators, PROFILE_CHECKS, Position, Suite};

/// The waivers of `path`, each marked expired when `today` is past its date; a usage error
/// listing every problem when the file is not a valid waiver file for `suites`.
pub fn load(path: &Path, suites: &[Suite], today: Date) -> Result<Vec<Waiver>, CliError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read the waivers {file}: {e}")))?;
    let at = |position: Position, message: String| (position, message);
    let shown = |(position, message): (Position, String)| {
        CliError::usage(format!(
            "{file}:{}:{}: {message}",
            position.line, position.column
        ))
    };
    let root = parse(&text).map_err(shown)?;
    let mut problems = Vec::new();
    let mut waivers: Vec<Waiver> = Vec::new();
    let entries = match root.mapping() {
        Some(entries) => entries,
        None => {
            return Err(shown((
                root.at,
                "expected a mapping with a `waivers:` list".to_owned(),
            )));
        }
    };
    let mut list = None;
    for (key, value) in entries {
        match key.scalar() {
            Some("waivers") => list = Some(value),
            _ => problems.push(at(
                key.at,
                "unknown key: the file has only `waivers:`".into(),
            )),
        }
    }
    let items = match list.map(|node| (node, &node.value)) {
        Some((_, Value::Sequence(items))) => items.as_slice(),
        Some((_, Value::Scalar(text))) if text.is_empty() => &[],
        Some((node, _)) => {
            problems.push(at(node.at, "`waivers` must be a list".into()));
            &[]
        }
        None => {
            problems.push(at(root.at, "missing `waivers:` list".into()));
            &[]
        }
    };
    for item in items {
        let Some(fields) = item.mapping() else {
            problems.push(at(
                item.at,
                "a waiver is a mapping of id, reason, owner and expires".into(),
            ));
            continue;
        };
        let read = |name: &str| -> Option<&Node> {
            fields
                .iter()
                .rev()
                .find(|(key, _)| key.scalar() == Some(name))
                .map(|(_, value)| value)
        };
        for (key, _) in fields {
            if !matches!(key.scalar(), Some("id" | "reason" | "owner" | "expires")) {
                problems.push(at(
                    key.at,
                    format!(
                        "unknown key `{}`: a waiver has id, reason, owner and expires",
                        key.scalar().unwrap_or("?")
                    ),
                ));
            }
        }
        let mut text = |name: &str| match read(name) {
            Some(node) => match node.scalar().map(str::trim) {
                Some(value) if !value.is_empty() => Some((node.at, value.to_owned())),
                _ => {
                    problems.push(at(node.at, format!("`{name}` must be non-empty text")));
                    None
                }
            },
            None => {
                problems.push(at(item.at, format!("the waiver has no `{name}`")));
                None
            }
        };
        let (id, reason, owner, expires) =
            (text("id"), text("reason"), text("owner"), text("expires"));
        let (Some((id_at, id)), Some((_, reason)), Some((_, owner)), Some((date_at, expires))) =
            (id, reason, owner, expires)
        else {
            continue;
        };
        let date = Date::parse(&expires, format_description!("[year]-[month]-[day]"));
        let Ok(date) = date else {
            problems.push(at(
                date_at,
                format!("`expires` must be a date as YYYY-MM-DD, not `{expires}`"),
            ));
            continue;
        };
        if waivers.iter().any(|waiver| waiver.id == id) {
            problems.push(at(id_at, format!("`{id}` is waived twice")));
            continue;
        }
        if let Err(message) = known(&id, suites) {
            problems.push(at(id_at, message));
            continue;
        }
        waivers.push(Waiver {
            id,
            reason,
            owner,
            expires,
            expired: date < today,
            source: format!("{file}:{}:{}", item.at.line, item.at.column),
        });
    }
    problems.sort_by_key(|(position, _)| *position);
    let mut problems = problems.into_iter().map(shown);
    match problems.next() {
        None => Ok(waivers),
        Some(first) => Err(problems.fold(first, CliError::and)),
    }
}

/// Whether some loaded check has `id`, or a generator of the loaded suites could make it; else
/// why not, with the closest written id when one is close.
fn known(id: &str, suites: &[Suite]) -> Result<(), String> {
    let written = suites
        .iter()
        .flat_map(|suite| &suite.tests)
        .map(|t| t.id.as_str());
    if written.clone().any(|written| written == id)
        || suites.iter().any(|suite| may_generate(&suite.generate, id))
    {
        return Ok(());
    }
    let closest = written
        .map(|candidate| (strsim::levenshtein(candidate, id), candidate))
        .min()
        .filter(|(distance, _)| *distance <= (id.len() / 4).max(2))
        .map(|(_, candidate)| format!(" (did you mean `{candidate}`?)"))
        .unwrap_or_default();
    Err(format!(
        "no check has the id `{id}`, and no generator of the loaded suites makes it{closest}"
    ))
}

/// Whether `id` has the form of a check `generators` make: `<prefix>-<Type>-<code>…` for search
/// (a claimed type, among `types` when the suite names them), `<prefix>-<Name>-<CHECK>` for
/// profiles.
fn may_generate(generators: &Generators, id: &str) -> bool {
    let search = generators.search.as_ref().is_some_and(|generator| {
        let rest = id.strip_prefix(&format!("{}-", generator.id_prefix));
        let parts = rest.and_then(|rest| rest.split_once('-'));
        parts.is_some_and(|(resource_type, code)| {
            resource_type.starts_with(|c: char| c.is_ascii_uppercase())
                && resource_type.chars().all(|c| c.is_ascii_alphanumeric())
                && !code.is_empty()
                && generator
                    .types
                    .as_ref()
                    .is_none_or(|types| types.iter().any(|t| t == resource_type))
        })
    });
    let profiles = generators.profiles.as_ref().is_some_and(|generator| {
        id.strip_prefix(&format!("{}-", generator.id_prefix))
            .is_some_and(|rest| {
                PROFILE_CHECKS.iter().any(|check| {
                    rest.strip_suffix(check)
                        .and_then(|name| name.strip_suffix('-'))
                        .is_some_and(|name| !name.is_empty())
                })
            })
    });
    search || profiles
}

/// A YAML node and where it starts.
struct Node {
    at: Position,
    value: Value,
}

enum Value {
    Scalar(String),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    fn mapping(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Mapping(entries) => Some(entries),
            _ => None,
        }
    }
}

/// The first document of `text` as a tree; anchors are ignored and aliases refused.
fn parse(text: &str) -> Result<Node, (Position, String)> {
    /// A collection being read, with a mapping's key waiting for its value.
    struct Open {
        at: Position,
        items: Vec<Node>,
        mapping: bool,
    }
    let position = |span: Span| Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    };
    let mut open: Vec<Open> = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| {
            let marker = error.marker();
            let at = Position {
                line: marker.line(),
                column: marker.col() + 1,
            };
            (at, error.info().to_owned())
        })?;
        let at = position(span);
        let node = match event {
            Event::Scalar(text, ..) => Node {
                at,
                value: Value::Scalar(text.into_owned()),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if open.len() >= 16 {
                    return Err((at, "nested too deeply for a waiver file".into()));
                }
                let mapping = matches!(event, Event::MappingStart(..));
                open.push(Open {
                    at,
                    items: Vec::new(),
                    mapping,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(done) = open.pop() else { continue };
                let value = if done.mapping {
                    let mut items = done.items.into_iter();
                    let mut entries = Vec::new();
                    while let (Some(key), Some(value)) = (items.next(), items.next()) {
                        entries.push((key, value));
                    }
                    Value::Mapping(entries)
                } else {
                    Value::Sequence(done.items)
                };
                Node { at: done.at, value }
            }
            Event::Alias(_) => return Err((at, "aliases are not allowed in a waiver file".into())),
            Event::DocumentEnd => break,
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) => {
                continue;
            }
        };
        match open.last_mut() {
            Some(parent) => parent.items.push(node),
            None => root = Some(node),
        }
    }
    Ok(root.unwrap_or(Node {
        at: Position::START,
        value: Value::Scalar(String::new()),
    }))
}
