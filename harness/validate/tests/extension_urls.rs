//! `Extension.url` (R4 extensibility.html, extension-definitions): absolute and unversioned
//! for an extension, a declared part's name inside a complex extension; a complex extension
//! has parts, not a value; and an extension is used only where its context allows. Uses the
//! built-in R4 definitions.

mod issues;
use issues::issues;

use std::sync::{Arc, OnceLock};

use assure_model::Format;
use assure_validate::{Definitions, Options, Severity, Validator, bundled};
use serde_json::json;

const COMPLEX: &str = "http://example.org/fhir/StructureDefinition/origin";
const SIMPLE: &str = "http://example.org/fhir/StructureDefinition/nickname";

/// `origin`: a complex extension on Patient with the parts `country` (code) and `since`
/// (date); `nickname`: a string extension on HumanName.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let part = |name: &str, type_code: &str| {
            let id = format!("Extension.extension:{name}");
            let value = format!("value{}{}", &type_code[..1].to_uppercase(), &type_code[1..]);
            [
                json!({"id": id, "path": "Extension.extension", "sliceName": name, "max": "1"}),
                json!({"id": format!("{id}.url"), "path": "Extension.extension.url",
                    "fixedUri": name}),
                json!({"id": format!("{id}.value[x]"), "path": "Extension.extension.value[x]",
                    "type": [{"code": type_code}], "min": 1, "short": value}),
            ]
        };
        let mut complex_elements = vec![
            json!({"id": "Extension", "path": "Extension"}),
            json!({"id": "Extension.extension", "path": "Extension.extension",
                "slicing": {"discriminator": [{"type": "value", "path": "url"}],
                            "rules": "closed"}}),
        ];
        complex_elements.extend(part("country", "code"));
        complex_elements.extend(part("since", "date"));
        complex_elements.extend([
            json!({"id": "Extension.url", "path": "Extension.url", "fixedUri": COMPLEX}),
            json!({"id": "Extension.value[x]", "path": "Extension.value[x]", "max": "0"}),
        ]);
        let extension = |url: &str, name: &str, context: &str, elements| {
            json!({"resourceType": "StructureDefinition", "url": url, "name": name,
                "status": "active", "kind": "complex-type", "abstract": false,
                "context": [{"type": "element", "expression": context}],
                "type": "Extension", "derivation": "constraint",
                "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
                "differential": {"element": elements}})
        };
        let mut definitions: Definitions = bundled::definitions().unwrap();
        definitions.add_json(
            extension(COMPLEX, "Origin", "Patient", json!(complex_elements)),
            "test",
        );
        definitions.add_json(
            extension(
                SIMPLE,
                "Nickname",
                "HumanName",
                json!([
                    {"id": "Extension", "path": "Extension"},
                    {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
                    {"id": "Extension.url", "path": "Extension.url", "fixedUri": SIMPLE},
                    {"id": "Extension.value[x]", "path": "Extension.value[x]",
                     "type": [{"code": "string"}]}]),
            ),
            "test",
        );
        Validator::new(Arc::new(definitions))
    })
}

/// The errors of a Patient with `extensions` at its root and `name_extensions` on its name.
fn errors(extensions: serde_json::Value, name_extensions: serde_json::Value) -> Vec<String> {
    let patient = json!({"resourceType": "Patient", "extension": extensions,
        "name": [{"family": "Doe", "extension": name_extensions}]})
    .to_string();
    let outcome = validator().validate_bytes(patient.as_bytes(), Format::Json, &Options::default());
    issues(&outcome, Severity::Error)
}

fn origin(parts: serde_json::Value) -> serde_json::Value {
    json!({"url": COMPLEX, "extension": parts})
}

#[test]
fn well_formed_extensions_in_their_contexts_pass() {
    assert_eq!(
        errors(
            json!([origin(json!([{"url": "country", "valueCode": "GB"},
                                 {"url": "since", "valueDate": "2001-02-03"}]))]),
            json!([{"url": SIMPLE, "valueString": "Jo"}])
        ),
        Vec::<String>::new()
    );
}

#[test]
fn an_extension_url_is_absolute_and_unversioned() {
    assert_eq!(
        errors(
            json!([{"url": "nickname", "valueString": "Jo"}]),
            json!([{"url": format!("{SIMPLE}|1.0"), "valueString": "Jo"}])
        ),
        vec![
            "Patient.extension[0].url: Extension.url must be an absolute URL, not 'nickname'"
                .to_owned(),
            format!(
                "Patient.name[0].extension[0]: Extension URLs must not carry a version: '{SIMPLE}|1.0'"
            ),
            format!(
                "Patient.name[0].extension[0].url: The value '{SIMPLE}|1.0' is not the value \
                 '{SIMPLE}' the extension's definition fixes Extension.url to"
            ),
        ]
    );
}

#[test]
fn a_complex_extension_has_only_its_declared_parts_and_no_value() {
    let found = errors(
        json!([
            origin(json!([{"url": "planet", "valueCode": "earth"}])),
            {"url": COMPLEX, "valueString": "GB"}
        ]),
        json!([]),
    );
    assert!(
        found.contains(
            &"Patient.extension[0].extension[0].url: The extension \
              http://example.org/fhir/StructureDefinition/origin has no part 'planet' (its \
              parts: country, since)"
                .to_owned()
        ),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("Patient.extension[1]: Extension.value[x]: maximum allowed = 0")),
        "{found:?}"
    );
}

#[test]
fn an_extension_is_used_only_in_its_context() {
    assert_eq!(
        errors(
            json!([{"url": SIMPLE, "valueString": "Jo"}]),
            json!([origin(json!([{"url": "country", "valueCode": "GB"}]))])
        ),
        vec![
            format!(
                "Patient: The extension {SIMPLE} is not allowed here (Patient, Patient); allowed \
                 contexts: HumanName"
            ),
            format!(
                "Patient.name[0]: The extension {COMPLEX} is not allowed here (Patient.name, \
                 HumanName); allowed contexts: Patient"
            ),
        ]
    );
}
