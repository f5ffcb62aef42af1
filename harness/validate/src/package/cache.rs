//! The local package cache: `<cache>/<name>#<version>/package/...`.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Manifest, Package, PackageError, header, install};

/// Environment variable that overrides the cache folder.
pub const CACHE_ENV: &str = "FHIR_PACKAGE_CACHE";

/// `$FHIR_PACKAGE_CACHE`, else `~/.fhir/packages`.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(CACHE_ENV) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".fhir").join("packages")
}

/// A package cache folder.
#[derive(Debug, Clone)]
pub struct PackageCache {
    dir: PathBuf,
}

impl PackageCache {
    /// A cache rooted at `dir` (which need not exist yet).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache at [`default_cache_dir`].
    pub fn default_location() -> Self {
        Self::new(default_cache_dir())
    }

    /// The cache's root folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder a package lives in: `<cache>/<name>#<version>`.
    pub fn package_dir(&self, name: &str, version: &str) -> PathBuf {
        self.dir.join(format!("{name}#{version}"))
    }

    /// Whether the package is unpacked in the cache.
    pub fn contains(&self, name: &str, version: &str) -> bool {
        self.package_dir(name, version)
            .join("package")
            .join("package.json")
            .is_file()
    }

    /// Loads a cached package.
    pub fn load(&self, name: &str, version: &str) -> Result<Package, PackageError> {
        if !self.contains(name, version) {
            return Err(PackageError::NotCached(format!("{name}#{version}")));
        }
        Package::from_dir(&self.package_dir(name, version))
    }

    /// The cached packages as `(name, version)`, sorted. A missing cache folder lists nothing.
    pub fn list(&self) -> Result<Vec<(String, String)>, PackageError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(PackageError::io(&self.dir, e)),
        };
        let mut packages = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| PackageError::io(&self.dir, e))?;
            let folder = entry.file_name().to_string_lossy().into_owned();
            if let Some((name, version)) = folder.split_once('#')
                && self.contains(name, version)
            {
                packages.push((name.to_owned(), version.to_owned()));
            }
        }
        packages.sort();
        Ok(packages)
    }

    /// Unpacks a package tarball into the cache (a no-op when that version is already there)
    /// and returns its folder. `expected` checks the manifest's name and version. The archive
    /// is unpacked into a temporary folder, given a `package/.index.json` if it has none (so
    /// later loads read only the index), then renamed into place: a half-written package is
    /// never seen.
    pub fn add_tarball(
        &self,
        tarball: &[u8],
        expected: Option<(&str, &str)>,
    ) -> Result<PathBuf, PackageError> {
        let staging = self.staging()?;
        let result =
            unpack_into(tarball, &staging).and_then(|()| -> Result<PathBuf, PackageError> {
                let manifest_path = staging.join("package").join("package.json");
                let manifest = Manifest::parse(
                    &std::fs::read(&manifest_path)
                        .map_err(|e| PackageError::io(&manifest_path, e))?,
                )?;
                if let Some((name, version)) = expected
                    && (manifest.name != name || manifest.version != version)
                {
                    return Err(PackageError::Format(format!(
                        "tarball holds {} but {name}#{version} was asked for",
                        manifest.id()
                    )));
                }
                let target = self.package_dir(&manifest.name, &manifest.version);
                if self.contains(&manifest.name, &manifest.version) {
                    return Ok(target);
                }
                write_index(&staging.join("package"))?;
                std::fs::rename(&staging, &target).map_err(|e| PackageError::io(&target, e))?;
                Ok(target)
            });
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    /// Writes a loaded package into the cache as `<name>#<version>/package/`: its
    /// `package.json`, each resource as `<type>-<id>.json`, and `.index.json`. An entry of the
    /// same name and version is replaced (a source folder changes under the same version).
    /// Written in a temporary folder and renamed into place, as [`PackageCache::add_tarball`].
    pub fn add_package(&self, package: &Package) -> Result<PathBuf, PackageError> {
        let manifest = &package.manifest;
        let unsafe_name = |e| match e {
            PackageError::Registry(why) => PackageError::Format(why),
            other => other,
        };
        install::check_name("package name", &manifest.name).map_err(unsafe_name)?;
        install::check_name("version", &manifest.version).map_err(unsafe_name)?;
        let staging = self.staging()?;
        let result = write_package(package, &staging.join("package")).and_then(|()| {
            let target = self.package_dir(&manifest.name, &manifest.version);
            let old = self
                .dir
                .join(format!(".replaced-{}-{}", std::process::id(), unique()));
            let replacing = target.exists();
            if replacing {
                std::fs::rename(&target, &old).map_err(|e| PackageError::io(&target, e))?;
            }
            std::fs::rename(&staging, &target).map_err(|e| PackageError::io(&target, e))?;
            if replacing {
                let _ = std::fs::remove_dir_all(&old);
            }
            Ok(target)
        });
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    /// Reads a tarball from disk and adds it to the cache; see [`PackageCache::add_tarball`].
    pub fn import_tarball(&self, tarball: &Path) -> Result<PathBuf, PackageError> {
        let bytes = std::fs::read(tarball).map_err(|e| PackageError::io(tarball, e))?;
        self.add_tarball(&bytes, None)
    }

    /// A new, empty temporary folder inside the cache (created with the cache).
    fn staging(&self) -> Result<PathBuf, PackageError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| PackageError::io(&self.dir, e))?;
        let staging = self
            .dir
            .join(format!(".partial-{}-{}", std::process::id(), unique()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| PackageError::io(&staging, e))?;
        Ok(staging)
    }

    /// Loads a package and, through the cache, its dependencies (transitively, each once).
    /// Returns the loaded packages and the `name#version` of dependencies not in the cache.
    pub fn load_with_dependencies(
        &self,
        name: &str,
        version: &str,
    ) -> Result<(Vec<Package>, Vec<String>), PackageError> {
        let root = self.load(name, version)?;
        self.with_dependencies(root)
    }

    /// Follows `dependencies` of an already loaded package through the cache.
    pub fn with_dependencies(
        &self,
        root: Package,
    ) -> Result<(Vec<Package>, Vec<String>), PackageError> {
        let mut seen = vec![root.id()];
        let mut queue: Vec<(String, String)> =
            root.manifest.dependencies.clone().into_iter().collect();
        let mut packages = vec![root];
        let mut missing = Vec::new();
        while let Some((name, version)) = queue.pop() {
            let id = format!("{name}#{version}");
            if seen.contains(&id) {
                continue;
            }
            seen.push(id.clone());
            if !self.contains(&name, &version) {
                missing.push(id);
                continue;
            }
            let package = self.load(&name, &version)?;
            queue.extend(package.manifest.dependencies.clone());
            packages.push(package);
        }
        Ok((packages, missing))
    }
}

