//! One resource held by a package: identifying fields up front, JSON parsed on first use.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::header::ResourceHeader;

/// Where the resource's bytes live until they are parsed.
#[derive(Debug)]
enum Source {
    /// Bytes read from an archive.
    Bytes(Vec<u8>),
    /// A file in an unpacked package, read on first use.
    File(PathBuf),
}

/// A conformance resource from a package. Cheap to index; the JSON tree is built once, on the
/// first call to [`PackageResource::json`], and shared after that.
#[derive(Debug)]
pub struct PackageResource {
    header: ResourceHeader,
    /// `name#version` of the package it came from.
    package: Arc<str>,
    source: Source,
    parsed: OnceLock<Result<Arc<Value>, String>>,
}

impl PackageResource {
    pub(crate) fn from_bytes(header: ResourceHeader, package: Arc<str>, bytes: Vec<u8>) -> Self {
        Self::new(header, package, Source::Bytes(bytes))
    }

    pub(crate) fn from_file(header: ResourceHeader, package: Arc<str>, path: PathBuf) -> Self {
        Self::new(header, package, Source::File(path))
    }

    /// Wraps an already parsed resource (e.g. a profile given on the command line).
    pub fn from_json(json: Value, package: &str) -> Option<Self> {
        let header = ResourceHeader {
            resource_type: json.get("resourceType")?.as_str()?.to_owned(),
            id: json.get("id").and_then(Value::as_str).map(str::to_owned),
            url: json.get("url").and_then(Value::as_str).map(str::to_owned),
            version: json
                .get("version")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let resource = Self::new(header, Arc::from(package), Source::Bytes(Vec::new()));
        let _ = resource.parsed.set(Ok(Arc::new(json)));
        Some(resource)
    }

    fn new(header: ResourceHeader, package: Arc<str>, source: Source) -> Self {
        Self {
            header,
            package,
            source,
            parsed: OnceLock::new(),
        }
    }

    /// The resource type, e.g. `StructureDefinition`.
    pub fn resource_type(&self) -> &str {
        &self.header.resource_type
    }

    /// The logical id, when present.
    pub fn id(&self) -> Option<&str> {
        self.header.id.as_deref()
    }

    /// The canonical URL, when present.
    pub fn url(&self) -> Option<&str> {
        self.header.url.as_deref()
    }

    /// The business version, when present.
    pub fn version(&self) -> Option<&str> {
        self.header.version.as_deref()
    }

    /// `name#version` of the package that holds it.
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The parsed JSON, built on first use. Errors name the package and resource.
    pub fn json(&self) -> Result<Arc<Value>, String> {
        self.parsed
            .get_or_init(|| self.read().map(Arc::new))
            .clone()
    }

    /// The resource read into `T`, which names only the fields it needs: from the JSON tree
    /// when it was already built, else straight from the source, keeping nothing. Much
    /// cheaper than [`PackageResource::json`] for a quick look at many resources.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, String> {
        match self.parsed.get() {
            Some(Ok(tree)) => T::deserialize(&**tree).map_err(|e| self.error(e)),
            Some(Err(e)) => Err(e.clone()),
            None => self.read(),
        }
    }

    /// Parses the source bytes (reading the file first when that is where they are).
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        match &self.source {
            Source::Bytes(bytes) => serde_json::from_slice(bytes).map_err(|e| self.error(e)),
            Source::File(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| self.error(format!("{}: {e}", path.display())))?;
                serde_json::from_slice(&bytes).map_err(|e| self.error(e))
            }
        }
    }

    /// An error message naming the resource and its package.
    fn error(&self, cause: impl std::fmt::Display) -> String {
        format!(
            "{} {} in {}: {cause}",
            self.header.resource_type,
            self.header
                .url
                .as_deref()
                .or(self.header.id.as_deref())
                .unwrap_or("?"),
            self.package
        )
    }
}
