//! Reading a `report.json` back: the input of `assure report diff` and `merge` and of
//! `assure run --baseline`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Deserializer};

use super::JSON_FILE;
use crate::results::{OLDEST_READABLE_SCHEMA_VERSION, RunResult, SCHEMA_VERSION};
use crate::suite::Level;

/// The run recorded at `path`: a report folder (its `report.json`) or a `report.json` file.
pub fn read_run(path: &Path) -> Result<RunResult> {
    let file = report_file(path);
    let text =
        fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let run: RunResult = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an assure report.json", file.display()))?;
    if !(OLDEST_READABLE_SCHEMA_VERSION..=SCHEMA_VERSION).contains(&run.schema_version) {
        bail!(
            "{} has schema version {}; this assure reads versions \
             {OLDEST_READABLE_SCHEMA_VERSION} to {SCHEMA_VERSION}",
            file.display(),
            run.schema_version
        );
    }
    Ok(run)
}

/// `path` itself when it is a file, else the `report.json` inside it.
fn report_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(JSON_FILE)
    } else {
        path.to_path_buf()
    }
}

/// Levels are read as written: `SHALL`, `SHOULD`, `MAY`.
impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Level, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "SHALL" => Ok(Level::Shall),
            "SHOULD" => Ok(Level::Should),
            "MAY" => Ok(Level::May),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not a level (SHALL, SHOULD or MAY)"
            ))),
        }
    }
}
