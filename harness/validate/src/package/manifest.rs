//! The `package.json` manifest of a FHIR NPM package.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PackageError;

/// The parts of `package.json` the loader uses (and writes for an imported source folder).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Manifest {
    /// Package name, e.g. `hl7.fhir.uv.ips`.
    pub name: String,
    /// Package version, e.g. `2.0.0`.
    pub version: String,
    /// FHIR versions the package is written for.
    #[serde(default, rename = "fhirVersions")]
    pub fhir_versions: Vec<String>,
    /// The canonical base of the package's resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// Packages this one depends on: name → version.
    #[serde(default)]
    pub dependencies: BTreeMap<String, String>,
}

impl Manifest {
    /// Parses a `package.json` document.
    pub fn parse(bytes: &[u8]) -> Result<Self, PackageError> {
        serde_json::from_slice(bytes)
            .map_err(|e| PackageError::Format(format!("package.json: {e}")))
    }

    /// `name#version`, the package's folder name in the cache.
    pub fn id(&self) -> String {
        format!("{}#{}", self.name, self.version)
    }
}
