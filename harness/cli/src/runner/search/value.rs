//! The query value a variant sends, made from a value the parameter's expression found in the
//! sample (R4 search.html: string, token, date, reference, quantity, number, uri; escaping
//! per search.html#escaping).

use assure_model::Element;
use assure_search::{FoundValue, ParamType};

use super::variant::Variant;

/// A token no resource is expected to have: the second value of a token `or`.
pub(crate) const NO_SUCH_CODE: &str = "assure-no-such-code";

/// A string no resource is expected to start with: the second value of a string `or`.
pub(crate) const NO_SUCH_STRING: &str = "assure-no-such-value";

/// What is sent for one parameter: the value, and a modifier that comes with it (`:Type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sent {
    pub(crate) value: String,
    pub(crate) modifier: Option<String>,
}

/// The value to send for `variant`, from the first of `found` that has one; or why none can
/// be made. `base_url` turns a reference to the target itself into `Type/id`.
pub(crate) fn query_value(
    found: &[FoundValue<'_>],
    kind: ParamType,
    variant: Variant,
    base_url: &str,
) -> Result<Sent, String> {
    if variant == Variant::Missing {
        // `:missing=false`: any value will do; the judge decides whether the sample has one.
        return match found.is_empty() {
            true => Err("no value".to_owned()),
            false => Ok(Sent {
                value: "false".to_owned(),
                modifier: None,
            }),
        };
    }
    let mut why = None;
    for value in found {
        match one(value, kind, variant, base_url) {
            Ok(text) => return Ok(text),
            Err(reason) => why = why.or(Some(reason)),
        }
    }
    Err(why.unwrap_or_else(|| "no value".to_owned()))
}

fn one(
    found: &FoundValue<'_>,
    kind: ParamType,
    variant: Variant,
    base_url: &str,
) -> Result<Sent, String> {
    // The variants that send the plain value, changed or repeated.
    let made_as = match variant {
        Variant::And | Variant::Or | Variant::Not | Variant::Ne => Variant::Plain,
        other => other,
    };
    let value = made(found, kind, made_as, base_url)?;
    let plain = |value| {
        Ok(Sent {
            value,
            modifier: None,
        })
    };
    match variant {
        Variant::Or if kind == ParamType::Token => plain(format!("{value},{NO_SUCH_CODE}")),
        Variant::Or => plain(format!("{value},{NO_SUCH_STRING}")),
        Variant::Ne => match value.strip_prefix("eq") {
            Some(date) => plain(format!("ne{date}")),
            None => Err(format!("'{value}' is not an eq date")),
        },
        Variant::Type => match value.split_once('/') {
            Some((resource_type, id)) if !id.contains('/') => Ok(Sent {
                value: id.to_owned(),
                modifier: Some(resource_type.to_owned()),
            }),
            _ => Err(format!("'{value}' is not Type/id")),
        },
        _ => plain(value),
    }
}

fn made(
    found: &FoundValue<'_>,
    kind: ParamType,
    variant: Variant,
    base_url: &str,
) -> Result<String, String> {
    let element = found.element;
    let type_name = found.type_name.as_deref().unwrap_or("");
    match kind {
        ParamType::String => string(element, type_name, variant),
        ParamType::Token => token(element, type_name, variant),
        ParamType::Date => date(element, type_name, variant),
        ParamType::Reference => reference(element, type_name, variant, base_url),
        ParamType::Quantity => quantity(element, type_name),
        ParamType::Number | ParamType::Uri => {
            text(element).ok_or_else(|| "an element without a value".to_owned())
        }
        ParamType::Composite | ParamType::Special => Err(format!("{kind} values are not made")),
    }
}

/// The primitive text of `element`, when not empty.
fn text(element: &Element) -> Option<String> {
    element
        .text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn child(element: &Element, name: &str) -> Option<String> {
    element.children_named(name).find_map(text)
}

/// A search value with `\`, `,`, `$` and `|` escaped.
fn escaped(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '$' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn string(element: &Element, type_name: &str, variant: Variant) -> Result<String, String> {
    let parts: &[&str] = match type_name {
        "HumanName" => &["family", "given", "text", "prefix", "suffix"],
        "Address" => &[
            "city",
            "postalCode",
            "line",
            "district",
            "state",
            "country",
            "text",
        ],
        _ => &[],
    };
    let whole = if parts.is_empty() {
        text(element)
    } else {
        parts.iter().find_map(|part| child(element, part))
    }
    .ok_or_else(|| format!("a {type_name} without text"))?;
    let value = match variant {
        Variant::Contains => inner(&whole),
        Variant::ExactCase => other_case(&whole)
            .ok_or_else(|| format!("'{whole}' has no letter whose case could change"))?,
        _ => whole,
    };
    Ok(escaped(&value))
}

/// `text` with its letters in another case (lower case, or upper case when it already is),
/// when that changes it.
fn other_case(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let changed = if lower != text {
        lower
    } else {
        text.to_uppercase()
    };
    (changed != text).then_some(changed)
}

/// A part from inside `text` (first and last character dropped) when it is long enough.
fn inner(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() >= 3 {
        chars[1..chars.len() - 1].iter().collect()
    } else {
        text.to_owned()
    }
}

fn token(element: &Element, type_name: &str, variant: Variant) -> Result<String, String> {
    // `|code` and `system|` ask about a Coding's or Identifier's system: other types (a
    // ContactPoint's system is not a code system; a code's is implied) are not sent.
    if matches!(variant, Variant::NoSystem | Variant::SystemOnly)
        && !matches!(type_name, "Coding" | "CodeableConcept" | "Identifier")
    {
        return Err(format!(
            "a {type_name}, which has no code system of its own"
        ));
    }
    // The coding that fits the variant: one without a system for `|code`, with one for
    // `system|code` and `system|`.
    let fits = |system: &Option<String>| match variant {
        Variant::NoSystem => system.is_none(),
        Variant::System | Variant::SystemOnly => system.is_some(),
        _ => true,
    };
    let (system, code) = match type_name {
        "Coding" => (child(element, "system"), child(element, "code")),
        "CodeableConcept" => element
            .children_named("coding")
            .map(|c| (child(c, "system"), child(c, "code")))
            .find(|(system, code)| code.is_some() && fits(system))
            .unwrap_or((None, None)),
        "Identifier" => (child(element, "system"), child(element, "value")),
        "ContactPoint" => (None, child(element, "value")),
        _ => (None, text(element)),
    };
    let code = code.ok_or_else(|| format!("a {type_name} without a code or value"))?;
    match variant {
        Variant::System => {
            let system = system.ok_or_else(|| format!("its {type_name} has no system"))?;
            Ok(format!("{}|{}", escaped(&system), escaped(&code)))
        }
        Variant::SystemOnly => {
            let system = system.ok_or_else(|| format!("its {type_name} has no system"))?;
            Ok(format!("{}|", escaped(&system)))
        }
        Variant::NoSystem => match system {
            Some(system) => Err(format!("its {type_name} has a system ({system})")),
            None => Ok(format!("|{}", escaped(&code))),
        },
        _ => Ok(escaped(&code)),
    }
}

fn date(element: &Element, type_name: &str, variant: Variant) -> Result<String, String> {
    let (start, end) = match type_name {
        "Period" => (child(element, "start"), child(element, "end")),
        "Timing" => return Err("a Timing, which is not searched by a single date".to_owned()),
        _ => (text(element), text(element)),
    };
    let none = || format!("a {type_name} without a date");
    match (variant, type_name) {
        (Variant::Plain, "Period") if start.is_some() && start == end => {
            Ok(format!("eq{}", start.unwrap_or_default()))
        }
        (Variant::Plain, "Period") => {
            Err("a Period, which eq would have to cover whole".to_owned())
        }
        (Variant::Plain, _) => start.map(|s| format!("eq{s}")).ok_or_else(none),
        (Variant::Ap, _) => start.or(end).map(|s| format!("ap{s}")).ok_or_else(none),
        (Variant::Ge, _) => start.or(end).map(|s| format!("ge{s}")).ok_or_else(none),
        (Variant::Gt, _) => end.or(start).map(|s| format!("gt{s}")).ok_or_else(none),
        (Variant::Lt, _) => start.or(end).map(|s| format!("lt{s}")).ok_or_else(none),
        (_, _) => end.or(start).map(|s| format!("le{s}")).ok_or_else(none),
    }
}

fn reference(
    element: &Element,
    type_name: &str,
    variant: Variant,
    base_url: &str,
) -> Result<String, String> {
    let literal = match type_name {
        "Reference" => child(element, "reference"),
        _ => text(element),
    }
    .ok_or_else(|| format!("a {type_name} without a literal reference"))?;
    if type_name != "Reference" {
        return match variant {
            Variant::Plain => Ok(escaped(&literal)),
            _ => Err(format!("a {type_name}, which has no id")),
        };
    }
    if literal.starts_with('#') {
        return Err("a reference to a contained resource".to_owned());
    }
    let base = format!("{}/", base_url.trim_end_matches('/'));
    let relative = literal.strip_prefix(&base).unwrap_or(&literal);
    let unversioned = relative
        .split_once("/_history/")
        .map_or(relative, |(r, _)| r);
    let local = !unversioned.contains("://");
    match (variant, unversioned.rsplit_once('/')) {
        (Variant::Id, Some((_, id))) if local => Ok(escaped(id)),
        (Variant::Id, _) => Err(format!("{literal} is not a reference on the target")),
        (Variant::Url | Variant::Type, Some(_)) if local => match variant {
            Variant::Url => Ok(escaped(&format!("{base}{unversioned}"))),
            _ => Ok(escaped(unversioned)),
        },
        (Variant::Url | Variant::Type, _) => {
            Err(format!("{literal} is not a reference on the target"))
        }
        _ => Ok(escaped(unversioned)),
    }
}

fn quantity(element: &Element, type_name: &str) -> Result<String, String> {
    let value = child(element, "value").ok_or_else(|| format!("a {type_name} without a value"))?;
    Ok(match (child(element, "system"), child(element, "code")) {
        (Some(system), Some(code)) => format!("{value}|{}|{}", escaped(&system), escaped(&code)),
        (None, Some(code)) => format!("{value}||{}", escaped(&code)),
        _ => value,
    })
}
