//! Validation of one received document: the resource itself, or, when a profile is asked of a
//! Bundle, every `entry.resource` against that profile.

use assure_model::{Element, Format};
use std::sync::Arc;

use assure_validate::{Issue, Options, Outcome, ReferenceResolver, Severity, Validator};

/// Validates `bytes` (JSON or XML, sniffed) against its own type and `meta.profile`, plus
/// `profile` when given. A Bundle with a `profile` has each `entry.resource` checked against
/// it (the Bundle itself against its base definition); issue locations name the entry, e.g.
/// `Bundle.entry[2].resource.name[0]`. References to resources outside the document are
/// looked up with `resolver`, when given.
pub fn check_document(
    validator: &Validator,
    bytes: &[u8],
    profile: Option<&str>,
    resolver: Option<Arc<dyn ReferenceResolver>>,
) -> Outcome {
    let Some(format) = Format::sniff(bytes, None) else {
        let what = if bytes.iter().all(u8::is_ascii_whitespace) {
            "The body is empty"
        } else {
            "The body is neither FHIR JSON nor FHIR XML"
        };
        return Outcome {
            issues: vec![document_issue(what)],
        };
    };
    let profiles: Vec<String> = profile.map(str::to_owned).into_iter().collect();
    let parsed = match assure_model::parse(bytes, format) {
        Ok(parsed) if parsed.root.resource_type.as_deref() == Some("Bundle") => parsed,
        _ => {
            let options = Options {
                profiles,
                format: Some(format),
                resolver,
            };
            return validator.validate_bytes(bytes, format, &options);
        }
    };
    let base_options = Options {
        resolver: resolver.clone(),
        ..Options::default()
    };
    let mut outcome = validator.validate_bytes(bytes, format, &base_options);
    if profiles.is_empty() {
        return outcome;
    }
    let options = Options {
        profiles,
        format: Some(format),
        resolver,
    };
    for (index, entry) in parsed.root.children_named("entry").enumerate() {
        if let Some(resource) = entry.child("resource") {
            let mut resource: Element = resource.clone();
            resource.name = format!("Bundle.entry[{index}].resource");
            outcome
                .issues
                .extend(validator.validate(&resource, &options));
        }
    }
    dedup(&mut outcome.issues);
    outcome
}

/// Removes repeated issues (an entry is checked against its base both inside the Bundle and
/// on its own), keeping the first of each.
fn dedup(issues: &mut Vec<Issue>) {
    let mut seen = std::collections::HashSet::new();
    issues.retain(|issue| {
        seen.insert((
            issue.severity,
            issue.location.clone(),
            issue.line,
            issue.col,
            issue.message.clone(),
        ))
    });
}

fn document_issue(message: &str) -> Issue {
    Issue {
        severity: Severity::Error,
        location: "(document)".into(),
        line: 0,
        col: 0,
        message: message.into(),
        rule: "parse".into(),
    }
}
