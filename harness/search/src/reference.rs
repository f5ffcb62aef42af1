//! Reference parameters (R4 search.html#reference): `[id]`, `[type]/[id]` (optionally
//! `/_history/[version]`), an absolute `[url]`, or a canonical `[url]|[version]`; `:[type]`
//! names the target type (`subject:Patient=1` is `Patient/1`); `:identifier` matches
//! Reference.identifier as a token.
//!
//! A relative reference `Type/id` and an absolute one ending in `/Type/id` are taken to be
//! the same resource: the judge does not know the server's base URL, and a match it cannot
//! refute is a match (a reference to the same `Type/id` on another server is accepted, at
//! worst a missed defect).

use crate::escape::{split, unescape};
use crate::found::{Found, child_text};
use crate::judgement::Verdict;

/// A reference parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceValue {
    /// `[id]`: a resource of any (allowed) type with this id.
    Id(String),
    /// `[type]/[id]`, optionally a version.
    Typed {
        resource_type: String,
        id: String,
        version: Option<String>,
    },
    /// An absolute URL (of a resource, or a canonical with an optional `|version`).
    Url {
        url: String,
        version: Option<String>,
    },
}

/// `Type/id[/_history/v]` read from the end of a reference string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Literal<'a> {
    pub(crate) resource_type: &'a str,
    pub(crate) id: &'a str,
    pub(crate) version: Option<&'a str>,
}

fn is_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn is_type_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
        && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Reads the trailing `Type/id[/_history/v]` of a relative or absolute reference.
pub(crate) fn literal(reference: &str) -> Option<Literal<'_>> {
    let segments: Vec<&str> = reference.split('/').collect();
    let (rest, version) = match segments.as_slice() {
        [rest @ .., "_history", v] => (rest, Some(*v)),
        rest => (rest, None),
    };
    match rest {
        [.., t, id] if is_type_name(t) && is_id(id) => Some(Literal {
            resource_type: t,
            id,
            version,
        }),
        _ => None,
    }
}

impl ReferenceValue {
    /// Reads a value; `type_modifier` is the `:[type]` modifier, if any.
    pub(crate) fn parse(
        text: &str,
        type_modifier: Option<&str>,
        is_resource_type: impl Fn(&str) -> bool,
    ) -> Result<ReferenceValue, String> {
        let bad =
            |why: &str| format!("'{text}' is not a reference value: {why} (search.html#reference)");
        let text_unescaped = unescape(text);
        if let Some(resource_type) = type_modifier {
            if !is_id(&text_unescaped) {
                return Err(bad(&format!(
                    "with :{resource_type} the value must be an id"
                )));
            }
            return Ok(ReferenceValue::Typed {
                resource_type: resource_type.to_owned(),
                id: text_unescaped,
                version: None,
            });
        }
        if text_unescaped.contains("://") || text_unescaped.starts_with("urn:") {
            let parts = split(text, '|');
            let (url, version) = match parts.as_slice() {
                [url] => (unescape(url), None),
                [url, version] if !version.is_empty() => (unescape(url), Some(unescape(version))),
                _ => return Err(bad("more than one '|'")),
            };
            return Ok(ReferenceValue::Url { url, version });
        }
        if is_id(&text_unescaped) {
            return Ok(ReferenceValue::Id(text_unescaped));
        }
        let segments: Vec<&str> = text_unescaped.split('/').collect();
        let (resource_type, id, version) = match segments.as_slice() {
            [t, id] => (*t, *id, None),
            [t, id, "_history", v] if !v.is_empty() => (*t, *id, Some(*v)),
            _ => return Err(bad("expected [id], [type]/[id] or an absolute URL")),
        };
        if !is_resource_type(resource_type) {
            return Err(bad(&format!("{resource_type} is not a resource type")));
        }
        if !is_id(id) {
            return Err(bad(&format!("'{id}' is not an id")));
        }
        Ok(ReferenceValue::Typed {
            resource_type: resource_type.to_owned(),
            id: id.to_owned(),
            version: version.map(str::to_owned),
        })
    }
}

