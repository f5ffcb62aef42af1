//! Bundle entries judged by a parameter (the reference validator's `-bundle RULE PROFILE`,
//! `Switches::bundle_rules`): the entries a rule selects, by resource type and optionally by
//! their 0-based index in `Bundle.entry`, are validated against the rule's profile besides
//! their own type and `meta.profile`, and issues are located in the entry. Uses the built-in
//! R4 definitions and a Patient profile written here.

mod issues;
use issues::issues;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::{
    BundleRule, Definitions, Options, Outcome, Severity, Switches, Validator, bundled,
};
use serde_json::json;

const BORN: &str = "http://example.org/fhir/StructureDefinition/patient-born";

/// The built-in R4 definitions and a Patient profile (differential only) whose birthDate is
/// required.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let born = json!({"resourceType": "StructureDefinition", "url": BORN,
            "name": "PatientBorn", "status": "active", "kind": "resource", "abstract": false,
            "type": "Patient", "derivation": "constraint",
            "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
            "differential": {"element": [
                {"id": "Patient.birthDate", "path": "Patient.birthDate", "min": 1}]}});
        let mut definitions: Definitions = bundled::definitions().unwrap();
        definitions.add_json(born, "test");
        Validator::new(Arc::new(definitions))
    })
}

const MISSING: &str = "Patient.birthDate: minimum required = 1, but only found 0";

/// A collection: two Patients without a birthDate (entries 0 and 1), then an Observation.
const COLLECTION: &str = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a01",
   "resource": {"resourceType": "Patient", "name": [{"family": "Ames"}]}},
  {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a02",
   "resource": {"resourceType": "Patient", "name": [{"family": "Boyd"}]}},
  {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a03",
   "resource": {"resourceType": "Observation", "status": "final",
     "code": {"text": "weight"}}}]}"#;

fn rule(rule: &str, profile: &str) -> BundleRule {
    BundleRule::new(rule, profile).unwrap()
}

fn validate(json: &str, rules: Vec<BundleRule>) -> Outcome {
    let options = Options {
        switches: Switches {
            bundle_rules: rules,
            ..Switches::default()
        },
        ..Options::default()
    };
    validator().validate_bytes(json.as_bytes(), Format::Json, &options)
}

fn errors(json: &str, rules: Vec<BundleRule>) -> Vec<String> {
    issues(&validate(json, rules), Severity::Error)
}

#[test]
fn without_a_rule_the_entries_meet_their_base_definitions() {
    assert_eq!(errors(COLLECTION, Vec::new()), Vec::<String>::new());
}

#[test]
fn a_type_selects_every_entry_of_that_type() {
    assert_eq!(
        errors(COLLECTION, vec![rule("Patient", BORN)]),
        [
            format!("Bundle.entry[0].resource: {MISSING}"),
            format!("Bundle.entry[1].resource: {MISSING}"),
        ]
    );
}

#[test]
fn a_type_and_index_selects_that_entry_among_those_of_the_type() {
    assert_eq!(
        errors(COLLECTION, vec![rule("Patient:1", BORN)]),
        [format!("Bundle.entry[1].resource: {MISSING}")]
    );
    // There is no third or fourth Patient: nothing is selected.
    assert_eq!(
        errors(COLLECTION, vec![rule("Patient:2", BORN)]),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(COLLECTION, vec![rule("Patient:3", BORN)]),
        Vec::<String>::new()
    );
}

#[test]
fn the_index_counts_entries_of_the_type_and_a_bare_index_counts_every_entry() {
    // The Observation first: the first Patient is at Bundle.entry[1].
    let observation_first = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
      {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a03",
       "resource": {"resourceType": "Observation", "status": "final",
         "code": {"text": "weight"}}},
      {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a01",
       "resource": {"resourceType": "Patient", "name": [{"family": "Ames"}]}}]}"#;
    assert_eq!(
        errors(observation_first, vec![rule("Patient:0", BORN)]),
        [format!("Bundle.entry[1].resource: {MISSING}")]
    );
    assert_eq!(
        errors(observation_first, vec![rule("1", BORN)]),
        [format!("Bundle.entry[1].resource: {MISSING}")]
    );
    // `0` selects the Observation, which a Patient profile cannot fit.
    let found = errors(observation_first, vec![rule("0", BORN)]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("Bundle.entry[0].resource: Profile")
            && found[0].contains("is for Patient, not Observation"),
        "{found:?}"
    );
}

