//! Installing packages from an npm-compatible registry into the local cache.
//!
//! Protocol: `GET {registry}/{name}` answers a JSON document whose `versions[v].dist` gives the
//! `tarball` URL and its `shasum` (SHA-1, hex) and/or `integrity` (`sha512-<base64>`). The
//! tarball is downloaded, verified against every digest given, and unpacked into
//! `<cache>/<name>#<version>/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha512};

use super::{PackageCache, PackageError};

/// Environment variable naming the package registry's base URL.
pub const REGISTRY_ENV: &str = "FHIR_PACKAGE_REGISTRY";

/// Largest tarball accepted (bytes).
const MAX_TARBALL: u64 = 512 * 1024 * 1024;
/// Largest registry metadata document accepted (bytes).
const MAX_METADATA: u64 = 64 * 1024 * 1024;

/// The registry from `FHIR_PACKAGE_REGISTRY`, or a clear error saying how to set one.
pub fn registry_from_env() -> Result<String, PackageError> {
    match std::env::var(REGISTRY_ENV) {
        Ok(url) if !url.trim().is_empty() => Ok(url.trim().to_owned()),
        _ => Err(PackageError::Registry(format!(
            "no package registry configured: pass --registry <url> or set {REGISTRY_ENV}"
        ))),
    }
}

/// Installs `name` at `version` (or `latest`) from `registry` into `cache_dir` and returns
/// the package folder. An already cached package is not downloaded again.
pub fn install(
    name: &str,
    version: &str,
    registry: &str,
    cache_dir: &Path,
) -> Result<PathBuf, PackageError> {
    check_name("package name", name)?;
    check_name("version", version)?;
    let cache = PackageCache::new(cache_dir);
    if version != "latest" && cache.contains(name, version) {
        return Ok(cache.package_dir(name, version));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let metadata_url = format!("{}/{name}", registry.trim_end_matches('/'));
    let metadata: Value = serde_json::from_slice(&fetch(&agent, &metadata_url, MAX_METADATA)?)
        .map_err(|e| PackageError::Registry(format!("{metadata_url}: bad JSON: {e}")))?;
    let version = resolve_version(&metadata, version)
        .ok_or_else(|| PackageError::Registry(format!("{name}: no version {version}")))?;
    check_name("version", &version)?;
    if cache.contains(name, &version) {
        return Ok(cache.package_dir(name, &version));
    }
    let dist = &metadata["versions"][version.as_str()]["dist"];
    let tarball_url = dist["tarball"]
        .as_str()
        .ok_or_else(|| PackageError::Registry(format!("{name}#{version}: no dist.tarball")))?;
    let tarball = fetch(&agent, tarball_url, MAX_TARBALL)?;
    verify(&tarball, dist).map_err(|e| PackageError::Registry(format!("{name}#{version}: {e}")))?;
    cache.add_tarball(&tarball, Some((name, &version)))
}

/// `latest` → `dist-tags.latest`; otherwise the version if the registry lists it.
fn resolve_version(metadata: &Value, version: &str) -> Option<String> {
    let wanted = if version == "latest" {
        metadata["dist-tags"]["latest"].as_str()?
    } else {
        version
    };
    metadata["versions"].get(wanted).map(|_| wanted.to_owned())
}

fn fetch(agent: &ureq::Agent, url: &str, limit: u64) -> Result<Vec<u8>, PackageError> {
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| PackageError::Registry(format!("GET {url}: {e}")))?;
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| PackageError::Registry(format!("GET {url}: {e}")))
}

/// Checks the tarball against `dist.shasum` and `dist.integrity`; at least one must be given.
fn verify(tarball: &[u8], dist: &Value) -> Result<(), String> {
    let mut checked = false;
    if let Some(expected) = dist["shasum"].as_str() {
        let actual = hex::encode(Sha1::digest(tarball));
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(format!(
                "shasum mismatch: expected {expected}, got {actual}"
            ));
        }
        checked = true;
    }
    if let Some(integrity) = dist["integrity"].as_str() {
        for token in integrity.split_whitespace() {
            if let Some(expected) = token.strip_prefix("sha512-") {
                let actual =
                    base64::engine::general_purpose::STANDARD.encode(Sha512::digest(tarball));
                if actual != expected {
                    return Err(format!("integrity mismatch: expected sha512-{expected}"));
                }
                checked = true;
            }
        }
    }
    if checked {
        Ok(())
    } else {
        Err("the registry gave no shasum or sha512 integrity to verify the tarball".into())
    }
}

/// Package names and versions become folder names: allow only a safe alphabet.
pub(crate) fn check_name(what: &str, value: &str) -> Result<(), PackageError> {
    let ok = !value.is_empty()
        && !value.starts_with('.')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    if ok {
        Ok(())
    } else {
        Err(PackageError::Registry(format!("invalid {what}: {value:?}")))
    }
}
