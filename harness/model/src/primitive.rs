//! Lexical rules of the FHIR R4 primitive types.
//!
//! The regular expressions are those of the R4 (4.0.1) specification (datatypes.html), as
//! carried by the `http://hl7.org/fhir/StructureDefinition/regex` extension on the `value`
//! element of each primitive's StructureDefinition. They were written for Java, where `\s`
//! means ASCII whitespace, so they are translated with [`JAVA_SPACE`]/[`JAVA_NON_SPACE`].
//! The spec's prose adds what a regex cannot say: integer ranges, real calendar dates, and
//! for strings no control characters and at most 1 MB.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::lexical::matches_simple_pattern;

/// Java's `\s`: the ASCII whitespace characters.
const JAVA_SPACE: &str = r"[ \t\n\x0B\x0C\r]";
/// Java's `\S`.
const JAVA_NON_SPACE: &str = r"[^ \t\n\x0B\x0C\r]";
/// `YYYY` (year 0001-9999), as the R4 date/dateTime/instant patterns write it.
const YEAR: &str = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
const MONTH: &str = "(0[1-9]|1[0-2])";
const DAY: &str = "(0[1-9]|[1-2][0-9]|3[0-1])";
const TIME: &str = r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?";
const ZONE: &str = r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
/// The maximum length of a `string` or `markdown`, in characters (1 MB).
pub const MAX_STRING_CHARS: usize = 1024 * 1024;

/// The R4 regex of every primitive type that has one, before translation.
fn r4_patterns() -> Vec<(&'static str, String)> {
    vec![
        ("boolean", "true|false".to_owned()),
        ("integer", "-?([0]|([1-9][0-9]*))".to_owned()),
        (
            "decimal",
            r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?".to_owned(),
        ),
        ("uri", r"\S*".to_owned()),
        ("url", r"\S*".to_owned()),
        ("canonical", r"\S*".to_owned()),
        ("base64Binary", r"(\s*([0-9a-zA-Z\+/=]){4}\s*)+".to_owned()),
        ("instant", format!("{YEAR}-{MONTH}-{DAY}T{TIME}{ZONE}")),
        ("date", format!("{YEAR}(-{MONTH}(-{DAY})?)?")),
        (
            "dateTime",
            format!("{YEAR}(-{MONTH}(-{DAY}(T{TIME}{ZONE})?)?)?"),
        ),
        ("time", TIME.to_owned()),
        ("code", r"[^\s]+(\s[^\s]+)*".to_owned()),
        ("oid", r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+".to_owned()),
        ("id", r"[A-Za-z0-9\-\.]{1,64}".to_owned()),
        ("unsignedInt", "[0]|([1-9][0-9]*)".to_owned()),
        ("positiveInt", "[1-9][0-9]*".to_owned()),
        (
            "uuid",
            "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".to_owned(),
        ),
    ]
}

/// The patterns, translated to Rust syntax, anchored, compiled once.
static PATTERNS: LazyLock<HashMap<&'static str, Regex>> = LazyLock::new(|| {
    r4_patterns()
        .into_iter()
        .map(|(type_code, pattern)| {
            let translated = pattern
                .replace("[^\\s]", JAVA_NON_SPACE)
                .replace("\\S", JAVA_NON_SPACE)
                .replace("\\s", JAVA_SPACE);
            let anchored = format!("^(?:{translated})$");
            let regex = Regex::new(&anchored)
                .unwrap_or_else(|error| panic!("R4 pattern of {type_code} must compile: {error}"));
            (type_code, regex)
        })
        .collect()
});

/// Checks the lexical form of a value of FHIR R4 primitive type `type_code` (`date`,
/// `positiveInt`, ...): the R4 regex, plus integer ranges (32-bit; `unsignedInt` ≥ 0,
/// `positiveInt` ≥ 1), real calendar dates, base64 padding, and for `string`/`markdown` no
/// control characters other than tab, CR and LF and at most 1 MB. `xhtml` is checked by
/// [`check_xhtml`](crate::check_xhtml) instead. The error says what is wrong.
pub fn check_primitive(type_code: &str, lexical: &str) -> Result<(), String> {
    match type_code {
        "string" | "markdown" => return check_string(type_code, lexical),
        "xhtml" => return Err("xhtml values are checked with check_xhtml".to_owned()),
        _ => {}
    }
    let matched = match matches_simple_pattern(type_code, lexical) {
        Some(matched) => matched,
        None => match PATTERNS.get(type_code) {
            Some(pattern) => pattern.is_match(lexical),
            None => return Err(format!("'{type_code}' is not a FHIR R4 primitive type")),
        },
    };
    if !matched {
        return Err(format!("{} is not a valid {type_code}", quoted(lexical)));
    }
    match type_code {
        "integer" | "unsignedInt" | "positiveInt" => check_int32(type_code, lexical),
        "date" | "dateTime" | "instant" => check_calendar_date(type_code, lexical),
        "base64Binary" => check_base64_padding(lexical),
        _ => Ok(()),
    }
}

