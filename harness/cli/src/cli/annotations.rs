//! `assure report annotations DIR`: the failures of a run as GitHub Actions workflow commands,
//! one line each, so that a workflow step that prints them annotates the pull request.
//!
//! A failure that fails the run (its level at or above `--fail-on`, not waived, not
//! pre-existing) and a test that ended in `error` are `::error`; any other failure is
//! `::warning`, saying why it does not gate. The title is the check's id; a suite read from a
//! file names it as `file=`.

use crate::cli::exit::{fail_on_recorded, gates};
use crate::report::exemption::exemption;
use crate::results::{RunResult, Status, SuiteResult, TestResult};

/// One workflow command per failed or errored test, in plan order (lines end with `\n`).
pub fn render(run: &RunResult) -> String {
    let mut out = String::new();
    if let Some(reason) = &run.aborted {
        out.push_str(&format!(
            "::error title=assure run stopped::{}\n",
            data(reason)
        ));
    }
    for suite in &run.suites {
        for test in &suite.tests {
            if let Some(line) = annotation(run, suite, test) {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

fn annotation(run: &RunResult, suite: &SuiteResult, test: &TestResult) -> Option<String> {
    let message = test.message.as_deref().unwrap_or("no message");
    let (command, text) = match (test.status, exemption(run, test)) {
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
    let file = if suite.source.starts_with("embedded:") {
        String::new()
    } else {
        format!("file={},", property(&suite.source))
    };
    Some(format!(
        "::{command} {file}title={}::[{}] {}: {}",
        property(&test.id),
        test.level.as_str(),
        data(&test.title),
        data(&text)
    ))
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
