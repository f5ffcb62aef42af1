//! The query value a variant sends, made from a value the parameter's expression found in the
//! sample (R4 search.html: string, token, date, reference, quantity, number, uri; escaping
//! per search.html#escaping).

use assure_model::Element;
use assure_search::{ComponentValues, FoundValue, ParamType};

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

/// The value of a composite parameter (search.html#composite): each component's plain value,
/// joined by `$`, all taken from the same item; or why no item has them all.
pub(crate) fn composite_value(
    items: &[Vec<ComponentValues<'_>>],
    base_url: &str,
) -> Result<Sent, String> {
    let mut why = None;
    'items: for components in items {
        let mut parts = Vec::new();
        for component in components {
            let kind = component.definition.kind;
            let made = component
                .found
                .iter()
                .map(|found| made(found, kind, Variant::Plain, base_url))
                .find_map(Result::ok);
            match made {
                Some(part) => parts.push(part),
                None => {
                    why.get_or_insert(format!(
                        "no value for its component {}",
                        component.definition.code
                    ));
                    continue 'items;
                }
            }
        }
        return Ok(Sent {
            value: parts.join("$"),
            modifier: None,
        });
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
    let numeric = matches!(kind, ParamType::Number | ParamType::Quantity);
    let made_as = match variant {
        Variant::And | Variant::Or | Variant::Not | Variant::Ne => Variant::Plain,
        Variant::Ge | Variant::Le if numeric => Variant::Plain,
        Variant::Chain => Variant::Type,
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
        Variant::Ge if numeric => plain(format!("ge{value}")),
        Variant::Le if numeric => plain(format!("le{value}")),
        Variant::Type | Variant::Chain => match value.split_once('/') {
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
        ParamType::Number => text(element).ok_or_else(|| "an element without a value".to_owned()),
        ParamType::Uri => uri(element, variant),
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
pub(crate) fn escaped(value: &str) -> String {
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
    match variant {
        Variant::Text => return token_text(element, type_name),
        Variant::OfType => return identifier_of_type(element, type_name),
        _ => {}
    }
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

/// `:text`: the text a server searches (search.html#modifiers: CodeableConcept.text,
/// Coding.display or Identifier.type.text).
fn token_text(element: &Element, type_name: &str) -> Result<String, String> {
    let text = match type_name {
        "CodeableConcept" => child(element, "text").or_else(|| {
            element
                .children_named("coding")
                .find_map(|coding| child(coding, "display"))
        }),
        "Coding" => child(element, "display"),
        "Identifier" => element
            .children_named("type")
            .find_map(|kind| child(kind, "text")),
        _ => return Err(format!("a {type_name}, which has no text of its own")),
    };
    text.map(|text| escaped(&text))
        .ok_or_else(|| format!("a {type_name} without text or a display"))
}

/// `:of-type`: `system|code|value` from an Identifier's type coding and its value.
fn identifier_of_type(element: &Element, type_name: &str) -> Result<String, String> {
    if type_name != "Identifier" {
        return Err(format!("a {type_name}, not an Identifier"));
    }
    let value = child(element, "value").ok_or("an Identifier without a value")?;
    let (system, code) = element
        .children_named("type")
        .flat_map(|kind| kind.children_named("coding"))
        .find_map(|coding| Some((child(coding, "system")?, child(coding, "code")?)))
        .ok_or("an Identifier without a type coding that has a system and a code")?;
    Ok(format!(
        "{}|{}|{}",
        escaped(&system),
        escaped(&code),
        escaped(&value)
    ))
}

/// The year of a FHIR date, dateTime or instant (its first four digits).
fn year(date: &str) -> Option<i32> {
    date.get(..4)?.parse().ok()
}

fn date(element: &Element, type_name: &str, variant: Variant) -> Result<String, String> {
    let (start, end) = match type_name {
        "Period" => (child(element, "start"), child(element, "end")),
        "Timing" => return Err("a Timing, which is not searched by a single date".to_owned()),
        _ => (text(element), text(element)),
    };
    let none = || format!("a {type_name} without a date");
    // Two whole years apart, so that no time zone can bring the ranges together.
    match variant {
        Variant::Sa => {
            let start = start.ok_or_else(|| format!("a {type_name} without a start"))?;
            return match year(&start) {
                Some(year) if year > 2 => Ok(format!("sa{:04}", year - 2)),
                _ => Err(format!("'{start}' has no year two years after the first")),
            };
        }
        Variant::Eb => {
            let end = end.ok_or_else(|| format!("a {type_name} without an end"))?;
            return match year(&end) {
                Some(year) if year < 9998 => Ok(format!("eb{:04}", year + 2)),
                _ => Err(format!("'{end}' has no year two years before the last")),
            };
        }
        _ => {}
    }
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

/// A uri as is; for `:below` its parent (up to the last `/` of its path), for `:above` a
/// uri one segment under it (search.html#uri).
fn uri(element: &Element, variant: Variant) -> Result<String, String> {
    let uri = text(element).ok_or("an element without a value")?;
    let value = match variant {
        Variant::Below => {
            let path_start = uri.find("://").map_or(0, |at| at + 3);
            let parent = uri[path_start..]
                .trim_end_matches('/')
                .rfind('/')
                .map(|at| &uri[..path_start + at + 1])
                .ok_or_else(|| format!("'{uri}' has no path to search below"))?;
            parent.to_owned()
        }
        Variant::Above => format!("{}/assure-child", uri.trim_end_matches('/')),
        _ => uri,
    };
    Ok(escaped(&value))
}

fn quantity(element: &Element, type_name: &str) -> Result<String, String> {
    let value = child(element, "value").ok_or_else(|| format!("a {type_name} without a value"))?;
    Ok(match (child(element, "system"), child(element, "code")) {
        (Some(system), Some(code)) => format!("{value}|{}|{}", escaped(&system), escaped(&code)),
        (None, Some(code)) => format!("{value}||{}", escaped(&code)),
        _ => value,
    })
}

#[cfg(test)]
mod tests {
    use assure_model::{Format, parse};
    use assure_search::{SearchParameters, values};

    use super::*;

    /// The value `variant` sends for `Type.code` of `resource` (JSON).
    fn sent(resource: &str, code: &str, variant: Variant) -> Result<String, String> {
        let parameters = SearchParameters::r4().unwrap();
        let root = parse(resource.as_bytes(), Format::Json).unwrap().root;
        let resource_type = root.resource_type.as_deref().unwrap();
        let parameter = parameters.get(resource_type, code).unwrap();
        let found = values(&root, &parameters, parameter).unwrap();
        query_value(&found, parameter.kind, variant, "http://x/fhir").map(|sent| sent.value)
    }

    #[test]
    fn sa_and_eb_stay_two_whole_years_clear_of_the_value() {
        let patient = r#"{"resourceType": "Patient", "birthDate": "1984-01-01"}"#;
        assert_eq!(sent(patient, "birthdate", Variant::Sa).unwrap(), "sa1982");
        assert_eq!(sent(patient, "birthdate", Variant::Eb).unwrap(), "eb1986");
        let open = r#"{"resourceType": "Encounter", "status": "in-progress",
            "class": {"code": "AMB"}, "period": {"start": "2024-05-01T10:00:00Z"}}"#;
        assert_eq!(sent(open, "date", Variant::Sa).unwrap(), "sa2022");
        assert!(
            sent(open, "date", Variant::Eb)
                .unwrap_err()
                .contains("without an end")
        );
    }

    #[test]
    fn text_takes_the_concepts_text_then_a_display() {
        let observation = r#"{"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7",
            "display": "Body weight"}]}}"#;
        assert_eq!(
            sent(observation, "code", Variant::Text).unwrap(),
            "Body weight"
        );
        assert!(
            sent(observation, "status", Variant::Text)
                .unwrap_err()
                .contains("no text")
        );
    }

    #[test]
    fn of_type_sends_the_type_and_the_value_of_a_typed_identifier() {
        let patient = r#"{"resourceType": "Patient", "identifier": [
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"},
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
              "code": "MR"}]}, "system": "urn:mrn", "value": "A|1"}]}"#;
        assert_eq!(
            sent(patient, "identifier", Variant::OfType).unwrap(),
            r"http://terminology.hl7.org/CodeSystem/v2-0203|MR|A\|1"
        );
    }

    #[test]
    fn below_sends_the_parent_path_and_above_a_child() {
        let value_set = r#"{"resourceType": "ValueSet", "status": "active",
            "url": "http://example.org/fhir/ValueSet/smoking"}"#;
        assert_eq!(
            sent(value_set, "url", Variant::Below).unwrap(),
            "http://example.org/fhir/ValueSet/"
        );
        assert_eq!(
            sent(value_set, "url", Variant::Above).unwrap(),
            "http://example.org/fhir/ValueSet/smoking/assure-child"
        );
        let bare =
            r#"{"resourceType": "ValueSet", "status": "active", "url": "http://example.org"}"#;
        assert!(
            sent(bare, "url", Variant::Below)
                .unwrap_err()
                .contains("no path")
        );
    }

    #[test]
    fn numbers_and_quantities_take_ge_and_le_prefixes() {
        let observation = r#"{"resourceType": "Observation", "status": "final",
            "code": {"text": "weight"}, "valueQuantity": {"value": 72.5,
            "system": "http://unitsofmeasure.org", "code": "kg"}}"#;
        assert_eq!(
            sent(observation, "value-quantity", Variant::Ge).unwrap(),
            "ge72.5|http://unitsofmeasure.org|kg"
        );
        assert_eq!(
            sent(observation, "value-quantity", Variant::Le).unwrap(),
            "le72.5|http://unitsofmeasure.org|kg"
        );
    }
}
