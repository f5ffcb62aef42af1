//! `no_internals`: a response must not show the server's internals — stack traces, exception
//! class names, database errors — in its body or headers (OWASP Top 10 A05:2021, security
//! misconfiguration: "error handling reveals stack traces or other overly informative error
//! messages to users").
//!
//! Each signature is specific to a language runtime or database so that ordinary FHIR content
//! (an OperationOutcome saying "invalid date") never matches: a false failure costs more than a
//! missed leak.

use std::sync::LazyLock;

use regex::Regex;

use super::Checked;
use crate::runner::response::ResponseView;

/// What a leak looks like, and what it is called in messages.
const SIGNATURES: &[(&str, &str)] = &[
    (
        "a Java stack frame",
        r"\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)",
    ),
    ("a .NET stack frame", r"\bat [\w.`<>]+\(.*\) in .+:line \d+"),
    ("a Python traceback", r"Traceback \(most recent call last\)"),
    ("a Python stack frame", r#"File "[^"]+", line \d+, in "#),
    (
        "a JavaScript stack frame",
        r"\bat .+ \((?:/|[A-Za-z]:\\|file:).+\.[cm]?[jt]s:\d+:\d+\)",
    ),
    ("a Rust panic", r"panicked at "),
    ("a Go panic", r"goroutine \d+ \[running\]"),
    (
        "a PHP error",
        r"PHP (?:Fatal|Parse|Warning) error|Stack trace:\s*#0 ",
    ),
    ("a Ruby stack frame", r"\.rb:\d+:in `"),
    (
        "a Java exception class",
        r"\b(?:java|javax|jakarta|org\.hibernate|org\.springframework)\.[\w.]+(?:Exception|Error)\b",
    ),
    ("a .NET exception class", r"\bSystem\.[\w.]*Exception\b"),
    (
        "a SQL error",
        r"SQLSTATE\[|\bORA-\d{5}\b|You have an error in your SQL syntax|syntax error at or near|\bSQLException\b|sqlite3\.OperationalError|psycopg2?\.|\bPG::\w+Error",
    ),
    (
        "a MongoDB error",
        r"\bMongo(?:Server)?Error\b|\bE11000 duplicate key\b",
    ),
];

static COMPILED: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    SIGNATURES
        .iter()
        .map(|(name, pattern)| (*name, Regex::new(pattern).expect("valid signature")))
        .collect()
});

/// Characters of the matched text quoted in the result.
const EXCERPT_CHARS: usize = 80;

/// Checks the response's body (as text) and header values for internals.
pub(super) fn no_internals(view: &ResponseView<'_>) -> Checked {
    let body = String::from_utf8_lossy(&view.response.body);
    let places = std::iter::once(("body".to_string(), body.as_ref())).chain(
        view.response
            .headers
            .iter()
            .map(|(name, value)| (format!("header {name}"), value.as_str())),
    );
    let found = places.into_iter().find_map(|(place, text)| {
        COMPILED.iter().find_map(|(name, regex)| {
            regex.find(text).map(|hit| {
                let excerpt: String = hit.as_str().chars().take(EXCERPT_CHARS).collect();
                format!("{name} in the {place}: `{excerpt}`")
            })
        })
    });
    let passed = found.is_none();
    Checked::new(
        "",
        "the response shows no stack trace, exception or database error",
        "no internals in the body or headers".into(),
        found.unwrap_or_else(|| "none".into()),
        passed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Response;

    fn check(body: &str, headers: &[(&str, &str)]) -> Checked {
        let response = Response {
            status: 500,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec().into(),
        };
        no_internals(&ResponseView::new(&response))
    }

    #[test]
    fn stack_traces_of_each_runtime_are_found() {
        for leak in [
            "java.lang.NullPointerException\n\tat org.acme.PatientDao.find(PatientDao.java:42)",
            "Traceback (most recent call last):\n  File \"/srv/app.py\", line 9, in get",
            "thread 'tokio-runtime-worker' panicked at src/main.rs:3:5",
            "ERROR: syntax error at or near \"'\"",
            "   at Acme.Fhir.Read(String id) in C:\\src\\Read.cs:line 17",
            "TypeError: x is undefined\n    at read (/srv/app/read.js:10:5)",
        ] {
            let checked = check(leak, &[]);
            assert!(!checked.result.passed, "not found in {leak:?}");
        }
        assert!(
            !check("", &[("x-error", "System.InvalidOperationException")])
                .result
                .passed
        );
    }

    #[test]
    fn ordinary_fhir_errors_pass() {
        let outcome = r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error",
            "code":"invalid","diagnostics":"Invalid date '2024-13-45' at Patient.birthDate: expected YYYY-MM-DD; exception to the rule"}]}"#;
        let checked = check(outcome, &[("content-type", "application/fhir+json")]);
        assert!(checked.result.passed, "{}", checked.failure);
    }
}
