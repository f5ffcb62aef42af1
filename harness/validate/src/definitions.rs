//! The set of loaded definitions: conformance resources from packages, indexed by canonical URL
//! and version.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::package::{Package, PackageResource};

/// Canonical base of the FHIR core StructureDefinitions.
pub const CORE_SD_BASE: &str = "http://hl7.org/fhir/StructureDefinition/";

/// Conformance resources from one or more packages. Later additions win over earlier ones for
/// the same `url|version`.
#[derive(Debug, Default, Clone)]
pub struct Definitions {
    by_url: HashMap<String, Vec<Arc<PackageResource>>>,
    packages: Vec<String>,
    /// Names of the packages added, and of the packages they depend on.
    package_names: Vec<String>,
    dependency_names: Vec<String>,
}

/// Packages that carry the whole R4 core specification under another name.
const R4_CORE_SUPERSETS: &[&str] = &["hl7.fhir.r4.core", "hl7.fhir.r4.examples"];

impl Definitions {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every conformance resource of a package.
    pub fn add_package(&mut self, package: Package) {
        self.packages.push(package.id());
        self.package_names.push(package.manifest.name.clone());
        self.dependency_names
            .extend(package.manifest.dependencies.keys().cloned());
        for resource in package.resources {
            self.add(resource);
        }
    }

    /// Adds one resource (ignored when it has no canonical URL).
    pub fn add(&mut self, resource: Arc<PackageResource>) {
        let Some(url) = resource.url() else { return };
        let entries = self.by_url.entry(url.to_owned()).or_default();
        entries.retain(|r| {
            r.version() != resource.version() || r.resource_type() != resource.resource_type()
        });
        entries.push(resource);
    }

    /// Adds a resource given as parsed JSON (e.g. a profile from a file). Returns false when
    /// it is not a resource with a canonical URL.
    pub fn add_json(&mut self, json: Value, origin: &str) -> bool {
        match PackageResource::from_json(json, origin) {
            Some(resource) if resource.url().is_some() => {
                self.add(Arc::new(resource));
                true
            }
            _ => false,
        }
    }

    /// `name#version` of the packages added, in order.
    pub fn packages(&self) -> &[String] {
        &self.packages
    }

    /// Dependencies (by name) of the added packages that were not added themselves: their
    /// definitions are missing, so what they would define cannot be told.
    pub fn missing_dependencies(&self) -> Vec<&str> {
        let has = |name: &str| {
            self.package_names.iter().any(|p| p == name)
                || (R4_CORE_SUPERSETS.contains(&name)
                    && self
                        .package_names
                        .iter()
                        .any(|p| R4_CORE_SUPERSETS.contains(&p.as_str())))
        };
        let mut missing: Vec<&str> = self
            .dependency_names
            .iter()
            .map(String::as_str)
            .filter(|name| !has(name))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// Resolves `url|version` (exact version) or a bare `url` (latest version) to a resource
    /// of any type.
    pub fn resolve(&self, canonical: &str) -> Option<&Arc<PackageResource>> {
        self.resolve_typed(canonical, None)
    }

    fn resolve_typed(&self, canonical: &str, kind: Option<&str>) -> Option<&Arc<PackageResource>> {
        let (url, version) = match canonical.split_once('|') {
            Some((url, version)) => (url, Some(version)),
            None => (canonical, None),
        };
        let candidates = self
            .by_url
            .get(url)?
            .iter()
            .filter(|r| kind.is_none_or(|k| r.resource_type() == k));
        match version {
            Some(v) => candidates
                .filter(|r| {
                    r.version()
                        .is_some_and(|rv| rv == v || rv.starts_with(&format!("{v}.")))
                })
                .max_by(|a, b| compare_versions(a.version(), b.version())),
            None => candidates.max_by(|a, b| compare_versions(a.version(), b.version())),
        }
    }

    /// A resource's parsed JSON by canonical URL and type.
    fn json_of(&self, canonical: &str, kind: &str) -> Option<Arc<Value>> {
        self.resolve_typed(canonical, Some(kind))?.json().ok()
    }

    /// A StructureDefinition by canonical URL (`url` or `url|version`).
    pub fn structure_definition(&self, canonical: &str) -> Option<Arc<Value>> {
        self.json_of(canonical, "StructureDefinition")
    }

    /// The core StructureDefinition of a resource or data type name (`Patient`, `HumanName`).
    pub fn type_definition(&self, type_name: &str) -> Option<Arc<Value>> {
        if type_name.contains(':') {
            return self.structure_definition(type_name);
        }
        self.structure_definition(&format!("{CORE_SD_BASE}{type_name}"))
    }

    /// A ValueSet by canonical URL.
    pub fn value_set(&self, canonical: &str) -> Option<Arc<Value>> {
        self.json_of(canonical, "ValueSet")
    }

    /// A CodeSystem by canonical URL.
    pub fn code_system(&self, canonical: &str) -> Option<Arc<Value>> {
        self.json_of(canonical, "CodeSystem")
    }

    /// Every resource of the given type (all versions).
    pub fn of_type<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a Arc<PackageResource>> + 'a {
        self.by_url
            .values()
            .flatten()
            .filter(move |r| r.resource_type() == kind)
    }

