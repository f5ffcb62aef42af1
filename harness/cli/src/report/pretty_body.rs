//! Bodies laid out for reading: JSON one member per line, each line knowing the element path
//! (`Patient.name[0].given[1]`) of the value it starts, so that a validation issue's location
//! can be pointed at in the page. The layout streams: memory holds the lines shown and the
//! marked lines, never the whole laid-out body (a 32 MiB body has millions of lines).

use std::collections::BTreeMap;

use serde::de::IgnoredAny;

/// A place in a body to mark: a position in the text as sent, or an element path.
#[derive(Debug, Clone, Copy)]
pub enum Wanted<'a> {
    /// 1-based line and column (in characters) of the text as sent.
    At { line: usize, column: usize },
    /// An issue location such as `Patient.name[0].given`.
    Path(&'a str),
}

/// A body as shown: its first lines up to a size, and the lines that show the wanted places.
#[derive(Debug, PartialEq, Eq)]
pub struct PrettyBody {
    /// The first lines, up to and including the one that reaches the size asked for.
    pub lines: Vec<String>,
    /// Whether more lines follow `lines`.
    pub cut: bool,
    /// For each wanted place, the 0-based line that shows it, if any.
    pub marks: Vec<Option<usize>>,
    /// The marked lines after `lines`, by 0-based index.
    pub beyond: BTreeMap<usize, String>,
}

impl PrettyBody {
    /// `text` laid out (JSON re-indented, member order and every token kept as sent; any other
    /// text split into its lines as it is), keeping the lines up to `shown` bytes and those
    /// that show `wanted`. A position shows on the line holding its token; a path on the line
    /// whose path is its longest ancestor-or-self, element by element, below the resource.
    pub fn of(text: &str, wanted: &[Wanted], shown: usize) -> PrettyBody {
        let mut marker = Marker::new(text, wanted, shown);
        if serde_json::from_str::<IgnoredAny>(text).is_ok() {
            Layout::new(|line| marker.take(line)).run(text);
        } else {
            marker.positions_only();
            let mut start = 0;
            for text_line in text.split_inclusive('\n') {
                let line = text_line.strip_suffix('\n').unwrap_or(text_line);
                let line = line.strip_suffix('\r').unwrap_or(line);
                marker.take(Line {
                    text: line.to_owned(),
                    path: None,
                    start,
                });
                start += text_line.len();
            }
        }
        marker.finish()
    }
}

/// One laid-out line: its text, the path of the value it starts, and where its first token
/// is in the text as sent.
struct Line {
    text: String,
    path: Option<String>,
    start: usize,
}

/// What a wanted place is looked for by.
enum Goal {
    /// A byte offset in the text as sent: the last line starting at or before it.
    Offset(usize),
    /// A path without its resource type: the line with its longest ancestor-or-self path.
    Path(String),
}

/// The best line so far for a wanted place.
struct Found {
    line: usize,
    /// The length of the line's path (0 for an offset).
    path_len: usize,
    /// The line's text, kept once it lies past the lines shown.
    text: String,
}

/// One wanted place being looked for.
struct Search {
    wanted: usize,
    goal: Goal,
    best: Option<Found>,
}

/// Keeps the lines shown and finds the lines of the wanted places as lines stream by.
struct Marker {
    shown: usize,
    kept_bytes: usize,
    lines: Vec<String>,
    cut: bool,
    count: usize,
    searches: Vec<Search>,
    wanted: usize,
}

impl Marker {
    fn new(text: &str, wanted: &[Wanted], shown: usize) -> Marker {
        let searches = wanted
            .iter()
            .enumerate()
            .filter_map(|(index, place)| {
                let goal = match place {
                    Wanted::At { line, column } => Goal::Offset(offset_of(text, *line, *column)?),
                    Wanted::Path(location) => {
                        Goal::Path(normalise(location).split_once('.')?.1.to_owned())
                    }
                };
                Some(Search {
                    wanted: index,
                    goal,
                    best: None,
                })
            })
            .collect();
        Marker {
            shown,
            kept_bytes: 0,
            lines: Vec::new(),
            cut: false,
            count: 0,
            searches,
            wanted: wanted.len(),
        }
    }

    /// Paths cannot be found in text that is not JSON.
    fn positions_only(&mut self) {
        self.searches
            .retain(|search| matches!(search.goal, Goal::Offset(_)));
    }

