//! The NHS identifier rules (`nhs-number`, `ods-code`) on every Identifier of an instance,
//! whatever its profiles, over the built-in R4 definitions.

mod core_validator;
use core_validator::validator;

use assure_model::Format;
use assure_validate::validator::{NHS_NUMBER_RULE, ODS_CODE_RULE};
use assure_validate::{Options, Severity};

/// `(rule, location, message)` of the issues of a Patient with these identifiers and this
/// managing organisation identifier.
fn issues(identifiers: &str, organization: &str) -> Vec<(String, String, String)> {
    let json = format!(
        r#"{{"resourceType":"Patient","id":"p",
            "text":{{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">p</div>"}},
            "identifier":[{identifiers}],
            "managingOrganization":{{"identifier":{organization}}}}}"#
    );
    let outcome = validator().validate_bytes(json.as_bytes(), Format::Json, &Options::default());
    outcome
        .issues
        .iter()
        .filter(|i| [NHS_NUMBER_RULE, ODS_CODE_RULE].contains(&&*i.rule))
        .inspect(|i| assert_eq!(i.severity, Severity::Error, "{i:?}"))
        .map(|i| {
            (
                i.rule.to_string(),
                i.location.to_string(),
                i.message.to_string(),
            )
        })
        .collect()
}

fn nhs(value: &str) -> String {
    format!(r#"{{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"{value}"}}"#)
}

fn ods(system: &str, value: &str) -> String {
    format!(r#"{{"system":"https://fhir.nhs.uk/Id/{system}","value":"{value}"}}"#)
}

#[test]
fn valid_identifiers_pass() {
    assert_eq!(
        issues(&nhs("9000000009"), &ods("ods-organization-code", "RR8")),
        []
    );
    assert_eq!(
        issues(&nhs("9000000130"), &ods("ods-site-code", "RR813")),
        []
    );
    // Other systems are not NHS numbers, whatever their value.
    let other = r#"{"system":"https://example.org/mrn","value":"abc"}"#;
    assert_eq!(issues(other, &ods("ods-site-code", "X26")), []);
}

#[test]
fn a_wrong_check_digit_is_an_error_naming_the_right_one() {
    let found = issues(&nhs("9000000008"), &ods("ods-site-code", "ABC12"));
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, location, message) = &found[0];
    assert_eq!(rule, "nhs-number");
    assert_eq!(location, "Patient.identifier[0].value");
    assert!(message.contains("check digit is 8"), "{message}");
    assert!(message.contains("is 9"), "{message}");
}

#[test]
fn malformed_nhs_numbers_say_what_is_wrong() {
    let list = [nhs("900000000"), nhs("90000000AB"), nhs("9000000050")].join(",");
    let found = issues(&list, &ods("ods-site-code", "RR8"));
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].contains("exactly 10 digits, not 9"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("digits only"), "{}", messages[1]);
    assert!(messages[2].contains("check value of 10"), "{}", messages[2]);
    assert_eq!(found[2].1, "Patient.identifier[2].value");
}

#[test]
fn malformed_ods_codes_anywhere_are_errors() {
    for (code, why) in [
        ("rr8", "lower-case"),
        ("RR8 1", "neither"),
        ("ABCDEFGHIJK", "not 11"),
        ("R8", "not 2"),
    ] {
        let found = issues(&nhs("9000000009"), &ods("ods-organization-code", code));
        assert_eq!(found.len(), 1, "{code}: {found:?}");
        let (rule, location, message) = &found[0];
        assert_eq!(rule, "ods-code");
        assert_eq!(location, "Patient.managingOrganization.identifier.value");
        assert!(message.contains(why), "{code}: {message}");
    }
}