    /// Every StructureDefinition.
    pub fn structure_definitions(&self) -> impl Iterator<Item = &Arc<PackageResource>> {
        self.of_type("StructureDefinition")
    }

    /// Every ValueSet.
    pub fn value_sets(&self) -> impl Iterator<Item = &Arc<PackageResource>> {
        self.of_type("ValueSet")
    }

    /// Every CodeSystem.
    pub fn code_systems(&self) -> impl Iterator<Item = &Arc<PackageResource>> {
        self.of_type("CodeSystem")
    }

    /// Every indexed resource.
    pub fn all(&self) -> impl Iterator<Item = &Arc<PackageResource>> {
        self.by_url.values().flatten()
    }

    /// Number of indexed resources.
    pub fn len(&self) -> usize {
        self.by_url.values().map(Vec::len).sum()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_url.is_empty()
    }
}

/// Orders versions numerically where they are dotted numbers (`4.0.10` > `4.0.9`), textually
/// otherwise; a missing version sorts lowest.
pub fn compare_versions(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => {
            let mut left = a.split(['.', '-']);
            let mut right = b.split(['.', '-']);
            loop {
                match (left.next(), right.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(x), Some(y)) => {
                        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            _ => x.cmp(y),
                        };
                        if order != Ordering::Equal {
                            return order;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vs(url: &str, version: &str) -> Value {
        json!({"resourceType": "ValueSet", "url": url, "version": version, "id": version})
    }

    #[test]
    fn resolves_exact_version_and_latest() {
        let mut defs = Definitions::new();
        defs.add_json(vs("http://x/vs", "1.9.0"), "test");
        defs.add_json(vs("http://x/vs", "1.10.0"), "test");
        defs.add_json(vs("http://x/vs", "1.2.0"), "test");
        assert_eq!(
            defs.resolve("http://x/vs").unwrap().version(),
            Some("1.10.0")
        );
        assert_eq!(
            defs.resolve("http://x/vs|1.2.0").unwrap().version(),
            Some("1.2.0")
        );
        assert!(defs.resolve("http://x/vs|3.0.0").is_none());
        assert!(defs.value_set("http://x/vs|1.9.0").is_some());
        assert!(defs.code_system("http://x/vs").is_none());
        assert_eq!(defs.value_sets().count(), 3);
    }

    fn package(name: &str, dependencies: &[&str]) -> Package {
        Package {
            manifest: crate::package::Manifest {
                name: name.into(),
                version: "1.0.0".into(),
                dependencies: dependencies
                    .iter()
                    .map(|d| (d.to_string(), "1.0.0".to_string()))
                    .collect(),
                ..Default::default()
            },
            resources: Vec::new(),
        }
    }

    #[test]
    fn names_dependencies_that_were_not_added() {
        let mut defs = Definitions::new();
        defs.add_package(package("hl7.fhir.r4.examples", &[]));
        assert!(defs.missing_dependencies().is_empty());
        defs.add_package(package(
            "hl7.fhir.uv.ips",
            &[
                "hl7.fhir.r4.core",
                "hl7.terminology.r4",
                "hl7.fhir.uv.extensions.r4",
            ],
        ));
        defs.add_package(package("hl7.terminology.r4", &["hl7.fhir.r4.core"]));
        assert_eq!(
            defs.missing_dependencies(),
            vec!["hl7.fhir.uv.extensions.r4"]
        );
    }

    #[test]
    fn same_url_and_version_is_replaced() {
        let mut defs = Definitions::new();
        defs.add_json(vs("http://x/vs", "1"), "a");
        defs.add_json(vs("http://x/vs", "1"), "b");
        assert_eq!(defs.len(), 1);
        assert_eq!(defs.resolve("http://x/vs").unwrap().package(), "b");
        assert!(!defs.add_json(json!({"resourceType": "Patient"}), "c"));
    }

    #[test]
    fn version_order_is_numeric() {
        assert_eq!(
            compare_versions(Some("4.0.10"), Some("4.0.9")),
            Ordering::Greater
        );
        assert_eq!(compare_versions(Some("1.0"), Some("1.0.0")), Ordering::Less);
        assert_eq!(compare_versions(None, Some("1")), Ordering::Less);
    }
}
