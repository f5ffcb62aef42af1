//! UK Core offline: `--package` with a source folder, `assure packages import DIR`, and the
//! NHS identifier rules, through the command line.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const UKCORE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/ukcore");
const UKCORE_PATIENT: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";
/// A UK Core example Patient carrying UK Core extensions.
const EXAMPLE: &str = "examples/Extension-UKCore-EthnicCategory-Example.xml";

/// The UK Core source folder, or `None` (after a `skipped:` line) when the shared data is
/// missing outside CI.
fn ukcore() -> Option<PathBuf> {
    let path = Path::new(UKCORE);
    if path.join(EXAMPLE).is_file() {
        return Some(path.to_owned());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "test data missing under CI: {}",
        path.display()
    );
    println!("skipped: {} not found", path.display());
    None
}

fn assure(cache: &Path) -> Command {
    let mut command = Command::cargo_bin("assure").unwrap();
    command.env_remove("FHIR_PACKAGE_CACHE");
    command.env_remove("FHIR_PACKAGE_REGISTRY");
    command.env("FHIR_PACKAGE_CACHE", cache);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `assure validate FILE --profile UKCore-Patient --package PACKAGE` with an empty cache.
fn validate_example(cache: &Path, package: &str, file: &Path) -> Output {
    assure(cache)
        .arg("validate")
        .arg(file)
        .args(["--profile", UKCORE_PATIENT, "--package", package])
        .output()
        .unwrap()
}

#[test]
fn a_source_folder_is_a_package() {
    let Some(ukcore) = ukcore() else { return };
    let cache = tempfile::tempdir().unwrap();
    let output = validate_example(
        cache.path(),
        &ukcore.display().to_string(),
        &ukcore.join(EXAMPLE),
    );
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(!stdout.contains("could not be found"), "{stdout}");
    assert!(!stdout.contains("  error  "), "{stdout}");
}

#[test]
fn an_imported_source_folder_loads_by_name() {
    let Some(ukcore) = ukcore() else { return };
    let cache = tempfile::tempdir().unwrap();
    let output = assure(cache.path())
        .args(["packages", "import"])
        .arg(&ukcore)
        .args([
            "--name",
            "fhir.r4.ukcore.stu3.currentbuild",
            "--version",
            "0.0.0-test",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("imported fhir.r4.ukcore.stu3.currentbuild#0.0.0-test"),
        "{}",
        text(&output.stdout)
    );
    let output = validate_example(
        cache.path(),
        "fhir.r4.ukcore.stu3.currentbuild@0.0.0-test",
        &ukcore.join(EXAMPLE),
    );
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(!stdout.contains("could not be found"), "{stdout}");
}

#[test]
fn import_names_a_folder_without_conformance_resources_and_a_missing_name() {
    let cache = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("Patient-a.json"),
        r#"{"resourceType":"Patient","id":"a"}"#,
    )
    .unwrap();
    let import = |args: &[&str]| {
        assure(cache.path())
            .args(["packages", "import"])
            .arg(folder.path())
            .args(args)
            .output()
            .unwrap()
    };
    let output = import(&["--name", "x.y", "--version", "1.0.0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("holds no FHIR conformance resources"),
        "{}",
        text(&output.stderr)
    );
    std::fs::write(
        folder.path().join("ValueSet-v.json"),
        r#"{"resourceType":"ValueSet","id":"v","url":"https://example.org/ValueSet/v","status":"active"}"#,
    )
    .unwrap();
    let output = import(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("pass --name NAME --version VERSION"),
        "{}",
        text(&output.stderr)
    );
    let output = import(&["--name", "x.y", "--version", "1.0.0"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        cache
            .path()
            .join("x.y#1.0.0/package/package.json")
            .is_file()
    );
}

#[test]
fn a_bad_nhs_number_is_an_error() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let patient = dir.path().join("patient.json");
    std::fs::write(
        &patient,
        r#"{"resourceType":"Patient","id":"p",
            "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000008"}]}"#,
    )
    .unwrap();
    let output = assure(cache.path())
        .arg("validate")
        .arg(&patient)
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Patient.identifier[0].value"), "{stdout}");
    assert!(
        stdout.contains("check digit of its first nine digits is 9"),
        "{stdout}"
    );
    assert!(stdout.contains("[nhs-number]"), "{stdout}");
}

#[test]
fn install_without_a_registry_says_how_to_get_uk_core_offline() {
    let cache = tempfile::tempdir().unwrap();
    let output = assure(cache.path())
        .args([
            "packages",
            "install",
            "fhir.r4.ukcore.stu3.currentbuild@0.0.1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("no package registry configured"),
        "{stderr}"
    );
    assert!(
        stderr.contains("assure packages import path/to/ukcore"),
        "{stderr}"
    );
    assert!(stderr.contains("--package path/to/ukcore"), "{stderr}");
}
