//! The validator switches of `assure validate` (flags and `--validator-config`) and of a
//! `conforms` assertion's `options`, with the built-in R4 definitions.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assure::suite::{Assertion, load_str};
use assure::validation::{Level, ValidatorSettings};
use assure_validate::{BundleRule, CheckReferences};
use indexmap::IndexMap;

/// `assure` with no package cache or registry from the environment; definitions come from
/// the built-in R4 bundle (the cache given is empty).
fn assure(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("assure").unwrap();
    command.env_remove("FHIR_PACKAGE_CACHE");
    command.env_remove("FHIR_PACKAGE_REGISTRY");
    command
        .arg("validate")
        .arg("--package-dir")
        .arg(dir.join("cache"));
    command
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A Patient with no narrative (a dom-6 warning) and an extension no package defines.
const PATIENT: &str = r#"{"resourceType": "Patient",
  "extension": [{"url": "https://fhir.nhs.uk/Ext/unknown", "valueString": "x"}]}"#;

fn stdout(command: &mut Command) -> (Option<i32>, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn unknown_extensions_fail_unless_their_domain_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.json", PATIENT);
    let (code, out, _) = stdout(assure(dir.path()).arg(&file));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("could not be found, so it is not allowed here"),
        "{out}"
    );
    let (code, out, _) = stdout(
        assure(dir.path())
            .arg(&file)
            .args(["--allow-extension-domain", "fhir.nhs.uk"]),
    );
    assert_eq!(code, Some(0), "{out}");
    let (code, out, _) = stdout(assure(dir.path()).arg(&file).arg("--any-extensions"));
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn level_hides_less_severe_issues_but_not_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.json", PATIENT);
    let (code, out, _) = stdout(assure(dir.path()).arg(&file).args(["--level", "error"]));
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("dom-6"), "{out}");
    let (_, out, _) = stdout(assure(dir.path()).arg(&file));
    assert!(out.contains("dom-6"), "{out}");
    let (code, _, err) = stdout(assure(dir.path()).arg(&file).args(["--level", "info"]));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`info` is not one of hint, warning, error"),
        "{err}"
    );
}

#[test]
fn best_practice_makes_dom_6_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.json", r#"{"resourceType": "Patient"}"#);
    let (code, out, _) = stdout(assure(dir.path()).arg(&file));
    assert_eq!(code, Some(0), "{out}");
    let (code, out, _) = stdout(
        assure(dir.path())
            .arg(&file)
            .args(["--best-practice", "error"]),
    );
    assert_eq!(code, Some(1), "{out}");
}

#[test]
fn a_config_file_holds_the_same_settings_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "p.json", PATIENT);
    let yaml = write(
        dir.path(),
        "validator.yaml",
        "allow_extension_domains: [fhir.nhs.uk]\nbest_practice: ignore\n",
    );
    let (code, out, _) = stdout(
        assure(dir.path())
            .arg(&file)
            .arg("--validator-config")
            .arg(&yaml),
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("dom-6"), "{out}");
    let (code, _, _) = stdout(
        assure(dir.path())
            .arg(&file)
            .arg("--validator-config")
            .arg(&yaml)
            .args(["--best-practice", "error"]),
    );
    assert_eq!(code, Some(1));
    let toml = write(
        dir.path(),
        "validator.toml",
        "any_extensions = true\ncheck_refs = \"none\"\n",
    );
    let (code, _, err) = stdout(
        assure(dir.path())
            .arg(&file)
            .arg("--validator-config")
            .arg(&toml),
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("validator.toml:2:1: unknown validator setting `check_refs`"),
        "{err}"
    );
}

const HEAD: &str = "id: s\ntitle: S\ntests:\n  - id: T\n    title: t\n    level: SHALL\n    steps:\n      - read: { type: Patient, id: x }\n        expect:\n";

