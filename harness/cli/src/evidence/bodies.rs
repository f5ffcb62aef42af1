//! Reading a run's bodies back, inline or from `evidence/`.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use super::EVIDENCE_DIR;
use super::store::is_evidence_name;
use crate::results::BodyFile;

/// Where the bodies of a run's exchanges can be read: the report folder whose `evidence/`
/// holds the long ones, or nowhere (only inline bodies are then available).
#[derive(Debug, Clone, Default)]
pub struct Bodies {
    report_dir: Option<PathBuf>,
}

impl Bodies {
    /// Bodies of the run reported in `report_dir`.
    pub fn in_folder(report_dir: &Path) -> Bodies {
        Bodies {
            report_dir: Some(report_dir.to_path_buf()),
        }
    }

    /// Only the bodies kept inline.
    pub fn inline_only() -> Bodies {
        Bodies::default()
    }

    /// The text of a body: `inline` when kept inline, else the content of `file`. `None`
    /// when there is no body, or its file is missing, unreadable or not a name the evidence
    /// store gives (a report read back may have been edited).
    pub fn text<'a>(
        &self,
        inline: Option<&'a str>,
        file: Option<&BodyFile>,
    ) -> Option<Cow<'a, str>> {
        if let Some(text) = inline {
            return Some(Cow::Borrowed(text));
        }
        let path = self.path_of(file?)?;
        let bytes = fs::read(path).ok()?;
        Some(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The file of `file` in the report folder, when its path is one the store writes.
    fn path_of(&self, file: &BodyFile) -> Option<PathBuf> {
        let name = file.path.strip_prefix(EVIDENCE_DIR)?.strip_prefix('/')?;
        is_evidence_name(name).then(|| {
            self.report_dir
                .as_ref()
                .map(|dir| dir.join(EVIDENCE_DIR).join(name))
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::EvidenceStore;

    #[test]
    fn bodies_are_read_inline_or_from_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = EvidenceStore::create(dir.path())
            .unwrap()
            .put("kept")
            .unwrap();
        let bodies = Bodies::in_folder(dir.path());
        assert_eq!(bodies.text(Some("inline"), None).as_deref(), Some("inline"));
        assert_eq!(bodies.text(None, Some(&file)).as_deref(), Some("kept"));
        assert_eq!(Bodies::inline_only().text(None, Some(&file)), None);
        assert_eq!(bodies.text(None, None), None);
    }

    #[test]
    fn a_path_outside_the_evidence_folder_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("report.json"), "{}").unwrap();
        let bodies = Bodies::in_folder(dir.path());
        for path in ["report.json", "evidence/../report.json", "/etc/passwd"] {
            let file = BodyFile {
                path: path.into(),
                sha256: String::new(),
                bytes: 2,
            };
            assert_eq!(bodies.text(None, Some(&file)), None, "{path}");
        }
    }
}
