//! Recordings: every exchange of a run kept on disk (`run --record DIR`), so that `assure
//! replay DIR` can judge the run again, offline, with the current suites and validator.
//!
//! A recording folder holds `recording.jsonl`: a first line describing the run (the base URL
//! and the variables it started with), then one [`Exchange`] per line, in the order they
//! finished, secrets redacted as in the reports. Bodies longer than the inline limit are in the
//! folder's `evidence/`, as in a report folder (it may be the same folder).

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::evidence::{Bodies, EVIDENCE_DIR};
use crate::results::Exchange;

/// File name of the journal in a recording folder.
pub const RECORDING_FILE: &str = "recording.jsonl";
/// The version of the journal's format.
const FORMAT: u32 = 1;

/// The first line of a recording: what the run was pointed at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordingHeader {
    /// Always `assure-recording`.
    pub kind: String,
    pub format: u32,
    /// The target's base URL (redacted).
    pub base_url: String,
    /// The variables the run started with (the embedded server's and `--var`s), redacted.
    pub variables: Vec<(String, String)>,
    /// When the recorded run started (RFC 3339).
    pub started_at: String,
}

impl RecordingHeader {
    /// A header for a run against `base_url` with `variables`.
    pub fn new(base_url: &str, variables: Vec<(String, String)>, started_at: String) -> Self {
        RecordingHeader {
            kind: "assure-recording".into(),
            format: FORMAT,
            base_url: base_url.into(),
            variables,
            started_at,
        }
    }
}

/// Appends every exchange of a run to a recording folder as it finishes.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    /// Where the exchanges' `evidence/` files are written (the report folder).
    evidence_source: PathBuf,
    journal: Mutex<BufWriter<File>>,
}

impl Recorder {
    /// Starts a recording in `dir` (created; an earlier recording there is replaced) whose
    /// bodies are copied from the report folder `evidence_source`.
    pub fn create(
        dir: &Path,
        evidence_source: &Path,
        header: &RecordingHeader,
    ) -> std::io::Result<Recorder> {
        fs::create_dir_all(dir)?;
        let mut journal = BufWriter::new(File::create(dir.join(RECORDING_FILE))?);
        serde_json::to_writer(&mut journal, header)?;
        journal.write_all(b"\n")?;
        journal.flush()?;
        Ok(Recorder {
            dir: dir.to_path_buf(),
            evidence_source: evidence_source.to_path_buf(),
            journal: Mutex::new(journal),
        })
    }

    /// Appends `exchange` (already redacted), copying its body files into the recording.
    /// A failure to write is reported once per exchange on stderr; the run goes on.
    pub fn record(&self, exchange: &Exchange) {
        if let Err(error) = self.try_record(exchange) {
            eprintln!(
                "warning: cannot record an exchange in {}: {error}",
                self.dir.display()
            );
        }
    }

    fn try_record(&self, exchange: &Exchange) -> std::io::Result<()> {
        let files = [
            exchange.request.body_file.as_ref(),
            exchange
                .response
                .as_ref()
                .and_then(|r| r.body_file.as_ref()),
        ];
        for file in files.into_iter().flatten() {
            let from = self.evidence_source.join(&file.path);
            let to = self.dir.join(&file.path);
            if from != to && !to.exists() {
                fs::create_dir_all(self.dir.join(EVIDENCE_DIR))?;
                fs::copy(&from, &to)?;
            }
        }
        let mut line = serde_json::to_vec(exchange)?;
        line.push(b'\n');
        let mut journal = self.journal.lock().unwrap_or_else(|p| p.into_inner());
        journal.write_all(&line)?;
        journal.flush()
    }
}

/// A response as recorded: status, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A recording read back, answering requests as the server answered them.
#[derive(Debug)]
pub struct Replay {
    header: RecordingHeader,
    bodies: Bodies,
    /// By method and URL.
    answers: Mutex<HashMap<(String, String), Answers>>,
}

/// The recorded answers to one request, in order, and how many were given.
#[derive(Debug, Default)]
struct Answers {
    recorded: Vec<Exchange>,
    given: usize,
}

