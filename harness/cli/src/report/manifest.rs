//! `manifest.sha256`: the SHA-256 of every file of a report folder, in the format
//! `sha256sum -c` reads (`<hex>  <name>`, one line per file, sorted by name), so that an
//! assessor can tell a report set from one edited after the run. [`verify`] checks a folder
//! against its manifest.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::evidence::EVIDENCE_DIR;

/// File name of the manifest.
pub const MANIFEST_FILE: &str = "manifest.sha256";

/// The manifest's text for `files`: paths in the report folder `dir` or its `evidence/`
/// folder, named relative to `dir` (`report.json`, `evidence/<sha256>.json`).
pub fn render<'p>(dir: &Path, files: impl IntoIterator<Item = &'p PathBuf>) -> Result<String> {
    let mut lines = Vec::new();
    for path in files {
        let name = relative_name(dir, path)?;
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
        if !is_report_file_name(name) {
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
    let mut unlisted = Vec::new();
    for name in folder_files(dir)? {
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

/// A name a manifest may list: a file of the folder itself, or one of its `evidence/` folder.
fn is_report_file_name(name: &str) -> bool {
    let plain =
        |part: &str| !part.is_empty() && part != "." && part != ".." && !part.contains('\\');
    match name.split_once('/') {
        None => plain(name),
        Some((folder, file)) => folder == EVIDENCE_DIR && plain(file) && !file.contains('/'),
    }
}

/// Every file of `dir` and of its `evidence/` folder, named relative to `dir`; the
/// `evidence` folder itself is not a file.
fn folder_files(dir: &Path) -> Result<Vec<String>> {
    let list = |folder: &Path| -> Result<Vec<(String, bool)>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(folder)
            .with_context(|| format!("cannot list the folder {}", folder.display()))?
        {
            let entry =
                entry.with_context(|| format!("cannot list the folder {}", folder.display()))?;
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            names.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
        }
        Ok(names)
    };
    let mut files = Vec::new();
    for (name, is_dir) in list(dir)? {
        if is_dir && name == EVIDENCE_DIR {
            for (file, _) in list(&dir.join(EVIDENCE_DIR))? {
                files.push(format!("{EVIDENCE_DIR}/{file}"));
            }
        } else {
            files.push(name);
        }
    }
    Ok(files)
}

/// `path` relative to `dir`, with `/` between parts.
fn relative_name(dir: &Path, path: &Path) -> Result<String> {
    let relative = path
        .strip_prefix(dir)
        .with_context(|| format!("{} is not in {}", path.display(), dir.display()))?;
    Ok(relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("report.json"), "{}").unwrap();
        fs::write(dir.path().join("junit.xml"), "<testsuites/>").unwrap();
        let files = [dir.path().join("report.json"), dir.path().join("junit.xml")];
        fs::write(
            dir.path().join(MANIFEST_FILE),
            render(dir.path(), &files).unwrap(),
        )
        .unwrap();
        dir
    }

    #[test]
    fn evidence_files_are_listed_by_their_path_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("report.json");
        fs::write(&report, "{}").unwrap();
        let body = crate::evidence::EvidenceStore::create(dir.path())
            .unwrap()
            .put("a body")
            .unwrap();
        let files = [report, dir.path().join(&body.path)];
        fs::write(
            dir.path().join(MANIFEST_FILE),
            render(dir.path(), &files).unwrap(),
        )
        .unwrap();
        let verification = verify(dir.path()).unwrap();
        assert_eq!(verification.matched, [body.path.as_str(), "report.json"]);
        assert!(
            verification.problems.is_empty(),
            "{:?}",
            verification.problems
        );

        fs::write(dir.path().join(&body.path), "edited").unwrap();
        fs::write(dir.path().join("evidence/added.json"), "{}").unwrap();
        let problems = verify(dir.path()).unwrap().problems;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].ends_with("changed since the run (its SHA-256 differs)"));
        assert_eq!(
            problems[1],
            "evidence/added.json: in the folder but not in the manifest"
        );
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
        fs::write(
            dir.path().join(MANIFEST_FILE),
            format!("{digest}  evidence/../../secret\n{digest}  other/x.json\n"),
        )
        .unwrap();
        assert_eq!(verify(dir.path()).unwrap().problems.len(), 2);
        fs::write(dir.path().join(MANIFEST_FILE), "not a manifest\n").unwrap();
        let error = format!("{:#}", verify(dir.path()).unwrap_err());
        assert!(error.contains("manifest.sha256:1: expected"), "{error}");
    }
}
