//! `junit.xml` checked against the structure CI tools (Jenkins, Surefire, GitLab) read: a
//! `testsuites` root of `testsuite`s with their counts, `testcase`s with name, class name and
//! time, and at most one `failure`, `error` or `skipped` each, whose attributes are there and
//! whose counts add up. Run on the reports of real runs of the embedded reference server.

use std::collections::BTreeMap;
use std::net::TcpListener;

use assert_cmd::Command;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One element: its name, attributes and child elements (text is not kept).
#[derive(Debug)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    children: Vec<Element>,
}

impl Element {
    fn open(start: &BytesStart) -> Element {
        let attributes = start
            .attributes()
            .map(|attribute| {
                let attribute = attribute.expect("a well-formed attribute");
                (
                    attribute.key.as_ref().to_owned(),
                    attribute.value.into_owned(),
                )
            })
            .collect();
        Element {
            name: start.name().as_ref().to_owned(),
            attributes,
            children: Vec::new(),
        }
    }

    /// The attribute `name`, which the schema requires.
    fn required(&self, name: &str) -> &str {
        self.attributes
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no `{name}` attribute", self.name))
    }

    /// The required attribute `name` as a count.
    fn count(&self, name: &str) -> usize {
        let text = self.required(name);
        text.parse()
            .unwrap_or_else(|_| panic!("<{} {name}={text:?}> is not a count", self.name))
    }

    /// The required attribute `name` as a duration in seconds.
    fn seconds(&self, name: &str) -> f64 {
        let text = self.required(name);
        let seconds: f64 = text
            .parse()
            .unwrap_or_else(|_| panic!("<{} {name}={text:?}> is not a number", self.name));
        assert!(
            seconds.is_finite() && seconds >= 0.0,
            "<{} {name}={text}>",
            self.name
        );
        seconds
    }

    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// Fails unless every child element is one of `allowed`.
    fn only(&self, allowed: &[&str]) {
        for child in &self.children {
            assert!(
                allowed.contains(&child.name.as_str()),
                "<{}> may not hold <{}>",
                self.name,
                child.name
            );
        }
    }
}

/// Parses `xml` into its root element; fails on XML that is not well-formed.
fn parse(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => open.push(Element::open(&start)),
            Event::Empty(start) => {
                let element = Element::open(&start);
                match open.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = open.pop().expect("an open element");
                match open.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements");
    root.expect("a root element")
}

/// Checks `xml` against the JUnit structure; returns the totals (tests, failures, errors,
/// skipped) over every suite.
fn validate(xml: &str) -> [usize; 4] {
    let root = parse(xml);
    assert_eq!(root.name, "testsuites", "the root element");
    root.only(&["testsuite"]);
    let mut totals = [0; 4];
    for suite in root.named("testsuite") {
        assert!(!suite.required("name").is_empty(), "a suite has a name");
        suite.seconds("time");
        suite.only(&["testcase", "properties", "system-out", "system-err"]);
        let mut counted = [0; 4];
        for case in suite.named("testcase") {
            assert!(!case.required("name").is_empty(), "a test case has a name");
            case.required("classname");
            case.seconds("time");
            case.only(&["failure", "error", "skipped", "system-out", "system-err"]);
            let outcomes: Vec<&Element> = case
                .children
                .iter()
                .filter(|c| ["failure", "error", "skipped"].contains(&c.name.as_str()))
                .collect();
            assert!(outcomes.len() <= 1, "one outcome per test case: {case:?}");
            counted[0] += 1;
            if let Some(outcome) = outcomes.first() {
                outcome.required("message");
                let index = match outcome.name.as_str() {
                    "failure" => 1,
                    "error" => 2,
                    _ => 3,
                };
                if index != 3 {
                    assert!(
                        !outcome.required("type").is_empty(),
                        "{outcome:?} has a type"
                    );
                }
                counted[index] += 1;
            }
        }
        let declared = ["tests", "failures", "errors", "skipped"].map(|name| suite.count(name));
        assert_eq!(
            declared,
            counted,
            "the counts of suite {} add up",
            suite.required("name")
        );
        for (total, count) in totals.iter_mut().zip(counted) {
            *total += count;
        }
    }
    // The root's counts are optional; when present they are the suites' sums.
    for (name, total) in ["tests", "failures", "errors", "skipped"]
        .iter()
        .zip(totals)
    {
        if root.attributes.contains_key(*name) {
            assert_eq!(root.count(name), total, "testsuites {name}");
        }
    }
    totals
}

/// Runs `assure run` against the embedded reference server with `args` and returns its
/// `junit.xml`.
fn junit_of(args: &[&str]) -> String {
    let out = tempfile::tempdir().expect("temp dir");
    Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--out"])
        .arg(out.path())
        .args(args)
        .output()
        .expect("assure runs");
    std::fs::read_to_string(out.path().join("junit.xml")).expect("junit.xml written")
}

#[test]
fn a_passing_run_writes_valid_junit() {
    let [tests, failures, errors, _] = validate(&junit_of(&[]));
    assert!(tests > 50, "{tests} test cases");
    assert_eq!((failures, errors), (0, 0));
}

#[test]
fn a_run_with_failures_writes_valid_junit() {
    let [tests, failures, _, _] = validate(&junit_of(&["--defect", "search-ignores-gender"]));
    assert!(tests > 50, "{tests} test cases");
    assert!(failures > 0, "the defect fails a check");
}

#[test]
fn an_aborted_run_writes_valid_junit() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let target = format!("http://127.0.0.1:{port}/fhir");
    let [tests, _, errors, _] = validate(&junit_of(&["--target", &target]));
    assert_eq!((tests, errors), (1, 1), "one error carries why");
}

#[test]
fn the_check_rejects_what_ci_tools_cannot_read() {
    let broken = [
        // A count that does not add up.
        r#"<testsuites><testsuite name="s" tests="2" failures="0" errors="0" skipped="0" time="0"><testcase name="a" classname="c" time="0"/></testsuite></testsuites>"#,
        // A test case without a class name.
        r#"<testsuites><testsuite name="s" tests="1" failures="0" errors="0" skipped="0" time="0"><testcase name="a" time="0"/></testsuite></testsuites>"#,
        // A failure without a type.
        r#"<testsuites><testsuite name="s" tests="1" failures="1" errors="0" skipped="0" time="0"><testcase name="a" classname="c" time="0"><failure message="m"/></testcase></testsuite></testsuites>"#,
        // A time that is not a number.
        r#"<testsuites><testsuite name="s" tests="0" failures="0" errors="0" skipped="0" time="soon"/></testsuites>"#,
    ];
    for xml in broken {
        assert!(
            std::panic::catch_unwind(|| validate(xml)).is_err(),
            "accepted {xml}"
        );
    }
    let good = r#"<testsuites><testsuite name="s" tests="2" failures="0" errors="0" skipped="1" time="0.5"><testcase name="a" classname="c" time="0.1"><skipped message="why"/></testcase><testcase name="b" classname="c" time="0"/></testsuite></testsuites>"#;
    assert_eq!(validate(good), [2, 0, 0, 1]);
}