fn check_string(type_code: &str, lexical: &str) -> Result<(), String> {
    if lexical.is_empty() {
        return Err(format!("a {type_code} must not be empty"));
    }
    if let Some(c) = lexical
        .chars()
        .find(|&c| c < ' ' && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(format!(
            "a {type_code} must not contain control character U+{:04X}",
            u32::from(c)
        ));
    }
    if lexical.len() > MAX_STRING_CHARS && lexical.chars().count() > MAX_STRING_CHARS {
        return Err(format!(
            "a {type_code} must not be longer than {MAX_STRING_CHARS} characters"
        ));
    }
    Ok(())
}

fn check_int32(type_code: &str, lexical: &str) -> Result<(), String> {
    if lexical.parse::<i32>().is_err() {
        return Err(format!(
            "{} is out of range for {type_code} (at most 2147483647{})",
            quoted(lexical),
            if type_code == "integer" {
                ", at least -2147483648"
            } else {
                ""
            }
        ));
    }
    Ok(())
}

/// Rejects dates the regex lets through but the calendar does not have (`2023-02-29`).
fn check_calendar_date(type_code: &str, lexical: &str) -> Result<(), String> {
    let (Some(year), Some(month), Some(day)) =
        (lexical.get(0..4), lexical.get(5..7), lexical.get(8..10))
    else {
        return Ok(());
    };
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Ok(());
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days_in_month {
        return Err(format!(
            "{} is not a valid {type_code}: no such day",
            quoted(lexical)
        ));
    }
    Ok(())
}

/// `=` may only pad the end: at most two, after all the data characters.
fn check_base64_padding(lexical: &str) -> Result<(), String> {
    let data: Vec<u8> = lexical
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let padding = data.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 || data[..data.len() - padding].contains(&b'=') {
        return Err(
            "base64Binary padding '=' may only appear (at most twice) at the end".to_owned(),
        );
    }
    Ok(())
}

