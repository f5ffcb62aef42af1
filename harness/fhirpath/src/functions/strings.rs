//! String functions: `indexOf`, `substring`, `startsWith`, `matches`, `replace`, ...

use super::{Call, one};
use crate::ast::Ast;
use crate::error::EvalResult;
use crate::pattern::PatternUse;
use crate::value::{Collection, Item, Value};
use regex::Regex;
use std::borrow::Cow;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    if call.name == "join" {
        call.arity(0, 1)?;
        let separator = if call.args.is_empty() {
            String::new()
        } else {
            call.arg_string(0)?.unwrap_or_default()
        };
        let parts: Vec<String> = call
            .focus
            .iter()
            .filter_map(Item::to_value)
            .map(|v| v.to_string())
            .collect();
        return one(Value::String(parts.join(&separator)));
    }
    let Some(text) = call.focus_string()? else {
        return Ok(Vec::new());
    };
    let string = |s: String| one(Value::String(s));
    match call.name {
        "length" => {
            call.arity(0, 0)?;
            one(Value::Integer(text.chars().count() as i64))
        }
        "upper" => {
            call.arity(0, 0)?;
            string(text.to_uppercase())
        }
        "lower" => {
            call.arity(0, 0)?;
            string(text.to_lowercase())
        }
        "trim" => {
            call.arity(0, 0)?;
            string(text.trim().to_string())
        }
        "toChars" => {
            call.arity(0, 0)?;
            Ok(text
                .chars()
                .map(|c| Item::Value(Value::String(c.to_string())))
                .collect())
        }
        "indexOf" => {
            call.arity(1, 1)?;
            let Some(needle) = call.arg_string(0)? else {
                return Ok(Vec::new());
            };
            let index = text
                .find(&needle)
                .map_or(-1, |byte| text[..byte].chars().count() as i64);
            one(Value::Integer(index))
        }
        "substring" => {
            call.arity(1, 2)?;
            let Some(start) = call.arg_integer(0)? else {
                return Ok(Vec::new());
            };
            let length = if call.args.len() == 2 {
                call.arg_integer(1)?
            } else {
                None
            };
            let chars: Vec<char> = text.chars().collect();
            let Ok(start) = usize::try_from(start) else {
                return Ok(Vec::new());
            };
            if start >= chars.len() {
                return Ok(Vec::new());
            }
            let end = match length {
                Some(n) => start.saturating_add(usize::try_from(n).unwrap_or(0)),
                None => chars.len(),
            };
            string(chars[start..end.min(chars.len())].iter().collect())
        }
        "startsWith" | "endsWith" | "contains" => {
            call.arity(1, 1)?;
            let Some(part) = call.arg_string(0)? else {
                return Ok(Vec::new());
            };
            let result = match call.name {
                "startsWith" => text.starts_with(&part),
                "endsWith" => text.ends_with(&part),
                _ => text.contains(&part),
            };
            one(Value::Boolean(result))
        }
        "replace" => {
            call.arity(2, 2)?;
            let (Some(pattern), Some(substitution)) = (call.arg_string(0)?, call.arg_string(1)?)
            else {
                return Ok(Vec::new());
            };
            if pattern.is_empty() {
                let mut out = substitution.clone();
                for c in text.chars() {
                    out.push(c);
                    out.push_str(&substitution);
                }
                return string(out);
            }
            string(text.replace(&pattern, &substitution))
        }
        "matches" | "matchesFull" => {
            call.arity(1, 1)?;
            let usage = if call.name == "matches" {
                PatternUse::Search
            } else {
                PatternUse::Full
            };
            let Some(regex) = pattern_argument(call, usage)? else {
                return Ok(Vec::new());
            };
            one(Value::Boolean(regex.is_match(&text)))
        }
        "replaceMatches" => {
            call.arity(2, 2)?;
            let Some(substitution) = call.arg_string(1)? else {
                return Ok(Vec::new());
            };
            let Some(regex) = pattern_argument(call, PatternUse::Replace)? else {
                return Ok(Vec::new());
            };
            if regex.as_str().is_empty() {
                return string(text);
            }
            string(regex.replace_all(&text, substitution.as_str()).into_owned())
        }
        _ => {
            call.arity(1, 1)?;
            let separator = call.arg_string(0)?.unwrap_or_default();
            Ok(text
                .split(separator.as_str())
                .map(|s| Item::Value(Value::String(s.to_string())))
                .collect())
        }
    }
}

/// The compiled first argument of a regex function (`None` when it is empty): a literal
/// pattern is compiled once per parsed expression, any other pattern at each call.
fn pattern_argument<'e>(
    call: &'e Call<'_, '_, '_>,
    usage: PatternUse,
) -> EvalResult<Option<Cow<'e, Regex>>> {
    if let Ast::Pattern(pattern) = &call.args[0] {
        return pattern.regex().map(|regex| Some(Cow::Borrowed(regex)));
    }
    match call.arg_string(0)? {
        None => Ok(None),
        Some(pattern) => Ok(Some(Cow::Owned(usage.compile(&pattern)?))),
    }
}
