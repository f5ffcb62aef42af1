//! The normal form in which error locations are compared with the reference validator's.
//!
//! Both sides go through the same [`normalise`], so the comparison stays symmetrical:
//! 1. `/* ... */` comments are removed (the reference annotates resources in Bundles as
//!    `Bundle.entry[0].resource/*Patient/null*/.name`).
//! 2. No location, `(document)`, `(xml)` and `(json)` all become [`DOCUMENT`]: an issue about
//!    the document as a whole (a parse error), not about an element.
//! 3. XPath locations (`/f:Observation/f:status`) become dotted paths: `f:` prefixes dropped,
//!    1-based `[n]` positions turned into 0-based indices.
//! 4. A choice element selected with `ofType(T)` takes its JSON property name:
//!    `Observation.value.ofType(Quantity)` is `Observation.valueQuantity`.
//! 5. Predicates other than indices (`extension[1][url='...']`) are dropped: they describe the
//!    element the index already identifies.
//! 6. `[0]` is dropped: one side writes it and the other omits it for the first or only
//!    repetition. Every other index is kept, so `name[1]` never matches `name`.

/// The normal form of a location that designates the whole document.
pub const DOCUMENT: &str = "(document)";

/// The normal form of a location written by either validator.
pub fn normalise(location: &str) -> String {
    let location = without_comments(location);
    let location = location.trim();
    if location.is_empty() || matches!(location, "(document)" | "(xml)" | "(json)") {
        return DOCUMENT.to_owned();
    }
    let dotted = if location.starts_with('/') || location.contains("/f:") {
        xpath_to_dotted(location)
    } else {
        location.to_owned()
    };
    let mut steps: Vec<Step> = Vec::new();
    for text in split_steps(&dotted) {
        match (type_selector(text), steps.last_mut()) {
            (Some(type_code), Some(previous)) => previous.name.push_str(&capitalised(type_code)),
            _ => steps.push(Step::parse(text)),
        }
    }
    steps.iter().map(Step::render).collect::<Vec<_>>().join(".")
}

/// One step of a path: an element name and the index of its repetition.
struct Step {
    name: String,
    index: Option<usize>,
}

impl Step {
    /// `name[3][url='x']` → name `name`, index `3` (the last numeric predicate).
    fn parse(text: &str) -> Self {
        let name_end = text.find('[').unwrap_or(text.len());
        let index = predicates(&text[name_end..])
            .into_iter()
            .filter_map(|p| p.parse().ok())
            .next_back();
        Self {
            name: text[..name_end].to_owned(),
            index,
        }
    }

    /// The step with its index, `[0]` left out.
    fn render(&self) -> String {
        match self.index {
            Some(index) if index > 0 => format!("{}[{index}]", self.name),
            _ => self.name.clone(),
        }
    }
}

/// `text` with every `/* ... */` comment removed (an unclosed one runs to the end).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// `/f:Bundle/f:entry[2]/f:resource` → `Bundle.entry[1].resource`.
fn xpath_to_dotted(xpath: &str) -> String {
    xpath
        .split('/')
        .filter(|step| !step.is_empty())
        .map(|step| {
            let step = step.strip_prefix("f:").unwrap_or(step);
            let name_end = step.find('[').unwrap_or(step.len());
            let position = predicates(&step[name_end..])
                .into_iter()
                .filter_map(|p| p.parse::<usize>().ok())
                .next_back();
            match position {
                Some(n) => format!("{}[{}]", &step[..name_end], n.saturating_sub(1)),
                None => step[..name_end].to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The path split at the dots that are outside brackets, parentheses and quotes.
fn split_steps(path: &str) -> Vec<&str> {
    let mut steps = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, 0);
    for (at, c) in path.char_indices() {
        match c {
            '\'' if depth > 0 => quoted = !quoted,
            _ if quoted => {}
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                steps.push(&path[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    steps.push(&path[start..]);
    steps
}

/// The contents of the `[...]` groups at the start of `text` (quotes respected).
fn predicates(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(body) = rest.strip_prefix('[') {
        let mut quoted = false;
        let close = body.char_indices().find_map(|(at, c)| match c {
            '\'' => {
                quoted = !quoted;
                None
            }
            ']' if !quoted => Some(at),
            _ => None,
        });
        let Some(close) = close else {
            break;
        };
        found.push(&body[..close]);
        rest = &body[close + 1..];
    }
    found
}

/// `T` when the step is `ofType(T)`.
fn type_selector(step: &str) -> Option<&str> {
    step.strip_prefix("ofType(")?
        .strip_suffix(')')
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// `quantity` → `Quantity` (JSON choice property suffixes start with a capital).
fn capitalised(type_code: &str) -> String {
    let mut chars = type_code.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_resource_comments_and_first_indices_are_dropped() {
        assert_eq!(
            normalise("Bundle.entry[0].resource/*Patient/null*/.generalPractitioner[0]"),
            "Bundle.entry.resource.generalPractitioner"
        );
        assert_eq!(
            normalise("Bundle.entry[0].resource.generalPractitioner[0]"),
            normalise("Bundle.entry.resource.generalPractitioner")
        );
    }

    #[test]
    fn other_indices_are_kept() {
        assert_eq!(
            normalise("Bundle.entry[12].resource"),
            "Bundle.entry[12].resource"
        );
        assert_ne!(normalise("Patient.name[1]"), normalise("Patient.name"));
        assert_eq!(normalise("Patient.name[00]"), "Patient.name");
    }

    #[test]
    fn choice_types_take_their_property_name() {
        assert_eq!(
            normalise("Observation.value.ofType(Quantity)"),
            "Observation.valueQuantity"
        );
        assert_eq!(
            normalise("Patient.extension[0].value.ofType(boolean)"),
            "Patient.extension.valueBoolean"
        );
        assert_eq!(
            normalise("Bundle.entry[0].resource.event.ofType(Coding).display"),
            "Bundle.entry.resource.eventCoding.display"
        );
        assert_ne!(normalise("Observation.value"), "Observation.valueQuantity");
    }

    #[test]
    fn xpath_locations_become_dotted_paths() {
        assert_eq!(normalise("/f:Observation/f:status"), "Observation.status");
        assert_eq!(normalise("/f:Bundle"), "Bundle");
        assert_eq!(
            normalise("/f:Bundle/f:entry[2]/f:resource"),
            "Bundle.entry[1].resource"
        );
        assert_eq!(
            normalise("Endpoint/f:connectionType"),
            "Endpoint.connectionType"
        );
    }

    #[test]
    fn value_predicates_are_dropped() {
        assert_eq!(
            normalise("Patient.extension[1][url='http://x.org/a.b|4.0.0']"),
            "Patient.extension[1]"
        );
    }

    #[test]
    fn document_level_locations_share_one_form() {
        for location in ["", "(xml)", "(json)", "(document)", "  "] {
            assert_eq!(normalise(location), DOCUMENT);
        }
        assert_ne!(normalise("Patient"), DOCUMENT);
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for location in [
            "/*",
            "/*unclosed",
            "a[",
            "a[']",
            "a.ofType(",
            "ofType(X)",
            ".",
            "[[[",
            "/f:",
            "é[1]",
            "a.ofType()",
        ] {
            let _ = normalise(location);
        }
        assert_eq!(normalise("ofType(X)"), "ofType(X)");
    }
}
