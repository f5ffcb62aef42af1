//! Validation issues as text: one aligned line per issue, and a count summary.

use assure_validate::{Issue, Severity};

/// `file:line:col  error  Patient.name[0].given[1]  message  [rule]`; the position is left
/// out when unknown, and `file` may be empty (then the line starts at the position).
pub fn issue_line(file: &str, issue: &Issue) -> String {
    let position = if issue.line > 0 {
        format!("{}:{}", issue.line, issue.col)
    } else {
        String::new()
    };
    let place = match (file.is_empty(), position.is_empty()) {
        (true, _) => position,
        (false, true) => file.to_owned(),
        (false, false) => format!("{file}:{position}"),
    };
    let mut line = String::new();
    if !place.is_empty() {
        line.push_str(&place);
        line.push_str("  ");
    }
    line.push_str(&format!(
        "{:<7}  {}  {}",
        issue.severity.code(),
        issue.location,
        one_line(&issue.message)
    ));
    if !issue.rule.is_empty() {
        line.push_str(&format!("  [{}]", issue.rule));
    }
    line
}

/// `2 errors, 1 warning` (or `no issues`).
pub fn summary(issues: &[Issue]) -> String {
    let count = |severity: Severity| issues.iter().filter(|i| i.severity == severity).count();
    let parts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Information, "information message"),
    ]
    .into_iter()
    .filter_map(|(severity, noun)| match count(severity) {
        0 => None,
        1 => Some(format!("1 {noun}")),
        n => Some(format!("{n} {noun}s")),
    })
    .collect();
    if parts.is_empty() {
        "no issues".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Messages may quote multi-line values; a report line must stay one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(severity: Severity, line: u32) -> Issue {
        Issue {
            severity,
            location: "Patient.name[0].given[1]".into(),
            line,
            col: 7,
            message: "bad\n  value".into(),
            rule: "Patient.name.given".into(),
        }
    }

    #[test]
    fn lines_carry_position_location_message_and_rule() {
        assert_eq!(
            issue_line("p.json", &issue(Severity::Error, 3)),
            "p.json:3:7  error    Patient.name[0].given[1]  bad value  [Patient.name.given]"
        );
        assert_eq!(
            issue_line("", &issue(Severity::Warning, 3)),
            "3:7  warning  Patient.name[0].given[1]  bad value  [Patient.name.given]"
        );
        assert!(issue_line("p.json", &issue(Severity::Error, 0)).starts_with("p.json  error"));
    }

    #[test]
    fn summaries_count_by_severity() {
        assert_eq!(summary(&[]), "no issues");
        let issues = [
            issue(Severity::Error, 1),
            issue(Severity::Error, 2),
            issue(Severity::Warning, 3),
        ];
        assert_eq!(summary(&issues), "2 errors, 1 warning");
    }
}
