//! The validator's switches (`Options::switches`) and the rules written from the R4
//! specification for extensions (extensibility.html), narrative hyperlinks and
//! `Coding.system`. Each case is pinned to the issue it must (not) raise. Uses the built-in R4
//! definitions.

mod core_validator;
mod issues;
use core_validator::validator;
use issues::issues;

use assure_model::Format;
use assure_validate::{BestPractice, CheckReferences, Options, Outcome, Severity, Switches};

fn validate(json: &str, switches: Switches) -> Outcome {
    let options = Options {
        switches,
        ..Options::default()
    };
    validator().validate_bytes(json.as_bytes(), Format::Json, &options)
}

fn errors(json: &str) -> Vec<String> {
    issues(&validate(json, Switches::default()), Severity::Error)
}

const NARRATIVE: &str = r#""text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}"#;

fn patient_with_extension(extension: &str) -> String {
    format!(r#"{{"resourceType": "Patient", {NARRATIVE}, "extension": [{extension}]}}"#)
}

// --- unknown extensions and the switches that tolerate them ---

#[test]
fn an_unknown_extension_outside_tolerated_domains_is_an_error() {
    let json =
        patient_with_extension(r#"{"url": "https://fhir.nhs.uk/Ext/x", "valueString": "a"}"#);
    assert_eq!(
        errors(&json),
        [
            "Patient.extension[0]: The extension https://fhir.nhs.uk/Ext/x could not be found, so \
          it is not allowed here (allow its domain with --allow-extension-domain, or any with \
          --any-extensions)"
        ]
    );
    for switches in [
        Switches {
            extension_domains: vec!["fhir.nhs.uk".into()],
            ..Switches::default()
        },
        Switches {
            extension_domains: vec!["https://fhir.nhs.uk/Ext".into()],
            ..Switches::default()
        },
        Switches {
            any_extensions: true,
            ..Switches::default()
        },
    ] {
        let outcome = validate(&json, switches.clone());
        assert!(
            issues(&outcome, Severity::Error).is_empty(),
            "{switches:?}: {:?}",
            outcome.issues
        );
        assert_eq!(issues(&outcome, Severity::Warning).len(), 1, "{switches:?}");
    }
}

#[test]
fn example_domains_are_tolerated_while_example_urls_are_allowed() {
    let json =
        patient_with_extension(r#"{"url": "http://example.org/fhir/ext", "valueString": "a"}"#);
    assert!(errors(&json).is_empty());
    let strict = Switches {
        allow_example_urls: false,
        ..Switches::default()
    };
    let found = issues(&validate(&json, strict), Severity::Error);
    assert!(
        found.iter().any(|e| e.contains("could not be found")),
        "{found:?}"
    );
}

// --- Extension.url ---

#[test]
fn an_extension_url_must_be_absolute() {
    let json = patient_with_extension(r#"{"url": "local-ext", "valueString": "a"}"#);
    assert_eq!(
        errors(&json),
        ["Patient.extension[0].url: Extension.url must be an absolute URL, not 'local-ext'"]
    );
}

// --- complex extensions ---

const NATIONALITY: &str = "http://hl7.org/fhir/StructureDefinition/patient-nationality";

#[test]
fn a_complex_extension_takes_only_the_parts_it_declares() {
    let good = patient_with_extension(&format!(
        r#"{{"url": "{NATIONALITY}", "extension": [{{"url": "code", "valueCodeableConcept": {{"text": "x"}}}}]}}"#
    ));
    assert!(errors(&good).is_empty(), "{:?}", errors(&good));
    let bad = patient_with_extension(&format!(
        r#"{{"url": "{NATIONALITY}", "extension": [{{"url": "country", "valueString": "x"}}]}}"#
    ));
    assert_eq!(
        errors(&bad),
        [format!(
            "Patient.extension[0].extension[0].url: The extension {NATIONALITY} has no part \
             'country' (its parts: code, period)"
        )]
    );
}

#[test]
fn a_complex_extension_has_no_value() {
    let json = patient_with_extension(&format!(
        r#"{{"url": "{NATIONALITY}", "valueString": "x", "extension": [{{"url": "code", "valueCodeableConcept": {{"text": "x"}}}}]}}"#
    ));
    let found = errors(&json);
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("Patient.extension[0]") && e.contains("value")),
        "{found:?}"
    );
}

// --- extension contexts ---

#[test]
fn an_extension_outside_its_context_is_reported() {
    // patient-birthTime's context is Patient.birthDate.
    let json = r#"{"resourceType": "Patient", "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
        "active": true, "_active": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "2020-01-01T10:00:00Z"}]}}"#;
    let outcome = validate(json, Switches::default());
    let all: Vec<String> = issues(&outcome, Severity::Error)
        .into_iter()
        .chain(issues(&outcome, Severity::Warning))
        .collect();
    assert!(
        all.iter()
            .any(|i| i.starts_with("Patient.active") && i.contains("is not allowed here")),
        "{all:?}"
    );
}

