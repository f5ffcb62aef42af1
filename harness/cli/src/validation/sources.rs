//! Where FHIR definitions come from: explicit packages (`--package`), the package cache
//! (`--package-dir`, else `$FHIR_PACKAGE_CACHE`, else `~/.fhir/packages`), and, when no explicit
//! package provides the R4 base definitions, the cache's R4 core package, else the R4 core
//! bundle compiled into the binary.
//!
//! A `--package` folder with no `package/package.json` is a source folder (conformance
//! resources as JSON or XML files at any depth, as UK Core is published): it is read after the
//! R4 base is known, since XML is converted with it, and named as
//! [`SourceFolder::default_id`] says (its ImplementationGuide's packageId and version, else
//! the folder's name and `0.0.0-local`). Files in it that cannot be parsed are skipped with a
//! warning on stderr.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_validate::package::{Package, PackageCache, PackageError, default_cache_dir};
use assure_validate::source_folder::SourceFolder;
use assure_validate::{Definitions, Validator, bundled};

/// The package that holds the R4 base definitions.
pub const R4_CORE: (&str, &str) = ("hl7.fhir.r4.core", "4.0.1");

/// Cached packages that provide the R4 base definitions, in order of preference (the
/// examples package is a superset of core).
const R4_BASE_PACKAGES: &[(&str, &str)] = &[R4_CORE, ("hl7.fhir.r4.examples", "4.0.1")];

/// A StructureDefinition every R4 base package holds: its presence means the base is loaded.
const BASE_MARKER: &str = "http://hl7.org/fhir/StructureDefinition/Resource";

/// One `--package` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageSpec {
    /// `name@version` (or `name#version`), loaded from the cache with its dependencies.
    Cached { name: String, version: String },
    /// A package tarball (`.tgz`), an unpacked package folder (the one holding `package/`), or
    /// a source folder of conformance resources.
    Path(PathBuf),
}

impl PackageSpec {
    /// Reads `name@version`, `name#version`, or a path (anything that exists on disk, ends in
    /// `.tgz`/`.tar.gz`, or contains a path separator).
    pub fn parse(text: &str) -> Result<PackageSpec, String> {
        let text = text.trim();
        let looks_like_path = text.ends_with(".tgz")
            || text.ends_with(".tar.gz")
            || text.contains('/')
            || text.contains('\\')
            || Path::new(text).exists();
        if looks_like_path {
            return Ok(PackageSpec::Path(PathBuf::from(text)));
        }
        let (name, version) = text
            .split_once('@')
            .or_else(|| text.split_once('#'))
            .ok_or_else(|| {
                format!(
                    "`{text}` is neither name@version (e.g. hl7.fhir.uv.ips@2.0.0) nor a .tgz path"
                )
            })?;
        if name.is_empty() || version.is_empty() {
            return Err(format!(
                "`{text}` is not name@version (e.g. hl7.fhir.uv.ips@2.0.0)"
            ));
        }
        Ok(PackageSpec::Cached {
            name: name.to_owned(),
            version: version.to_owned(),
        })
    }
}

impl PackageSpec {
    /// Whether this is a folder with no `package/package.json`: a source folder.
    pub fn is_source_folder(&self) -> bool {
        matches!(self, PackageSpec::Path(path) if is_source_folder(path))
    }
}

impl fmt::Display for PackageSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageSpec::Cached { name, version } => write!(f, "{name}@{version}"),
            PackageSpec::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The definition sources of a command: explicit packages and the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionSources {
    /// `--package` values, loaded in order.
    pub packages: Vec<PackageSpec>,
    /// `--package-dir`; `None` means the default cache location.
    pub cache_dir: Option<PathBuf>,
    /// Fall back on the built-in R4 core bundle (`--no-builtin-core` turns it off).
    pub builtin: bool,
}

impl Default for DefinitionSources {
    fn default() -> Self {
        DefinitionSources {
            packages: Vec::new(),
            cache_dir: None,
            builtin: true,
        }
    }
}

/// Why the definitions could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A `--package` that cannot be found or read.
    #[error("package {spec}: {reason}")]
    Package { spec: String, reason: String },
    /// No source provides the R4 base definitions.
    #[error(
        "no FHIR R4 base definitions: {searched}.\n\
         Get them once with one of:\n  \
         assure packages install {core}@{core_version} --registry <URL>   (or set FHIR_PACKAGE_REGISTRY)\n  \
         assure packages import path/to/hl7.fhir.r4.examples-4.0.1.tgz\n\
         or pass a package directly: --package path/to/hl7.fhir.r4.examples-4.0.1.tgz",
        core = R4_CORE.0,
        core_version = R4_CORE.1
    )]
    NoBase { searched: String },
}

/// Loaded definitions and the dependencies that were not in the cache.
#[derive(Debug)]
pub struct Loaded {
    pub definitions: Definitions,
    /// `name#version` of declared dependencies missing from the cache (the R4 base left out
    /// when it was found elsewhere).
    pub missing: Vec<String>,
}

