//! How bodies appear in the HTML report: each shown once where the page first meets it (later
//! exchanges link there), with the lines a validation issue points at marked, and within a
//! size budget beyond which the page links to the evidence file. JSON with marked lines is
//! laid out here; other JSON is laid out by the page's script when it is opened.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::pretty_body::{PrettyBody, Wanted};
use crate::evidence::Bodies;
use crate::results::{BodyFile, IssueLocation};

/// At most this many bytes of one body of a failed (or errored) test are shown in the page;
/// the rest is in its file.
pub const SHOWN_BODY_LIMIT: usize = 256 * 1024;
/// At most this many bytes of a body of a test that passed or was skipped are shown.
pub const SHOWN_PASSING_BODY_LIMIT: usize = 16 * 1024;
/// At most this many bytes of a marked line after the lines shown are shown.
const MARKED_LINE_LIMIT: usize = 4096;
/// At most this many bytes of bodies are shown in the whole page; beyond, bodies are linked.
pub const SHOWN_TOTAL_LIMIT: usize = 24 * 1024 * 1024;

/// One body of one exchange, as the template shows it.
#[derive(Debug, Serialize)]
pub struct BodyView {
    /// `Request body` or `Response body`.
    pub label: &'static str,
    /// Its size for people, e.g. `12.4 KiB`.
    pub size: String,
    /// The laid-out body as HTML (escaped; issue lines in `<mark>`), when shown here.
    pub html: Option<String>,
    /// Element id of the copy shown here.
    pub id: Option<String>,
    /// Where the same body is shown: a description and its element id.
    pub same_as: Option<(String, String)>,
    /// The evidence file, relative to the report folder.
    pub file: Option<String>,
    /// The server sent more than was kept.
    pub truncated: bool,
    /// Only the first [`SHOWN_BODY_LIMIT`] (or [`SHOWN_PASSING_BODY_LIMIT`]) bytes are shown.
    pub shortened: bool,
    /// Starts expanded.
    pub open: bool,
    /// `html` is JSON as sent, for the page's script to lay out when shown.
    pub raw_json: bool,
    /// Why the body is not shown, when it is not.
    pub note: Option<String>,
}

/// A validation issue's location found in a body shown: the 1-based line and its element id.
#[derive(Debug, Clone, Serialize)]
pub struct LocatedIssue {
    pub location: IssueLocation,
    pub line: usize,
    pub id: String,
}

/// One body to show: where it comes from and how.
pub struct BodySource<'r> {
    pub label: &'static str,
    pub inline: Option<&'r str>,
    pub file: Option<&'r BodyFile>,
    pub truncated: bool,
    /// Where in the page it is, for the links of later copies, e.g. `CHECK-ID step 2`.
    pub place: String,
    /// Locations to mark (a failed `conforms` of the same step).
    pub locations: &'r [IssueLocation],
    /// From a failed or errored test: expanded unless long, and shown up to
    /// [`SHOWN_BODY_LIMIT`] rather than [`SHOWN_PASSING_BODY_LIMIT`].
    pub prominent: bool,
}

/// Builds the [`BodyView`]s of a page in page order, remembering what was shown.
pub struct BodyViews<'b> {
    bodies: &'b Bodies,
    /// By SHA-256 of the text: where it was shown first.
    shown: HashMap<String, (String, String)>,
    shown_bytes: usize,
    next_id: usize,
    collapse_over: usize,
}

