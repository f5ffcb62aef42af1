//! Writing bodies into `evidence/`, each content once.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::EVIDENCE_DIR;
use crate::results::BodyFile;

/// The `evidence/` folder of one report folder, written as a run records its exchanges.
#[derive(Debug)]
pub struct EvidenceStore {
    dir: PathBuf,
    /// Digests already written by this store, so that repeated bodies cost one hash each.
    written: Mutex<HashSet<String>>,
}

impl EvidenceStore {
    /// A store writing into `report_dir/evidence` (created if missing).
    pub fn create(report_dir: &Path) -> io::Result<EvidenceStore> {
        let dir = report_dir.join(EVIDENCE_DIR);
        fs::create_dir_all(&dir)?;
        Ok(EvidenceStore {
            dir,
            written: Mutex::new(HashSet::new()),
        })
    }

    /// Keeps `text` (already redacted) and says where: `evidence/<sha256>.<ext>`, the
    /// extension `json`, `xml` or `txt` from how the text starts. A body already kept is not
    /// written again.
    pub fn put(&self, text: &str) -> io::Result<BodyFile> {
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        let name = format!("{sha256}.{}", extension(text));
        let first = self
            .written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(sha256.clone());
        if first {
            let path = self.dir.join(&name);
            let temp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
            fs::write(&temp, text.as_bytes())
                .and_then(|()| fs::rename(&temp, &path))
                .inspect_err(|_| {
                    let _ = fs::remove_file(&temp);
                    self.written
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .remove(&sha256);
                })?;
        }
        Ok(BodyFile {
            path: format!("{EVIDENCE_DIR}/{name}"),
            sha256,
            bytes: text.len() as u64,
        })
    }
}

/// `json`, `xml` or `txt`, from the first character that is not white space.
fn extension(text: &str) -> &'static str {
    match text.trim_start().as_bytes().first() {
        Some(b'{' | b'[') => "json",
        Some(b'<') => "xml",
        _ => "txt",
    }
}

/// True for the names [`EvidenceStore::put`] gives: 64 lower-case hex digits and an extension.
pub(crate) fn is_evidence_name(name: &str) -> bool {
    let Some((digest, extension)) = name.split_once('.') else {
        return false;
    };
    digest.len() == 64
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(extension, "json" | "xml" | "txt")
}

/// The bodies in `report_dir/evidence` (files named as the store names them), sorted.
pub fn evidence_files(report_dir: &Path) -> io::Result<Vec<PathBuf>> {
    let dir = report_dir.join(EVIDENCE_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        if is_evidence_name(&entry.file_name().to_string_lossy()) {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Removes the bodies an earlier run left in `report_dir/evidence` (only files named as this
/// store names them; anything else there is left alone), and the folder when that empties it.
pub fn clear_stale_evidence(report_dir: &Path) -> io::Result<()> {
    let dir = report_dir.join(EVIDENCE_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let entry = entry?;
        if is_evidence_name(&entry.file_name().to_string_lossy()) {
            fs::remove_file(entry.path())?;
        }
    }
    // Fails harmlessly when the folder holds something this store did not write.
    let _ = fs::remove_dir(&dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_written_once_under_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::create(dir.path()).unwrap();
        let first = store.put("{\"resourceType\":\"Patient\"}").unwrap();
        let again = store.put("{\"resourceType\":\"Patient\"}").unwrap();
        assert_eq!(first, again);
        assert_eq!(first.path, format!("evidence/{}.json", first.sha256));
        assert_eq!(first.bytes, 26);
        let kept = fs::read_to_string(dir.path().join(&first.path)).unwrap();
        assert_eq!(kept, "{\"resourceType\":\"Patient\"}");
        assert_eq!(
            fs::read_dir(dir.path().join("evidence")).unwrap().count(),
            1
        );
    }

    #[test]
    fn the_extension_follows_the_content() {
        assert_eq!(extension("  <Patient/>"), "xml");
        assert_eq!(extension("\n[1]"), "json");
        assert_eq!(extension("Not Found"), "txt");
        assert_eq!(extension(""), "txt");
    }

    #[test]
    fn clearing_removes_only_what_the_store_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::create(dir.path()).unwrap();
        store.put("old body").unwrap();
        clear_stale_evidence(dir.path()).unwrap();
        assert!(!dir.path().join("evidence").exists());

        let store = EvidenceStore::create(dir.path()).unwrap();
        store.put("old body").unwrap();
        fs::write(dir.path().join("evidence/notes.md"), "mine").unwrap();
        clear_stale_evidence(dir.path()).unwrap();
        let left: Vec<_> = fs::read_dir(dir.path().join("evidence"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["notes.md"]);
    }

    #[test]
    fn evidence_names_are_digests_with_a_known_extension() {
        let digest = "a".repeat(64);
        assert!(is_evidence_name(&format!("{digest}.json")));
        assert!(!is_evidence_name(&format!("{digest}.exe")));
        assert!(!is_evidence_name("report.json"));
        assert!(!is_evidence_name(&format!("{}.json", "A".repeat(64))));
    }
}
