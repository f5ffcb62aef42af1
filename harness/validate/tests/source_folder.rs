//! Source folders: conformance resources as JSON or XML at any depth, read with the base
//! definitions, named, and written into the package cache.

use std::path::Path;
use std::sync::Arc;

use assure_validate::package::PackageCache;
use assure_validate::source_folder::{LOCAL_VERSION, SourceFolder};
use assure_validate::{Validator, bundled};

fn reader() -> Validator {
    Validator::new(Arc::new(bundled::definitions().unwrap()))
}

fn write(dir: &Path, relative: &str, content: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

const EXTENSION_XML: &str = r#"<StructureDefinition xmlns="http://hl7.org/fhir">
  <id value="Extension-Colour"/>
  <url value="https://example.org/StructureDefinition/Extension-Colour"/>
  <version value="1.0.0"/>
  <name value="ExtensionColour"/>
  <status value="active"/>
  <kind value="complex-type"/>
  <abstract value="false"/>
  <context><type value="element"/><expression value="Patient"/></context>
  <type value="Extension"/>
  <baseDefinition value="http://hl7.org/fhir/StructureDefinition/Extension"/>
  <derivation value="constraint"/>
  <differential>
    <element id="Extension"><path value="Extension"/></element>
    <element id="Extension.value[x]"><path value="Extension.value[x]"/><min value="1"/>
      <type><code value="string"/></type></element>
  </differential>
</StructureDefinition>"#;

/// A folder in the shape UK Core is published in, with an example, a broken file and files
/// that are not resources.
fn source_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "structuredefinitions/deep/Extension-Colour.xml",
        EXTENSION_XML,
    );
    write(
        root,
        "valuesets/ValueSet-Colours.json",
        r#"{"resourceType":"ValueSet","id":"Colours","url":"https://example.org/ValueSet/Colours",
            "status":"active","compose":{"include":[{"system":"https://example.org/cs"}]}}"#,
    );
    write(
        root,
        "examples/Patient-a.xml",
        r#"<Patient xmlns="http://hl7.org/fhir"><id value="a"/></Patient>"#,
    );
    write(
        root,
        "codesystems/Broken.xml",
        "<CodeSystem xmlns=\"http://hl7.org/fhir\">",
    );
    write(root, "README.md", "# not a resource");
    write(root, ".hidden/ValueSet-x.json", "not even JSON");
    dir
}

