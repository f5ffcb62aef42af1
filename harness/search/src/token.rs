//! Token parameters (R4 search.html#token): `[code]` (any system), `[system]|[code]`,
//! `|[code]` (no system) and `[system]|` (any code of the system), matched against Coding,
//! CodeableConcept (any coding), Identifier (system and value), ContactPoint (value), and
//! code, boolean, string, id and uri values; `:of-type` (`system|code|value` on
//! Identifier.type and Identifier.value); `:text` (the text or display, as a string).

use crate::escape::{split, unescape};
use crate::found::{Found, child_text};
use crate::judgement::Verdict;
use crate::string::{normalise, token_texts};

/// Which system a token value asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum System {
    /// No `|` written: any system.
    Any,
    /// `|code`: the value must have no system.
    Absent,
    /// `system|…`.
    Is(String),
}

/// A token value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `[system|]code`; `code` is `None` for `system|` (any code of the system).
    Code {
        system: System,
        code: Option<String>,
    },
    /// `:of-type`: an Identifier whose type has `system|code` and whose value is `value`.
    OfType {
        system: String,
        code: String,
        value: String,
    },
}

impl Token {
    /// Reads a token value (escapes allowed).
    pub(crate) fn parse(text: &str) -> Result<Token, String> {
        let parts = split(text, '|');
        match parts.as_slice() {
            [code] if !code.is_empty() => Ok(Token::Code {
                system: System::Any,
                code: Some(unescape(code)),
            }),
            [system, code] if !(system.is_empty() && code.is_empty()) => Ok(Token::Code {
                system: if system.is_empty() {
                    System::Absent
                } else {
                    System::Is(unescape(system))
                },
                code: (!code.is_empty()).then(|| unescape(code)),
            }),
            _ => Err(format!(
                "'{text}' is not a token ([system]|[code], search.html#token)"
            )),
        }
    }

    /// Reads an `:of-type` value: `system|code|value`, all three present.
    pub(crate) fn parse_of_type(text: &str) -> Result<Token, String> {
        match split(text, '|').as_slice() {
            [system, code, value]
                if !system.is_empty() && !code.is_empty() && !value.is_empty() =>
            {
                Ok(Token::OfType {
                    system: unescape(system),
                    code: unescape(code),
                    value: unescape(value),
                })
            }
            _ => Err(format!(
                "'{text}' is not an :of-type value (system|code|value, search.html#modifiers)"
            )),
        }
    }
}

/// One token value against one value found.
pub(crate) fn verdict(token: &Token, found: &Found) -> Verdict {
    match token {
        Token::Code { system, code } => code_verdict(system, code.as_deref(), found),
        Token::OfType {
            system,
            code,
            value,
        } => of_type_verdict(system, code, value, found),
    }
}

/// `:text`: a case- and accent-insensitive starting match on the text or display is a
/// match; anything else is left undecided, since servers may match text more loosely
/// (search.html#modifiers).
pub(crate) fn text_verdict(value: &str, found: &Found) -> Verdict {
    let texts = token_texts(found);
    let wanted = normalise(value);
    if texts.iter().any(|t| normalise(t).starts_with(&wanted)) {
        return Verdict::Yes;
    }
    Verdict::Unknown(format!(
        "{} has text {:?}; :text matching beyond a starting match is the server's choice",
        found.label(),
        texts
    ))
}

fn code_verdict(system: &System, code: Option<&str>, found: &Found) -> Verdict {
    let label = found.label();
    let Some(element) = found.element().filter(|_| found.item.as_node().is_some()) else {
        // A computed value (e.g. a Boolean from `deceased.exists() and …`).
        return implicit_system(system, code, found.text().as_deref(), &label);
    };
    match found.type_name() {
        Some("Coding") => coding(system, code, element, &label),
        Some("CodeableConcept") => Verdict::any(
            element
                .children_named("coding")
                .map(|c| coding(system, code, c, &label)),
            || format!("{label} has no coding"),
        ),
        Some("Identifier") => explicit_system(
            system,
            code,
            child_text(element, "system"),
            child_text(element, "value"),
            &label,
        ),
        Some(
            "ContactPoint" | "code" | "boolean" | "string" | "id" | "uri" | "url" | "canonical"
            | "oid" | "uuid",
        ) => {
            let text = if found.type_name() == Some("ContactPoint") {
                child_text(element, "value")
            } else {
                element.text()
            };
            implicit_system(system, code, text, &label)
        }
        other => Verdict::Unknown(format!(
            "token search on {} is not judged",
            other.unwrap_or("a value of unknown type")
        )),
    }
}