/// One reference parameter value against one value found.
pub(crate) fn verdict(value: &ReferenceValue, found: &Found) -> Verdict {
    let label = found.label();
    let (target, canonical) = match (found.type_name(), found.element()) {
        (Some("Reference"), Some(e)) => match child_text(e, "reference") {
            Some(r) => (r.to_owned(), false),
            None => {
                return Verdict::Unknown(format!(
                    "{label} has no literal reference (only an identifier or display), which a server may still resolve"
                ));
            }
        },
        (Some("canonical" | "uri" | "url"), _) => match found.text() {
            Some(t) => (t, true),
            None => return Verdict::No(format!("{label} has no value")),
        },
        (other, _) => {
            return Verdict::Unknown(format!(
                "{label}: reference search on {} is not judged",
                other.unwrap_or("a value of unknown type")
            ));
        }
    };
    if canonical {
        return canonical_verdict(value, &target, &label);
    }
    if target.starts_with('#') {
        return Verdict::No(format!(
            "{label} '{target}' is a contained resource, which reference search does not match"
        ));
    }
    let found_literal = literal(&target);
    let shown = format!("{label} '{target}'");
    let rule = "search.html#reference";
    let no_literal = || {
        Verdict::Unknown(format!(
            "{shown} names no [type]/[id], so whether it is the resource asked for cannot be told"
        ))
    };
    match value {
        ReferenceValue::Url { url, .. } => {
            let same_tail = match (literal(url), &found_literal) {
                (Some(a), Some(b)) => a.resource_type == b.resource_type && a.id == b.id,
                _ => false,
            };
            let relative = !target.contains("://");
            Verdict::from_bool(*url == target || (same_tail && relative), || {
                format!("{shown} is not {url} ({rule})")
            })
        }
        ReferenceValue::Id(id) => match found_literal {
            Some(l) => Verdict::from_bool(l.id == id, || {
                format!(
                    "{shown} does not have id {id} ([id]: the id of the target must be equal, {rule})"
                )
            }),
            None => no_literal(),
        },
        ReferenceValue::Typed {
            resource_type,
            id,
            version,
        } => {
            let Some(l) = found_literal else {
                return no_literal();
            };
            if l.resource_type != resource_type || l.id != id {
                return Verdict::No(format!(
                    "{shown} is not {resource_type}/{id} ([type]/[id]: type and id must be equal, {rule})"
                ));
            }
            match (version, l.version) {
                (None, _) => Verdict::Yes,
                (Some(v), Some(f)) => {
                    Verdict::from_bool(v == f, || format!("{shown} is not version {v} ({rule})"))
                }
                (Some(v), None) => Verdict::Unknown(format!(
                    "{shown} does not name a version; whether it is version {v} cannot be told"
                )),
            }
        }
    }
}

/// A canonical (or uri) value found against a reference parameter value: the URL must be
/// equal, and the version too when the parameter gives one (search.html#versions).
fn canonical_verdict(value: &ReferenceValue, target: &str, label: &str) -> Verdict {
    let (found_url, found_version) = match target.split_once('|') {
        Some((u, v)) => (u, Some(v)),
        None => (target, None),
    };
    let ReferenceValue::Url { url, version } = value else {
        return Verdict::Unknown(format!(
            "{label} '{target}' is a canonical; a relative reference value is not compared with it"
        ));
    };
    if found_url != url {
        return Verdict::No(format!(
            "{label} '{target}' is not {url} (search.html#reference)"
        ));
    }
    match (version, found_version) {
        (None, _) => Verdict::Yes,
        (Some(v), Some(f)) => Verdict::from_bool(v == f, || {
            format!("{label} '{target}' is not version {v} (search.html#versions)")
        }),
        (Some(v), None) => Verdict::Unknown(format!(
            "{label} '{target}' names no version; the resource it points to may be version {v}"
        )),
    }
}

/// The resource type a reference found points to, read from the reference string or its
/// `type` element; `None` when neither tells.
pub(crate) fn target_type(found: &Found) -> Option<String> {
    let element = found.element()?;
    if let Some(l) = child_text(element, "reference").and_then(literal) {
        return Some(l.resource_type.to_owned());
    }
    child_text(element, "type").map(|t| t.rsplit('/').next().unwrap_or(t).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ReferenceValue, String> {
        ReferenceValue::parse(text, None, |t| ["Patient", "Group"].contains(&t))
    }

    #[test]
    fn reads_the_reference_forms() {
        assert_eq!(parse("1"), Ok(ReferenceValue::Id("1".into())));
        assert_eq!(
            parse("Patient/1"),
            Ok(ReferenceValue::Typed {
                resource_type: "Patient".into(),
                id: "1".into(),
                version: None
            })
        );
        assert!(matches!(
            parse("Patient/1/_history/2"),
            Ok(ReferenceValue::Typed {
                version: Some(_),
                ..
            })
        ));
        assert!(matches!(
            parse("http://x/fhir/Patient/1"),
            Ok(ReferenceValue::Url { .. })
        ));
        assert!(matches!(
            parse("http://x/ValueSet/v|1.0"),
            Ok(ReferenceValue::Url {
                version: Some(_),
                ..
            })
        ));
        for bad in ["Foo/1", "Patient/", "a b", "Patient/1/2", "Patient/x_y", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(ReferenceValue::parse("Patient/1", Some("Patient"), |_| true).is_err());
    }

    #[test]
    fn literals_are_read_from_the_end() {
        let l = literal("http://server/fhir/Patient/1/_history/3").unwrap();
        assert_eq!(
            (l.resource_type, l.id, l.version),
            ("Patient", "1", Some("3"))
        );
        assert!(literal("urn:uuid:1234").is_none());
    }
}
