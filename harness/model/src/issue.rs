//! What the parsers report: fatal syntax errors and non-fatal FHIR-format issues.

use std::fmt;

use crate::Pos;

/// How serious an issue is, a parser's [`ParseIssue`] or a validator's finding (the FHIR
/// `OperationOutcome.issue.severity` levels short of `fatal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The content breaks a FHIR rule.
    Error,
    /// The content is legal but should be written differently.
    Warning,
    /// Informational only.
    Information,
}

impl Severity {
    /// The OperationOutcome `issue.severity` code.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A non-fatal problem the parser could see without the FHIR definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIssue {
    pub severity: Severity,
    /// Where the problem is in the source.
    pub pos: Pos,
    /// The element path, e.g. `Patient.name[0].given[1]`.
    pub path: String,
    pub message: String,
    /// The path of the element this problem leaves with no value and no children (an empty
    /// JSON object or XML element, or the element holding an empty JSON array), if any.
    pub emptied: Option<String>,
}

impl ParseIssue {
    /// This issue, noting that it leaves the element at `path` empty.
    pub fn emptying(mut self, path: impl Into<String>) -> Self {
        self.emptied = Some(path.into());
        self
    }

    /// An issue of severity [`Severity::Error`].
    pub fn error(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Self {
        ParseIssue {
            severity: Severity::Error,
            pos,
            path: path.into(),
            message: message.into(),
            emptied: None,
        }
    }

    /// An issue of severity [`Severity::Information`].
    pub fn information(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Self {
        ParseIssue {
            severity: Severity::Information,
            pos,
            path: path.into(),
            message: message.into(),
            emptied: None,
        }
    }

    /// An issue of severity [`Severity::Warning`].
    pub fn warning(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Self {
        ParseIssue {
            severity: Severity::Warning,
            pos,
            path: path.into(),
            message: message.into(),
            emptied: None,
        }
    }
}

impl fmt::Display for ParseIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {} ({}): {}",
            self.severity, self.pos.line, self.pos.col, self.path, self.message
        )
    }
}

/// A fatal error: the document is not well-formed JSON/XML, or not a FHIR document at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where parsing stopped.
    pub pos: Pos,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(pos: Pos, message: impl Into<String>) -> Self {
        ParseError {
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.pos.line, self.pos.col, self.message
        )
    }
}

impl std::error::Error for ParseError {}
