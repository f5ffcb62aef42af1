//! A file parsed once: the one tree serves both its validation and the references other files
//! make to its resources.

use std::sync::Arc;

use assure_model::{Element, Format, ParseError, ParseIssue};
use assure_validate::{
    KnownResources, Options, Outcome, ReferenceResolver, Stop, Switches, Validator,
};

use super::document::not_fhir_file;

/// A file's parse, in the format its name and content tell.
pub enum ParsedFile {
    /// Neither FHIR JSON nor FHIR XML.
    NotFhir,
    /// Not well-formed, or not a FHIR document.
    Unparsable(ParseError),
    /// The resource, with the problems found while parsing it.
    Parsed {
        root: Arc<Element>,
        issues: Vec<ParseIssue>,
        format: Format,
    },
}

impl ParsedFile {
    /// Parses the file `name` holding `bytes`.
    pub fn parse(name: &str, bytes: &[u8]) -> Self {
        let Some(format) = Format::sniff(bytes, Some(name)) else {
            return ParsedFile::NotFhir;
        };
        match assure_model::parse(bytes, format) {
            Err(error) => ParsedFile::Unparsable(error),
            Ok(parsed) => ParsedFile::Parsed {
                root: Arc::new(parsed.root),
                issues: parsed.issues,
                format: parsed.format,
            },
        }
    }

    /// The resource other files may refer to: the file parsed in the format its content
    /// alone tells, the tree already parsed when the name does not tell otherwise.
    pub fn referable(&self, bytes: &[u8]) -> Option<Arc<Element>> {
        let format = Format::sniff(bytes, None)?;
        match self {
            ParsedFile::Parsed {
                root, format: own, ..
            } if *own == format => Some(root.clone()),
            _ => assure_model::parse(bytes, format)
                .ok()
                .map(|parsed| Arc::new(parsed.root)),
        }
    }

    /// Validates the file named `name` as [`super::validate_document`] validates a
    /// `Document::File`.
    pub fn validate(
        &self,
        validator: &Validator,
        profiles: &[String],
        resolver: Option<Arc<dyn ReferenceResolver>>,
        switches: &Switches,
    ) -> Outcome {
        match self {
            ParsedFile::NotFhir => not_fhir_file(),
            ParsedFile::Unparsable(error) => Outcome::unparsable(error),
            ParsedFile::Parsed {
                root,
                issues,
                format,
            } => {
                let options = Options {
                    profiles: profiles.to_vec(),
                    format: Some(*format),
                    resolver,
                    switches: switches.clone(),
                    stop: Stop::default(),
                };
                validator.validate_parsed(root, issues, *format, &options)
            }
        }
    }
}

/// Adds a resource (a Bundle's entries too, before the Bundle) to `known`, sharing its tree,
/// as [`KnownResources::add_with_entries`] adds an owned one.
pub fn remember_shared(known: &mut KnownResources, resource: Arc<Element>) {
    if resource.resource_type.as_deref() == Some("Bundle") {
        for entry in resource.children_named("entry") {
            if let Some(inner) = entry.child("resource") {
                known.add(Arc::new(inner.clone()));
            }
        }
    }
    known.add(resource);
}
