//! What a scalar means where a value may be of any type (`status`, `entry_count`, search
//! parameters, JSON values), and how a node is named when it has the wrong type: the YAML 1.2
//! core schema (`~`, `true`, `0x1F`, `1e3`, ...), with `!!str`, `!!int`, `!!float`, `!!bool`
//! and `!!null` forcing a type.

use crate::suite::yaml::{Node, Value};
use std::fmt;

/// A scalar as typed by the core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Typed<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    /// An integer above `u64::MAX`.
    BigUnsigned(u128),
    /// An integer below `i64::MIN`.
    BigSigned(i128),
    Float(f64),
    Str(&'a str),
}

impl fmt::Display for Typed<'_> {
    /// The value as named in "invalid type" messages (``integer `5` ``, `string "x"`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Typed::Null => f.write_str("unit value"),
            Typed::Bool(value) => write!(f, "boolean `{value}`"),
            Typed::Unsigned(value) => write!(f, "integer `{value}`"),
            Typed::Signed(value) => write!(f, "integer `{value}`"),
            Typed::BigUnsigned(value) => write!(f, "integer `{value}` as u128"),
            Typed::BigSigned(value) => write!(f, "integer `{value}` as i128"),
            Typed::Float(value) => {
                let text = value.to_string();
                let point = if value.is_finite() && !text.contains('.') {
                    ".0"
                } else {
                    ""
                };
                write!(f, "floating point `{text}{point}`")
            }
            Typed::Str(text) => write!(f, "string {text:?}"),
        }
    }
}

const CORE_SCHEMA: &str = "tag:yaml.org,2002:";

/// What the scalar `text` means, or why it does not fit its core-schema tag (`!!int x`).
pub(crate) fn typed<'a>(
    text: &'a str,
    plain: bool,
    tag: Option<&str>,
) -> Result<Typed<'a>, String> {
    let invalid = |expected: &str| format!("invalid value: string {text:?}, expected {expected}");
    match tag.map(|tag| tag.strip_prefix(CORE_SCHEMA).ok_or(tag)) {
        Some(Ok("bool")) => parse_bool(text)
            .map(Typed::Bool)
            .ok_or_else(|| invalid("a boolean")),
        Some(Ok("int")) => integer(text).ok_or_else(|| invalid("an integer")),
        Some(Ok("float")) => parse_float(text)
            .map(Typed::Float)
            .ok_or_else(|| invalid("a float")),
        Some(Ok("null")) => is_null(text)
            .then_some(Typed::Null)
            .ok_or_else(|| invalid("null")),
        Some(Err(local)) if local.starts_with('!') && plain => Ok(untagged(text)),
        None if plain => Ok(untagged(text)),
        _ => Ok(Typed::Str(text)),
    }
}

/// The node as named in "invalid type" messages: `sequence`, `map` or its typed scalar.
pub(crate) fn describe(node: &Node) -> Result<String, String> {
    match &node.value {
        Value::Scalar { text, plain } => Ok(typed(text, *plain, node.tag.as_deref())?.to_string()),
        Value::Sequence(_) => Ok("sequence".to_owned()),
        Value::Mapping(_) => Ok("map".to_owned()),
    }
}

/// A plain scalar without a tag.
fn untagged(text: &str) -> Typed<'_> {
    if text.is_empty() || is_null(text) {
        return Typed::Null;
    }
    if let Some(value) = parse_bool(text) {
        return Typed::Bool(value);
    }
    if let Some(value) = integer(text) {
        return value;
    }
    if !leading_zero_digits(text)
        && let Some(value) = parse_float(text)
    {
        return Typed::Float(value);
    }
    Typed::Str(text)
}

fn is_null(text: &str) -> bool {
    matches!(text, "null" | "Null" | "NULL" | "~")
}

