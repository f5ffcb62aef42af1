//! `{{ var }}` substitution in everything a step carries: action strings, headers, bodies and
//! expectations.

use serde_json::Value;

use super::variables::{Lookup, VarValue};
use crate::suite::{
    Assertion, ConformsTo, FhirPathCheck, HeaderMatch, JsonCheck, JsonMatch, interpolate,
};

/// `text` with its placeholders replaced; the error names the undefined variable.
pub fn text(template: &str, lookup: &Lookup<'_>) -> Result<String, String> {
    interpolate(template, |name| lookup.text(name)).map_err(|e| e.to_string())
}

/// A JSON value with every string (keys and values) interpolated.
pub fn json(template: &Value, lookup: &Lookup<'_>) -> Result<Value, String> {
    Ok(match template {
        Value::String(s) => Value::String(text(s, lookup)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| json(item, lookup))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| Ok((text(key, lookup)?, json(value, lookup)?)))
                .collect::<Result<_, String>>()?,
        ),
        scalar => scalar.clone(),
    })
}

/// An assertion with every string it compares against interpolated.
pub fn assertion(template: &Assertion, lookup: &Lookup<'_>) -> Result<Assertion, String> {
    let optional = |value: &Option<String>| value.as_deref().map(|v| text(v, lookup)).transpose();
    Ok(match template {
        Assertion::Header(header) => Assertion::Header(HeaderMatch {
            name: text(&header.name, lookup)?,
            present: header.present,
            equals: optional(&header.equals)?,
            matches: optional(&header.matches)?,
            not_matches: optional(&header.not_matches)?,
        }),
        Assertion::ContentType(media_type) => Assertion::ContentType(text(media_type, lookup)?),
        Assertion::ResourceType(resource_type) => {
            Assertion::ResourceType(text(resource_type, lookup)?)
        }
        Assertion::BundleType(bundle_type) => Assertion::BundleType(text(bundle_type, lookup)?),
        Assertion::Json(json_match) => Assertion::Json(JsonMatch {
            path: text(&json_match.path, lookup)?,
            check: match &json_match.check {
                JsonCheck::Exists(exists) => JsonCheck::Exists(*exists),
                JsonCheck::Equals(value) => JsonCheck::Equals(json(value, lookup)?),
                JsonCheck::Matches(regex) => JsonCheck::Matches(text(regex, lookup)?),
                JsonCheck::Contains(value) => JsonCheck::Contains(json(value, lookup)?),
            },
        }),
        Assertion::Conforms(conforms) => Assertion::Conforms(ConformsTo {
            profile: optional(&conforms.profile)?,
            options: conforms.options.clone(),
        }),
        Assertion::FhirPath(check) => Assertion::FhirPath(FhirPathCheck {
            expression: check.expression.clone(),
            variables: check
                .expression
                .external_constants()
                .into_iter()
                .filter_map(|name| {
                    let values = match lookup.value(name)? {
                        VarValue::Text(text) => vec![text],
                        VarValue::List(items) => items,
                    };
                    Some((name.to_string(), values))
                })
                .collect(),
        }),
        Assertion::Status(_)
        | Assertion::EntryCount(_)
        | Assertion::OperationOutcome
        | Assertion::NoInternals => template.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::variables::Scope;
    use indexmap::IndexMap;
    use serde_json::json;

    #[test]
    fn strings_inside_json_are_interpolated_and_other_values_kept() {
        let defaults = Scope::from_text(&IndexMap::from([("id".to_string(), "42".to_string())]));
        let empty = Scope::default();
        let lookup = Lookup {
            binding: None,
            captures: &empty,
            overrides: &empty,
            defaults: &defaults,
        };
        let body = json!({"id": "{{ id }}", "n": 3, "list": ["a{{id}}", true], "{{id}}": null});
        assert_eq!(
            json(&body, &lookup).unwrap(),
            json!({"id": "42", "n": 3, "list": ["a42", true], "42": null})
        );
        assert_eq!(
            json(&json!({"x": "{{ missing }}"}), &lookup).unwrap_err(),
            "undefined variable `missing`"
        );
    }
}
