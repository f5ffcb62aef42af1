//! Generating the bundle from the published R4 packages: select, strip, and write a gzip'd
//! tarball in FHIR package layout with fixed headers, so the same input always gives the same
//! bytes.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::GzBuilder;
use serde_json::Value;

use super::canonical_json;
use super::select::{Selection, select};
use super::strip::strip;
use assure_validate::bundled::{PACKAGE_NAME, PACKAGE_VERSION};
use assure_validate::package::{PackageError, archive_files, header_resource_type};

/// The generated bundle and what it holds.
#[derive(Debug)]
pub struct Built {
    /// The gzip'd tarball.
    pub bytes: Vec<u8>,
    pub structure_definitions: usize,
    pub value_sets: usize,
    pub code_systems: usize,
    pub search_parameters: usize,
    /// Size of the uncompressed resources.
    pub json_bytes: usize,
}

/// Resource types read from the source packages (everything else is skipped unparsed).
const READ_TYPES: &[&str] = &[
    "StructureDefinition",
    "ValueSet",
    "CodeSystem",
    "SearchParameter",
];

/// Builds the bundle from the R4 specification package (`hl7.fhir.r4.examples-4.0.1.tgz`)
/// and the R4 expansions package (`hl7.fhir.r4.expansions-4.0.1.tgz`).
pub fn build(specification: &Path, expansions: &Path) -> Result<Built, PackageError> {
    let selection = select(read_resources(specification)?, read_resources(expansions)?);
    let counts = (
        selection.structure_definitions.len(),
        selection.value_sets.len(),
        selection.code_systems.len(),
        selection.search_parameters.len(),
    );
    let (bytes, json_bytes) = write_package(selection)?;
    Ok(Built {
        bytes,
        structure_definitions: counts.0,
        value_sets: counts.1,
        code_systems: counts.2,
        search_parameters: counts.3,
        json_bytes,
    })
}

/// The parsed resources of the wanted types directly under `package/`.
fn read_resources(tarball: &Path) -> Result<Vec<Value>, PackageError> {
    let files = archive_files(tarball, |path| {
        path.strip_prefix("package/")
            .is_some_and(|name| !name.contains('/') && name.ends_with(".json"))
    })?;
    let mut resources = Vec::new();
    for file in files {
        let wanted = header_resource_type(&file.bytes)
            .is_some_and(|kind| READ_TYPES.contains(&kind.as_str()));
        if !wanted {
            continue;
        }
        let resource = serde_json::from_slice(&file.bytes)
            .map_err(|e| PackageError::Format(format!("{}: {e}", file.path)))?;
        resources.push(resource);
    }
    Ok(resources)
}

/// The manifest of the bundled package.
fn manifest() -> Value {
    serde_json::json!({
        "name": PACKAGE_NAME,
        "version": PACKAGE_VERSION,
        "fhirVersions": ["4.0.1"],
        "type": "fhir.core",
        "license": "CC0-1.0",
        "canonical": "http://hl7.org/fhir",
        "description": "FHIR R4 base definitions for validation, selected and stripped from \
                        hl7.fhir.r4.examples#4.0.1 and hl7.fhir.r4.expansions#4.0.1",
    })
}

/// Writes the selection as `package/<Type>-<id>.json` files plus `package/package.json`,
/// sorted by name, into a gzip'd tarball. Returns it and the total size of the JSON.
fn write_package(selection: Selection) -> Result<(Vec<u8>, usize), PackageError> {
    let mut files: Vec<(String, Vec<u8>)> = vec![(
        "package/package.json".to_owned(),
        canonical_json::to_bytes(&manifest()),
    )];
    let resources = [
        selection.structure_definitions,
        selection.value_sets,
        selection.code_systems,
        selection.search_parameters,
    ]
    .into_iter()
    .flat_map(|group| group.into_values());
    for resource in resources {
        let Some(stripped) = strip(&resource) else {
            continue;
        };
        let kind = stripped["resourceType"].as_str().unwrap_or_default();
        let id = stripped["id"].as_str().unwrap_or_default();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        {
            return Err(PackageError::Format(format!(
                "{kind} has an unusable id `{id}`"
            )));
        }
        files.push((
            format!("package/{kind}-{id}.json"),
            canonical_json::to_bytes(&stripped),
        ));
    }
    files.sort();
    if let Some(pair) = files.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(PackageError::Format(format!(
            "two resources map to {}",
            pair[0].0
        )));
    }
    let json_bytes = files.iter().map(|(_, content)| content.len()).sum();
    let failed = |e: std::io::Error| PackageError::Format(format!("writing the bundle: {e}"));
    let gzip = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    let mut archive = tar::Builder::new(gzip);
    for (path, content) in &files {
        let mut header = tar::Header::new_ustar();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        archive
            .append_data(&mut header, path, content.as_slice())
            .map_err(failed)?;
    }
    let mut gzip = archive.into_inner().map_err(failed)?;
    gzip.flush().map_err(failed)?;
    Ok((gzip.finish().map_err(failed)?, json_bytes))
}
