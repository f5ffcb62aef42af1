//! One line per finished test, as printed when the output is not a terminal.

use super::escape::terminal_line;
use crate::results::{Status, TestResult};

/// `PASS  CORE-PAT-READ-01  Read a Patient by id`; non-passing tests add their message. One
/// line, whatever the message quotes (control characters and line breaks are escaped).
pub fn test_line(result: &TestResult) -> String {
    let verdict = match result.status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Skip => "SKIP",
        Status::Error => "ERROR",
    };
    let mut line = format!("{verdict:<5} {}  {}", result.id, result.title);
    if result.status != Status::Pass
        && let Some(message) = &result.message
    {
        line.push_str(" -- ");
        line.push_str(message);
    }
    terminal_line(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::Level;

    fn result(status: Status, message: Option<&str>) -> TestResult {
        TestResult {
            id: "CORE-PAT-01".into(),
            title: "Read a Patient".into(),
            level: Level::Shall,
            tags: vec![],
            requirement: None,
            status,
            message: message.map(str::to_string),
            duration_ms: 1,
            steps: vec![],
        }
    }

    #[test]
    fn passing_tests_show_id_and_title_and_others_their_message() {
        assert_eq!(
            test_line(&result(Status::Pass, None)),
            "PASS  CORE-PAT-01  Read a Patient"
        );
        assert_eq!(
            test_line(&result(
                Status::Skip,
                Some("needs CORE-CAP-01 which failed")
            )),
            "SKIP  CORE-PAT-01  Read a Patient -- needs CORE-CAP-01 which failed"
        );
        assert_eq!(
            test_line(&result(Status::Error, Some("timed out after 5s"))),
            "ERROR CORE-PAT-01  Read a Patient -- timed out after 5s"
        );
    }
}