#[test]
fn conformance_resources_are_read_at_any_depth_and_xml_is_converted() {
    let dir = source_folder();
    let folder = SourceFolder::read(dir.path(), &reader()).unwrap();
    let types: Vec<&str> = folder
        .resources
        .iter()
        .map(|(_, json)| json["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["StructureDefinition", "ValueSet"]);
    let extension = &folder.resources[0].1;
    assert_eq!(extension["abstract"], false, "booleans are JSON booleans");
    assert_eq!(extension["differential"]["element"][1]["min"], 1);
    assert_eq!(folder.ignored, 1, "the example is left out");
    assert_eq!(folder.skipped.len(), 1, "{:?}", folder.skipped);
    assert!(folder.skipped[0].path.ends_with("codesystems/Broken.xml"));
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(folder.default_id(), (name, LOCAL_VERSION.to_owned()));
    assert_eq!(folder.guide_id(), None);
}

#[test]
fn an_implementation_guide_names_the_package_and_its_dependencies() {
    let dir = source_folder();
    write(
        dir.path(),
        "ImplementationGuide-example.json",
        r#"{"resourceType":"ImplementationGuide","id":"ig","url":"https://example.org/ImplementationGuide/ig",
            "packageId":"example.colours","version":"2.1.0","status":"active","fhirVersion":["4.0.1"],
            "dependsOn":[{"uri":"https://example.org/other","packageId":"example.other","version":"1.0.0"}]}"#,
    );
    let folder = SourceFolder::read(dir.path(), &reader()).unwrap();
    assert_eq!(
        folder.default_id(),
        ("example.colours".to_owned(), "2.1.0".to_owned())
    );
    let package = folder.into_package("example.colours", "2.1.0");
    assert_eq!(package.id(), "example.colours#2.1.0");
    assert_eq!(
        package
            .manifest
            .dependencies
            .get("example.other")
            .map(String::as_str),
        Some("1.0.0")
    );
    assert_eq!(
        package.manifest.canonical.as_deref(),
        Some("https://example.org")
    );
}

#[test]
fn a_folder_written_to_the_cache_loads_back_by_name() {
    let dir = source_folder();
    let folder = SourceFolder::read(dir.path(), &reader()).unwrap();
    let package = folder.into_package("example.colours", "0.1.0");
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = PackageCache::new(cache_dir.path());
    let written = cache.add_package(&package).unwrap();
    assert_eq!(written, cache.package_dir("example.colours", "0.1.0"));
    assert!(written.join("package/.index.json").is_file());
    // Writing it again replaces the entry.
    cache.add_package(&package).unwrap();
    let loaded = cache.load("example.colours", "0.1.0").unwrap();
    let mut urls: Vec<&str> = loaded.resources.iter().filter_map(|r| r.url()).collect();
    urls.sort_unstable();
    assert_eq!(
        urls,
        [
            "https://example.org/StructureDefinition/Extension-Colour",
            "https://example.org/ValueSet/Colours"
        ]
    );
    assert_eq!(
        cache.list().unwrap().len(),
        1,
        "no temporary folder is left"
    );
}

#[test]
fn a_folder_without_conformance_resources_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Patient-a.xml",
        r#"<Patient xmlns="http://hl7.org/fhir"><id value="a"/></Patient>"#,
    );
    let error = SourceFolder::read(dir.path(), &reader()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("holds no FHIR conformance resources"),
        "{error}"
    );
}

#[test]
fn xml_primitives_with_extensions_take_the_json_form() {
    // R4 json.html: a primitive's extensions go to `_name`, item by item, beside its value.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Profile.xml",
        r#"<StructureDefinition xmlns="http://hl7.org/fhir">
  <url value="https://example.org/StructureDefinition/p"/>
  <name value="P"/>
  <status value="active"/>
  <kind value="resource"/>
  <abstract value="false"/>
  <type value="Composition"/>
  <baseDefinition value="http://hl7.org/fhir/StructureDefinition/Composition"/>
  <derivation value="constraint"/>
  <contact><telecom><system value="url"/><value value="https://example.org"/></telecom></contact>
  <differential>
    <element><path value="Composition.section"/><sliceName value="a"/>
      <type><code value="BackboneElement"/>
        <profile value="https://example.org/StructureDefinition/one"/>
        <profile value="https://example.org/StructureDefinition/library">
          <extension url="http://hl7.org/fhir/StructureDefinition/elementdefinition-profile-element">
            <valueString value="Composition.section:a"/>
          </extension>
        </profile>
      </type>
      <short><extension url="http://example.org/note"><valueString value="only an extension"/></extension></short>
    </element>
  </differential>
</StructureDefinition>"#,
    );
    let folder = SourceFolder::read(dir.path(), &reader()).unwrap();
    let element = &folder.resources[0].1["differential"]["element"][0];
    let profile_type = &element["type"][0];
    assert_eq!(
        profile_type["profile"],
        serde_json::json!([
            "https://example.org/StructureDefinition/one",
            "https://example.org/StructureDefinition/library"
        ])
    );
    assert_eq!(profile_type["_profile"][0], serde_json::Value::Null);
    assert_eq!(
        profile_type["_profile"][1]["extension"][0]["valueString"],
        "Composition.section:a"
    );
    assert!(element.get("short").is_none(), "{element}");
    assert_eq!(
        element["_short"]["extension"][0]["valueString"],
        "only an extension"
    );
}
