//! Validating instances against the R4 base definitions and simple profiles.

mod common;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::package::Package;
use assure_validate::{Definitions, Options, Outcome, Severity, Validator};
use common::shared_path;

fn validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Option<Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let path = shared_path("fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz")?;
            let mut defs = Definitions::new();
            defs.add_package(Package::from_tarball(&path).unwrap());
            Some(Validator::new(Arc::new(defs)))
        })
        .as_ref()
}

fn check(json: &str) -> Option<Outcome> {
    Some(validator()?.validate_bytes(json.as_bytes(), Format::Json, &Options::default()))
}

fn error_messages(outcome: &Outcome) -> Vec<String> {
    outcome
        .errors()
        .map(|i| format!("{}: {}", i.location, i.message))
        .collect()
}

#[test]
fn a_valid_patient_has_no_errors() {
    let Some(outcome) = check(
        r#"{"resourceType":"Patient","id":"p1","active":true,"gender":"female",
            "name":[{"family":"Chalmers","given":["Peter","James"]}],"birthDate":"1974-12-25",
            "contact":[{"name":{"family":"Du Marché"},"gender":"female"}]}"#,
    ) else {
        return;
    };
    assert!(!outcome.has_errors(), "{:?}", error_messages(&outcome));
    assert_eq!(
        outcome.to_operation_outcome()["resourceType"],
        "OperationOutcome"
    );
}

#[test]
fn structural_errors_are_located() {
    let Some(outcome) = check(
        r#"{"resourceType":"Patient","active":"yes","gender":"robot","birthDate":"1974-13-45",
            "name":[{"family":"A","given":["B"],"nickname":"x"}],"deceasedString":"no"}"#,
    ) else {
        return;
    };
    let errors = error_messages(&outcome);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(
        has("Patient.active: A boolean must be a JSON boolean"),
        "{errors:?}"
    );
    assert!(
        has("Patient.gender: The value 'robot' is not in the value set"),
        "{errors:?}"
    );
    assert!(has("Patient.birthDate:"), "{errors:?}");
    assert!(
        has("Patient.name[0]: Unrecognized element 'nickname'"),
        "{errors:?}"
    );
    assert!(
        has("Patient.deceasedString: 'deceasedString' is not an allowed type"),
        "{errors:?}"
    );
    let gender = outcome
        .issues
        .iter()
        .find(|i| &*i.location == "Patient.gender")
        .unwrap();
    assert_eq!((gender.line, gender.severity), (1, Severity::Error));
}

#[test]
fn cardinality_invariants_and_references() {
    let Some(outcome) = check(
        r##"{"resourceType":"Observation","code":{"text":"x"},
            "subject":{"reference":"#missing"},"performer":[{"reference":"Encounter/1"}],
            "referenceRange":[{"text":"r"}],"component":[{"valueString":"v"}]}"##,
    ) else {
        return;
    };
    let errors = error_messages(&outcome);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(
        has("Observation: Observation.status: minimum required = 1"),
        "{errors:?}"
    );
    assert!(
        has("Observation.component[0]: Observation.component.code: minimum required = 1"),
        "{errors:?}"
    );
    assert!(
        has("does not resolve to a contained resource"),
        "{errors:?}"
    );
    assert!(
        has("Observation.performer[0]: The reference points to an Encounter"),
        "{errors:?}"
    );
}

#[test]
fn explicit_profiles_are_applied() {
    let Some(base) = validator() else { return };
    let mut defs = (**base.definitions()).clone();
    let mut profile = (*defs
        .structure_definition("http://hl7.org/fhir/StructureDefinition/Patient")
        .unwrap())
    .clone();
    profile["url"] = "http://example.org/StructureDefinition/named-patient".into();
    let elements = profile["snapshot"]["element"].as_array_mut().unwrap();
    let name = elements
        .iter_mut()
        .find(|e| e["id"] == "Patient.name")
        .unwrap();
    name["min"] = 1.into();
    defs.add_json(profile, "test");
    let validator = Validator::new(Arc::new(defs));
    let options = Options {
        profiles: vec!["http://example.org/StructureDefinition/named-patient".into()],
        ..Options::default()
    };
    let outcome =
        validator.validate_bytes(br#"{"resourceType":"Patient"}"#, Format::Json, &options);
    let errors = error_messages(&outcome);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Patient.name: minimum required = 1")),
        "{errors:?}"
    );
    let unknown = Options {
        profiles: vec!["http://example.org/nope".into()],
        ..Options::default()
    };
    let outcome =
        validator.validate_bytes(br#"{"resourceType":"Patient"}"#, Format::Json, &unknown);
    assert!(
        error_messages(&outcome)
            .iter()
            .any(|e| e.contains("could not be found"))
    );
}

#[test]
fn bad_documents_become_issues() {
    let Some(outcome) = check(r#"{"resourceType":"Patient", "#) else {
        return;
    };
    assert!(outcome.has_errors());
    let Some(outcome) = check(r#"{"resourceType":"NotAType"}"#) else {
        return;
    };
    assert!(
        error_messages(&outcome)
            .iter()
            .any(|e| e.contains("Unknown resource type"))
    );
}

#[test]
fn attachment_size_must_match_its_data() {
    let Some(outcome) = check(
        r#"{"resourceType":"DocumentReference","status":"current",
            "content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8=","size":100}}]}"#,
    ) else {
        return;
    };
    let errors = error_messages(&outcome);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("content[0].attachment: The stated attachment size 100")),
        "{errors:?}"
    );
}