#[test]
fn conforms_options_are_read_per_assertion() {
    let yaml = format!(
        "{HEAD}          - conforms:\n              options:\n                check_references: exists\n                allow_extension_domains: [fhir.nhs.uk]\n                level: warning\n"
    );
    let suites = load_str("s.yaml", &yaml, &IndexMap::new()).unwrap();
    let Assertion::Conforms(conforms) = &suites[0].tests[0].steps[0].expect[0] else {
        panic!("not a conforms assertion");
    };
    let expected = ValidatorSettings {
        extension_domains: vec!["fhir.nhs.uk".into()],
        check_references: Some(CheckReferences::Exists),
        level: Some(Level::Warning),
        ..ValidatorSettings::default()
    };
    assert_eq!(conforms.options, expected);
}

#[test]
fn bad_conforms_options_stop_the_load_where_they_are_written() {
    let error = |options: &str| {
        let yaml = format!("{HEAD}          - conforms:\n              options: {options}\n");
        load_str("s.yaml", &yaml, &IndexMap::new())
            .expect_err("the suite should not load")
            .to_string()
    };
    let found = error("{ check_references: all }");
    assert!(
        found.contains("s.yaml:11:44: `check_references`: `all` is not one of none, type, exists"),
        "{found}"
    );
    let found = error("{ colour: red }");
    assert!(
        found.contains("s.yaml:11:26: unknown validator setting `colour`"),
        "{found}"
    );
}

#[test]
fn html_in_markdown_is_a_warning_an_error_or_nothing_as_switched() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "a.json",
        r#"{"resourceType": "ActivityDefinition", "status": "draft",
            "description": "Take <b>two</b> tablets"}"#,
    );
    let (code, out, _) = stdout(assure(dir.path()).arg(&file));
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("warning") && out.contains("embedded HTML tag"),
        "{out}"
    );
    let (code, out, _) = stdout(
        assure(dir.path())
            .arg(&file)
            .args(["--html-in-markdown", "error"]),
    );
    assert_eq!(code, Some(1), "{out}");
    let (code, out, _) = stdout(
        assure(dir.path())
            .arg(&file)
            .args(["--html-in-markdown", "ignore"]),
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("embedded HTML tag"), "{out}");
    let (code, _, err) = stdout(
        assure(dir.path())
            .arg(&file)
            .args(["--html-in-markdown", "hint"]),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("ignore, warning, error"), "{err}");
}

#[test]
fn aggregation_outside_bundles_is_a_setting_of_every_layer() {
    let mut settings = ValidatorSettings::default();
    assert!(settings.switches().aggregation_outside_bundles);
    settings
        .set(
            "aggregation_outside_bundles",
            assure::validation::SettingValue::Bool(false),
        )
        .unwrap();
    assert!(!settings.switches().aggregation_outside_bundles);
    assert!(
        !ValidatorSettings::run_defaults()
            .switches()
            .aggregation_outside_bundles
    );
}

// --- `--bundle RULE PROFILE`: Bundle entries judged by a profile ---

const BORN: &str = "http://example.org/fhir/StructureDefinition/patient-born";

/// A folder of conformance resources with a Patient profile (differential only) that
/// requires a birthDate.
fn born_profile(dir: &Path) -> PathBuf {
    let folder = dir.join("profiles");
    std::fs::create_dir_all(&folder).unwrap();
    let profile = serde_json::json!({"resourceType": "StructureDefinition",
        "id": "patient-born", "url": BORN, "name": "PatientBorn", "status": "active",
        "kind": "resource", "abstract": false, "fhirVersion": "4.0.1", "type": "Patient",
        "derivation": "constraint",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
        "differential": {"element": [
            {"id": "Patient.birthDate", "path": "Patient.birthDate", "min": 1}]}});
    write(
        &folder,
        "StructureDefinition-patient-born.json",
        &profile.to_string(),
    );
    folder
}

