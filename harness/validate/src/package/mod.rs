//! FHIR NPM packages: loading from a `.tgz` or an unpacked cache folder, the local package
//! cache, and installation from an npm-compatible registry.

mod cache;
mod header;
mod install;
mod manifest;
mod resource;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::GzDecoder;

pub use cache::{PackageCache, default_cache_dir};
pub use header::{CONFORMANCE_TYPES, is_conformance_type};
pub use install::{REGISTRY_ENV, install, registry_from_env};
pub use manifest::Manifest;
pub use resource::PackageResource;

use header::{ResourceHeader, read_header, sniff_resource_type};

/// Why a package could not be loaded or installed.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("not a FHIR package: {0}")]
    Format(String),
    #[error("registry: {0}")]
    Registry(String),
    #[error("package {0} is not in the cache")]
    NotCached(String),
}

impl PackageError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// A loaded package: its manifest and its conformance resources (parsed lazily).
#[derive(Debug)]
pub struct Package {
    /// The `package.json` manifest.
    pub manifest: Manifest,
    /// Conformance resources found directly in the `package/` folder.
    pub resources: Vec<Arc<PackageResource>>,
}

/// One file of a package archive, as read by [`archive_files`].
#[derive(Debug)]
pub struct ArchiveFile {
    /// Path inside the archive, e.g. `package/example/Patient-a.json`.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Package {
    /// `name#version`.
    pub fn id(&self) -> String {
        self.manifest.id()
    }

