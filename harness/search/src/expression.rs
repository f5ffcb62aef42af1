//! A SearchParameter's FHIRPath `expression` cut to the part that applies to one resource type.
//!
//! Shared definitions join one path per base with `|` (`Patient.name.family |
//! Practitioner.name.family`); the part for a type is the one whose path starts with that type
//! (or with `Resource`/`DomainResource`, or with no type at all). A part ending in
//! `.where(resolve() is Patient)` keeps only the references whose type is `Patient`: the type
//! is read from the reference itself (its `Type/id` string or its `type` element), so no
//! resource is fetched (SearchParameter.expression; FHIRPath `resolve()`, fhirpath.html).

use assure_fhirpath::{Expr, parse};

/// One path of an expression, parsed, with the reference type it keeps (if any).
#[derive(Debug, Clone)]
pub(crate) struct Path {
    pub(crate) expr: Expr,
    /// `T` of a trailing `.where(resolve() is T)`.
    pub(crate) reference_type: Option<String>,
}

/// The paths of `expression` that apply to resources of type `base`.
pub(crate) fn paths_for(expression: &str, base: &str) -> Result<Vec<Path>, String> {
    let mut paths = Vec::new();
    for part in split_union(expression) {
        let part = strip_outer_parens(part.trim());
        let applies = match leading_type(part) {
            Some(name) => name == base || name == "Resource" || name == "DomainResource",
            None => true,
        };
        if !applies {
            continue;
        }
        let (path, reference_type) = split_resolve_filter(part);
        if path.contains("resolve()") {
            return Err(format!(
                "'{part}' follows references (resolve()), which needs the referenced resources"
            ));
        }
        let expr = parse(path).map_err(|e| format!("'{path}' does not parse: {e}"))?;
        paths.push(Path {
            expr,
            reference_type: reference_type.map(str::to_owned),
        });
    }
    if paths.is_empty() {
        return Err(format!(
            "the expression has no part for {base}: {expression}"
        ));
    }
    Ok(paths)
}

/// Splits on `|` outside parentheses, brackets and string literals.
fn split_union(expression: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut escaped, mut start) = (0i32, false, false, 0);
    for (at, c) in expression.char_indices() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '\'' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' => quoted = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '|' if depth == 0 => {
                parts.push(&expression[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&expression[start..]);
    parts
}

/// `(X)` → `X` when the parentheses enclose the whole text.
fn strip_outer_parens(text: &str) -> &str {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return text;
    };
    let mut depth = 0i32;
    for c in inner.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return text;
        }
    }
    strip_outer_parens(inner.trim())
}

/// The type name a path starts with (`Observation` of `Observation.value`), when it starts
/// with a capitalised name.
fn leading_type(part: &str) -> Option<&str> {
    let end = part
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(part.len());
    let name = &part[..end];
    let is_call = part[end..].starts_with('(');
    (name.starts_with(|c: char| c.is_ascii_uppercase()) && !is_call).then_some(name)
}

/// `X.where(resolve() is T)` → (`X`, `T`).
fn split_resolve_filter(part: &str) -> (&str, Option<&str>) {
    let Some(open) = part.rfind(".where(") else {
        return (part, None);
    };
    let condition = part[open + ".where(".len()..].strip_suffix(')');
    let type_name = condition
        .and_then(|c| c.trim().strip_prefix("resolve()"))
        .and_then(|rest| rest.trim_start().strip_prefix("is "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()));
    match type_name {
        Some(t) => (&part[..open], Some(t)),
        None => (part, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(expression: &str, base: &str) -> Vec<(String, Option<String>)> {
        paths_for(expression, base)
            .unwrap()
            .into_iter()
            .map(|p| (p.expr.source().to_owned(), p.reference_type))
            .collect()
    }

    #[test]
    fn picks_the_part_for_the_base() {
        let e = "Patient.name.family | Practitioner.name.family";
        assert_eq!(
            sources(e, "Patient"),
            [("Patient.name.family".into(), None)]
        );
        assert_eq!(
            sources(e, "Practitioner"),
            [("Practitioner.name.family".into(), None)]
        );
        assert!(paths_for(e, "Group").is_err());
    }

    #[test]
    fn keeps_casts_and_reads_reference_type_filters() {
        let e = "(Observation.value as Quantity) | (Observation.value as SampledData)";
        assert_eq!(sources(e, "Observation").len(), 2);
        let e = "Observation.subject.where(resolve() is Patient) | Consent.patient";
        assert_eq!(
            sources(e, "Observation"),
            [("Observation.subject".into(), Some("Patient".into()))]
        );
        assert_eq!(sources("Resource.id", "Resource").len(), 1);
    }

    #[test]
    fn unions_inside_parentheses_and_strings_stay_whole() {
        assert_eq!(
            split_union("a.where(b | c) | d.where(e = '|')"),
            ["a.where(b | c) ", " d.where(e = '|')"]
        );
        assert_eq!(strip_outer_parens("(a) | (b)"), "(a) | (b)");
        assert_eq!(strip_outer_parens("((a as B))"), "a as B");
    }

    #[test]
    fn other_uses_of_resolve_are_refused() {
        assert!(paths_for("Observation.subject.resolve().name", "Observation").is_err());
    }
}