/// A collection: two Patients without a birthDate, then an Observation.
const COLLECTION: &str = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a01",
   "resource": {"resourceType": "Patient", "name": [{"family": "Ames"}]}},
  {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a02",
   "resource": {"resourceType": "Patient", "name": [{"family": "Boyd"}]}},
  {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a03",
   "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "w"}}}]}"#;

#[test]
fn bundle_rules_judge_the_entries_they_select() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = born_profile(dir.path());
    let file = write(dir.path(), "b.json", COLLECTION);
    let with = |rules: &[&str]| {
        let mut command = assure(dir.path());
        command.arg("--package").arg(&profiles).arg(&file);
        command.args(["--level", "error"]).args(rules);
        stdout(&mut command)
    };
    let (code, out, _) = with(&[]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out, _) = with(&["--bundle", "Patient", BORN]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "b.json:3:4  error    Bundle.entry[0].resource  Patient.birthDate: minimum required = 1"
        ) && out.contains("Bundle.entry[1].resource  Patient.birthDate"),
        "{out}"
    );
    let (code, out, _) = with(&["--bundle", "Patient:1", BORN]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        !out.contains("Bundle.entry[0]") && out.contains("Bundle.entry[1].resource"),
        "{out}"
    );
    let (code, out, _) = with(&["--bundle", "Patient:2", BORN, "--bundle", "Patient:9", BORN]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_bundle_rule_that_cannot_apply_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = born_profile(dir.path());
    let file = write(dir.path(), "b.json", COLLECTION);
    let with = |rule: &str, profile: &str| {
        let mut command = assure(dir.path());
        command.arg("--package").arg(&profiles).arg(&file);
        command.args(["--bundle", rule, profile]);
        stdout(&mut command)
    };
    let (code, _, err) = with("Foo:0", BORN);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bundle rule `Foo:0`: Foo is not a resource type"),
        "{err}"
    );
    let (code, _, err) = with("Patient:x", BORN);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bundle rule `Patient:x`: the entry index `x` is not a whole number"),
        "{err}"
    );
    // As with an unknown --profile.
    let (code, _, err) = with(
        "Patient",
        "http://example.org/fhir/StructureDefinition/nowhere",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "bundle rule `Patient`: profile http://example.org/fhir/StructureDefinition/nowhere \
             is not defined by the loaded packages"
        ),
        "{err}"
    );
}

#[test]
fn conforms_options_take_bundle_rules() {
    let yaml = format!(
        "{HEAD}          - conforms:\n              options:\n                bundle: [\"Patient:0 {BORN}\", \"Observation {BORN}\"]\n"
    );
    let suites = load_str("s.yaml", &yaml, &IndexMap::new()).unwrap();
    let Assertion::Conforms(conforms) = &suites[0].tests[0].steps[0].expect[0] else {
        panic!("not a conforms assertion");
    };
    let expected = vec![
        BundleRule::new("Patient:0", BORN).unwrap(),
        BundleRule::new("Observation", BORN).unwrap(),
    ];
    assert_eq!(conforms.options.bundle_rules, expected);
    let one = format!(
        "{HEAD}          - conforms:\n              options: {{ bundle: Patient {BORN} }}\n"
    );
    let suites = load_str("s.yaml", &one, &IndexMap::new()).unwrap();
    let Assertion::Conforms(conforms) = &suites[0].tests[0].steps[0].expect[0] else {
        panic!("not a conforms assertion");
    };
    assert_eq!(conforms.options.bundle_rules.len(), 1);
}

#[test]
fn a_malformed_bundle_rule_stops_the_load_where_it_is_written() {
    let yaml = format!(
        "{HEAD}          - conforms:\n              options:\n                bundle:\n                  - Patient {BORN}\n                  - Patient:x {BORN}\n"
    );
    let found = load_str("s.yaml", &yaml, &IndexMap::new())
        .expect_err("the suite should not load")
        .to_string();
    assert!(
        found.contains(
            "s.yaml:14:21: `bundle`: bundle rule `Patient:x`: the entry index `x` is not a \
             whole number from 0"
        ),
        "{found}"
    );
}
