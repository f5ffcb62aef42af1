//! The resource types the reference server serves, the search parameters each supports (with
//! the element paths their R4 SearchParameter expressions name), and the elements `_summary`
//! keeps.

/// How a search parameter's values are compared, as FHIR search parameter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Case- and accent-insensitive starts-with (`:exact`, `:contains` modifiers).
    String,
    /// `system|code`, `code`, `system|` or `|code` (`:not`, `:text`, `:of-type`).
    Token,
    /// Date ranges with prefixes `eq ne gt lt ge le sa eb ap` and partial dates.
    Date,
    /// `Type/id`, `id` or an absolute URL ending in `Type/id` (`:Type`, `:identifier`,
    /// chaining).
    Reference,
    /// `[prefix]number|system|code`.
    Quantity,
    /// A URI matched exactly (`:below`, `:above` at path segments).
    Uri,
}

impl ParamKind {
    /// The FHIR `SearchParamType` code.
    pub fn code(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Token => "token",
            Self::Date => "date",
            Self::Reference => "reference",
            Self::Quantity => "quantity",
            Self::Uri => "uri",
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
    /// Dotted element paths (arrays are flattened; choice types spelled out) holding the
    /// values searched.
    pub paths: &'static [&'static str],
    /// For reference parameters, the resource types a match may point to.
    pub targets: &'static [&'static str],
}

impl SearchParam {
    /// The modifiers supported, besides `:missing` (every parameter) and `:[Type]` (reference
    /// parameters).
    pub fn modifiers(&self) -> &'static [&'static str] {
        match self.kind {
            ParamKind::String => &["exact", "contains"],
            ParamKind::Token if self.name == "identifier" => &["not", "text", "of-type"],
            ParamKind::Token => &["not", "text"],
            ParamKind::Reference => &["identifier"],
            ParamKind::Uri => &["below", "above"],
            ParamKind::Date | ParamKind::Quantity => &[],
        }
    }
}

/// A resource type the server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    /// The FHIR resource type name.
    pub name: &'static str,
    /// Search parameters supported on this type, `_id`, `_lastUpdated` and `_profile` included.
    pub search_params: &'static [SearchParam],
    /// Top-level elements marked as summary in R4 (`[x]` for choice types), besides `id`,
    /// `meta` and `implicitRules`.
    pub summary: &'static [&'static str],
    /// Top-level elements R4 requires (minimum cardinality 1).
    pub mandatory: &'static [&'static str],
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

macro_rules! definition {
    ($name:literal) => {
        concat!("http://hl7.org/fhir/SearchParameter/", $name)
    };
}

macro_rules! param {
    ($name:literal, $kind:ident, $definition:literal, [$($path:literal),+]) => {
        SearchParam {
            name: $name,
            kind: ParamKind::$kind,
            definition: definition!($definition),
            paths: &[$($path),+],
            targets: &[],
        }
    };
    ($name:literal, Reference, $definition:literal, [$($path:literal),+], [$($target:literal),+]) => {
        SearchParam {
            name: $name,
            kind: ParamKind::Reference,
            definition: definition!($definition),
            paths: &[$($path),+],
            targets: &[$($target),+],
        }
    };
}

const ID: SearchParam = param!("_id", Token, "Resource-id", ["id"]);
const LAST_UPDATED: SearchParam = param!(
    "_lastUpdated",
    Date,
    "Resource-lastUpdated",
    ["meta.lastUpdated"]
);
const PROFILE: SearchParam = param!("_profile", Uri, "Resource-profile", ["meta.profile"]);
const CLINICAL_PATIENT: SearchParam = param!(
    "patient",
    Reference,
    "clinical-patient",
    ["subject"],
    ["Patient"]
);

