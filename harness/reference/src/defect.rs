//! Switchable defects: each one makes the reference server misbehave in exactly one way, so the
//! test suite can prove that the checklist check aimed at that behaviour really fails.

use std::fmt;
use std::str::FromStr;

/// One deliberate misbehaviour of the reference server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    /// Every response carries `Content-Type: text/plain`.
    /// Breaks: the check that responses are `application/fhir+json`.
    WrongContentType,
    /// Search and history Bundles have no `type`.
    /// Breaks: the checks that a search answers a `searchset` Bundle and a history a `history`
    /// Bundle.
    MissingBundleType,
    /// 404 responses have an empty body instead of an OperationOutcome.
    /// Breaks: the check that errors carry an OperationOutcome.
    Bare404,
    /// The `gender` search parameter is ignored, so every gender is returned.
    /// Breaks: the check that every search result matches the search parameters.
    SearchIgnoresGender,
    /// The CapabilityStatement also advertises `Immunization` (read, search-type), which the
    /// server does not serve: its endpoints answer 404 unknown type.
    /// Breaks: the check that every advertised interaction works.
    CapabilityLies,
    /// Create answers 201 without a `Location` header.
    /// Breaks: the check that create returns the new resource's location.
    NoLocationOnCreate,
    /// Update keeps `meta.versionId` unchanged and records no new history entry.
    /// Breaks: the checks that update bumps the version and that history lists it.
    UpdateKeepsVersion,
    /// Delete answers 204 but the resource stays readable (200).
    /// Breaks: the check that a read after delete answers 410 Gone.
    DeleteNotEffective,
    /// `_count` is honoured but paged Bundles have no `next` link.
    /// Breaks: the check that paging reaches every result through `next` links.
    NoNextLink,
    /// `_format` is ignored: `_format=xml` answers JSON 200 instead of 406, and `_format=json`
    /// does not override an `Accept` asking for XML.
    /// Breaks: the check that `_format` overrides the Accept header.
    IgnoresFormat,
    /// Patients are served with `nickname`, an element FHIR R4 does not define.
    /// Breaks: the check that a read Patient conforms to the R4 Patient definition.
    NonconformantPatients,
}

impl Defect {
    /// Every defect, in documentation order.
    pub fn all() -> &'static [Defect] {
        &[
            Self::WrongContentType,
            Self::MissingBundleType,
            Self::Bare404,
            Self::SearchIgnoresGender,
            Self::CapabilityLies,
            Self::NoLocationOnCreate,
            Self::UpdateKeepsVersion,
            Self::DeleteNotEffective,
            Self::NoNextLink,
            Self::IgnoresFormat,
            Self::NonconformantPatients,
        ]
    }

    /// The kebab-case name used on the command line and in suites.
    pub fn name(self) -> &'static str {
        match self {
            Self::WrongContentType => "wrong-content-type",
            Self::MissingBundleType => "missing-bundle-type",
            Self::Bare404 => "bare-404",
            Self::SearchIgnoresGender => "search-ignores-gender",
            Self::CapabilityLies => "capability-lies",
            Self::NoLocationOnCreate => "no-location-on-create",
            Self::UpdateKeepsVersion => "update-keeps-version",
            Self::DeleteNotEffective => "delete-not-effective",
            Self::NoNextLink => "no-next-link",
            Self::IgnoresFormat => "ignores-format",
            Self::NonconformantPatients => "nonconformant-patients",
        }
    }

    /// One sentence saying how the server misbehaves.
    pub fn description(self) -> &'static str {
        match self {
            Self::WrongContentType => {
                "every response's Content-Type is text/plain instead of application/fhir+json"
            }
            Self::MissingBundleType => "search and history Bundles have no type",
            Self::Bare404 => "404 responses have an empty body (no OperationOutcome)",
            Self::SearchIgnoresGender => {
                "the gender search parameter is ignored (all genders returned)"
            }
            Self::CapabilityLies => {
                "the CapabilityStatement advertises Immunization, which is not served"
            }
            Self::NoLocationOnCreate => "create returns 201 without a Location header",
            Self::UpdateKeepsVersion => {
                "update keeps meta.versionId and records no new history entry"
            }
            Self::DeleteNotEffective => "delete answers 204 but the resource remains readable",
            Self::NoNextLink => "_count is honoured but paged Bundles have no next link",
            Self::IgnoresFormat => "_format is ignored: _format=xml returns JSON 200, not 406",
            Self::NonconformantPatients => {
                "patients carry `nickname`, an element FHIR R4 does not define"
            }
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given matches no defect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown defect {name:?}; known defects: {known}")]
pub struct UnknownDefect {
    name: String,
    known: String,
}

impl FromStr for Defect {
    type Err = UnknownDefect;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::all()
            .iter()
            .copied()
            .find(|defect| defect.name() == name)
            .ok_or_else(|| UnknownDefect {
                name: name.to_owned(),
                known: Self::all()
                    .iter()
                    .map(|defect| defect.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<_> = Defect::all().iter().map(|d| d.name()).collect();
        for defect in Defect::all() {
            assert_eq!(defect.name().parse::<Defect>(), Ok(*defect));
            assert!(!defect.description().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Defect::all().len());
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let error = "no-such-defect".parse::<Defect>().unwrap_err();
        let message = error.to_string();
        assert!(message.contains("no-such-defect"), "{message}");
        assert!(message.contains("bare-404"), "{message}");
    }
}