fn coding(
    system: &System,
    code: Option<&str>,
    coding: &assure_model::Element,
    label: &str,
) -> Verdict {
    explicit_system(
        system,
        code,
        child_text(coding, "system"),
        child_text(coding, "code"),
        label,
    )
}

/// Types that carry their system (Coding, Identifier): both parts are compared.
fn explicit_system(
    system: &System,
    code: Option<&str>,
    found_system: Option<&str>,
    found_code: Option<&str>,
    label: &str,
) -> Verdict {
    let shown = format!(
        "{label} {}|{}",
        found_system.unwrap_or(""),
        found_code.unwrap_or("")
    );
    let system_ok = match system {
        System::Any => true,
        System::Absent => found_system.is_none(),
        System::Is(s) => found_system == Some(s.as_str()),
    };
    if !system_ok {
        let rule = match system {
            System::Absent => "|code: the value must have no system",
            _ => "system|code: the system must be the same",
        };
        return Verdict::No(format!(
            "{shown} is not in the system asked for ({rule}, search.html#token)"
        ));
    }
    code_match(code, found_code, &shown)
}

/// Types whose system is implicit (code from its binding, boolean, string, ContactPoint
/// value): a system in the parameter cannot be checked offline.
fn implicit_system(
    system: &System,
    code: Option<&str>,
    found_code: Option<&str>,
    label: &str,
) -> Verdict {
    let shown = format!("{label} '{}'", found_code.unwrap_or(""));
    match code_match(code, found_code, &shown) {
        Verdict::Yes if *system != System::Any => Verdict::Unknown(format!(
            "{shown} has the code, but its system is implicit (the bound code system), which is not checked here"
        )),
        verdict => verdict,
    }
}

/// Codes compare exactly; a difference only in case is undecided, as code systems may be
/// case-insensitive (search.html#token).
fn code_match(code: Option<&str>, found: Option<&str>, shown: &str) -> Verdict {
    let Some(code) = code else {
        return Verdict::Yes;
    };
    match found {
        Some(f) if f == code => Verdict::Yes,
        Some(f) if f.to_lowercase() == code.to_lowercase() => Verdict::Unknown(format!(
            "{shown} differs from '{code}' only in case; the code system may be case-insensitive"
        )),
        _ => Verdict::No(format!(
            "{shown} does not have code '{code}' (token: the code must be equal, search.html#token)"
        )),
    }
}

fn of_type_verdict(system: &str, code: &str, value: &str, found: &Found) -> Verdict {
    let label = found.label();
    let (Some(element), Some("Identifier")) = (found.element(), found.type_name()) else {
        return Verdict::Unknown(format!("{label}: :of-type is defined on Identifier only"));
    };
    let typed = element.child("type").is_some_and(|t| {
        t.children_named("coding")
            .any(|c| child_text(c, "system") == Some(system) && child_text(c, "code") == Some(code))
    });
    let found_value = child_text(element, "value");
    Verdict::from_bool(typed && found_value == Some(value), || {
        format!(
            "{label} with value '{}' is not of type {system}|{code} with value '{value}' (:of-type: Identifier.type and Identifier.value must match, search.html#modifiers)",
            found_value.unwrap_or("")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_token_forms() {
        let code = |s: System, c: Option<&str>| Token::Code {
            system: s,
            code: c.map(str::to_owned),
        };
        assert_eq!(Token::parse("x"), Ok(code(System::Any, Some("x"))));
        assert_eq!(Token::parse("|x"), Ok(code(System::Absent, Some("x"))));
        assert_eq!(Token::parse("s|"), Ok(code(System::Is("s".into()), None)));
        assert_eq!(
            Token::parse(r"s|a\|b"),
            Ok(code(System::Is("s".into()), Some("a|b")))
        );
        assert!(Token::parse("|").is_err());
        assert!(Token::parse("").is_err());
        assert!(Token::parse("a|b|c").is_err());
        assert!(Token::parse_of_type("a|b").is_err());
    }
}
