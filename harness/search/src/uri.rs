//! URI parameters (R4 search.html#uri): the value must equal the parameter as written
//! (URIs are case-sensitive); `:below` matches values the parameter is a prefix of, `:above`
//! values that are a prefix of the parameter.

use crate::found::Found;
use crate::judgement::Verdict;
use crate::modifier::Modifier;

/// One uri parameter value against one value found.
pub(crate) fn verdict(value: &str, modifier: Option<&Modifier>, found: &Found) -> Verdict {
    let label = found.label();
    let text = match found.type_name() {
        Some("uri" | "url" | "canonical" | "oid" | "uuid" | "string" | "id" | "code") | None => {
            found.text()
        }
        Some(other) => {
            return Verdict::Unknown(format!("{label}: uri search on {other} is not judged"));
        }
    };
    let Some(text) = text else {
        return Verdict::No(format!("{label} has no value"));
    };
    let (holds, rule) = match modifier {
        Some(Modifier::Below) => (
            text.starts_with(value),
            ":below: the parameter must be a prefix of the value",
        ),
        Some(Modifier::Above) => (
            value.starts_with(text.as_str()),
            ":above: the value must be a prefix of the parameter",
        ),
        _ => (
            text == value,
            "uri: the value must be equal, case-sensitively",
        ),
    };
    if holds {
        return Verdict::Yes;
    }
    if let Some((url, _)) = text.split_once('|').filter(|(url, _)| *url == value) {
        return Verdict::Unknown(format!(
            "{label} '{text}' is the canonical {url} with a version, which servers may or may not match"
        ));
    }
    Verdict::No(format!(
        "{label} '{text}' does not match '{value}' ({rule}, search.html#uri)"
    ))
}