impl<'b> BodyViews<'b> {
    /// Views reading bodies from `bodies`; bodies longer than `collapse_over` bytes start
    /// collapsed.
    pub fn new(bodies: &'b Bodies, collapse_over: usize) -> BodyViews<'b> {
        BodyViews {
            bodies,
            shown: HashMap::new(),
            shown_bytes: 0,
            next_id: 0,
            collapse_over,
        }
    }

    /// The view of `source`, and its marked locations.
    pub fn view(&mut self, source: BodySource<'_>) -> (BodyView, Vec<LocatedIssue>) {
        let size_bytes = source
            .file
            .map_or_else(|| source.inline.map_or(0, str::len), |f| f.bytes as usize);
        let mut view = BodyView {
            label: source.label,
            size: human_size(size_bytes),
            html: None,
            id: None,
            same_as: None,
            file: source.file.map(|f| f.path.clone()),
            truncated: source.truncated,
            shortened: false,
            open: false,
            raw_json: false,
            note: None,
        };
        // A body kept in a file and shown already is linked without reading it again.
        if source.locations.is_empty()
            && let Some(file) = source.file
            && let Some((place, id)) = self.shown.get(&file.sha256)
        {
            view.same_as = Some((place.clone(), id.clone()));
            return (view, Vec::new());
        }
        let Some(text) = self.bodies.text(source.inline, source.file) else {
            view.note = Some(match &view.file {
                Some(path) => format!("not shown: {path} cannot be read"),
                None => "not kept".to_owned(),
            });
            return (view, Vec::new());
        };
        let digest = source
            .file
            .map(|f| f.sha256.clone())
            .unwrap_or_else(|| hex::encode(Sha256::digest(text.as_bytes())));
        let limit = if source.prominent {
            SHOWN_BODY_LIMIT
        } else {
            SHOWN_PASSING_BODY_LIMIT
        };
        let pretty = (!source.locations.is_empty()).then(|| {
            let wanted: Vec<Wanted> = source
                .locations
                .iter()
                .map(|location| match location.line {
                    0 => Wanted::Path(&location.path),
                    line => Wanted::At {
                        line: line as usize,
                        column: location.column as usize,
                    },
                })
                .collect();
            PrettyBody::of(&text, &wanted, limit)
        });
        let marked: Vec<(IssueLocation, usize)> = pretty.as_ref().map_or_else(Vec::new, |pretty| {
            source
                .locations
                .iter()
                .zip(&pretty.marks)
                .filter_map(|(location, line)| Some((location.clone(), (*line)?)))
                .collect()
        });
        if marked.is_empty()
            && let Some((place, id)) = self.shown.get(&digest)
        {
            view.same_as = Some((place.clone(), id.clone()));
            return (view, Vec::new());
        }
        let inline = source.file.is_none();
        if !inline && self.shown_bytes + text.len().min(limit) > SHOWN_TOTAL_LIMIT {
            view.note = Some(format!(
                "not shown: this page shows at most {} MiB of bodies",
                SHOWN_TOTAL_LIMIT / (1024 * 1024)
            ));
            return (view, Vec::new());
        }
        self.next_id += 1;
        let id = format!("body-{}", self.next_id);
        // Bodies with marked lines are laid out here, so that the marks can point at lines;
        // others go as sent (smaller), and the page's script lays out JSON when opened.
        let (html, shortened) = match &pretty {
            Some(pretty) if !marked.is_empty() => {
                let marks: HashMap<usize, ()> =
                    marked.iter().map(|(_, line)| (*line, ())).collect();
                let (mut html, shortened) = render_lines(&pretty.lines, &id, &marks, limit);
                render_beyond(&mut html, &pretty.beyond, &id);
                (html, shortened || pretty.cut)
            }
            _ => {
                view.raw_json = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
                render_lines(&[text.to_string()], &id, &HashMap::new(), limit)
            }
        };
        if !inline {
            self.shown_bytes += html.len();
        }
        let located = marked
            .into_iter()
            .map(|(location, line)| LocatedIssue {
                location,
                line: line + 1,
                id: format!("{id}-L{}", line + 1),
            })
            .collect::<Vec<_>>();
        self.shown
            .entry(digest)
            .or_insert_with(|| (source.place.clone(), id.clone()));
        view.open = !located.is_empty() || (source.prominent && text.len() <= self.collapse_over);
        view.html = Some(html);
        view.id = Some(id);
        view.shortened = shortened;
        (view, located)
    }
}

/// The lines as HTML, escaped, those in `marks` (0-based) in a `<mark>` with an id; cut after
/// `limit` bytes of text (then `true`), within a line if need be.
fn render_lines(
    lines: &[String],
    id: &str,
    marks: &HashMap<usize, ()>,
    limit: usize,
) -> (String, bool) {
    let mut html = String::new();
    let mut room = limit;
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            html.push('\n');
        }
        let shown = cut_to(line, room);
        room -= shown.len();
        if marks.contains_key(&index) {
            html.push_str(&format!("<mark id=\"{id}-L{}\">", index + 1));
            escape_into(&mut html, shown);
            html.push_str("</mark>");
        } else {
            escape_into(&mut html, shown);
        }
        if shown.len() < line.len() || (room == 0 && index + 1 < lines.len()) {
            return (html, true);
        }
    }
    (html, false)
}

/// Appends the marked lines that come after those shown, each after a `⋯` line.
fn render_beyond(html: &mut String, beyond: &BTreeMap<usize, String>, id: &str) {
    for (index, line) in beyond {
        html.push_str(&format!("\n⋯\n<mark id=\"{id}-L{}\">", index + 1));
        escape_into(html, cut_to(line, MARKED_LINE_LIMIT));
        html.push_str("</mark>");
    }
}

/// The longest start of `text` of at most `limit` bytes that ends on a character boundary.
fn cut_to(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Appends `text` escaped for HTML element content (`&`, `<`, `>`; quotes need no escape
/// outside attributes).
fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            c => html.push(c),
        }
    }
}

