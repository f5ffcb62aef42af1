//! Bodies laid out for reading: JSON one member per line, each line knowing the element path
//! (`Patient.name[0].given[1]`) of the value it starts, so that a validation issue's location
//! can be pointed at in the page.

use serde::de::IgnoredAny;

/// A body as shown: its lines, and for JSON the element path each line starts and where in
/// the text as sent it starts.
#[derive(Debug, PartialEq, Eq)]
pub struct PrettyBody {
    pub lines: Vec<String>,
    /// One per line for JSON (`None` for lines that close a container); empty otherwise.
    paths: Vec<Option<String>>,
    /// One per line for JSON: the byte offset, in the text as sent, of its first token.
    starts: Vec<usize>,
    /// The byte offset of each line of the text as sent.
    source_lines: Vec<usize>,
}

impl PrettyBody {
    /// `text` laid out: JSON re-indented (member order and every token kept as sent), any
    /// other text split into its lines as it is.
    pub fn of(text: &str) -> PrettyBody {
        let source_lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        if serde_json::from_str::<IgnoredAny>(text).is_ok() {
            let mut layout = Layout::default();
            layout.run(text);
            PrettyBody {
                lines: layout.lines,
                paths: layout.paths,
                starts: layout.starts,
                source_lines,
            }
        } else {
            PrettyBody {
                lines: text.lines().map(str::to_owned).collect(),
                paths: Vec::new(),
                starts: Vec::new(),
                source_lines,
            }
        }
    }

    /// The 0-based line that shows the position `line`:`column` (1-based, columns in
    /// characters) of the text as sent: the line holding the token there.
    pub fn line_at(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let line_start = *self.source_lines.get(line.checked_sub(1)?)?;
        let offset = text[line_start..]
            .char_indices()
            .nth(column.checked_sub(1)?)
            .map_or(text.len(), |(at, _)| line_start + at);
        if self.starts.is_empty() {
            return (line <= self.lines.len()).then(|| line - 1);
        }
        let after = self.starts.partition_point(|&start| start <= offset);
        after.checked_sub(1)
    }

    /// The 0-based line that best shows `location`, a validation issue's element path
    /// (`Patient.name[0].given`): the line whose path is the longest ancestor-or-self of it,
    /// element by element, below the resource itself.
    pub fn line_of(&self, location: &str) -> Option<usize> {
        let location = normalise(location);
        let (_, wanted) = location.split_once('.')?;
        let mut best: Option<(usize, usize)> = None;
        for (index, path) in self.paths.iter().enumerate() {
            let Some(path) = path else { continue };
            if is_element_prefix(path, wanted)
                && best.is_none_or(|(_, longest)| path.len() > longest)
            {
                best = Some((index, path.len()));
            }
        }
        best.map(|(index, _)| index)
    }
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

#[derive(Default)]
struct Layout {
    lines: Vec<String>,
    paths: Vec<Option<String>>,
    starts: Vec<usize>,
    /// The line being built, the path of the value it starts and where its first token is.
    current: String,
    current_path: Option<String>,
    current_start: usize,
    stack: Vec<Frame>,
}

impl Layout {
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
            self.lines.push(std::mem::take(&mut self.current));
            self.paths.push(self.current_path.take());
            self.starts.push(self.current_start);
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
        let body = PrettyBody::of(PATIENT);
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
        let body = PrettyBody::of(PATIENT);
        let line = |location: &str| {
            body.line_of(location)
                .map(|i| body.lines[i].trim().to_owned())
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
        let body = PrettyBody::of(PATIENT);
        let column = PATIENT.find("\"Rose\"").unwrap() + 1;
        let index = body.line_at(PATIENT, 1, column).unwrap();
        assert_eq!(body.lines[index].trim(), "\"Rose\"");
        let column = PATIENT.find("\"active\"").unwrap() + 3;
        let index = body.line_at(PATIENT, 1, column).unwrap();
        assert_eq!(body.lines[index].trim(), "\"active\": true,");
        let spread = "{\n  \"resourceType\": \"Patient\",\n  \"gender\": \"x\"\n}";
        let body = PrettyBody::of(spread);
        let index = body.line_at(spread, 3, 3).unwrap();
        assert_eq!(body.lines[index].trim(), "\"gender\": \"x\"");
        assert_eq!(body.line_at(spread, 9, 1), None);
        let text = PrettyBody::of("one\ntwo");
        assert_eq!(text.line_at("one\ntwo", 2, 1), Some(1));
    }

    #[test]
    fn comments_in_locations_are_ignored() {
        let bundle = r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","gender":"x"}}]}"#;
        let body = PrettyBody::of(bundle);
        let index = body
            .line_of("Bundle.entry[0].resource/*Patient/1*/.gender")
            .unwrap();
        assert_eq!(body.lines[index].trim(), "\"gender\": \"x\"");
    }

    #[test]
    fn text_that_is_not_json_is_kept_as_it_is() {
        let body = PrettyBody::of("<html>\n<p>{oops</p>\n</html>");
        assert_eq!(body.lines, ["<html>", "<p>{oops</p>", "</html>"]);
        assert_eq!(body.line_of("Patient.name"), None);
    }

    #[test]
    fn strings_with_escapes_and_brackets_are_copied_whole() {
        let body = PrettyBody::of(r#"{"a":"x\"],{y","b":[1,2.5e3,null]}"#);
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
}