impl Loaded {
    /// A validator over these definitions.
    pub fn into_validator(self) -> Validator {
        Validator::new(Arc::new(self.definitions))
    }
}

impl DefinitionSources {
    /// The package cache these sources read.
    pub fn cache(&self) -> PackageCache {
        PackageCache::new(self.cache_dir.clone().unwrap_or_else(default_cache_dir))
    }

    /// Loads every explicit package (with its cached dependencies), then the R4 base from the
    /// cache if none of them provided it, then the source folders. Blocking: reads files,
    /// maybe hundreds of MB.
    pub fn load(&self) -> Result<Loaded, SourceError> {
        let cache = self.cache();
        let mut definitions = Definitions::new();
        let mut missing = Vec::new();
        let mut source_folders = Vec::new();
        for spec in &self.packages {
            let failed = |e: PackageError| SourceError::Package {
                spec: spec.to_string(),
                reason: e.to_string(),
            };
            let (packages, absent) = match spec {
                PackageSpec::Path(path) if spec.is_source_folder() => {
                    source_folders.push(path);
                    continue;
                }
                PackageSpec::Cached { name, version } => cache
                    .load_with_dependencies(name, version)
                    .map_err(|e| match e {
                        PackageError::NotCached(_) => SourceError::Package {
                            spec: spec.to_string(),
                            reason: format!(
                                "not in the package cache {}; install it with \
                                 `assure packages install {name}@{version} --registry <URL>` \
                                 or import its tarball or source folder with \
                                 `assure packages import FILE.tgz|DIR`",
                                cache.dir().display()
                            ),
                        },
                        other => failed(other),
                    })?,
                PackageSpec::Path(path) => {
                    let package = load_path(path).map_err(failed)?;
                    cache.with_dependencies(package).map_err(failed)?
                }
            };
            packages
                .into_iter()
                .for_each(|package| definitions.add_package(package));
            missing.extend(absent);
        }
        let cached_base = R4_BASE_PACKAGES
            .iter()
            .find(|(name, version)| cache.contains(name, version));
        if !has_base(&definitions)
            && let Some((name, version)) = cached_base
        {
            let package = cache
                .load(name, version)
                .map_err(|e| SourceError::Package {
                    spec: format!("{name}@{version}"),
                    reason: e.to_string(),
                })?;
            definitions.add_package(package);
        }
        let mut builtin_problem = None;
        if !has_base(&definitions) && self.builtin {
            match bundled::package() {
                Ok(package) => definitions.add_package(package),
                Err(e) => builtin_problem = Some(e.to_string()),
            }
        }
        if !has_base(&definitions) {
            return Err(SourceError::NoBase {
                searched: self.searched(&cache, builtin_problem),
            });
        }
        for dir in source_folders {
            let failed = |e: PackageError| SourceError::Package {
                spec: dir.display().to_string(),
                reason: e.to_string(),
            };
            let folder = read_source_folder(dir, &definitions).map_err(failed)?;
            let (name, version) = folder.default_id();
            let package = folder.into_package(&name, &version);
            let (packages, absent) = cache.with_dependencies(package).map_err(failed)?;
            packages
                .into_iter()
                .for_each(|package| definitions.add_package(package));
            missing.extend(absent);
        }
        let base_ids: Vec<String> = R4_BASE_PACKAGES
            .iter()
            .map(|(name, version)| format!("{name}#{version}"))
            .collect();
        missing.retain(|id| !base_ids.contains(id));
        missing.sort();
        missing.dedup();
        Ok(Loaded {
            definitions,
            missing,
        })
    }

