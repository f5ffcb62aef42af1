//! Reports: renderers of one [`RunResult`] into the files users and CI read.
//!
//! Each renderer sub-module has a `render(&RunResult) -> Result<String>` function; none of them
//! knows how the run was carried out. [`write_all`] writes every report into a folder. Beside
//! them: [`exemption`] (failures a waiver or the baseline keeps from failing the run, which
//! every renderer marks), [`read`] (a `report.json` read back), [`diff`] (two runs compared)
//! and [`merge`] (the shards of a plan put together).

pub mod conformance;
pub mod diff;
pub mod exemption;
mod exercised;
pub mod html;
mod html_bodies;
pub mod json;
pub mod junit;
mod lines;
pub mod manifest;
pub mod matrix;
pub mod merge;
mod pretty_body;
pub mod read;
pub mod testreport;
mod timing;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::evidence::{Bodies, EVIDENCE_DIR, clear_stale_evidence, evidence_files};
use crate::results::RunResult;

/// File name of the JSON report ([`json::render`]).
pub const JSON_FILE: &str = "report.json";
/// File name of the JUnit XML report ([`junit::render`]).
pub const JUNIT_FILE: &str = "junit.xml";
/// File name of the HTML report ([`html::render`]).
pub const HTML_FILE: &str = "report.html";

/// The id of the element of the HTML report that holds the test at `index` (0-based, in plan
/// order), which other reports link to as `report.html#<id>`.
pub fn test_anchor(index: usize) -> String {
    format!("test-{}", index + 1)
}
/// File name of the FHIR R4 Bundle of TestReports, one per suite ([`testreport::render`]).
pub const TESTREPORT_FILE: &str = "testreport.json";
/// File name of the checklist matrix ([`matrix::render`]).
pub const MATRIX_FILE: &str = "checklist.csv";
/// File name of the verified conformance statement ([`conformance::render`]).
pub const CONFORMANCE_FILE: &str = "conformance.json";

/// Removes the reports an earlier run left in `out_dir`, so that a run that does not get to
/// write its own (killed outright) leaves none behind to be mistaken for its verdict.
pub fn clear_stale(out_dir: &Path) -> Result<()> {
    for name in [
        JSON_FILE,
        JUNIT_FILE,
        HTML_FILE,
        TESTREPORT_FILE,
        MATRIX_FILE,
        CONFORMANCE_FILE,
        manifest::MANIFEST_FILE,
    ] {
        let path = out_dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| {
                    format!("cannot remove the earlier report {}", path.display())
                });
            }
        }
    }
    clear_stale_evidence(out_dir).with_context(|| {
        format!(
            "cannot remove the earlier evidence in {}",
            out_dir.join(EVIDENCE_DIR).display()
        )
    })
}

/// Renders every report and writes them into `out_dir` (created if missing), then
/// `manifest.sha256` over them and the bodies in its `evidence/` folder.
///
/// Each file is written to a temporary name in `out_dir` and then renamed, so a reader never
/// sees a half-written report. Returns the paths written, in a fixed order.
pub fn write_all(result: &RunResult, out_dir: &Path) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create report folder {}", out_dir.display()))?;
    let bodies = Bodies::in_folder(out_dir);
    let rendered = [
        (JSON_FILE, json::render(result)?),
        (JUNIT_FILE, junit::render(result)?),
        (HTML_FILE, html::render(result, &bodies)?),
        (TESTREPORT_FILE, testreport::render(result)?),
        (MATRIX_FILE, matrix::render(result)?),
        (CONFORMANCE_FILE, conformance::render(result, &bodies)?),
    ];
    let mut written = rendered
        .iter()
        .map(|(name, text)| write_atomically(&out_dir.join(name), text))
        .collect::<Result<Vec<_>>>()?;
    let evidence = evidence_files(out_dir)
        .with_context(|| format!("cannot list {}", out_dir.join(EVIDENCE_DIR).display()))?;
    let manifest = manifest::render(out_dir, written.iter().chain(&evidence))?;
    written.push(write_atomically(
        &out_dir.join(manifest::MANIFEST_FILE),
        &manifest,
    )?);
    Ok(written)
}

/// Writes `text` beside `path` under a temporary name, then renames it into place.
fn write_atomically(path: &Path, text: &str) -> Result<PathBuf> {
    let file_name = path
        .file_name()
        .with_context(|| format!("report path {} has no file name", path.display()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp_path = path.with_file_name(temp_name);
    fs::write(&temp_path, text).with_context(|| format!("cannot write {}", temp_path.display()))?;
    if let Err(error) = fs::rename(&temp_path, path) {
        // Best effort: the rename error is the one worth reporting.
        let _ = fs::remove_file(&temp_path);
        return Err(error).with_context(|| format!("cannot move report into {}", path.display()));
    }
    Ok(path.to_path_buf())
}
