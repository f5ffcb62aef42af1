//! `encode`/`decode` (base64, urlbase64, hex) and `escape`/`unescape` (html, json).

use super::{Call, maybe};
use crate::error::{EvalError, EvalResult};
use crate::value::{Collection, Value};

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    call.arity(1, 1)?;
    let Some(text) = call.focus_string()? else {
        return Ok(Vec::new());
    };
    let Some(format) = call.arg_string(0)? else {
        return Ok(Vec::new());
    };
    let result = match (call.name, format.as_str()) {
        ("encode", "base64") => Some(base64_encode(text.as_bytes(), BASE64)),
        ("encode", "urlbase64") => Some(base64_encode(text.as_bytes(), URL_BASE64)),
        ("encode", "hex") => Some(text.bytes().map(|b| format!("{b:02x}")).collect()),
        ("decode", "base64") => base64_decode(&text, BASE64).and_then(utf8),
        ("decode", "urlbase64") => base64_decode(&text, URL_BASE64).and_then(utf8),
        ("decode", "hex") => hex_decode(&text).and_then(utf8),
        ("escape", "html") => Some(escape_html(&text)),
        ("escape", "json") => Some(escape_json(&text)),
        ("unescape", "html") => Some(unescape_html(&text)),
        ("unescape", "json") => Some(unescape_json(&text)),
        (_, other) => {
            return Err(EvalError::new(format!(
                "{}() does not know the format '{other}'",
                call.name
            )));
        }
    };
    maybe(result.map(Value::String))
}

fn utf8(bytes: Vec<u8>) -> Option<String> {
    String::from_utf8(bytes).ok()
}

fn base64_encode(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let buffer = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let bits = u32::from(buffer[0]) << 16 | u32::from(buffer[1]) << 8 | u32::from(buffer[2]);
        for position in 0..4 {
            if position <= chunk.len() {
                out.push(char::from(
                    alphabet[(bits >> (18 - 6 * position) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str, alphabet: &[u8; 64]) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text.bytes().filter(|b| *b != b'=').collect();
    let mut out = Vec::with_capacity(symbols.len() * 3 / 4);
    for chunk in symbols.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut bits = 0u32;
        for (position, symbol) in chunk.iter().enumerate() {
            let value = alphabet.iter().position(|a| a == symbol)? as u32;
            bits |= value << (18 - 6 * position);
        }
        let produced = chunk.len() - 1;
        out.extend_from_slice(&bits.to_be_bytes()[1..=produced]);
    }
    Some(out)
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn escape_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            other => out.push(other),
        }
    }
    out
}

fn unescape_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_padding_length() {
        for text in ["", "t", "te", "tes", "test", "subjects?_d"] {
            let encoded = base64_encode(text.as_bytes(), BASE64);
            assert_eq!(base64_decode(&encoded, BASE64).unwrap(), text.as_bytes());
        }
        assert_eq!(base64_encode(b"test", BASE64), "dGVzdA==");
        assert!(base64_decode("@@@@", BASE64).is_none());
        assert!(hex_decode("7").is_none());
    }
}