// --- narrative hyperlinks ---

#[test]
fn narrative_links_must_use_a_hyperlinkable_scheme() {
    let patient = |href: &str| {
        format!(
            r#"{{"resourceType": "Patient", "text": {{"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"{href}\">x</a></div>"}}}}"#
        )
    };
    let found = errors(&patient("urn:uuid:7221aa91-d9e1-44fa-8b90-c5a8c7caeade"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("Patient.text.div: The hyperlink 'urn:uuid:")
            && found[0].contains("scheme 'urn'"),
        "{found:?}"
    );
    for ok in [
        "https://example.org/a",
        "Patient/1",
        "#part",
        "mailto:a@b.org",
    ] {
        assert!(errors(&patient(ok)).is_empty(), "{ok}");
    }
}

// --- Coding.system ---

fn observation_coded(system: &str) -> String {
    format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final",
            "code": {{"coding": [{{"system": "{system}", "code": "x"}}]}}}}"#
    )
}

#[test]
fn a_coding_system_must_be_absolute() {
    assert_eq!(
        errors(&observation_coded("CodeSystem/local")),
        [
            "Observation.code.coding[0].system: Coding.system must be an absolute URI, not a \
          relative reference ('CodeSystem/local')"
        ]
    );
}

#[test]
fn a_coding_system_must_not_name_a_value_set() {
    let value_set = "http://hl7.org/fhir/ValueSet/administrative-gender";
    assert_eq!(
        errors(&observation_coded(value_set)),
        [format!(
            "Observation.code.coding[0].system: Coding.system names a value set, not a code \
             system ('{value_set}'); a code's system is the CodeSystem it is defined in"
        )]
    );
    assert!(errors(&observation_coded("http://loinc.org")).is_empty());
}

// --- best practice, references, security ---

#[test]
fn best_practice_sets_the_severity_of_dom_6() {
    let json = r#"{"resourceType": "Patient"}"#;
    let dom6 = |switches: Switches, severity: Severity| {
        issues(&validate(json, switches), severity)
            .iter()
            .filter(|i| i.contains("dom-6"))
            .count()
    };
    assert_eq!(dom6(Switches::default(), Severity::Warning), 1);
    let with = |best_practice| Switches {
        best_practice,
        ..Switches::default()
    };
    assert_eq!(dom6(with(BestPractice::Error), Severity::Error), 1);
    assert_eq!(dom6(with(BestPractice::Hint), Severity::Information), 1);
    let ignored = validate(json, with(BestPractice::Ignore));
    assert!(
        !ignored.issues.iter().any(|i| i.message.contains("dom-6")),
        "{:?}",
        ignored.issues
    );
}

#[test]
fn check_references_none_type_exists() {
    let json = format!(
        r#"{{"resourceType": "Observation", {NARRATIVE}, "status": "final", "code": {{"text": "x"}},
            "subject": {{"reference": "Medication/1"}}}}"#
    );
    let with = |check_references| Switches {
        check_references,
        ..Switches::default()
    };
    let by_type = issues(
        &validate(&json, with(CheckReferences::Type)),
        Severity::Error,
    );
    assert_eq!(by_type.len(), 1, "{by_type:?}");
    assert!(by_type[0].starts_with("Observation.subject"), "{by_type:?}");
    assert!(
        issues(
            &validate(&json, with(CheckReferences::None)),
            Severity::Error
        )
        .is_empty()
    );
    let resolvable = json.replace("Medication/1", "Patient/1");
    assert!(
        issues(
            &validate(&resolvable, with(CheckReferences::Type)),
            Severity::Error
        )
        .is_empty()
    );
    let exists = issues(
        &validate(&resolvable, with(CheckReferences::Exists)),
        Severity::Error,
    );
    assert_eq!(
        exists,
        ["Observation.subject: Unable to resolve the reference 'Patient/1' within the document"]
    );
}

#[test]
fn security_checks_switch_flags_markup_in_strings() {
    let json = format!(
        r#"{{"resourceType": "Patient", {NARRATIVE}, "name": [{{"text": "A <script>x</script>"}}]}}"#
    );
    assert!(errors(&json).is_empty());
    let strict = Switches {
        security_checks: true,
        ..Switches::default()
    };
    let found = issues(&validate(&json, strict), Severity::Error);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("Patient.name[0].text:"), "{found:?}");
}
