//! A folder of conformance resources in source form, as an implementation guide is published
//! before it is packaged (UK Core's repository, for one): StructureDefinitions, ValueSets,
//! CodeSystems, ... as JSON or XML files at any depth, with no `package/package.json`.
//!
//! Every `.json` and `.xml` file is read (hidden files and folders are left out). Conformance
//! resources are kept, as JSON (XML is converted with the base definitions, which must be known
//! first); other instances (examples) are ignored; files that cannot be parsed are skipped and
//! listed, never silently lost.
//!
//! The folder's package name and version are the `packageId` and `version` of an
//! ImplementationGuide in it, else the folder's own name and [`LOCAL_VERSION`]; its
//! dependencies are the guide's `dependsOn`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_model::Format;
use rayon::prelude::*;
use serde_json::Value;

use crate::Validator;
use crate::package::{Manifest, Package, PackageError, PackageResource, is_conformance_type};

/// The version given to a source folder that has no ImplementationGuide saying otherwise.
pub const LOCAL_VERSION: &str = "0.0.0-local";

/// The FHIR version of the definitions a source folder is read with.
const FHIR_VERSION: &str = "4.0.1";

/// A file that could not be read as a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    /// Why, e.g. the parser's message.
    pub reason: String,
}

/// The conformance resources read from a source folder.
#[derive(Debug)]
pub struct SourceFolder {
    dir: PathBuf,
    /// Conformance resources as JSON, with the file each came from, in path order.
    pub resources: Vec<(PathBuf, Value)>,
    /// Files that could not be parsed, in path order.
    pub skipped: Vec<Skipped>,
    /// Resources that are not conformance resources (examples), left out.
    pub ignored: usize,
}

/// What one file turned out to be.
enum Read {
    Conformance(Value),
    Other,
    Failed(String),
}

impl SourceFolder {
    /// Reads every JSON and XML file under `dir`; `reader` holds the base definitions that XML
    /// is converted with. Fails when `dir` cannot be listed or holds no conformance resource.
    pub fn read(dir: &Path, reader: &Validator) -> Result<Self, PackageError> {
        let mut files = Vec::new();
        collect_files(dir, &mut files)?;
        files.sort();
        let read: Vec<(PathBuf, Read)> = files
            .into_par_iter()
            .map(|path| {
                let outcome = read_file(&path, reader);
                (path, outcome)
            })
            .collect();
        let mut folder = SourceFolder {
            dir: dir.to_owned(),
            resources: Vec::new(),
            skipped: Vec::new(),
            ignored: 0,
        };
        for (path, outcome) in read {
            match outcome {
                Read::Conformance(json) => folder.resources.push((path, json)),
                Read::Other => folder.ignored += 1,
                Read::Failed(reason) => folder.skipped.push(Skipped { path, reason }),
            }
        }
        if folder.resources.is_empty() {
            return Err(PackageError::Format(format!(
                "{} holds no FHIR conformance resources (StructureDefinition, ValueSet, \
                 CodeSystem, ...) as JSON or XML files",
                dir.display()
            )));
        }
        Ok(folder)
    }

    /// The first ImplementationGuide's `packageId` and `version`, when it gives both.
    pub fn guide_id(&self) -> Option<(String, String)> {
        let guide = self.guide()?;
        let name = guide["packageId"].as_str()?;
        let version = guide["version"].as_str()?;
        Some((name.to_owned(), version.to_owned()))
    }

    /// The package name and version: [`SourceFolder::guide_id`], else the folder's name and
    /// [`LOCAL_VERSION`].
    pub fn default_id(&self) -> (String, String) {
        self.guide_id().unwrap_or_else(|| {
            let name = self
                .dir
                .canonicalize()
                .unwrap_or_else(|_| self.dir.clone())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "local".to_owned());
            (name, LOCAL_VERSION.to_owned())
        })
    }

    /// The folder as a package named `name`, `version`.
    pub fn into_package(self, name: &str, version: &str) -> Package {
        let manifest = Manifest {
            name: name.to_owned(),
            version: version.to_owned(),
            fhir_versions: vec![FHIR_VERSION.to_owned()],
            canonical: self
                .guide()
                .and_then(|g| g["url"].as_str())
                .and_then(|url| url.split_once("/ImplementationGuide/"))
                .map(|(base, _)| base.to_owned()),
            dependencies: self.dependencies(),
        };
        let id = manifest.id();
        let resources = self
            .resources
            .into_iter()
            .filter_map(|(_, json)| PackageResource::from_json(json, &id))
            .map(Arc::new)
            .collect();
        Package {
            manifest,
            resources,
        }
    }

    fn guide(&self) -> Option<&Value> {
        self.resources
            .iter()
            .map(|(_, json)| json)
            .find(|json| json["resourceType"] == "ImplementationGuide")
    }

    /// The guide's `dependsOn` as package name → version.
    fn dependencies(&self) -> BTreeMap<String, String> {
        self.guide()
            .and_then(|g| g["dependsOn"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|d| Some((d["packageId"].as_str()?, d["version"].as_str()?)))
            .map(|(name, version)| (name.to_owned(), version.to_owned()))
            .collect()
    }
}

/// The `.json` and `.xml` files under `dir`, at any depth, hidden entries left out.
fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), PackageError> {
    let entries = std::fs::read_dir(dir).map_err(|e| PackageError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| PackageError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| PackageError::io(&path, e))?;
        if kind.is_dir() {
            collect_files(&path, files)?;
        } else if is_resource_file(&path) {
            files.push(path);
        }
    }
    Ok(())
}

/// Whether the file name ends in `.json` or `.xml` (any case).
fn is_resource_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("xml"))
}

/// One file as JSON when it is a conformance resource.
fn read_file(path: &Path, reader: &Validator) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Read::Failed(e.to_string()),
    };
    let name = path.file_name().map(|n| n.to_string_lossy());
    match Format::sniff(&bytes, name.as_deref()) {
        Some(Format::Json) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(json) => match json["resourceType"].as_str() {
                Some(kind) if is_conformance_type(kind) => Read::Conformance(json),
                _ => Read::Other,
            },
            Err(e) => Read::Failed(format!("not JSON: {e}")),
        },
        Some(Format::Xml) => match assure_model::parse(&bytes, Format::Xml) {
            Ok(parsed) => match parsed.root.resource_type.as_deref() {
                Some(kind) if is_conformance_type(kind) => {
                    Read::Conformance(reader.to_json(&parsed.root))
                }
                _ => Read::Other,
            },
            Err(e) => Read::Failed(e.to_string()),
        },
        None => Read::Other,
    }
}
