//! Validation of one document: a file, or a received body (with a profile asked of a Bundle,
//! every `entry.resource` against that profile).

use std::collections::HashSet;
use std::sync::Arc;

use assure_model::{Format, Parsed};
use assure_validate::{
    BundleRule, Issue, KnownResources, Options, Outcome, ReferenceResolver, Severity, Stop,
    Switches, Validator,
};

/// A document to validate.
#[derive(Debug, Clone, Copy)]
pub enum Document<'a> {
    /// A file: its name's extension hints the format; profiles apply to the document itself.
    File { name: &'a str, bytes: &'a [u8] },
    /// A response body: a profile asked of a Bundle applies to each `entry.resource`.
    Body(&'a [u8]),
}

/// Validates `document` (JSON or XML, sniffed) against its own type and `meta.profile`, plus
/// `profiles`. A [`Document::Body`] Bundle with profiles has each `entry.resource` checked
/// against them (the Bundle itself against its base definition); issue locations name the
/// entry, e.g. `Bundle.entry[2].resource.name[0]`. References to resources outside the
/// document are looked up with `resolver`, when given. `switches` tune the validator; `stop`
/// ends it early (the outcome then says so).
pub fn validate_document(
    validator: &Validator,
    document: Document<'_>,
    profiles: &[String],
    resolver: Option<Arc<dyn ReferenceResolver>>,
    switches: &Switches,
    stop: &Stop,
) -> Outcome {
    let (bytes, name) = match document {
        Document::File { name, bytes } => (bytes, Some(name)),
        Document::Body(bytes) => (bytes, None),
    };
    let Some(format) = Format::sniff(bytes, name) else {
        return Outcome {
            issues: vec![document_issue(not_fhir(document))],
        };
    };
    let options = Options {
        profiles: profiles.to_vec(),
        format: Some(format),
        resolver,
        switches: switches.clone(),
        stop: stop.clone(),
    };
    if matches!(document, Document::File { .. }) || profiles.is_empty() {
        return validator.validate_bytes(bytes, format, &options);
    }
    match assure_model::parse(bytes, format) {
        Ok(parsed) if parsed.root.resource_type.as_deref() == Some("Bundle") => {
            validate_entries(validator, parsed, &options)
        }
        _ => validator.validate_bytes(bytes, format, &options),
    }
}

/// A parsed Bundle against its base definition (and the Bundle rules), then each
/// `entry.resource` against `options`' profiles, until `options.stop` stops them. Each
/// resource is renamed in place for its issues' locations (not copied), and let go of once it
/// is validated.
fn validate_entries(validator: &Validator, mut bundle: Parsed, options: &Options) -> Outcome {
    let base_options = Options {
        resolver: options.resolver.clone(),
        switches: options.switches.clone(),
        stop: options.stop.clone(),
        ..Options::default()
    };
    // The Bundle rules select entries of this Bundle, not of a Bundle an entry holds.
    let options = &Options {
        switches: Switches {
            bundle_rules: Vec::new(),
            ..options.switches.clone()
        },
        ..options.clone()
    };
    let mut outcome =
        validator.validate_parsed(&bundle.root, &bundle.issues, bundle.format, &base_options);
    let entries = bundle
        .root
        .children
        .iter_mut()
        .filter(|c| c.name == "entry");
    for (index, entry) in entries.enumerate() {
        if options.stop.is_stopped() {
            break;
        }
        if let Some(resource) = entry.children.iter_mut().find(|c| c.name == "resource") {
            resource.name = format!("Bundle.entry[{index}].resource").into();
            outcome.issues.extend(validator.validate(resource, options));
            resource.children = Vec::new();
        }
    }
    dedup(&mut outcome.issues);
    outcome
}

/// Why a file that is neither FHIR JSON nor FHIR XML cannot be validated.
const FILE_NOT_FHIR: &str = "The file is neither FHIR JSON nor FHIR XML";

/// The outcome of a file that is neither FHIR JSON nor FHIR XML.
pub(super) fn not_fhir_file() -> Outcome {
    Outcome {
        issues: vec![document_issue(FILE_NOT_FHIR)],
    }
}

/// Why a document that is neither FHIR JSON nor FHIR XML cannot be validated.
fn not_fhir(document: Document<'_>) -> &'static str {
    match document {
        Document::File { .. } => FILE_NOT_FHIR,
        Document::Body(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => "The body is empty",
        Document::Body(_) => "The body is neither FHIR JSON nor FHIR XML",
    }
}

/// Removes repeated issues (an entry is checked against its base both inside the Bundle and
/// on its own), keeping the first of each.
fn dedup(issues: &mut Vec<Issue>) {
    let keep: Vec<bool> = {
        let mut seen = HashSet::new();
        issues
            .iter()
            .map(|i| seen.insert((i.severity, &*i.location, i.line, i.col, &*i.message)))
            .collect()
    };
    let mut keep = keep.into_iter();
    issues.retain(|_| keep.next().unwrap_or(true));
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

/// Adds the FHIR resources of a document (a Bundle's entries too) to `known`, so references
/// from other documents resolve to them; anything that does not parse is left out.
pub fn remember(known: &mut KnownResources, bytes: &[u8]) {
    if let Some(format) = Format::sniff(bytes, None)
        && let Ok(parsed) = assure_model::parse(bytes, format)
    {
        known.add_with_entries(parsed.root);
    }
}

/// The error for a Bundle rule that cannot be applied: its type is no resource type of the
/// definitions, or no loaded package defines its profile; `None` when it can.
pub fn unusable_bundle_rule(validator: &Validator, rule: &BundleRule) -> Option<String> {
    let problem = match &rule.resource_type {
        Some(kind) if !validator.is_resource_type(kind) => {
            format!("{kind} is not a resource type")
        }
        _ => undefined_profile(validator, &rule.profile)?,
    };
    Some(format!("bundle rule `{}`: {problem}", rule.rule()))
}

/// The error for a profile that no loaded package defines; `None` when one does.
pub fn undefined_profile(validator: &Validator, url: &str) -> Option<String> {
    if validator.profile(url).is_some() {
        return None;
    }
    let packages = validator.definitions().packages().join(", ");
    Some(format!(
        "profile {url} is not defined by the loaded packages ({packages}); \
         add the package that defines it with --package"
    ))
}