    /// Loads a package from a gzip'd tarball on disk.
    pub fn from_tarball(path: &Path) -> Result<Self, PackageError> {
        let bytes = std::fs::read(path).map_err(|e| PackageError::io(path, e))?;
        Self::from_tarball_bytes(&bytes).map_err(|e| match e {
            PackageError::Format(m) => PackageError::Format(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Loads a package from the bytes of a gzip'd tarball. Every entry is read once; the
    /// bytes of conformance resources are kept, everything else is dropped.
    pub fn from_tarball_bytes(bytes: &[u8]) -> Result<Self, PackageError> {
        let mut manifest = None;
        let mut found: Vec<(ResourceHeader, Vec<u8>)> = Vec::new();
        for_each_archive_file(bytes, |path, read| {
            let Some(name) = path.strip_prefix("package/") else {
                return Ok(());
            };
            if name == "package.json" {
                manifest = Some(Manifest::parse(&read_all(read, path)?)?);
            } else if is_index_candidate(name) {
                let content = read_all(read, path)?;
                if let Some(header) = conformance_header(&content) {
                    found.push((header, content));
                }
            }
            Ok(())
        })?;
        let manifest =
            manifest.ok_or_else(|| PackageError::Format("no package/package.json".into()))?;
        let id: Arc<str> = Arc::from(manifest.id());
        let resources = found
            .into_iter()
            .map(|(header, content)| {
                Arc::new(PackageResource::from_bytes(header, id.clone(), content))
            })
            .collect();
        Ok(Self {
            manifest,
            resources,
        })
    }

    /// Loads an unpacked package folder (the one that holds `package/`). Uses
    /// `package/.index.json` when present; otherwise reads each file's header once.
    pub fn from_dir(dir: &Path) -> Result<Self, PackageError> {
        let folder = dir.join("package");
        let manifest_path = folder.join("package.json");
        let manifest_bytes =
            std::fs::read(&manifest_path).map_err(|e| PackageError::io(&manifest_path, e))?;
        let manifest = Manifest::parse(&manifest_bytes)?;
        let id: Arc<str> = Arc::from(manifest.id());
        let headers = match read_index(&folder) {
            Some(index) => index,
            None => scan_folder(&folder)?,
        };
        let resources = headers
            .into_iter()
            .filter(|(_, header)| is_conformance_type(&header.resource_type))
            .map(|(file, header)| {
                Arc::new(PackageResource::from_file(
                    header,
                    id.clone(),
                    folder.join(file),
                ))
            })
            .collect();
        Ok(Self {
            manifest,
            resources,
        })
    }
}

/// The resource type of a JSON resource, read cheaply (`None` when it is not one).
pub fn header_resource_type(bytes: &[u8]) -> Option<String> {
    match sniff_resource_type(bytes) {
        Some(kind) => Some(kind.to_owned()),
        None => read_header(bytes).ok().map(|h| h.resource_type),
    }
}

/// Reads every regular file of a package archive whose path satisfies `wanted`.
pub fn archive_files(
    tarball: &Path,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<ArchiveFile>, PackageError> {
    let bytes = std::fs::read(tarball).map_err(|e| PackageError::io(tarball, e))?;
    let mut files = Vec::new();
    for_each_archive_file(&bytes, |path, read| {
        if wanted(path) {
            files.push(ArchiveFile {
                path: path.to_owned(),
                bytes: read_all(read, path)?,
            });
        }
        Ok(())
    })?;
    Ok(files)
}

/// Calls `visit` with the path and a reader of each regular file in a gzip'd tarball.
fn for_each_archive_file(
    bytes: &[u8],
    mut visit: impl FnMut(&str, &mut dyn Read) -> Result<(), PackageError>,
) -> Result<(), PackageError> {
    let bad = |e: std::io::Error| PackageError::Format(format!("bad archive: {e}"));
    let mut archive = tar::Archive::new(GzDecoder::new(bytes));
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(bad)?
            .to_string_lossy()
            .replace('\\', "/");
        visit(&path, &mut entry)?;
    }
    Ok(())
}

fn read_all(read: &mut dyn Read, path: &str) -> Result<Vec<u8>, PackageError> {
    let mut content = Vec::new();
    read.read_to_end(&mut content)
        .map_err(|e| PackageError::Format(format!("{path}: {e}")))?;
    Ok(content)
}

/// Direct children of `package/` that may be resources.
fn is_index_candidate(name: &str) -> bool {
    !name.contains('/')
        && name.ends_with(".json")
        && name != "package.json"
        && !name.starts_with('.')
}

/// The header of a conformance resource; `None` for anything else (including broken JSON).
fn conformance_header(content: &[u8]) -> Option<ResourceHeader> {
    if let Some(kind) = sniff_resource_type(content)
        && !is_conformance_type(kind)
    {
        return None;
    }
    read_header(content)
        .ok()
        .filter(|h| is_conformance_type(&h.resource_type))
}

/// Entries of `package/.index.json`: file name and header.
fn read_index(folder: &Path) -> Option<Vec<(String, ResourceHeader)>> {
    #[derive(serde::Deserialize)]
    struct Index {
        files: Vec<IndexFile>,
    }
    #[derive(serde::Deserialize)]
    struct IndexFile {
        filename: String,
        #[serde(rename = "resourceType")]
        resource_type: String,
        id: Option<String>,
        url: Option<String>,
        version: Option<String>,
    }
    let bytes = std::fs::read(folder.join(".index.json")).ok()?;
    let index: Index = serde_json::from_slice(&bytes).ok()?;
    Some(
        index
            .files
            .into_iter()
            .map(|f| {
                let header = ResourceHeader {
                    resource_type: f.resource_type,
                    id: f.id,
                    url: f.url,
                    version: f.version,
                };
                (f.filename, header)
            })
            .collect(),
    )
}

/// Headers of the conformance resources in a folder with no usable index.
fn scan_folder(folder: &Path) -> Result<Vec<(String, ResourceHeader)>, PackageError> {
    let mut headers = Vec::new();
    let entries = std::fs::read_dir(folder).map_err(|e| PackageError::io(folder, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| PackageError::io(folder, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_index_candidate(&name) {
            continue;
        }
        let content =
            std::fs::read(entry.path()).map_err(|e| PackageError::io(&entry.path(), e))?;
        if let Some(header) = conformance_header(&content) {
            headers.push((name, header));
        }
    }
    Ok(headers)
}