#[test]
fn several_rules_apply_together_and_an_entry_is_checked_once_per_profile() {
    // Both rules select entry 0; its issue is reported once.
    assert_eq!(
        errors(
            COLLECTION,
            vec![rule("Patient:0", BORN), rule("Patient", BORN)]
        ),
        [
            format!("Bundle.entry[0].resource: {MISSING}"),
            format!("Bundle.entry[1].resource: {MISSING}"),
        ]
    );
    // An entry that claims the profile itself is checked against it once.
    let claimed = COLLECTION.replace(
        r#""resourceType": "Patient", "name": [{"family": "Ames"}]"#,
        &format!(
            r#""resourceType": "Patient", "meta": {{"profile": ["{BORN}"]}}, "name": [{{"family": "Ames"}}]"#
        ),
    );
    assert_eq!(
        errors(&claimed, vec![rule("Patient:0", BORN)]),
        [format!("Bundle.entry[0].resource: {MISSING}")]
    );
}

#[test]
fn an_entry_meeting_the_profile_passes() {
    let born = COLLECTION.replace(
        r#"{"family": "Boyd"}]"#,
        r#"{"family": "Boyd"}], "birthDate": "1970-01-01""#,
    );
    assert_eq!(
        errors(&born, vec![rule("Patient", BORN)]),
        [format!("Bundle.entry[0].resource: {MISSING}")]
    );
}

#[test]
fn a_profile_for_another_type_fails_each_selected_entry() {
    // The rule selects the Observation; a Patient profile cannot judge it, as `--profile`
    // with a Patient profile fails an Observation.
    assert_eq!(
        errors(COLLECTION, vec![rule("Observation", BORN)]),
        [format!(
            "Bundle.entry[2].resource: Profile {BORN} is for Patient, not Observation"
        )]
    );
}

#[test]
fn a_rule_that_cannot_apply_is_an_error_on_the_bundle() {
    assert_eq!(
        errors(COLLECTION, vec![rule("Foo:0", BORN)]),
        ["Bundle: Bundle rule Foo:0: Foo is not a resource type"]
    );
    assert_eq!(
        errors(COLLECTION, vec![rule("HumanName", BORN)]),
        ["Bundle: Bundle rule HumanName: HumanName is not a resource type"]
    );
    let unknown = "http://example.org/fhir/StructureDefinition/nowhere";
    assert_eq!(
        errors(COLLECTION, vec![rule("Patient", unknown)]),
        [format!(
            "Bundle: Bundle rule Patient: Profile {unknown} could not be found"
        )]
    );
    let validator = validator();
    assert!(validator.is_resource_type("Patient"));
    assert!(!validator.is_resource_type("Resource"));
    assert!(!validator.is_resource_type("Foo"));
}

#[test]
fn a_malformed_rule_is_refused_before_validation() {
    let error = BundleRule::new("Patient:x", BORN).unwrap_err();
    assert_eq!(
        error.to_string(),
        "bundle rule `Patient:x`: the entry index `x` is not a whole number from 0 \
         (a rule is TYPE, INDEX or TYPE:INDEX, as Patient, 0 or Patient:0)"
    );
    assert!(
        BundleRule::new("Foo:0", BORN).is_ok(),
        "known by definitions only"
    );
}

#[test]
fn rules_apply_to_the_validated_bundle_only() {
    // A Patient on its own, and one in a Bundle inside the Bundle, are no entries of the
    // validated Bundle.
    let patient = r#"{"resourceType": "Patient", "name": [{"family": "Ames"}]}"#;
    assert_eq!(
        errors(patient, vec![rule("Patient", BORN)]),
        Vec::<String>::new()
    );
    let nested = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [
          {{"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a09", "resource": {COLLECTION}}}]}}"#
    );
    assert_eq!(
        errors(&nested, vec![rule("Patient", BORN)]),
        Vec::<String>::new()
    );
}

#[test]
fn large_bundles_validated_in_parallel_apply_the_rules_too() {
    let entries: Vec<String> = (0..150)
        .map(|n| {
            format!(
                r#"{{"fullUrl": "urn:uuid:00000000-0000-4000-8000-{n:012}",
                    "resource": {{"resourceType": "Patient", "name": [{{"family": "P{n}"}}]}}}}"#
            )
        })
        .collect();
    let bundle = format!(
        r#"{{"resourceType": "Bundle", "type": "collection", "entry": [{}]}}"#,
        entries.join(",")
    );
    assert_eq!(
        errors(&bundle, vec![rule("Patient:120", BORN)]),
        [format!("Bundle.entry[120].resource: {MISSING}")]
    );
    let every = errors(&bundle, vec![rule("Patient", BORN)]);
    assert_eq!(every.len(), 150);
    assert_eq!(every[149], format!("Bundle.entry[149].resource: {MISSING}"));
}
