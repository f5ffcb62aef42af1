//! The resource types the reference server serves and the search parameters each supports.

/// How a search parameter's values are compared, as FHIR search parameter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Case- and accent-insensitive starts-with (`:exact`, `:contains` modifiers).
    String,
    /// `system|code`, `code`, `system|` or `|code`.
    Token,
    /// Date ranges with prefixes `eq ne lt gt le ge sa eb` and partial dates.
    Date,
    /// `Type/id`, `id` or an absolute URL ending in `Type/id`.
    Reference,
}

impl ParamKind {
    /// The FHIR `SearchParamType` code.
    pub fn code(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Token => "token",
            Self::Date => "date",
            Self::Reference => "reference",
        }
    }
}

/// A search parameter supported on one resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchParam {
    /// The parameter name in a query (`family`, `birthdate`).
    pub name: &'static str,
    /// How values are compared.
    pub kind: ParamKind,
    /// Canonical URL of the base FHIR R4 SearchParameter this implements.
    pub definition: &'static str,
    /// Dotted element paths (arrays are flattened) holding the values searched.
    pub paths: &'static [&'static str],
    /// For reference parameters, the only resource type a match may point to.
    pub target: Option<&'static str>,
}

/// A resource type the server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// The FHIR resource type name.
    pub name: &'static str,
    /// Search parameters supported on this type, `_id` included.
    pub search_params: &'static [SearchParam],
}

impl ResourceType {
    /// The supported search parameter named `name`.
    pub fn search_param(&self, name: &str) -> Option<&'static SearchParam> {
        self.search_params.iter().find(|param| param.name == name)
    }
}

/// The interactions every served type supports, as CapabilityStatement codes.
pub const INTERACTIONS: &[&str] = &[
    "read",
    "vread",
    "update",
    "delete",
    "history-instance",
    "history-type",
    "create",
    "search-type",
];

const fn param(
    name: &'static str,
    kind: ParamKind,
    definition: &'static str,
    paths: &'static [&'static str],
) -> SearchParam {
    SearchParam {
        name,
        kind,
        definition,
        paths,
        target: None,
    }
}

const fn reference(
    name: &'static str,
    definition: &'static str,
    paths: &'static [&'static str],
    target: Option<&'static str>,
) -> SearchParam {
    SearchParam {
        name,
        kind: ParamKind::Reference,
        definition,
        paths,
        target,
    }
}

macro_rules! definition {
    ($name:literal) => {
        concat!("http://hl7.org/fhir/SearchParameter/", $name)
    };
}

const ID: SearchParam = param("_id", ParamKind::Token, definition!("Resource-id"), &["id"]);

/// Every served resource type, alphabetically.
pub const SERVED: &[ResourceType] = &[
    ResourceType {
        name: "AllergyIntolerance",
        search_params: &[
            ID,
            param(
                "code",
                ParamKind::Token,
                definition!("clinical-code"),
                &["code"],
            ),
            reference(
                "patient",
                definition!("clinical-patient"),
                &["patient"],
                Some("Patient"),
            ),
        ],
    },
    ResourceType {
        name: "Condition",
        search_params: &[
            ID,
            param(
                "code",
                ParamKind::Token,
                definition!("clinical-code"),
                &["code"],
            ),
            reference(
                "patient",
                definition!("clinical-patient"),
                &["subject"],
                Some("Patient"),
            ),
            reference(
                "subject",
                definition!("Condition-subject"),
                &["subject"],
                None,
            ),
        ],
    },
    ResourceType {
        name: "Encounter",
        search_params: &[
            ID,
            reference(
                "patient",
                definition!("clinical-patient"),
                &["subject"],
                Some("Patient"),
            ),
            reference(
                "subject",
                definition!("Encounter-subject"),
                &["subject"],
                None,
            ),
        ],
    },
    ResourceType {
        name: "MedicationRequest",
        search_params: &[
            ID,
            param(
                "code",
                ParamKind::Token,
                definition!("clinical-code"),
                &["medicationCodeableConcept"],
            ),
            reference(
                "patient",
                definition!("clinical-patient"),
                &["subject"],
                Some("Patient"),
            ),
            reference(
                "subject",
                definition!("MedicationRequest-subject"),
                &["subject"],
                None,
            ),
        ],
    },
    ResourceType {
        name: "Observation",
        search_params: &[
            ID,
            param(
                "code",
                ParamKind::Token,
                definition!("clinical-code"),
                &["code"],
            ),
            param(
                "date",
                ParamKind::Date,
                definition!("clinical-date"),
                &["effectiveDateTime"],
            ),
            reference(
                "patient",
                definition!("clinical-patient"),
                &["subject"],
                Some("Patient"),
            ),
            reference(
                "subject",
                definition!("Observation-subject"),
                &["subject"],
                None,
            ),
        ],
    },
    ResourceType {
        name: "Organization",
        search_params: &[
            ID,
            param(
                "identifier",
                ParamKind::Token,
                definition!("Organization-identifier"),
                &["identifier"],
            ),
            param(
                "name",
                ParamKind::String,
                definition!("Organization-name"),
                &["name", "alias"],
            ),
        ],
    },
    ResourceType {
        name: "Patient",
        search_params: &[
            ID,
            param(
                "birthdate",
                ParamKind::Date,
                definition!("individual-birthdate"),
                &["birthDate"],
            ),
            param(
                "family",
                ParamKind::String,
                definition!("individual-family"),
                &["name.family"],
            ),
            param(
                "gender",
                ParamKind::Token,
                definition!("individual-gender"),
                &["gender"],
            ),
            param(
                "given",
                ParamKind::String,
                definition!("individual-given"),
                &["name.given"],
            ),
            param(
                "identifier",
                ParamKind::Token,
                definition!("Patient-identifier"),
                &["identifier"],
            ),
            param(
                "name",
                ParamKind::String,
                definition!("Patient-name"),
                &["name"],
            ),
        ],
    },
    ResourceType {
        name: "Practitioner",
        search_params: &[
            ID,
            param(
                "family",
                ParamKind::String,
                definition!("individual-family"),
                &["name.family"],
            ),
            param(
                "gender",
                ParamKind::Token,
                definition!("individual-gender"),
                &["gender"],
            ),
            param(
                "given",
                ParamKind::String,
                definition!("individual-given"),
                &["name.given"],
            ),
            param(
                "identifier",
                ParamKind::Token,
                definition!("Practitioner-identifier"),
                &["identifier"],
            ),
            param(
                "name",
                ParamKind::String,
                definition!("Practitioner-name"),
                &["name"],
            ),
        ],
    },
];

/// The served resource type named `name` (case-sensitive, as FHIR type names are).
pub fn served(name: &str) -> Option<&'static ResourceType> {
    SERVED
        .iter()
        .find(|resource_type| resource_type.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_searches_by_id_and_definitions_are_canonical() {
        for resource_type in SERVED {
            assert!(resource_type.search_param("_id").is_some());
            for param in resource_type.search_params {
                assert!(
                    param
                        .definition
                        .starts_with("http://hl7.org/fhir/SearchParameter/"),
                    "{}",
                    param.definition
                );
                assert!(!param.paths.is_empty());
            }
        }
    }

    #[test]
    fn lookup_is_case_sensitive() {
        assert!(served("Patient").is_some());
        assert!(served("patient").is_none());
        assert!(served("Immunization").is_none());
    }
}
