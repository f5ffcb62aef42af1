//! `{{ name }}` placeholders in suite strings.
//!
//! A placeholder is `{{`, a variable name, `}}`; whitespace around the name is allowed
//! (`{{name}}` and `{{ name }}` are the same). Whatever stands between the braces, trimmed, is the
//! name, so a typo such as `{{ patient id }}` is an undefined variable rather than literal text.
//! A `{{` with no closing `}}` is literal text. The loader uses [`variables_in`] to check that
//! every name is defined; the runner uses [`interpolate`] to substitute values.

use std::fmt;

/// A placeholder whose name has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariable {
    /// The name between the braces, trimmed.
    pub name: String,
}

impl fmt::Display for UnknownVariable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undefined variable `{}`", self.name)
    }
}

impl std::error::Error for UnknownVariable {}

/// One piece of a string: literal text or a placeholder's variable name.
enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

/// Splits `text` into literal text and placeholders, in order.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after_open = &rest[open + 2..];
        let Some(close) = after_open.find("}}") else {
            break;
        };
        if open > 0 {
            pieces.push(Piece::Text(&rest[..open]));
        }
        pieces.push(Piece::Variable(after_open[..close].trim()));
        rest = &after_open[close + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// The variable names referenced by `text`, in order of appearance (repeats included).
pub fn variables_in(text: &str) -> Vec<&str> {
    pieces(text)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Variable(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Replaces every placeholder in `text` by `lookup(name)`; fails on the first name that has no
/// value. Substituted values are not scanned again.
pub fn interpolate(
    text: &str,
    mut lookup: impl FnMut(&str) -> Option<String>,
) -> Result<String, UnknownVariable> {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Text(literal) => out.push_str(literal),
            Piece::Variable(name) => match lookup(name) {
                Some(value) => out.push_str(&value),
                None => {
                    return Err(UnknownVariable {
                        name: name.to_owned(),
                    });
                }
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "id" => Some("123".to_owned()),
            "type" => Some("Patient".to_owned()),
            "braces" => Some("{{ id }}".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn finds_names_with_and_without_spaces() {
        assert_eq!(
            variables_in("{{type}}/{{ id }}?x={{  id\t}}"),
            ["type", "id", "id"]
        );
    }

    #[test]
    fn unterminated_braces_are_text() {
        assert_eq!(variables_in("a {{ b"), Vec::<&str>::new());
        assert_eq!(interpolate("a {{ b", vars).unwrap(), "a {{ b");
    }

    #[test]
    fn names_are_whatever_is_between_the_braces() {
        assert_eq!(variables_in("{{ patient id }}{{}}"), ["patient id", ""]);
    }

    #[test]
    fn substitutes_every_placeholder() {
        assert_eq!(
            interpolate("{{type}}/{{ id }}/_history", vars).unwrap(),
            "Patient/123/_history"
        );
    }

    #[test]
    fn substituted_values_are_not_rescanned() {
        assert_eq!(interpolate("x{{braces}}", vars).unwrap(), "x{{ id }}");
    }

    #[test]
    fn reports_the_first_unknown_name() {
        let err = interpolate("{{ id }} {{ nope }} {{ other }}", vars).unwrap_err();
        assert_eq!(err.name, "nope");
        assert_eq!(err.to_string(), "undefined variable `nope`");
    }

    #[test]
    fn text_without_placeholders_is_unchanged() {
        assert_eq!(
            interpolate("plain } { text", vars).unwrap(),
            "plain } { text"
        );
    }
}