#[test]
fn a_property_named_resource_type_is_checked_as_an_element() {
    let scenario = |kind: &str| {
        format!(
            r#"{{"resourceType":"ExampleScenario","status":"draft",
                "instance":[{{"resourceId":"a","resourceType":"{kind}"}}]}}"#
        )
    };
    let Some(good) = check(&scenario("Patient")) else {
        return;
    };
    assert_eq!(error_messages(&good), Vec::<String>::new());
    let bad = check(&scenario("NotAType")).unwrap();
    let errors = error_messages(&bad);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("ExampleScenario.instance[0].resourceType:")),
        "{errors:#?}"
    );
}

#[test]
fn narratives_follow_the_xhtml_rules() {
    let patient = |div: &str| {
        format!(r#"{{"resourceType":"Patient","text":{{"status":"generated","div":"{div}"}}}}"#)
    };
    let xhtml = r#"<div xmlns=\"http://www.w3.org/1999/xhtml\">"#;
    let Some(good) = check(&patient(&format!("{xhtml}<p>Peter</p></div>"))) else {
        return;
    };
    assert_eq!(error_messages(&good), Vec::<String>::new());
    for bad in [
        format!("{xhtml}<script>x</script>Peter</div>"),
        format!("{xhtml}<p> </p></div>"),
    ] {
        let errors = error_messages(&check(&patient(&bad)).unwrap());
        assert!(
            errors.iter().any(|e| e.starts_with("Patient.text.div:")),
            "{bad}: {errors:#?}"
        );
    }
}

#[test]
fn bundle_full_urls_must_be_absolute() {
    let Some(outcome) = check(
        r#"{"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"Patient/1","resource":{"resourceType":"Patient","id":"1"}},
            {"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0",
             "resource":{"resourceType":"Patient"}}]}"#,
    ) else {
        return;
    };
    assert_eq!(
        error_messages(&outcome),
        ["Bundle.entry[0]: The fullUrl must be an absolute URL (not 'Patient/1')"]
    );
}

#[test]
fn html_in_strings_is_an_error_only_under_the_security_policy() {
    use assure_validate::Policy;
    let Some(relaxed) = validator() else {
        return;
    };
    let json = r#"{"resourceType":"Patient","name":[{"text":"Standard <script>x</script>"}]}"#;
    let outcome = relaxed.validate_bytes(json.as_bytes(), Format::Json, &Options::default());
    assert_eq!(error_messages(&outcome), Vec::<String>::new());
    let strict = Validator::new(relaxed.definitions().clone()).with_policy(Policy {
        security_checks: true,
        ..Policy::default()
    });
    let outcome = strict.validate_bytes(json.as_bytes(), Format::Json, &Options::default());
    let errors = error_messages(&outcome);
    assert!(
        errors.len() == 1 && errors[0].starts_with("Patient.name[0].text:"),
        "{errors:#?}"
    );
}

#[test]
fn references_in_parameters_resolve_under_the_policy() {
    use assure_validate::Policy;
    let Some(relaxed) = validator() else {
        return;
    };
    let parameters = |target: &str| {
        format!(
            r#"{{"resourceType":"Parameters","parameter":[
                {{"name":"patient","resource":{{"resourceType":"Patient","id":"1"}}}},
                {{"name":"coverage","resource":{{"resourceType":"Coverage","status":"active",
                  "beneficiary":{{"reference":"{target}"}},
                  "payor":[{{"display":"Payer"}}]}}}}]}}"#
        )
    };
    let strict = Validator::new(relaxed.definitions().clone()).with_policy(Policy {
        references_must_resolve: true,
        ..Policy::default()
    });
    let run = |validator: &Validator, target: &str| {
        let json = parameters(target);
        error_messages(&validator.validate_bytes(
            json.as_bytes(),
            Format::Json,
            &Options::default(),
        ))
    };
    assert_eq!(run(&strict, "Patient/1"), Vec::<String>::new());
    assert_eq!(run(relaxed, "Patient/2"), Vec::<String>::new());
    let errors = run(&strict, "Patient/2");
    assert!(
        errors.len() == 1 && errors[0].starts_with("Parameters.parameter[1].resource.beneficiary:"),
        "{errors:#?}"
    );
}

