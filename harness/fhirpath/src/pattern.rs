//! Regular expressions of `matches()`, `matchesFull()` and `replaceMatches()`: how each
//! function reads its pattern, and the per-expression cache of literal patterns.

use crate::error::{EvalError, EvalResult};
use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Largest compiled regular expression accepted, against hostile patterns.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// How a function applies its pattern to the input string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatternUse {
    /// `matches()`: the pattern matches somewhere in the input, `.` matching newlines.
    Search,
    /// `matchesFull()`: the pattern matches the whole input, `.` matching newlines.
    Full,
    /// `replaceMatches()`: every match is replaced.
    Replace,
}

impl PatternUse {
    /// The use made by the function called `name`, if it takes a regular expression.
    pub fn of_function(name: &str) -> Option<Self> {
        match name {
            "matches" => Some(PatternUse::Search),
            "matchesFull" => Some(PatternUse::Full),
            "replaceMatches" => Some(PatternUse::Replace),
            _ => None,
        }
    }

    /// Compiles `pattern` for this use, within the size limit.
    pub fn compile(self, pattern: &str) -> EvalResult<Regex> {
        let source = match self {
            PatternUse::Search => format!("(?s:{pattern})"),
            PatternUse::Full => format!("^(?s:{pattern})$"),
            PatternUse::Replace => pattern.to_string(),
        };
        RegexBuilder::new(&source)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| EvalError::new(format!("invalid regular expression: {e}")))
    }
}

/// A string literal written as the pattern of a regex function (`matches('[A-Z].*')`).
/// It evaluates as its text; the function compiles it on first use and reuses the result
/// for every later evaluation of the same parsed expression, from any thread.
#[derive(Debug, Clone)]
pub(crate) struct LiteralPattern {
    text: String,
    usage: PatternUse,
    compiled: OnceLock<EvalResult<Regex>>,
}

impl LiteralPattern {
    pub fn new(text: String, usage: PatternUse) -> Self {
        LiteralPattern {
            text,
            usage,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The compiled pattern (or the compile error), computed once.
    pub fn regex(&self) -> EvalResult<&Regex> {
        self.compiled
            .get_or_init(|| self.usage.compile(&self.text))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Two patterns are the same syntax whether or not either has been compiled yet.
impl PartialEq for LiteralPattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.usage == other.usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_use_anchors_its_pattern() {
        let search = PatternUse::Search.compile("b.c").unwrap();
        assert!(search.is_match("ab\ncd"));
        let full = PatternUse::Full.compile("b.c").unwrap();
        assert!(!full.is_match("ab\ncd"));
        assert!(full.is_match("b\nc"));
        let replace = PatternUse::Replace.compile("b.c").unwrap();
        assert!(!replace.is_match("b\nc"));
    }

    #[test]
    fn a_literal_is_compiled_once_and_shared() {
        let pattern = LiteralPattern::new("[A-Z][a-z]+".into(), PatternUse::Full);
        let first: *const Regex = pattern.regex().unwrap();
        let second: *const Regex = pattern.regex().unwrap();
        assert_eq!(first, second, "the second use reuses the first compilation");
        assert!(pattern.regex().unwrap().is_match("Peter"));
        assert!(!pattern.regex().unwrap().is_match("peter"));
    }

    #[test]
    fn a_bad_literal_keeps_failing_with_the_same_error() {
        let pattern = LiteralPattern::new("(".into(), PatternUse::Search);
        let first = pattern.regex().unwrap_err();
        assert!(first.message.starts_with("invalid regular expression"));
        assert_eq!(pattern.regex().unwrap_err(), first);
    }

    #[test]
    fn oversized_patterns_are_refused() {
        let error = PatternUse::Search.compile("\\w{1000}{1000}").unwrap_err();
        assert!(error.message.contains("invalid regular expression"));
    }

    #[test]
    fn equality_ignores_whether_it_was_compiled() {
        let used = LiteralPattern::new("a+".into(), PatternUse::Search);
        used.regex().unwrap();
        let fresh = LiteralPattern::new("a+".into(), PatternUse::Search);
        assert_eq!(used, fresh);
        assert_ne!(fresh, LiteralPattern::new("a+".into(), PatternUse::Full));
    }
}