/// The value in quotes for a message, shortened if long.
fn quoted(lexical: &str) -> String {
    const SHOWN: usize = 64;
    match lexical.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("'{}…'", &lexical[..cut]),
        None => format!("'{lexical}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simple_patterns_answer_as_the_regexes_do() {
        let samples = [
            "",
            "0",
            "00",
            "01",
            "10",
            "-0",
            "-01",
            "-",
            "--1",
            "+1",
            "1.5",
            "2147483648",
            "true",
            "false",
            "True",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{b}b",
            "a\u{c}",
            "a\u{a0}b",
            "é",
            "http://x/y z",
            "urn:oid:1.2",
            "a-b.c",
            "a_b",
            "x\n",
            "\n",
            "\r",
            "ab\u{85}cd",
            "１",
            &"a".repeat(64),
            &"a".repeat(65),
        ];
        let types = [
            "uri",
            "url",
            "canonical",
            "code",
            "id",
            "boolean",
            "integer",
            "unsignedInt",
            "positiveInt",
        ];
        for type_code in types {
            let regex = &PATTERNS[type_code];
            for sample in samples {
                assert_eq!(
                    matches_simple_pattern(type_code, sample),
                    Some(regex.is_match(sample)),
                    "{type_code} {sample:?}"
                );
            }
        }
        assert_eq!(matches_simple_pattern("dateTime", "2020"), None);
    }

    fn valid(type_code: &str, values: &[&str]) {
        for value in values {
            assert_eq!(
                check_primitive(type_code, value),
                Ok(()),
                "{type_code} {value:?}"
            );
        }
    }

    fn invalid(type_code: &str, values: &[&str]) {
        for value in values {
            assert!(
                check_primitive(type_code, value).is_err(),
                "{type_code} {value:?} accepted"
            );
        }
    }

    #[test]
    fn numbers() {
        valid("integer", &["0", "-1", "2147483647", "-2147483648"]);
        invalid(
            "integer",
            &["01", "+1", "1.0", "2147483648", "-2147483649", "", " 1"],
        );
        valid("unsignedInt", &["0", "2147483647"]);
        invalid("unsignedInt", &["-1", "2147483648", "00"]);
        valid("positiveInt", &["1", "42"]);
        invalid("positiveInt", &["0", "-1", "2147483648"]);
        valid("decimal", &["0", "-0.5", "1.50", "1e10", "6.02E+23"]);
        invalid("decimal", &[".5", "1.", "01", "1e", "NaN"]);
    }

    #[test]
    fn dates_and_times() {
        valid("date", &["2024", "2024-02", "2024-02-29", "2000-02-29"]);
        invalid(
            "date",
            &[
                "2023-02-29",
                "1900-02-29",
                "2024-04-31",
                "2024-13",
                "0000",
                "24-01-01",
                "2024-1-1",
            ],
        );
        valid(
            "dateTime",
            &[
                "2015",
                "2015-02-07T13:28:17.239+02:00",
                "2017-01-01T00:00:00Z",
            ],
        );
        invalid(
            "dateTime",
            &[
                "2015-02-07T13:28:17",
                "2015-02-07T24:00:00Z",
                "2015-02-30T10:00:00Z",
            ],
        );
        valid(
            "instant",
            &["2015-02-07T13:28:17.239+02:00", "2015-02-07T13:28:17Z"],
        );
        invalid(
            "instant",
            &[
                "2015-02-07",
                "2015-02-07T13:28:17",
                "2015-02-07T13:28:17+15:00",
            ],
        );
        valid("time", &["00:00:00", "23:59:60", "12:30:00.5"]);
        invalid("time", &["24:00:00", "12:30", "12:30:00Z"]);
    }

    #[test]
    fn strings_and_codes() {
        valid("string", &["a", "line\nbreak\ttab", " padded ", "\u{a0}"]);
        invalid("string", &["", "bell\u{7}", "nul\u{0}"]);
        let too_long = "x".repeat(MAX_STRING_CHARS + 1);
        assert!(
            check_primitive("markdown", &too_long)
                .unwrap_err()
                .contains("longer")
        );
        valid("string", &["x".repeat(MAX_STRING_CHARS).as_str()]);
        valid("code", &["male", "a b", "ünïcödé"]);
        invalid("code", &["", " male", "male ", "a  b", "a\t\tb"]);
        valid("id", &["a-b.C9", &"x".repeat(64)]);
        invalid("id", &["a_b", &"x".repeat(65), ""]);
        valid("uri", &["http://x/y", "urn:a", ""]);
        invalid("uri", &["http://x/ y"]);
        valid("boolean", &["true", "false"]);
        invalid("boolean", &["True", "1", ""]);
    }

    #[test]
    fn identifiers_and_binary() {
        valid("oid", &["urn:oid:1.2.3.4"]);
        invalid("oid", &["urn:oid:3.1", "urn:oid:1.02", "1.2.3"]);
        valid("uuid", &["urn:uuid:c757873d-ec9a-4326-a141-556f43239520"]);
        invalid(
            "uuid",
            &[
                "urn:uuid:C757873D-EC9A-4326-A141-556F43239520",
                "c757873d-ec9a-4326-a141-556f43239520",
            ],
        );
        valid("base64Binary", &["aGVsbG8=", "aGVs bG8h", "YQ=="]);
        invalid(
            "base64Binary",
            &["aGVsbG8", "a===", "aG=sbG8=", "", "aGVs!G8="],
        );
    }

    #[test]
    fn unknown_type_and_xhtml() {
        assert_eq!(
            check_primitive("Quantity", "1"),
            Err("'Quantity' is not a FHIR R4 primitive type".to_owned())
        );
        assert!(check_primitive("xhtml", "<div/>").is_err());
    }

    #[test]
    fn message_shortens_long_values() {
        let message = check_primitive("date", &"9".repeat(500)).unwrap_err();
        assert!(message.len() < 120, "{message}");
    }
}