#[test]
fn resolved_targets_must_conform_to_the_target_profile() {
    let Some(base) = validator() else { return };
    let mut defs = (**base.definitions()).clone();
    // A Patient that must be named and whose linked patients must be such Patients too (a
    // profile that refers to itself).
    let named = "http://example.org/StructureDefinition/linked-named-patient";
    let mut profile = (*defs
        .structure_definition("http://hl7.org/fhir/StructureDefinition/Patient")
        .unwrap())
    .clone();
    profile["url"] = named.into();
    for element in profile["snapshot"]["element"].as_array_mut().unwrap() {
        if element["id"] == "Patient.name" {
            element["min"] = 1.into();
        }
        if element["id"] == "Patient.link.other" {
            element["type"] = serde_json::json!([{"code": "Reference", "targetProfile": [named]}]);
        }
    }
    defs.add_json(profile, "test");
    let validator = Validator::new(Arc::new(defs));
    let entry = |id: &str, named_patient: bool, other: &str| {
        let name = if named_patient {
            r#""name":[{"text":"A"}],"#
        } else {
            ""
        };
        format!(
            r#"{{"fullUrl":"http://x.org/fhir/Patient/{id}","resource":{{"resourceType":"Patient",
                "id":"{id}","meta":{{"profile":["{named}"]}},{name}
                "link":[{{"other":{{"reference":"Patient/{other}"}},"type":"seealso"}}]}}}}"#
        )
    };
    // Patients 1 and 2 link to each other: the check must end.
    let run = |second_named: bool| {
        let bundle = format!(
            r#"{{"resourceType":"Bundle","type":"collection","entry":[{},{}]}}"#,
            entry("1", true, "2"),
            entry("2", second_named, "1")
        );
        error_messages(&validator.validate_bytes(
            bundle.as_bytes(),
            Format::Json,
            &Options::default(),
        ))
    };
    assert_eq!(run(true), Vec::<String>::new());
    let errors = run(false);
    assert!(
        errors.iter().any(|e| {
            e.starts_with("Bundle.entry[0].resource.link[0].other:")
                && e.contains("does not conform")
        }),
        "{errors:#?}"
    );
}

#[test]
fn differentials_are_checked_against_their_base() {
    let definition = |base: &str, kind: &str, elements: &str| {
        format!(
            r#"{{"resourceType":"StructureDefinition","url":"http://example.org/sd","name":"Sd",
                "status":"draft","kind":"{kind}","abstract":false,"type":"{}",{}
                "baseDefinition":"http://hl7.org/fhir/StructureDefinition/{base}",
                "derivation":"constraint","differential":{{"element":[{elements}]}}}}"#,
            if kind == "resource" {
                base
            } else {
                "Extension"
            },
            if kind == "resource" {
                ""
            } else {
                r#""context":[{"type":"element","expression":"Patient"}],"#
            }
        )
    };
    let good = definition(
        "patient-birthPlace",
        "complex-type",
        r#"{"id":"Extension.url","path":"Extension.url",
            "fixedUri":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace"},
           {"id":"Extension.extension","path":"Extension.extension",
            "slicing":{"discriminator":[{"type":"value","path":"url"}],"rules":"open"}}"#,
    );
    let Some(outcome) = check(&good) else { return };
    assert_eq!(error_messages(&outcome), Vec::<String>::new());
    let bad = definition(
        "patient-birthPlace",
        "complex-type",
        r#"{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/other"},
           {"id":"Extension.extension","path":"Extension.extension",
            "slicing":{"discriminator":[{"type":"value","path":"type"}],"rules":"open"}}"#,
    );
    let errors = error_messages(&check(&bad).unwrap());
    for location in [
        "StructureDefinition.differential.element[0].fixedUri:",
        "StructureDefinition.differential.element[1].slicing.discriminator[0]:",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(location)),
            "{location}: {errors:#?}"
        );
    }
    let renamed = definition(
        "Observation",
        "resource",
        r#"{"id":"Observation.valueQuantity","path":"Observation.valueBla"}"#,
    );
    let errors = error_messages(&check(&renamed).unwrap());
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("StructureDefinition.differential.element[0]:")),
        "{errors:#?}"
    );
}

#[test]
fn a_primitive_has_no_value_element() {
    // In XML the value of a primitive is an attribute; a `<value>` child is not the value.
    let Some(validator) = validator() else {
        return;
    };
    let xml = br#"<Observation xmlns="http://hl7.org/fhir">
        <status value="final"/><code><text value="Pain score"/></code>
        <valueInteger><value value="0"/></valueInteger>
    </Observation>"#;
    let outcome = validator.validate_bytes(xml, Format::Xml, &Options::default());
    let errors = error_messages(&outcome);
    assert!(
        errors.contains(&"Observation.valueInteger: Unrecognized element 'value'".to_owned()),
        "{errors:?}"
    );
}