/// `true`, `True`, `TRUE` and the same for `false`.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// An integer: decimal, `0x`, `0o` or `0b`, optionally signed.
fn integer(text: &str) -> Option<Typed<'_>> {
    if let Some(value) = parse_unsigned(text) {
        return Some(Typed::Unsigned(value));
    }
    if let Some(value) = parse_negative(text) {
        return Some(i64::try_from(value).map_or(Typed::BigSigned(value), Typed::Signed));
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if leading_zero_digits(text) || unsigned.starts_with(['+', '-']) {
        return None;
    }
    radix_and_digits(unsigned)
        .and_then(|(radix, digits)| u128::from_str_radix(digits, radix).ok())
        .map(Typed::BigUnsigned)
}

/// A non-negative integer that fits `u64` (what counts such as `entry_count: { min }` take).
pub(crate) fn parse_unsigned(text: &str) -> Option<u64> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if unsigned.starts_with(['+', '-']) || leading_zero_digits(text) {
        return None;
    }
    let (radix, digits) = radix_and_digits(unsigned)?;
    u64::from_str_radix(digits, radix).ok()
}

/// A negative integer (as `i128`, whether or not it fits `i64`).
fn parse_negative(text: &str) -> Option<i128> {
    let magnitude = text.strip_prefix('-')?;
    if magnitude.starts_with(['+', '-']) || leading_zero_digits(text) {
        return None;
    }
    let (radix, digits) = radix_and_digits(magnitude)?;
    i128::from_str_radix(&format!("-{digits}"), radix).ok()
}

/// The radix and digits of an unsigned integer's text.
fn radix_and_digits(text: &str) -> Option<(u32, &str)> {
    let (radix, digits) = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(prefix, radix)| Some((radix, text.strip_prefix(prefix)?)))
        .unwrap_or((10, text));
    (!digits.is_empty() && !digits.starts_with(['+', '-'])).then_some((radix, digits))
}

/// Leading zeros followed by digits (`0123`): a string in YAML 1.2, not a number.
fn leading_zero_digits(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A finite float, or `.inf`, `-.inf` and `.nan` in their three spellings.
fn parse_float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match (unsigned, text) {
        (".inf" | ".Inf" | ".INF", _) => return Some(f64::INFINITY),
        (_, "-.inf" | "-.Inf" | "-.INF") => return Some(f64::NEG_INFINITY),
        (_, ".nan" | ".NaN" | ".NAN") => return Some(f64::NAN),
        _ => {}
    }
    unsigned
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Typed<'_> {
        typed(text, true, None).unwrap()
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        assert_eq!(plain(""), Typed::Null);
        assert_eq!(plain("~"), Typed::Null);
        assert_eq!(plain("True"), Typed::Bool(true));
        assert_eq!(plain("yes"), Typed::Str("yes"));
        assert_eq!(plain("0x1F"), Typed::Unsigned(31));
        assert_eq!(plain("-0o10"), Typed::Signed(-8));
        assert_eq!(plain("0123"), Typed::Str("0123"));
        assert_eq!(plain("5.40"), Typed::Float(5.4));
        assert_eq!(plain("1e400"), Typed::Str("1e400"));
        assert_eq!(
            plain("99999999999999999999999"),
            Typed::BigUnsigned(99_999_999_999_999_999_999_999)
        );
        assert_eq!(plain("2xx"), Typed::Str("2xx"));
    }

    #[test]
    fn quoted_scalars_are_strings_and_tags_force_a_type() {
        assert_eq!(typed("5", false, None), Ok(Typed::Str("5")));
        assert_eq!(
            typed("5", true, Some("tag:yaml.org,2002:str")),
            Ok(Typed::Str("5"))
        );
        assert_eq!(typed("5", true, Some("!local")), Ok(Typed::Unsigned(5)));
        assert_eq!(
            typed("x", true, Some("tag:yaml.org,2002:int")),
            Err("invalid value: string \"x\", expected an integer".to_owned())
        );
    }

    #[test]
    fn values_are_named_as_serde_names_them() {
        assert_eq!(Typed::Float(5.0).to_string(), "floating point `5.0`");
        assert_eq!(
            Typed::Float(f64::INFINITY).to_string(),
            "floating point `inf`"
        );
        assert_eq!(Typed::Str("a \"b\"").to_string(), r#"string "a \"b\"""#);
        assert_eq!(Typed::Null.to_string(), "unit value");
    }
}
