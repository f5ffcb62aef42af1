//! Every file of a report folder, its `evidence/` bodies included, for tests that search all
//! of a run's output (for secrets, say).

use std::path::{Path, PathBuf};

/// The files of `dir` and of its `evidence/` folder, sorted.
pub fn report_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("report folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(report_files(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}
