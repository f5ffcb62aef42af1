//! `manifest.sha256`: the SHA-256 of every file of a report folder, in the format
//! `sha256sum -c` reads (`<hex>  <name>`, one line per file, sorted by name), so that an
//! assessor can tell a report set from one edited after the run. [`verify`] checks a folder
//! against its manifest.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// File name of the manifest.
pub const MANIFEST_FILE: &str = "manifest.sha256";

/// The manifest's text for `files` (paths inside one folder).
pub fn render(files: &[PathBuf]) -> Result<String> {
    let mut lines = Vec::new();
    for path in files {
        let name = file_name(path)?;
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        lines.push(format!("{}  {name}\n", hex::encode(Sha256::digest(&bytes))));
    }
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    Ok(lines.concat())
}

/// What checking a folder against its manifest found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// The files whose digest matches, by name.
    pub matched: Vec<String>,
    /// Each difference, as a sentence naming the file.
    pub problems: Vec<String>,
}

/// Checks every file `dir/manifest.sha256` lists, and that the folder holds no file it does
/// not list. `Err` when the manifest cannot be read or is not a manifest.
pub fn verify(dir: &Path) -> Result<Verification> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let mut verification = Verification::default();
    let mut listed = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let (digest, name) = parse_line(line).with_context(|| {
            format!(
                "{}:{line_number}: expected `<64 hex digits>  <file name>`",
                manifest_path.display()
            )
        })?;
        listed.push(name.to_owned());
        if name.contains(['/', '\\']) || name == ".." || name == "." {
            verification
                .problems
                .push(format!("{name}: names a path, not a file of this folder"));
            continue;
        }
        match fs::read(dir.join(name)) {
            Ok(bytes) if hex::encode(Sha256::digest(&bytes)) == digest => {
                verification.matched.push(name.to_owned());
            }
            Ok(_) => verification.problems.push(format!(
                "{name}: changed since the run (its SHA-256 differs)"
            )),
            Err(error) => verification
                .problems
                .push(format!("{name}: listed but cannot be read ({error})")),
        }
    }
    let entries =
        fs::read_dir(dir).with_context(|| format!("cannot list the folder {}", dir.display()))?;
    let mut unlisted = Vec::new();
    for entry in entries {
        let name = entry
            .with_context(|| format!("cannot list the folder {}", dir.display()))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name != MANIFEST_FILE && !listed.contains(&name) {
            unlisted.push(name);
        }
    }
    unlisted.sort();
    verification.problems.extend(
        unlisted
            .into_iter()
            .map(|name| format!("{name}: in the folder but not in the manifest")),
    );
    Ok(verification)
}

/// `<64 lower-case hex>  <name>` (or `<hex> *<name>`, binary mode).
fn parse_line(line: &str) -> Option<(&str, &str)> {
    let (digest, rest) = line.split_at_checked(64)?;
    if !digest
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let name = rest
        .strip_prefix("  ")
        .or_else(|| rest.strip_prefix(" *"))?;
    (!name.is_empty()).then_some((digest, name))
}

fn file_name(path: &Path) -> Result<String> {
    Ok(path
        .file_name()
        .with_context(|| format!("report path {} has no file name", path.display()))?
        .to_string_lossy()
        .into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("report.json"), "{}").unwrap();
        fs::write(dir.path().join("junit.xml"), "<testsuites/>").unwrap();
        let files = [dir.path().join("report.json"), dir.path().join("junit.xml")];
        fs::write(dir.path().join(MANIFEST_FILE), render(&files).unwrap()).unwrap();
        dir
    }

    #[test]
    fn the_manifest_is_what_sha256sum_reads_sorted_by_name() {
        let dir = folder();
        let text = fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap();
        let names: Vec<&str> = text.lines().map(|l| &l[66..]).collect();
        assert_eq!(names, ["junit.xml", "report.json"]);
        // SHA-256 of "{}".
        assert!(text.contains(
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a  report.json"
        ));
    }

    #[test]
    fn an_untouched_folder_verifies() {
        let dir = folder();
        let verification = verify(dir.path()).unwrap();
        assert_eq!(verification.matched, ["junit.xml", "report.json"]);
        assert!(verification.problems.is_empty());
    }

    #[test]
    fn an_edited_a_missing_and_an_added_file_are_each_named() {
        let dir = folder();
        fs::write(dir.path().join("report.json"), "{\"edited\": true}").unwrap();
        fs::remove_file(dir.path().join("junit.xml")).unwrap();
        fs::write(dir.path().join("extra.txt"), "x").unwrap();
        let problems = verify(dir.path()).unwrap().problems;
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("junit.xml: listed but cannot be read"));
        assert!(problems[1].starts_with("report.json: changed"));
        assert!(problems[2].starts_with("extra.txt: in the folder but not in the manifest"));
    }

    #[test]
    fn a_manifest_cannot_reach_outside_its_folder_and_a_bad_line_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let digest = "0".repeat(64);
        fs::write(
            dir.path().join(MANIFEST_FILE),
            format!("{digest}  ../secret\n"),
        )
        .unwrap();
        let problems = verify(dir.path()).unwrap().problems;
        assert_eq!(
            problems,
            ["../secret: names a path, not a file of this folder"]
        );
        fs::write(dir.path().join(MANIFEST_FILE), "not a manifest\n").unwrap();
        let error = format!("{:#}", verify(dir.path()).unwrap_err());
        assert!(error.contains("manifest.sha256:1: expected"), "{error}");
    }
}
