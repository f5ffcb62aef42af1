//! Evidence bodies kept once, by their content, in the `evidence/` folder of a report folder.
//!
//! During a run the HTTP client hands every body longer than [`INLINE_BODY_LIMIT`] to an
//! [`EvidenceStore`], which writes it (redacted) as `evidence/<sha256>.<ext>` unless a body
//! with the same content is already there; the recorded exchange keeps only a
//! [`BodyFile`](crate::results::BodyFile) pointing at it. So a body served to many tests is
//! stored once, and long bodies leave memory as soon as they are recorded. Reports read them
//! back through [`Bodies`].

mod bodies;
mod store;

pub use bodies::Bodies;
pub use store::{EvidenceStore, clear_stale_evidence, evidence_files};

/// The folder, inside a report folder, that holds the bodies.
pub const EVIDENCE_DIR: &str = "evidence";

/// Bodies up to this many bytes stay inline in `report.json`; longer ones go to `evidence/`.
pub const INLINE_BODY_LIMIT: usize = 4 * 1024;

/// A request body (which the suite wrote, so it can be made again) is kept up to this many
/// bytes; response bodies are kept whole, up to the most the harness reads of one.
pub const KEPT_REQUEST_BODY_BYTES: usize = 1024 * 1024;
