//! Regular expressions (`header.matches`, `json.matches`, capture `regex`, in `first_of` items
//! too, and data source `regex`) must compile.
//!
//! `matches` is interpolated, so it is checked with each `{{ name }}` standing for a plain
//! word; capture and data source regexes are used as written.

use super::Report;
use crate::suite::interpolate::interpolate;
use crate::suite::model::{Assertion, CaptureSource, JsonCheck};

pub(crate) fn check(report: &mut Report<'_>) {
    for (item, data) in report.items() {
        for (index, source) in data.sources.iter().enumerate() {
            let Some(pattern) = &source.regex else {
                continue;
            };
            if let Some(problem) = regex_problem(pattern) {
                let item_node = report.item_node(item);
                let node = match index {
                    0 => item_node,
                    _ => item_node.field("otherwise").item(index - 1),
                };
                report.error(
                    item.suite,
                    node.field("regex"),
                    format!("invalid regular expression `{pattern}`: {problem}"),
                );
            }
        }
    }
    for (test, case) in report.tests() {
        for (step_index, step) in case.steps.iter().enumerate() {
            let step_node = report.test_node(test).field("steps").item(step_index);
            for (index, assertion) in step.expect.iter().enumerate() {
                let (key, pattern) = match assertion {
                    Assertion::Header(header) => {
                        match header.matches.as_ref().or(header.not_matches.as_ref()) {
                            Some(pattern) => ("header", pattern),
                            None => continue,
                        }
                    }
                    Assertion::Json(json) => match &json.check {
                        JsonCheck::Matches(pattern) => ("json", pattern),
                        _ => continue,
                    },
                    _ => continue,
                };
                let template = interpolate(pattern, |_| Some("x".to_owned()))
                    .unwrap_or_else(|_| pattern.clone());
                if let Some(problem) = regex_problem(&template) {
                    report.error(
                        test.suite,
                        step_node
                            .field("expect")
                            .item(index)
                            .field(key)
                            .field("matches"),
                        format!("invalid regular expression `{pattern}`: {problem}"),
                    );
                }
            }
            for (name, capture) in &step.capture {
                let node = step_node.field("capture").field(name);
                let mut patterns = vec![(node, capture)];
                if let CaptureSource::FirstOf(sources) = &capture.source {
                    let items = node.field("first_of");
                    patterns.extend(
                        sources
                            .iter()
                            .enumerate()
                            .map(|(index, source)| (items.item(index), source)),
                    );
                }
                for (node, capture) in patterns {
                    let Some(pattern) = &capture.regex else {
                        continue;
                    };
                    if let Some(problem) = regex_problem(pattern) {
                        report.error(
                            test.suite,
                            node.field("regex"),
                            format!("invalid regular expression `{pattern}`: {problem}"),
                        );
                    }
                }
            }
        }
    }
}

/// Why `pattern` does not compile, on one line.
fn regex_problem(pattern: &str) -> Option<String> {
    let error = regex::Regex::new(pattern).err()?;
    let text = error.to_string();
    // Syntax errors span several lines (pattern, caret, "error: ..."); keep the last one.
    let reason = text
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .map_or_else(
            || text.split_whitespace().collect::<Vec<_>>().join(" "),
            str::to_owned,
        );
    Some(reason)
}

#[cfg(test)]
mod tests {
    use super::regex_problem;

    #[test]
    fn valid_patterns_have_no_problem() {
        assert_eq!(regex_problem(r#"^W/"\d+"$"#), None);
    }

    #[test]
    fn syntax_errors_are_one_line() {
        assert_eq!(regex_problem("(a").as_deref(), Some("unclosed group"));
    }
}
