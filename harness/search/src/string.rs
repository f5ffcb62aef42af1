//! String parameters (R4 search.html#string): by default a value matches when it equals or
//! starts with the parameter value once both are normalised for case and accents; `:exact`
//! compares the whole string as written; `:contains` matches anywhere in the value.
//! HumanName and Address values match on any of their string parts.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::found::{Found, child_text, child_texts};
use crate::judgement::Verdict;
use crate::modifier::Modifier;

/// Parts of a HumanName searched by a string parameter on it.
const HUMAN_NAME_PARTS: [&str; 5] = ["family", "given", "prefix", "suffix", "text"];
/// Parts of an Address searched by a string parameter on it.
const ADDRESS_PARTS: [&str; 7] = [
    "line",
    "city",
    "district",
    "state",
    "postalCode",
    "country",
    "text",
];

/// Case- and accent-insensitive form: canonical decomposition (NFD), combining marks removed,
/// lower case. `Zoë` → `zoe`.
pub(crate) fn normalise(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A looser form some servers also apply: compatibility decomposition (NFKD, `ﬁ` → `fi`),
/// full case folding of `ß`, and no punctuation or white space.
fn loose(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c) && c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace('ß', "ss")
}

/// The strings a value offers to a string parameter, or `None` for a type a string
/// parameter does not search.
fn strings_of(found: &Found) -> Option<Vec<String>> {
    let parts: &[&str] = match found.type_name() {
        Some("HumanName") => &HUMAN_NAME_PARTS,
        Some("Address") => &ADDRESS_PARTS,
        Some(
            "string" | "markdown" | "code" | "id" | "uri" | "url" | "canonical" | "oid" | "uuid",
        )
        | None => return found.text().map(|t| vec![t]),
        Some(_) => return None,
    };
    let element = found.element()?;
    Some(
        parts
            .iter()
            .flat_map(|part| child_texts(element, part))
            .map(str::to_owned)
            .collect(),
    )
}

/// One string parameter value against one value found.
pub(crate) fn verdict(value: &str, modifier: Option<&Modifier>, found: &Found) -> Verdict {
    let Some(strings) = strings_of(found) else {
        return Verdict::Unknown(format!(
            "{} is not a type string search is defined on",
            found.label()
        ));
    };
    let label = found.label();
    Verdict::any(
        strings.iter().map(|s| one(value, modifier, s, &label)),
        || format!("{label} has no text"),
    )
}

fn one(value: &str, modifier: Option<&Modifier>, text: &str, label: &str) -> Verdict {
    match modifier {
        Some(Modifier::Exact) => {
            if text == value {
                Verdict::Yes
            } else if text.nfc().eq(value.nfc()) {
                Verdict::Unknown(format!(
                    "{label} '{text}' equals '{value}' only in another Unicode normal form"
                ))
            } else {
                Verdict::No(format!(
                    "{label} '{text}' is not exactly '{value}' (:exact: the whole string, case and accents as written, search.html#modifiers)"
                ))
            }
        }
        Some(Modifier::Contains) => decide(
            normalise(text).contains(&normalise(value)),
            loose(text).contains(&loose(value)),
            || {
                format!(
                    "{label} '{text}' does not contain '{value}' (:contains: anywhere in the string, ignoring case and accents, search.html#modifiers)"
                )
            },
            text,
            value,
            label,
        ),
        _ => decide(
            normalise(text).starts_with(&normalise(value)),
            loose(text).starts_with(&loose(value)),
            || {
                format!(
                    "{label} '{text}' does not start with '{value}' (string: equal to or starting with the value, ignoring case and accents, search.html#string)"
                )
            },
            text,
            value,
            label,
        ),
    }
}

/// `Yes` when the strict reading holds, `Unknown` when only the loose one does, else `No`.
fn decide(
    strict: bool,
    loose: bool,
    no: impl FnOnce() -> String,
    text: &str,
    value: &str,
    label: &str,
) -> Verdict {
    if strict {
        Verdict::Yes
    } else if loose {
        Verdict::Unknown(format!(
            "{label} '{text}' matches '{value}' only when punctuation, spaces or compatibility characters are ignored, which a server may do"
        ))
    } else {
        Verdict::No(no())
    }
}

/// The texts `:text` on a token compares: CodeableConcept.text, Coding.display,
/// Identifier.type.text.
pub(crate) fn token_texts(found: &Found) -> Vec<String> {
    let Some(element) = found.element() else {
        return Vec::new();
    };
    let mut texts: Vec<String> = Vec::new();
    match found.type_name() {
        Some("CodeableConcept") => {
            texts.extend(child_text(element, "text").map(str::to_owned));
            for coding in element.children_named("coding") {
                texts.extend(child_text(coding, "display").map(str::to_owned));
            }
        }
        Some("Coding") => texts.extend(child_text(element, "display").map(str::to_owned)),
        Some("Identifier") => texts.extend(
            element
                .child("type")
                .and_then(|t| child_text(t, "text"))
                .map(str::to_owned),
        ),
        _ => {}
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_removes_case_and_accents() {
        assert_eq!(normalise("Zoë"), "zoe");
        assert_eq!(normalise("ÅNGSTRÖM"), "angstrom");
        assert_eq!(normalise("Zoe\u{308}"), "zoe");
        assert_eq!(loose("O'Brien-Smith"), "obriensmith");
        assert_eq!(loose("Straße"), "strasse");
    }
}