/// Every served resource type, alphabetically.
pub const SERVED: &[ResourceType] = &[
    ResourceType {
        name: "AllergyIntolerance",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!(
                "clinical-status",
                Token,
                "AllergyIntolerance-clinical-status",
                ["clinicalStatus"]
            ),
            param!(
                "code",
                Token,
                "clinical-code",
                ["code", "reaction.substance"]
            ),
            param!(
                "patient",
                Reference,
                "clinical-patient",
                ["patient"],
                ["Patient"]
            ),
        ],
        summary: &[
            "identifier",
            "clinicalStatus",
            "verificationStatus",
            "type",
            "category",
            "criticality",
            "code",
            "patient",
            "asserter",
        ],
        mandatory: &["patient"],
    },
    ResourceType {
        name: "Condition",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!(
                "clinical-status",
                Token,
                "Condition-clinical-status",
                ["clinicalStatus"]
            ),
            param!("code", Token, "clinical-code", ["code"]),
            param!(
                "onset-date",
                Date,
                "Condition-onset-date",
                ["onsetDateTime", "onsetPeriod"]
            ),
            CLINICAL_PATIENT,
            param!(
                "subject",
                Reference,
                "Condition-subject",
                ["subject"],
                ["Group", "Patient"]
            ),
        ],
        summary: &[
            "identifier",
            "clinicalStatus",
            "verificationStatus",
            "code",
            "bodySite",
            "subject",
            "encounter",
            "onset[x]",
            "recordedDate",
            "recorder",
            "asserter",
        ],
        mandatory: &["subject"],
    },
    ResourceType {
        name: "Encounter",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!("class", Token, "Encounter-class", ["class"]),
            param!("date", Date, "clinical-date", ["period"]),
            CLINICAL_PATIENT,
            param!("status", Token, "Encounter-status", ["status"]),
            param!(
                "subject",
                Reference,
                "Encounter-subject",
                ["subject"],
                ["Group", "Patient"]
            ),
        ],
        summary: &[
            "identifier",
            "status",
            "class",
            "type",
            "serviceType",
            "subject",
            "episodeOfCare",
            "participant",
            "appointment",
            "reasonCode",
            "reasonReference",
            "diagnosis",
        ],
        mandatory: &["status", "class"],
    },
    ResourceType {
        name: "MedicationRequest",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!(
                "authoredon",
                Date,
                "MedicationRequest-authoredon",
                ["authoredOn"]
            ),
            param!(
                "code",
                Token,
                "clinical-code",
                ["medicationCodeableConcept"]
            ),
            param!("intent", Token, "MedicationRequest-intent", ["intent"]),
            CLINICAL_PATIENT,
            param!("status", Token, "medications-status", ["status"]),
            param!(
                "subject",
                Reference,
                "MedicationRequest-subject",
                ["subject"],
                ["Group", "Patient"]
            ),
        ],
        summary: &[
            "status",
            "intent",
            "priority",
            "doNotPerform",
            "reported[x]",
            "medication[x]",
            "subject",
            "authoredOn",
            "requester",
            "performerType",
            "instantiatesCanonical",
            "instantiatesUri",
            "basedOn",
            "groupIdentifier",
        ],
        mandatory: &["status", "intent", "medication[x]", "subject"],
    },
    ResourceType {
        name: "Observation",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!("category", Token, "Observation-category", ["category"]),
            param!("code", Token, "clinical-code", ["code"]),
            param!(
                "date",
                Date,
                "clinical-date",
                ["effectiveDateTime", "effectivePeriod", "effectiveInstant"]
            ),
            CLINICAL_PATIENT,
            param!("status", Token, "Observation-status", ["status"]),
            param!(
                "subject",
                Reference,
                "Observation-subject",
                ["subject"],
                ["Group", "Device", "Patient", "Location"]
            ),
            param!(
                "value-quantity",
                Quantity,
                "Observation-value-quantity",
                ["valueQuantity"]
            ),
        ],
        summary: &[
            "identifier",
            "basedOn",
            "partOf",
            "status",
            "code",
            "subject",
            "focus",
            "encounter",
            "effective[x]",
            "issued",
            "performer",
            "value[x]",
            "hasMember",
            "derivedFrom",
            "component",
        ],
        mandatory: &["status", "code"],
    },
    ResourceType {
        name: "Organization",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!(
                "identifier",
                Token,
                "Organization-identifier",
                ["identifier"]
            ),
            param!("name", String, "Organization-name", ["name", "alias"]),
        ],
        summary: &["identifier", "active", "type", "name", "partOf"],
        mandatory: &[],
    },
    ResourceType {
        name: "Patient",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!(
                "address-postalcode",
                String,
                "individual-address-postalcode",
                ["address.postalCode"]
            ),
            param!("birthdate", Date, "individual-birthdate", ["birthDate"]),
            param!("family", String, "individual-family", ["name.family"]),
            param!("gender", Token, "individual-gender", ["gender"]),
            param!(
                "general-practitioner",
                Reference,
                "Patient-general-practitioner",
                ["generalPractitioner"],
                ["Organization", "Practitioner", "PractitionerRole"]
            ),
            param!("given", String, "individual-given", ["name.given"]),
            param!("identifier", Token, "Patient-identifier", ["identifier"]),
            param!("name", String, "Patient-name", ["name"]),
            param!("telecom", Token, "individual-telecom", ["telecom"]),
        ],
        summary: &[
            "identifier",
            "active",
            "name",
            "telecom",
            "gender",
            "birthDate",
            "deceased[x]",
            "address",
            "managingOrganization",
            "link",
        ],
        mandatory: &[],
    },
    ResourceType {
        name: "Practitioner",
        search_params: &[
            ID,
            LAST_UPDATED,
            PROFILE,
            param!("family", String, "individual-family", ["name.family"]),
            param!("gender", Token, "individual-gender", ["gender"]),
            param!("given", String, "individual-given", ["name.given"]),
            param!(
                "identifier",
                Token,
                "Practitioner-identifier",
                ["identifier"]
            ),
            param!("name", String, "Practitioner-name", ["name"]),
        ],
        summary: &[
            "identifier",
            "active",
            "name",
            "telecom",
            "address",
            "gender",
            "birthDate",
        ],
        mandatory: &[],
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
            assert!(resource_type.search_param("_profile").is_some());
            for param in resource_type.search_params {
                assert!(
                    param
                        .definition
                        .starts_with("http://hl7.org/fhir/SearchParameter/"),
                    "{}",
                    param.definition
                );
                assert!(!param.paths.is_empty());
                assert_eq!(
                    param.kind == ParamKind::Reference,
                    !param.targets.is_empty(),
                    "{}",
                    param.name
                );
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