    /// Reads the source folder `dir` with the R4 base these sources give (see
    /// [`DefinitionSources::load`]; its other packages are loaded too).
    pub fn read_source_folder(&self, dir: &Path) -> Result<SourceFolder, SourceError> {
        let loaded = self.load()?;
        read_source_folder(dir, &loaded.definitions).map_err(|e| SourceError::Package {
            spec: dir.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// What was searched for the base, for the error message.
    fn searched(&self, cache: &PackageCache, builtin_problem: Option<String>) -> String {
        let wanted = R4_BASE_PACKAGES
            .iter()
            .map(|(name, version)| format!("{name}#{version}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let from_packages = if self.packages.is_empty() {
            String::new()
        } else {
            "none of the --package values holds them, and ".to_owned()
        };
        let builtin = match builtin_problem {
            Some(problem) => format!("; {problem}"),
            None if self.builtin => "; the built-in R4 core bundle does not hold them".to_owned(),
            None => "; the built-in R4 core bundle is off (--no-builtin-core)".to_owned(),
        };
        format!(
            "{from_packages}the package cache {} has neither {wanted}{builtin}",
            cache.dir().display()
        )
    }
}

fn has_base(definitions: &Definitions) -> bool {
    definitions.structure_definition(BASE_MARKER).is_some()
}

/// Whether `path` is a folder with no `package/package.json`: a source folder.
fn is_source_folder(path: &Path) -> bool {
    path.is_dir() && !path.join("package").join("package.json").is_file()
}

/// Reads a source folder, converting its XML with `base` (which must hold the R4 base
/// definitions). Files it had to skip are named in one warning line on stderr.
fn read_source_folder(dir: &Path, base: &Definitions) -> Result<SourceFolder, PackageError> {
    let reader = Validator::new(Arc::new(base.clone()));
    let folder = SourceFolder::read(dir, &reader)?;
    if !folder.skipped.is_empty() {
        let shown: Vec<String> = folder
            .skipped
            .iter()
            .take(3)
            .map(|s| format!("{}: {}", s.path.display(), s.reason))
            .collect();
        let more = folder.skipped.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        };
        eprintln!(
            "warning: {}: {} file(s) could not be parsed and were skipped ({}{more})",
            dir.display(),
            folder.skipped.len(),
            shown.join("; ")
        );
    }
    Ok(folder)
}

/// A tarball or an unpacked package folder.
fn load_path(path: &Path) -> Result<Package, PackageError> {
    if path.is_dir() {
        Package::from_dir(path)
    } else {
        Package::from_tarball(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_specs() {
        assert_eq!(
            PackageSpec::parse("hl7.fhir.uv.ips@2.0.0"),
            Ok(PackageSpec::Cached {
                name: "hl7.fhir.uv.ips".into(),
                version: "2.0.0".into()
            })
        );
        assert_eq!(
            PackageSpec::parse("hl7.fhir.uv.ips#2.0.0")
                .unwrap()
                .to_string(),
            "hl7.fhir.uv.ips@2.0.0"
        );
        assert_eq!(
            PackageSpec::parse("ips.tgz"),
            Ok(PackageSpec::Path("ips.tgz".into()))
        );
        assert!(PackageSpec::parse("hl7.fhir.uv.ips").is_err());
        assert!(PackageSpec::parse("@2.0.0").is_err());
    }

    #[test]
    fn without_any_base_the_error_says_how_to_get_it() {
        let empty = tempfile::tempdir().unwrap();
        let sources = DefinitionSources {
            packages: vec![],
            cache_dir: Some(empty.path().to_owned()),
            builtin: false,
        };
        let message = sources.load().unwrap_err().to_string();
        assert!(message.contains("(--no-builtin-core)"), "{message}");
        assert!(
            message.contains("assure packages install hl7.fhir.r4.core@4.0.1"),
            "{message}"
        );
        assert!(
            message.contains("--package path/to/hl7.fhir.r4.examples-4.0.1.tgz"),
            "{message}"
        );
        assert!(
            message.contains(&empty.path().display().to_string()),
            "{message}"
        );
    }

    #[test]
    fn the_builtin_bundle_provides_the_base() {
        let empty = tempfile::tempdir().unwrap();
        let sources = DefinitionSources {
            cache_dir: Some(empty.path().to_owned()),
            ..DefinitionSources::default()
        };
        let loaded = sources.load().unwrap();
        assert!(has_base(&loaded.definitions));
        assert_eq!(loaded.definitions.packages(), ["hl7.fhir.r4.core#4.0.1"]);
    }

    #[test]
    fn an_uncached_package_is_named() {
        let empty = tempfile::tempdir().unwrap();
        let sources = DefinitionSources {
            packages: vec![PackageSpec::parse("example.pkg@1.0.0").unwrap()],
            cache_dir: Some(empty.path().to_owned()),
            builtin: true,
        };
        let message = sources.load().unwrap_err().to_string();
        assert!(
            message.starts_with("package example.pkg@1.0.0: not in the package cache"),
            "{message}"
        );
    }

    #[test]
    fn a_folder_without_a_manifest_is_a_source_folder() {
        let cache = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let deep = folder.path().join("valuesets").join("deep");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(
            deep.join("ValueSet-v.xml"),
            r#"<ValueSet xmlns="http://hl7.org/fhir"><id value="v"/>
                <url value="https://example.org/ValueSet/v"/><status value="active"/></ValueSet>"#,
        )
        .unwrap();
        std::fs::write(folder.path().join("broken.json"), "{").unwrap();
        let spec = PackageSpec::parse(&folder.path().display().to_string()).unwrap();
        assert!(spec.is_source_folder());
        let sources = DefinitionSources {
            packages: vec![spec],
            cache_dir: Some(cache.path().to_owned()),
            builtin: true,
        };
        let loaded = sources.load().unwrap();
        assert!(
            loaded
                .definitions
                .value_set("https://example.org/ValueSet/v")
                .is_some()
        );
        let name = folder.path().file_name().unwrap().to_string_lossy();
        assert_eq!(
            loaded.definitions.packages(),
            [
                "hl7.fhir.r4.core#4.0.1".to_owned(),
                format!("{name}#0.0.0-local")
            ]
        );
    }
}