    fn take(&mut self, line: Line) {
        let index = self.count;
        self.count += 1;
        let keep = self.kept_bytes < self.shown;
        for search in &mut self.searches {
            let path_len = match (&search.goal, &line.path) {
                (Goal::Offset(offset), _) if line.start <= *offset => 0,
                (Goal::Path(wanted), Some(path))
                    if is_element_prefix(path, wanted)
                        && search
                            .best
                            .as_ref()
                            .is_none_or(|best| path.len() > best.path_len) =>
                {
                    path.len()
                }
                _ => continue,
            };
            // A marked line past those shown keeps its text; a later, better line replaces it.
            let text = if keep {
                String::new()
            } else {
                line.text.clone()
            };
            search.best = Some(Found {
                line: index,
                path_len,
                text,
            });
        }
        if keep {
            self.kept_bytes += line.text.len() + 1;
            self.lines.push(line.text);
        } else {
            self.cut = true;
        }
    }

    fn finish(self) -> PrettyBody {
        let mut marks = vec![None; self.wanted];
        let mut beyond = BTreeMap::new();
        for search in self.searches {
            if let Some(found) = search.best {
                marks[search.wanted] = Some(found.line);
                if found.line >= self.lines.len() {
                    beyond.insert(found.line, found.text);
                }
            }
        }
        PrettyBody {
            lines: self.lines,
            cut: self.cut,
            marks,
            beyond,
        }
    }
}

/// The byte offset of the 1-based `line`:`column` (columns in characters) of `text`; a column
/// past the line's end is the line's end; `None` past the last line.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line == 1 {
        0
    } else {
        text.match_indices('\n').nth(line.checked_sub(2)?)?.0 + 1
    };
    let rest = &text[line_start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    Some(
        line_text
            .char_indices()
            .nth(column.checked_sub(1)?)
            .map_or(line_start + line_text.len(), |(at, _)| line_start + at),
    )
}

