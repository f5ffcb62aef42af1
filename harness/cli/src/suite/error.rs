//! Why suites failed to load: every problem found, each with `file:line:column`.

use std::fmt;

/// A 1-based line and column in a suite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The first character of a file.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// One problem in one suite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as reported (path as given, or `suites/...` for built-in suites).
    pub file: String,
    /// Where in the file; `None` when the problem concerns the whole file (e.g. unreadable).
    pub position: Option<Position>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(Position { line, column }) => {
                write!(f, "{}:{line}:{column}: {}", self.file, self.message)
            }
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Suites could not be loaded. Holds every problem found, ordered by file (in load order), then
/// line and column; displays one `file:line:column: message` per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    /// Orders `diagnostics` by file (as in `file_order`; other files last), line and column.
    /// `diagnostics` must not be empty.
    pub(crate) fn new(mut diagnostics: Vec<Diagnostic>, file_order: &[String]) -> LoadError {
        debug_assert!(!diagnostics.is_empty());
        diagnostics.sort_by_key(|d| {
            let file_rank = file_order.iter().position(|f| *f == d.file);
            (file_rank.unwrap_or(usize::MAX), d.position)
        });
        LoadError { diagnostics }
    }

    /// Every problem, in report order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str, line: usize, column: usize, message: &str) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            position: Some(Position { line, column }),
            message: message.to_owned(),
        }
    }

    #[test]
    fn sorts_by_file_order_then_position() {
        let error = LoadError::new(
            vec![
                at("c.yaml", 1, 1, "unlisted files come last"),
                at("b.yaml", 1, 1, "third"),
                at("a.yaml", 9, 2, "second"),
                at("b.yaml", 0, 0, "files keep their load order"),
                at("a.yaml", 3, 7, "first"),
            ],
            &["b.yaml".to_owned(), "a.yaml".to_owned()],
        );
        let lines: Vec<String> = error.to_string().lines().map(str::to_owned).collect();
        assert_eq!(
            lines,
            [
                "b.yaml:0:0: files keep their load order",
                "b.yaml:1:1: third",
                "a.yaml:3:7: first",
                "a.yaml:9:2: second",
                "c.yaml:1:1: unlisted files come last",
            ]
        );
    }

    #[test]
    fn whole_file_problems_have_no_position() {
        let error = LoadError::new(
            vec![Diagnostic {
                file: "x.yaml".to_owned(),
                position: None,
                message: "cannot read".to_owned(),
            }],
            &[],
        );
        assert_eq!(error.to_string(), "x.yaml: cannot read");
    }
}
