//! The resources the reference server starts with: `fixtures/<Type>/<id>.json`, compiled into
//! the binary or read from a directory of the same layout.
//!
//! Only folders whose name starts with an upper-case letter hold resources; other entries
//! (`README.md`, lower-case folders) are ignored. Each `.json` file holds one resource whose
//! `resourceType` is its folder's name and whose `id` is its file name.

use std::path::Path;

use anyhow::{Context, bail, ensure};
use include_dir::{Dir, include_dir};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::data_defect;
use super::defect::Defect;
use super::resource_types;
use super::store::Store;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../fixtures");

/// A validated set of fixture resources, ordered by type then id.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixtures {
    resources: Vec<Value>,
}

impl Fixtures {
    /// The fixtures compiled into the binary.
    pub fn embedded() -> anyhow::Result<Self> {
        let mut files = Vec::new();
        for folder in EMBEDDED.dirs() {
            let folder_name = name_of(folder.path())?;
            if is_resource_folder(folder_name) {
                for file in folder.files() {
                    files.push((folder_name, name_of(file.path())?, file.contents()));
                }
            }
        }
        Self::parse(files)
    }

    /// The fixtures in `dir`, laid out as `<dir>/<Type>/<id>.json`.
    pub fn from_dir(dir: &Path) -> anyhow::Result<Self> {
        let mut contents = Vec::new();
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("reading fixtures {}", dir.display()))?;
        for entry in entries {
            let folder = entry?.path();
            let Some(folder_name) = folder.file_name().and_then(|name| name.to_str()) else {
                continue;
            };
            if !folder.is_dir() || !is_resource_folder(folder_name) {
                continue;
            }
            for file in std::fs::read_dir(&folder)
                .with_context(|| format!("reading fixtures {}", folder.display()))?
            {
                let file = file?.path();
                let file_name = name_of(&file)?.to_owned();
                let bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                contents.push((folder_name.to_owned(), file_name, bytes));
            }
        }
        Self::parse(
            contents
                .iter()
                .map(|(folder, file, bytes)| (folder.as_str(), file.as_str(), bytes.as_slice())),
        )
    }

    /// Every fixture resource, ordered by type then id.
    pub fn resources(&self) -> &[Value] {
        &self.resources
    }

    /// The same fixtures altered as the data-changing `defects` ask.
    pub(crate) fn with_defects(&self, defects: &[Defect]) -> Fixtures {
        let mut resources = self.resources.clone();
        for defect in defects {
            for resource in &mut resources {
                data_defect::apply(*defect, resource);
            }
        }
        Fixtures { resources }
    }

    /// Loads every resource into `store` as version 1; a resource without
    /// `meta.lastUpdated` gets `loaded_at`.
    pub(crate) fn load_into(&self, store: &Store, loaded_at: OffsetDateTime) -> anyhow::Result<()> {
        for resource in &self.resources {
            let last_updated = match resource.pointer("/meta/lastUpdated") {
                Some(Value::String(text)) => OffsetDateTime::parse(text, &Rfc3339)
                    .with_context(|| format!("meta.lastUpdated {text:?} is not an instant"))?,
                _ => loaded_at,
            };
            store
                .load(resource.clone(), last_updated)
                .map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }

    fn parse<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str, &'a [u8])>,
    ) -> anyhow::Result<Self> {
        let mut resources = Vec::new();
        for (folder, file, bytes) in files {
            let Some(id) = file.strip_suffix(".json") else {
                continue;
            };
            let resource = parse_resource(folder, id, bytes)
                .with_context(|| format!("fixture {folder}/{file}"))?;
            resources.push(resource);
        }
        resources.sort_by(|a, b| key(a).cmp(&key(b)));
        Ok(Self { resources })
    }
}

fn parse_resource(folder: &str, id: &str, bytes: &[u8]) -> anyhow::Result<Value> {
    ensure!(
        resource_types::served(folder).is_some(),
        "{folder} is not a resource type the reference server serves"
    );
    let resource: Value = serde_json::from_slice(bytes).context("not valid JSON")?;
    let Value::Object(fields) = &resource else {
        bail!("not a JSON object");
    };
    let resource_type = fields.get("resourceType").and_then(Value::as_str);
    ensure!(
        resource_type == Some(folder),
        "resourceType is {resource_type:?}, expected {folder:?} (its folder)"
    );
    let found_id = fields.get("id").and_then(Value::as_str);
    ensure!(
        found_id == Some(id),
        "id is {found_id:?}, expected {id:?} (its file name)"
    );
    Ok(resource)
}

fn key(resource: &Value) -> (&str, &str) {
    (
        resource["resourceType"].as_str().unwrap_or_default(),
        resource["id"].as_str().unwrap_or_default(),
    )
}

fn is_resource_folder(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
}

fn name_of(path: &Path) -> anyhow::Result<&str> {
    path.file_name()
        .and_then(|name| name.to_str())
        .with_context(|| format!("{} has no UTF-8 file name", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_mismatched_type_and_id() {
        let error = Fixtures::parse([(
            "Patient",
            "a.json",
            br#"{"resourceType":"Observation","id":"a"}"#.as_slice(),
        )])
        .unwrap_err();
        assert!(format!("{error:#}").contains("Patient/a.json"), "{error:#}");
        let error = Fixtures::parse([(
            "Patient",
            "a.json",
            br#"{"resourceType":"Patient","id":"b"}"#.as_slice(),
        )])
        .unwrap_err();
        assert!(format!("{error:#}").contains("expected \"a\""), "{error:#}");
        assert!(Fixtures::parse([("Patient", "a.json", b"[1]".as_slice())]).is_err());
        assert!(Fixtures::parse([("Patient", "a.json", b"{".as_slice())]).is_err());
        assert!(Fixtures::parse([("Immunization", "a.json", b"{}".as_slice())]).is_err());
    }

    #[test]
    fn ignores_files_that_are_not_json() {
        let fixtures = Fixtures::parse([("Patient", "notes.txt", b"hello".as_slice())]).unwrap();
        assert!(fixtures.resources().is_empty());
    }
}