impl Replay {
    /// Reads the recording in `dir`. `Err` names the file and line that is not a recording.
    pub fn load(dir: &Path) -> Result<Replay, String> {
        let path = dir.join(RECORDING_FILE);
        let file = File::open(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut lines = BufReader::new(file).lines().enumerate();
        let bad = |line: usize, what: String| format!("{}:{}: {what}", path.display(), line + 1);
        let header: RecordingHeader = match lines.next() {
            Some((index, Ok(text))) => serde_json::from_str(&text)
                .map_err(|e| bad(index, format!("expected the recording's header: {e}")))?,
            Some((index, Err(e))) => return Err(bad(index, e.to_string())),
            None => return Err(format!("{} is empty", path.display())),
        };
        if header.kind != "assure-recording" || header.format != FORMAT {
            return Err(bad(
                0,
                format!("not an assure recording of format {FORMAT}"),
            ));
        }
        let mut answers: HashMap<(String, String), Answers> = HashMap::new();
        for (index, line) in lines {
            let text = line.map_err(|e| bad(index, e.to_string()))?;
            if text.trim().is_empty() {
                continue;
            }
            let exchange: Exchange = serde_json::from_str(&text)
                .map_err(|e| bad(index, format!("expected an exchange: {e}")))?;
            let key = (
                exchange.request.method.clone(),
                exchange.request.url.clone(),
            );
            answers.entry(key).or_default().recorded.push(exchange);
        }
        Ok(Replay {
            header,
            bodies: Bodies::in_folder(dir),
            answers: Mutex::new(answers),
        })
    }

    /// What the recording says about the run.
    pub fn header(&self) -> &RecordingHeader {
        &self.header
    }

    /// The answer to `method url`: the recorded answers to that request in turn (the last one
    /// again once all were given). `Err` is the transport error recorded, or says the request
    /// is not in the recording.
    pub fn answer(&self, method: &str, url: &str) -> Result<Answer, String> {
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        let Some(Answers { recorded, given }) =
            answers.get_mut(&(method.to_owned(), url.to_owned()))
        else {
            return Err(format!(
                "not in the recording: the recorded run did not send {method} {url}"
            ));
        };
        let exchange = &recorded[(*given).min(recorded.len() - 1)];
        *given += 1;
        match (&exchange.response, &exchange.error) {
            (Some(response), None) => {
                let body = self
                    .bodies
                    .text(response.body.as_deref(), response.body_file.as_ref());
                if body.is_none() && (response.body.is_some() || response.body_file.is_some()) {
                    return Err(format!(
                        "the recording's body of {method} {url} cannot be read"
                    ));
                }
                Ok(Answer {
                    status: response.status,
                    headers: response.headers.clone(),
                    body: body
                        .map(|b| b.into_owned().into_bytes())
                        .unwrap_or_default(),
                })
            }
            (_, Some(error)) => Err(format!("as recorded: {error}")),
            (None, None) => Err("as recorded: no response".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{RecordedRequest, RecordedResponse};

    fn exchange(url: &str, status: u16, body: &str) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                url: url.into(),
                headers: Vec::new(),
                body: None,
                body_file: None,
                body_truncated: false,
            },
            response: Some(RecordedResponse {
                status,
                headers: vec![("content-type".into(), "application/fhir+json".into())],
                body: Some(body.into()),
                body_file: None,
                body_truncated: false,
            }),
            error: None,
            duration_ms: 1,
            attempt: 1,
        }
    }

    #[test]
    fn a_recording_answers_each_request_as_recorded_in_turn() {
        let dir = tempfile::tempdir().unwrap();
        let header = RecordingHeader::new(
            "http://x.test/fhir",
            vec![("a".into(), "b".into())],
            "t".into(),
        );
        let recorder = Recorder::create(dir.path(), dir.path(), &header).unwrap();
        recorder.record(&exchange(
            "http://x.test/fhir/Patient/1",
            200,
            "{\"id\":\"1\"}",
        ));
        recorder.record(&exchange("http://x.test/fhir/Patient/1", 410, ""));
        let mut failed = exchange("http://x.test/fhir/metadata", 0, "");
        failed.response = None;
        failed.error = Some("timed out after 30s".into());
        recorder.record(&failed);
        drop(recorder);

        let replay = Replay::load(dir.path()).unwrap();
        assert_eq!(
            replay.header().variables,
            [("a".to_string(), "b".to_string())]
        );
        let first = replay
            .answer("GET", "http://x.test/fhir/Patient/1")
            .unwrap();
        assert_eq!(
            (first.status, first.body.as_slice()),
            (200, &b"{\"id\":\"1\"}"[..])
        );
        // The second answer, then the last one again.
        for _ in 0..2 {
            let answer = replay
                .answer("GET", "http://x.test/fhir/Patient/1")
                .unwrap();
            assert_eq!(answer.status, 410);
        }
        assert_eq!(
            replay
                .answer("GET", "http://x.test/fhir/metadata")
                .unwrap_err(),
            "as recorded: timed out after 30s"
        );
        assert!(
            replay
                .answer("DELETE", "http://x.test/fhir/Patient/1")
                .unwrap_err()
                .starts_with("not in the recording")
        );
    }

    #[test]
    fn a_file_that_is_not_a_recording_is_located() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(RECORDING_FILE), "{\"kind\":\"assure-recording\",\"format\":1,\"base_url\":\"x\",\"variables\":[],\"started_at\":\"t\"}\nnot json\n").unwrap();
        let error = Replay::load(dir.path()).unwrap_err();
        assert!(
            error.ends_with(
                "recording.jsonl:2: expected an exchange: expected ident at line 1 column 2"
            ),
            "{error}"
        );
        assert!(
            Replay::load(&dir.path().join("nowhere"))
                .unwrap_err()
                .starts_with("cannot read")
        );
    }
}
