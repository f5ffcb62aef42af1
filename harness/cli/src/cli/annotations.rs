//! `assure report annotations DIR`: the failures of a run as GitHub Actions workflow commands,
//! one line each, so that a workflow step that prints them annotates the pull request; or, with
//! `--format json`, the same annotations as a JSON array for other CI systems.
//!
//! A failure that fails the run (its level at or above `--fail-on`, not waived, not
//! pre-existing) and a test that ended in `error` are `::error`; any other failure is
//! `::warning`, saying why it does not gate. The title is the check's id; a suite read from a
//! file names it as `file=`.

use serde_json::{Value, json};

use crate::cli::exit::{fail_on_recorded, gates};
use crate::report::exemption::exemption;
use crate::results::{RunResult, Status, SuiteResult, TestResult};

/// One annotation: a failed or errored test, or the reason a run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// `error` or `warning`, the workflow command.
    pub level: &'static str,
    /// The suite file; `None` for a built-in suite.
    pub file: Option<String>,
    /// The annotation's title: the check id, or `assure run stopped`.
    pub title: String,
    /// The check id; `None` for the line of a stopped run.
    pub id: Option<String>,
    /// `[LEVEL] title: why`, or the reason the run stopped.
    pub message: String,
}

/// The annotations of a run: why it stopped, if it did, then one per failed or errored test,
/// in plan order.
pub fn annotations(run: &RunResult) -> Vec<Annotation> {
    let stopped = run.aborted.iter().map(|reason| Annotation {
        level: "error",
        file: None,
        title: "assure run stopped".into(),
        id: None,
        message: reason.clone(),
    });
    let tests = run.suites.iter().flat_map(|suite| {
        suite
            .tests
            .iter()
            .filter_map(move |test| annotation(run, suite, test))
    });
    stopped.chain(tests).collect()
}

/// One workflow command per annotation (lines end with `\n`).
pub fn render(annotations: &[Annotation]) -> String {
    let mut out = String::new();
    for annotation in annotations {
        let file = annotation
            .file
            .as_deref()
            .map(|file| format!("file={},", property(file)))
            .unwrap_or_default();
        out.push_str(&format!(
            "::{} {file}title={}::{}\n",
            annotation.level,
            property(&annotation.title),
            data(&annotation.message)
        ));
    }
    out
}

/// The annotations as a pretty-printed JSON array of `{level, file, title, id, message}`.
pub fn render_json(annotations: &[Annotation]) -> String {
    let items: Vec<Value> = annotations
        .iter()
        .map(|annotation| {
            json!({
                "level": annotation.level,
                "file": annotation.file,
                "title": annotation.title,
                "id": annotation.id,
                "message": annotation.message,
            })
        })
        .collect();
    format!("{:#}\n", Value::Array(items))
}

fn annotation(run: &RunResult, suite: &SuiteResult, test: &TestResult) -> Option<Annotation> {
    let message = test.message.as_deref().unwrap_or("no message");
    let (level, text) = match (test.status, exemption(run, test)) {
        (Status::Error, _) => ("error", format!("error (no verdict): {message}")),
        (Status::Fail, Some(exempt)) => ("warning", format!("{message} ({})", exempt.describe())),
        (Status::Fail, None) if gates(fail_on_recorded(&run.options), test.level) => {
            ("error", message.to_owned())
        }
        (Status::Fail, None) => (
            "warning",
            format!(
                "{message} (a {} check: below --fail-on)",
                test.level.as_str()
            ),
        ),
        (Status::Pass | Status::Skip, _) => return None,
    };
    Some(Annotation {
        level,
        file: (!suite.source.starts_with("embedded:")).then(|| suite.source.clone()),
        title: test.id.clone(),
        id: Some(test.id.clone()),
        message: format!("[{}] {}: {text}", test.level.as_str(), test.title),
    })
}

/// A command's message, escaped as the runner reads it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value, escaped as the runner reads it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
