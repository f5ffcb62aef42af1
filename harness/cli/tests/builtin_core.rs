//! `assure validate` with no FHIR package anywhere: an empty home folder and package cache, so
//! the R4 base definitions built into the binary are all there is.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use assure_validate::package::archive_files;

/// `assure validate FILES` with `HOME` and `FHIR_PACKAGE_CACHE` pointing at empty folders
/// under `home`.
fn validate_without_packages(home: &Path, files: &[PathBuf]) -> Output {
    let cache = home.join("fhir-packages");
    Command::cargo_bin("assure")
        .unwrap()
        .env("HOME", home)
        .env("USERPROFILE", home)
        .env("FHIR_PACKAGE_CACHE", &cache)
        .arg("validate")
        .args(files)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_valid_resource_passes_and_a_broken_one_fails_with_no_packages() {
    let home = tempfile::tempdir().unwrap();
    let good = home.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"resourceType":"Observation","id":"o1","status":"final",
            "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
            "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
            "effectiveDateTime":"2026-01-01",
            "subject":{"reference":"Patient/p1"},
            "valueQuantity":{"value":72.5,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}"#,
    )
    .unwrap();
    let output = validate_without_packages(home.path(), std::slice::from_ref(&good));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );

    let broken = home.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"resourceType\":\"Observation\",\n \"status\":\"guessed\",\n \"code\":{\"text\":\"weight\"}}",
    )
    .unwrap();
    let output = validate_without_packages(home.path(), std::slice::from_ref(&broken));
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "{}:2:2  error    Observation.status",
            broken.display()
        )),
        "{stdout}"
    );
    assert!(
        std::fs::read_dir(home.path()).unwrap().count() == 2,
        "validation wrote into the home folder"
    );
}

#[test]
fn the_published_r4_examples_pass_with_no_packages() {
    let tarball = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    if !tarball.is_file() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "test data missing under CI: {}",
            tarball.display()
        );
        println!("skipped: {} not found", tarball.display());
        return;
    }
    let wanted = [
        "package/Patient-example.json",
        "package/Observation-example.json",
        "package/Bundle-bundle-example.json",
    ];
    let home = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = archive_files(&tarball, |path| wanted.contains(&path))
        .unwrap()
        .into_iter()
        .map(|file| {
            let path = home.path().join(file.path.trim_start_matches("package/"));
            std::fs::write(&path, &file.bytes).unwrap();
            path
        })
        .collect();
    assert_eq!(files.len(), wanted.len());
    let output = validate_without_packages(home.path(), &files);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}