fn unpack_into(tarball: &[u8], dir: &Path) -> Result<(), PackageError> {
    let bad = |e: std::io::Error| PackageError::Format(format!("bad archive: {e}"));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind.is_dir()) {
            continue;
        }
        // `unpack_in` refuses paths that would escape `dir`.
        entry.unpack_in(dir).map_err(bad)?;
    }
    Ok(())
}

/// Writes the manifest, the resources and the index of `package` into `folder`.
fn write_package(package: &Package, folder: &Path) -> Result<(), PackageError> {
    std::fs::create_dir_all(folder).map_err(|e| PackageError::io(folder, e))?;
    let manifest_path = folder.join("package.json");
    let manifest = serde_json::to_vec_pretty(&package.manifest)
        .map_err(|e| PackageError::Format(format!("package.json: {e}")))?;
    std::fs::write(&manifest_path, manifest).map_err(|e| PackageError::io(&manifest_path, e))?;
    let mut used = HashSet::new();
    for (n, resource) in package.resources.iter().enumerate() {
        let json = resource.json().map_err(PackageError::Format)?;
        let stem = format!(
            "{}-{}",
            resource.resource_type(),
            resource.id().map_or_else(|| n.to_string(), safe_file_stem)
        );
        let mut name = format!("{stem}.json");
        let mut copy = 1;
        while !used.insert(name.clone()) {
            copy += 1;
            name = format!("{stem}-{copy}.json");
        }
        let path = folder.join(&name);
        let bytes =
            serde_json::to_vec(&*json).map_err(|e| PackageError::Format(format!("{name}: {e}")))?;
        std::fs::write(&path, bytes).map_err(|e| PackageError::io(&path, e))?;
    }
    write_index(folder)
}

/// A resource id as a file name: characters outside `A-Za-z0-9.-` become `_`.
fn safe_file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Writes `.index.json` (every JSON resource directly in the folder) unless one exists.
fn write_index(folder: &Path) -> Result<(), PackageError> {
    let index_path = folder.join(".index.json");
    if index_path.exists() {
        return Ok(());
    }
    let mut files = Vec::new();
    let entries = std::fs::read_dir(folder).map_err(|e| PackageError::io(folder, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| PackageError::io(folder, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name == "package.json" || name.starts_with('.') {
            continue;
        }
        let mut content = Vec::new();
        std::fs::File::open(entry.path())
            .and_then(|mut f| f.read_to_end(&mut content))
            .map_err(|e| PackageError::io(&entry.path(), e))?;
        if let Ok(h) = header::read_header(&content) {
            files.push(serde_json::json!({
                "filename": name,
                "resourceType": h.resource_type,
                "id": h.id,
                "url": h.url,
                "version": h.version,
            }));
        }
    }
    let index = serde_json::json!({ "index-version": 1, "files": files });
    std::fs::write(&index_path, index.to_string()).map_err(|e| PackageError::io(&index_path, e))
}

/// A per-process counter so concurrent imports never share a staging folder.
fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