/// `812 B`, `12.4 KiB`, `3.1 MiB`.
fn human_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::EvidenceStore;

    fn source<'r>(
        inline: Option<&'r str>,
        file: Option<&'r BodyFile>,
        locations: &'r [IssueLocation],
    ) -> BodySource<'r> {
        BodySource {
            label: "Response body",
            inline,
            file,
            truncated: false,
            place: "CHECK step 1".into(),
            locations,
            prominent: true,
        }
    }

    #[test]
    fn a_body_is_shown_once_and_linked_after() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::create(dir.path()).unwrap();
        let big = format!(
            "{{\"resourceType\":\"CapabilityStatement\",\"x\":\"{}\"}}",
            "a".repeat(9000)
        );
        let file = store.put(&big).unwrap();
        let bodies = Bodies::in_folder(dir.path());
        let mut views = BodyViews::new(&bodies, 1500);
        let (first, _) = views.view(source(None, Some(&file), &[]));
        let (second, _) = views.view(source(None, Some(&file), &[]));
        assert!(
            first
                .html
                .as_deref()
                .unwrap()
                .contains("CapabilityStatement")
        );
        assert!(first.raw_json);
        assert_eq!(first.id.as_deref(), Some("body-1"));
        assert!(!first.open, "long bodies start collapsed");
        assert_eq!(second.html, None);
        assert_eq!(
            second.same_as,
            Some(("CHECK step 1".into(), "body-1".into()))
        );
        assert_eq!(second.file, first.file);
    }

    #[test]
    fn issue_lines_are_marked_in_a_copy_of_their_own() {
        let bodies = Bodies::inline_only();
        let mut views = BodyViews::new(&bodies, 1500);
        let body = r#"{"resourceType":"Patient","gender":"<x>"}"#;
        views.view(source(Some(body), None, &[]));
        let locations = [IssueLocation {
            path: "Patient.gender".into(),
            line: 0,
            column: 0,
        }];
        let (view, located) = views.view(source(Some(body), None, &locations));
        let html = view.html.unwrap();
        assert!(
            html.contains("<mark id=\"body-2-L3\">  \"gender\": \"&lt;x&gt;\"</mark>"),
            "{html}"
        );
        assert_eq!(located[0].line, 3);
        assert_eq!(located[0].id, "body-2-L3");
        assert!(view.open);
        assert!(!view.raw_json, "laid out already");

        let at_position = [IssueLocation {
            path: "Patient".into(),
            line: 1,
            column: body.find("\"gender").unwrap() as u32 + 1,
        }];
        let (_, located) = views.view(source(Some(body), None, &at_position));
        assert_eq!(located[0].line, 3, "the position wins over the path");
    }

    #[test]
    fn a_marked_line_after_the_lines_shown_is_shown_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::create(dir.path()).unwrap();
        let entries: Vec<String> = (0..20_000)
            .map(|i| format!(r#"{{"resource":{{"resourceType":"Patient","id":"p{i}"}}}}"#))
            .collect();
        let bundle = format!(
            r#"{{"resourceType":"Bundle","entry":[{}]}}"#,
            entries.join(",")
        );
        assert!(bundle.len() > SHOWN_BODY_LIMIT * 2);
        let file = store.put(&bundle).unwrap();
        let bodies = Bodies::in_folder(dir.path());
        let mut views = BodyViews::new(&bodies, 1500);
        let locations = [IssueLocation {
            path: "Bundle.entry[19999].resource.id".into(),
            line: 0,
            column: 0,
        }];
        let (view, located) = views.view(source(None, Some(&file), &locations));
        let html = view.html.unwrap();
        assert!(view.shortened);
        assert!(html.len() < SHOWN_BODY_LIMIT + 8192, "{} bytes", html.len());
        let mark = format!("<mark id=\"{}\">", located[0].id);
        let marked = html.find(&mark).expect("the marked line is in the page");
        let line = &html[marked..];
        assert!(
            line.starts_with(&format!("{mark}        \"id\": \"p19999\"</mark>")),
            "{}",
            &line[..line.len().min(200)]
        );
        assert!(html[..marked].ends_with("\n⋯\n"));
    }

    #[test]
    fn a_missing_evidence_file_is_said_not_hidden() {
        let bodies = Bodies::in_folder(std::path::Path::new("/nonexistent"));
        let file = BodyFile {
            path: format!("evidence/{}.json", "0".repeat(64)),
            sha256: "0".repeat(64),
            bytes: 10,
        };
        let (view, _) = BodyViews::new(&bodies, 1500).view(source(None, Some(&file), &[]));
        assert!(view.note.unwrap().contains("cannot be read"));
    }

    #[test]
    fn a_long_body_is_shown_in_part_even_on_one_line() {
        let one_line = "é".repeat(SHOWN_BODY_LIMIT);
        let (html, shortened) = render_lines(&[one_line], "b", &HashMap::new(), SHOWN_BODY_LIMIT);
        assert!(shortened);
        assert!(html.len() <= SHOWN_BODY_LIMIT);
        let lines: Vec<String> = (0..SHOWN_BODY_LIMIT / 10).map(|_| "x".repeat(20)).collect();
        let (html, shortened) = render_lines(&lines, "b", &HashMap::new(), SHOWN_BODY_LIMIT);
        assert!(shortened);
        assert!(html.len() <= SHOWN_BODY_LIMIT + lines.len());
        let (_, shortened) = render_lines(&["short".into()], "b", &HashMap::new(), 16);
        assert!(!shortened);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(12_700), "12.4 KiB");
        assert_eq!(human_size(3_250_000), "3.1 MiB");
    }
}