/// An issue location without the `/*…*/` comments the validator adds
/// (`Bundle.entry[0].resource/*Patient/1*/.name` → `Bundle.entry[0].resource.name`).
fn normalise(location: &str) -> String {
    let mut out = String::with_capacity(location.len());
    let mut rest = location;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `prefix` is `path` or its ancestor element (`a.b` of `a.b.c` and `a.b[0]`, not of `a.bc`).
fn is_element_prefix(prefix: &str, path: &str) -> bool {
    !prefix.is_empty()
        && path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// What a JSON container is doing while it is laid out.
enum Frame {
    Object { path: String },
    Array { path: String, index: usize },
}

/// The JSON layout: hands each line to `sink` as it is finished.
struct Layout<F: FnMut(Line)> {
    sink: F,
    /// The line being built, the path of the value it starts and where its first token is.
    current: String,
    current_path: Option<String>,
    current_start: usize,
    stack: Vec<Frame>,
}

impl<F: FnMut(Line)> Layout<F> {
    fn new(sink: F) -> Self {
        Layout {
            sink,
            current: String::new(),
            current_path: None,
            current_start: 0,
            stack: Vec::new(),
        }
    }

    fn run(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut at = 0;
        // The member whose value comes next.
        let mut key: Option<String> = None;
        while at < bytes.len() {
            match bytes[at] {
                b' ' | b'\t' | b'\n' | b'\r' => at += 1,
                open @ (b'{' | b'[') => {
                    let path = self.value_path(key.take());
                    self.emit(if open == b'{' { "{" } else { "[" }, at);
                    at += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    let next = skip_space(bytes, at);
                    if bytes.get(next) == Some(&close) {
                        self.emit(if close == b'}' { "}" } else { "]" }, next);
                        at = next + 1;
                    } else if open == b'{' {
                        self.stack.push(Frame::Object { path });
                    } else {
                        self.stack.push(Frame::Array { path, index: 0 });
                        let element = self.element_path();
                        self.start_line(element);
                    }
                }
                close @ (b'}' | b']') => {
                    self.stack.pop();
                    self.start_line(None);
                    self.emit(if close == b'}' { "}" } else { "]" }, at);
                    at += 1;
                }
                b',' => {
                    self.emit(",", at);
                    at += 1;
                    if let Some(Frame::Array { index, .. }) = self.stack.last_mut() {
                        *index += 1;
                        let element = self.element_path();
                        self.start_line(element);
                    }
                }
                b':' => {
                    self.emit(": ", at);
                    at += 1;
                }
                b'"' => {
                    let end = string_end(bytes, at);
                    let token = &text[at..end];
                    let token_at = at;
                    at = end;
                    let is_key = matches!(self.stack.last(), Some(Frame::Object { .. }))
                        && bytes.get(skip_space(bytes, at)) == Some(&b':');
                    if is_key {
                        let name = serde_json::from_str::<String>(token)
                            .unwrap_or_else(|_| token.trim_matches('"').to_owned());
                        let member = self.member_path(&name);
                        self.start_line(Some(member));
                        key = Some(name);
                    } else {
                        key = None;
                    }
                    self.emit(token, token_at);
                }
                _ => {
                    let end = scalar_end(bytes, at);
                    self.emit(&text[at..end], at);
                    at = end;
                    key = None;
                }
            }
        }
        self.start_line(None);
    }

    /// Adds `token`, found at byte `at` of the text as sent, to the line being built.
    fn emit(&mut self, token: &str, at: usize) {
        if self.current.trim().is_empty() {
            self.current_start = at;
        }
        self.current.push_str(token);
    }

    /// Ends the line being built (unless it holds only indentation) and starts one at the
    /// depth of the stack, for the value at `path`.
    fn start_line(&mut self, path: Option<String>) {
        if !self.current.trim().is_empty() {
            (self.sink)(Line {
                text: std::mem::take(&mut self.current),
                path: self.current_path.take(),
                start: self.current_start,
            });
        }
        self.current = "  ".repeat(self.stack.len());
        self.current_path = path;
    }

    /// The path of the member `name` of the object on top of the stack (`_birthDate`, the
    /// extensions of a primitive, is the path of `birthDate`).
    fn member_path(&self, name: &str) -> String {
        let name = name.strip_prefix('_').unwrap_or(name);
        match self.stack.last() {
            Some(Frame::Object { path }) if !path.is_empty() => format!("{path}.{name}"),
            _ => name.to_owned(),
        }
    }

    /// The path of the current element of the array on top of the stack.
    fn element_path(&self) -> Option<String> {
        match self.stack.last() {
            Some(Frame::Array { path, index }) => Some(format!("{path}[{index}]")),
            _ => None,
        }
    }

    /// The path of a container about to open: the member it is the value of, or the array
    /// element it is; empty for the outermost one (paths are relative to the resource, as
    /// [`PrettyBody::line_of`] reads an issue location without its resource type).
    fn value_path(&self, key: Option<String>) -> String {
        match (key, self.stack.last()) {
            (Some(key), _) => self.member_path(&key),
            (None, Some(Frame::Array { .. })) => self.element_path().unwrap_or_default(),
            _ => String::new(),
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The index just past the string token starting at `start` (a `"`).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The index just past a number or literal starting at `start`.
fn scalar_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start;
    while at < bytes.len()
        && !matches!(bytes[at], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
    {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENT: &str = r#"{"resourceType":"Patient","id":"p1","name":[{"family":"Jones","given":["Amelia","Rose"]}],"_birthDate":{"extension":[]},"birthDate":"1970-01-01","active":true,"contact":[]}"#;

    #[test]
    fn json_is_laid_out_one_member_per_line_in_the_order_sent() {
        let body = PrettyBody::of(PATIENT, &[], usize::MAX);
        assert!(!body.cut);
        assert_eq!(
            body.lines.join("\n"),
            r#"{
  "resourceType": "Patient",
  "id": "p1",
  "name": [
    {
      "family": "Jones",
      "given": [
        "Amelia",
        "Rose"
      ]
    }
  ],
  "_birthDate": {
    "extension": []
  },
  "birthDate": "1970-01-01",
  "active": true,
  "contact": []
}"#
        );
        let reparsed: serde_json::Value = serde_json::from_str(&body.lines.join("\n")).unwrap();
        assert_eq!(
            reparsed,
            serde_json::from_str::<serde_json::Value>(PATIENT).unwrap()
        );
    }

    #[test]
    fn an_issue_location_points_at_its_line_or_its_nearest_ancestor() {
        let line = |location: &str| {
            let body = PrettyBody::of(PATIENT, &[Wanted::Path(location)], usize::MAX);
            body.marks[0].map(|i| body.lines[i].trim().to_owned())
        };
        assert_eq!(
            line("Patient.name[0].given[1]").as_deref(),
            Some("\"Rose\"")
        );
        assert_eq!(
            line("Patient.name[0].family").as_deref(),
            Some("\"family\": \"Jones\",")
        );
        assert_eq!(
            line("Patient.birthDate").as_deref(),
            Some("\"_birthDate\": {")
        );
        assert_eq!(
            line("Patient.name[0].period.start").as_deref(),
            Some("{"),
            "the nearest ancestor present is name[0]"
        );
        assert_eq!(line("Patient.active").as_deref(), Some("\"active\": true,"));
        assert_eq!(line("Patient"), None);
        assert_eq!(line("Patient.telecom[0]"), None);
    }

    #[test]
    fn a_position_in_the_text_as_sent_points_at_its_line() {
        let line_at = |text: &str, line: usize, column: usize| {
            let body = PrettyBody::of(text, &[Wanted::At { line, column }], usize::MAX);
            body.marks[0].map(|i| body.lines[i].trim().to_owned())
        };
        let column = PATIENT.find("\"Rose\"").unwrap() + 1;
        assert_eq!(line_at(PATIENT, 1, column).unwrap(), "\"Rose\"");
        let column = PATIENT.find("\"active\"").unwrap() + 3;
        assert_eq!(line_at(PATIENT, 1, column).unwrap(), "\"active\": true,");
        let spread = "{\n  \"resourceType\": \"Patient\",\n  \"gender\": \"x\"\n}";
        assert_eq!(line_at(spread, 3, 3).unwrap(), "\"gender\": \"x\"");
        assert_eq!(line_at(spread, 9, 1), None);
        assert_eq!(line_at("one\ntwo", 2, 1).as_deref(), Some("two"));
    }

    #[test]
    fn comments_in_locations_are_ignored() {
        let bundle = r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","gender":"x"}}]}"#;
        let location = "Bundle.entry[0].resource/*Patient/1*/.gender";
        let body = PrettyBody::of(bundle, &[Wanted::Path(location)], usize::MAX);
        assert_eq!(
            body.lines[body.marks[0].unwrap()].trim(),
            "\"gender\": \"x\""
        );
    }

    #[test]
    fn text_that_is_not_json_is_kept_as_it_is() {
        let body = PrettyBody::of(
            "<html>\n<p>{oops</p>\n</html>",
            &[Wanted::Path("Patient.name")],
            usize::MAX,
        );
        assert_eq!(body.lines, ["<html>", "<p>{oops</p>", "</html>"]);
        assert_eq!(body.marks, [None]);
    }

    #[test]
    fn strings_with_escapes_and_brackets_are_copied_whole() {
        let body = PrettyBody::of(r#"{"a":"x\"],{y","b":[1,2.5e3,null]}"#, &[], usize::MAX);
        assert_eq!(
            body.lines,
            [
                "{",
                r#"  "a": "x\"],{y","#,
                r#"  "b": ["#,
                "    1,",
                "    2.5e3,",
                "    null",
                "  ]",
                "}"
            ]
        );
    }

    #[test]
    fn a_long_body_keeps_the_lines_shown_and_its_marked_lines_only() {
        let entries: Vec<String> = (0..5000)
            .map(|i| format!(r#"{{"resource":{{"resourceType":"Patient","id":"p{i}"}}}}"#))
            .collect();
        let bundle = format!(
            r#"{{"resourceType":"Bundle","entry":[{}]}}"#,
            entries.join(",")
        );
        let late = bundle.find(r#""id":"p4321""#).unwrap() + 1;
        let wanted = [
            Wanted::Path("Bundle.entry[2].resource.id"),
            Wanted::Path("Bundle.entry[4998].resource/*Patient/p4998*/.id"),
            Wanted::At {
                line: 1,
                column: late,
            },
        ];
        let body = PrettyBody::of(&bundle, &wanted, 1000);
        assert!(body.cut);
        assert!(body.lines.iter().map(String::len).sum::<usize>() < 1100);
        let early = body.marks[0].unwrap();
        assert_eq!(body.lines[early].trim(), r#""id": "p2""#);
        let texts: Vec<&str> = body.beyond.values().map(|line| line.trim()).collect();
        assert_eq!(texts, [r#""id": "p4321""#, r#""id": "p4998""#]);
        let whole = PrettyBody::of(&bundle, &wanted, usize::MAX);
        assert_eq!(whole.marks, body.marks, "keeping fewer lines moves no mark");
        for (index, line) in &body.beyond {
            assert_eq!(&whole.lines[*index], line);
        }
    }
}
