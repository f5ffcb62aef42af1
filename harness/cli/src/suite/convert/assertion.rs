//! Expectations on a response: single-key mappings such as `status: 200`.

use super::keys::Keys;
use super::scalars::Typed;
use super::values::{Any, Text, any, boolean, count, invalid_type, json, mapping, only_true};
use super::{Problem, Result};
use crate::suite::model::{
    Assertion, ConformsTo, CountBounds, FhirPathCheck, HeaderMatch, JsonCheck, JsonMatch,
    StatusMatch,
};
use crate::suite::yaml::Node;
use crate::validation::{LIST_KEYS, SETTING_KEYS, SettingValue, ValidatorSettings};

#[derive(Debug, Clone, Copy, PartialEq)]
enum AssertionKey {
    Status,
    Header,
    ContentType,
    ResourceType,
    BundleType,
    EntryCount,
    OperationOutcome,
    Json,
    FhirPath,
    Conforms,
    NoInternals,
}

const ALL_ASSERTIONS: &[AssertionKey] = &[
    AssertionKey::Status,
    AssertionKey::Header,
    AssertionKey::ContentType,
    AssertionKey::ResourceType,
    AssertionKey::BundleType,
    AssertionKey::EntryCount,
    AssertionKey::OperationOutcome,
    AssertionKey::Json,
    AssertionKey::FhirPath,
    AssertionKey::Conforms,
    AssertionKey::NoInternals,
];

fn unknown_assertion(_: &str, key: &str, expected: &str) -> String {
    format!("unknown assertion `{key}`, expected one of {expected}")
}

fn two_assertions(_: &str, first: &str, second: &str) -> String {
    format!(
        "an assertion has exactly one key, found `{first}` and `{second}` \
         (start each assertion with `- `)"
    )
}

const ASSERTION_KEYS: Keys<AssertionKey> = Keys::new(
    "assertion",
    &[
        ("status", AssertionKey::Status),
        ("header", AssertionKey::Header),
        ("content_type", AssertionKey::ContentType),
        ("resource_type", AssertionKey::ResourceType),
        ("bundle_type", AssertionKey::BundleType),
        ("entry_count", AssertionKey::EntryCount),
        ("operation_outcome", AssertionKey::OperationOutcome),
        ("json", AssertionKey::Json),
        ("fhirpath", AssertionKey::FhirPath),
        ("conforms", AssertionKey::Conforms),
        ("no_internals", AssertionKey::NoInternals),
    ],
)
.exclusive(ALL_ASSERTIONS, two_assertions)
.unknown(unknown_assertion);

/// Reads one assertion.
pub(crate) fn assertion(node: &Node) -> Result<Assertion> {
    let mut seen = Vec::new();
    let mut assertion = None;
    let expected = "an assertion: a single-key mapping such as `status: 200`";
    for (key, value) in mapping(node, expected)? {
        assertion = Some(match ASSERTION_KEYS.check(key, &mut seen)? {
            AssertionKey::Status => Assertion::Status(status(value, false)?),
            AssertionKey::Header => Assertion::Header(header(value)?),
            AssertionKey::ContentType => {
                Assertion::ContentType(Text::non_empty("a media type").read(value)?)
            }
            AssertionKey::ResourceType => {
                Assertion::ResourceType(Text::non_empty("a resource type").read(value)?)
            }
            AssertionKey::BundleType => {
                Assertion::BundleType(Text::non_empty("a Bundle type").read(value)?)
            }
            AssertionKey::EntryCount => Assertion::EntryCount(entry_count(value)?),
            AssertionKey::OperationOutcome => {
                only_true(value, "operation_outcome")?;
                Assertion::OperationOutcome
            }
            AssertionKey::Json => Assertion::Json(json_match(value)?),
            AssertionKey::FhirPath => Assertion::FhirPath(fhirpath(value)?),
            AssertionKey::Conforms => Assertion::Conforms(conforms(value)?),
            AssertionKey::NoInternals => {
                only_true(value, "no_internals")?;
                Assertion::NoInternals
            }
        });
    }
    assertion.ok_or_else(|| {
        Problem::at(
            node,
            format!(
                "an assertion needs one key ({}), found none",
                ASSERTION_KEYS.list(ALL_ASSERTIONS.iter().copied())
            ),
        )
    })
}

/// The lowest and highest HTTP status codes.
const STATUS_RANGE: std::ops::RangeInclusive<u64> = 100..=599;

fn invalid_code(node: &Node, code: impl std::fmt::Display) -> Problem {
    Problem::at(
        node,
        format!("invalid status {code}, expected a code from 100 to 599"),
    )
}

fn status_code(node: &Node, code: u64) -> Result<u16> {
    match u16::try_from(code) {
        Ok(code) if STATUS_RANGE.contains(&u64::from(code)) => Ok(code),
        _ => Err(invalid_code(node, code)),
    }
}

/// Reads `status`: a code, a class (`2xx`), a range (`200-299`) or (unless `in_list`, as lists
/// do not nest) a list of those.
fn status(node: &Node, in_list: bool) -> Result<StatusMatch> {
    let expected = if in_list {
        "a status code (200), class (2xx) or range (200-299)"
    } else {
        "a status code (200), class (2xx), range (200-299) or a list of them"
    };
    let one = |codes: Vec<u16>, ranges: Vec<(u16, u16)>| Ok(StatusMatch { codes, ranges });
    match any(node, expected)? {
        Any::Scalar(Typed::Unsigned(code)) => one(vec![status_code(node, code)?], Vec::new()),
        Any::Scalar(Typed::Signed(code)) => Err(invalid_code(node, code)),
        Any::Scalar(Typed::Str(text)) => status_text(node, text),
        Any::Sequence(items) if !in_list => {
            let mut all = StatusMatch {
                codes: Vec::new(),
                ranges: Vec::new(),
            };
            for item in items {
                let one = status(item, true)?;
                all.codes.extend(one.codes);
                all.ranges.extend(one.ranges);
            }
            if all.codes.is_empty() && all.ranges.is_empty() {
                return Err(Problem::at(
                    node,
                    "expected at least one status, found an empty list",
                ));
            }
            Ok(all)
        }
        _ => Err(invalid_type(node, expected)),
    }
}

/// A status written as text: `200`, `2xx` or `200-299`.
fn status_text(node: &Node, text: &str) -> Result<StatusMatch> {
    let invalid = || {
        Problem::at(
            node,
            format!(
                "invalid status `{text}`, expected a code (200), a class (2xx) or a range (200-299)"
            ),
        )
    };
    let number = |digits: &str| -> Result<u16> {
        if digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()) {
            let code: u64 = digits.parse().map_err(|_| invalid())?;
            status_code(node, code)
        } else {
            Err(invalid())
        }
    };
    let trimmed = text.trim();
    if let Some(class) = trimmed.strip_suffix("xx") {
        let low = number(&format!("{class}00"))?;
        return Ok(StatusMatch {
            codes: Vec::new(),
            ranges: vec![(low, low + 99)],
        });
    }
    if let Some((low, high)) = trimmed.split_once('-') {
        let (low, high) = (number(low.trim())?, number(high.trim())?);
        if low > high {
            return Err(Problem::at(
                node,
                format!("invalid status range `{text}`: {low} is above {high}"),
            ));
        }
        return Ok(StatusMatch {
            codes: Vec::new(),
            ranges: vec![(low, high)],
        });
    }
    Ok(StatusMatch {
        codes: vec![number(trimmed)?],
        ranges: Vec::new(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CountKey {
    Min,
    Max,
    MatchesOnly,
}

const COUNT_KEYS: Keys<CountKey> = Keys::new(
    "entry_count",
    &[
        ("min", CountKey::Min),
        ("max", CountKey::Max),
        ("matches_only", CountKey::MatchesOnly),
    ],
);

/// Reads `entry_count`: an exact number, or bounds.
fn entry_count(node: &Node) -> Result<CountBounds> {
    let expected = "a number of entries or a mapping with `min`, `max` and `matches_only`";
    let entries = match any(node, expected)? {
        Any::Scalar(Typed::Unsigned(exact)) => {
            let exact =
                usize::try_from(exact).map_err(|_| Problem::at(node, "entry count too large"))?;
            return Ok(CountBounds {
                min: Some(exact),
                max: Some(exact),
                matches_only: false,
            });
        }
        Any::Mapping(entries) => entries,
        _ => return Err(invalid_type(node, expected)),
    };
    let mut seen = Vec::new();
    let mut bounds = CountBounds::default();
    for (key, value) in entries {
        match COUNT_KEYS.check(key, &mut seen)? {
            CountKey::Min => bounds.min = Some(count(value)?),
            CountKey::Max => bounds.max = Some(count(value)?),
            CountKey::MatchesOnly => bounds.matches_only = boolean(value)?,
        }
    }
    match (bounds.min, bounds.max) {
        (None, None) => Err(Problem::at(node, "entry_count needs `min`, `max` or both")),
        (Some(min), Some(max)) if min > max => Err(Problem::at(
            node,
            format!("entry_count `min` ({min}) is above `max` ({max})"),
        )),
        _ => Ok(bounds),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum HeaderKey {
    Name,
    Present,
    Equals,
    Matches,
    NotMatches,
}

fn equals_or_matches(_: &str, first: &str, second: &str) -> String {
    format!(
        "a header assertion takes one of `equals`, `matches` and `not_matches`, found `{first}` \
         and `{second}`"
    )
}

const HEADER_KEYS: Keys<HeaderKey> = Keys::new(
    "header assertion",
    &[
        ("name", HeaderKey::Name),
        ("present", HeaderKey::Present),
        ("equals", HeaderKey::Equals),
        ("matches", HeaderKey::Matches),
        ("not_matches", HeaderKey::NotMatches),
    ],
)
.exclusive(
    &[HeaderKey::Equals, HeaderKey::Matches, HeaderKey::NotMatches],
    equals_or_matches,
);

fn header(node: &Node) -> Result<HeaderMatch> {
    let mut seen = Vec::new();
    let (mut name, mut equals, mut matches, mut not_matches, mut present) =
        (None, None, None, None, true);
    let expected =
        "a mapping with `name` and optional `present`, `equals`, `matches` or `not_matches`";
    for (key, value) in mapping(node, expected)? {
        match HEADER_KEYS.check(key, &mut seen)? {
            HeaderKey::Name => name = Some(Text::non_empty("a header name").read(value)?),
            HeaderKey::Present => present = boolean(value)?,
            HeaderKey::Equals => equals = Some(Text::any("a header value").read(value)?),
            HeaderKey::Matches => {
                matches = Some(Text::non_empty("a regular expression").read(value)?)
            }
            HeaderKey::NotMatches => {
                not_matches = Some(Text::non_empty("a regular expression").read(value)?)
            }
        }
    }
    if !present && (equals.is_some() || matches.is_some() || not_matches.is_some()) {
        return Err(Problem::at(
            node,
            "`present: false` asserts the header is absent: drop `equals`/`matches`/`not_matches`",
        ));
    }
    Ok(HeaderMatch {
        name: HEADER_KEYS.required(name, HeaderKey::Name, node)?,
        present,
        equals,
        matches,
        not_matches,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum JsonKey {
    Path,
    Equals,
    Exists,
    Matches,
    Contains,
}

const JSON_CHECKS: &[JsonKey] = &[
    JsonKey::Equals,
    JsonKey::Exists,
    JsonKey::Matches,
    JsonKey::Contains,
];

fn two_checks(_: &str, first: &str, second: &str) -> String {
    format!("a json assertion checks one thing, found `{first}` and `{second}`")
}

const JSON_KEYS: Keys<JsonKey> = Keys::new(
    "json assertion",
    &[
        ("path", JsonKey::Path),
        ("equals", JsonKey::Equals),
        ("exists", JsonKey::Exists),
        ("matches", JsonKey::Matches),
        ("contains", JsonKey::Contains),
    ],
)
.exclusive(JSON_CHECKS, two_checks);

fn json_match(node: &Node) -> Result<JsonMatch> {
    let mut seen = Vec::new();
    let (mut path, mut check) = (None, None);
    let expected = "a mapping with `path` and one of `equals`, `exists`, `matches` or `contains`";
    for (key, value) in mapping(node, expected)? {
        match JSON_KEYS.check(key, &mut seen)? {
            JsonKey::Path => path = Some(Text::non_empty("a JSON path").read(value)?),
            JsonKey::Equals => check = Some(JsonCheck::Equals(json(value)?)),
            JsonKey::Exists => check = Some(JsonCheck::Exists(boolean(value)?)),
            JsonKey::Matches => {
                check = Some(JsonCheck::Matches(
                    Text::non_empty("a regular expression").read(value)?,
                ))
            }
            JsonKey::Contains => check = Some(JsonCheck::Contains(json(value)?)),
        }
    }
    let path = JSON_KEYS.required(path, JsonKey::Path, node)?;
    let check = check.ok_or_else(|| {
        Problem::at(
            node,
            format!(
                "a json assertion needs one of {}",
                JSON_KEYS.list(JSON_CHECKS.iter().copied())
            ),
        )
    })?;
    Ok(JsonMatch { path, check })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ConformsKey {
    Profile,
    Options,
}

const CONFORMS_KEYS: Keys<ConformsKey> = Keys::new(
    "conforms assertion",
    &[
        ("profile", ConformsKey::Profile),
        ("options", ConformsKey::Options),
    ],
);

fn conforms(node: &Node) -> Result<ConformsTo> {
    let mut seen = Vec::new();
    let mut conforms = ConformsTo::default();
    let expected = "a mapping: `{}` or `{ profile: <canonical URL>, options: {...} }`";
    for (key, value) in mapping(node, expected)? {
        match CONFORMS_KEYS.check(key, &mut seen)? {
            ConformsKey::Profile => {
                conforms.profile = Some(Text::non_empty("a profile's canonical URL").read(value)?)
            }
            ConformsKey::Options => conforms.options = validator_options(value)?,
        }
    }
    Ok(conforms)
}

/// Reads `conforms.options`: the validator settings of `assure validate`'s flags, by their
/// config-file keys (`check_references: exists`, `allow_extension_domains: [fhir.nhs.uk]`,
/// `bundle: ["Patient:0 https://…"]`).
fn validator_options(node: &Node) -> Result<ValidatorSettings> {
    let expected = format!(
        "a mapping of validator settings ({})",
        SETTING_KEYS.join(", ")
    );
    let mut settings = ValidatorSettings::default();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in mapping(node, &expected)? {
        let name = Text::non_empty("a validator setting").read(key)?;
        if seen.contains(&name.as_str()) {
            return Err(Problem::at(key, format!("`{name}` is given twice")));
        }
        if let Some(known) = SETTING_KEYS.iter().find(|k| **k == name) {
            seen.push(known);
        }
        let expected = "a boolean, a word or a list of words";
        let at_key = |message: String| {
            let at = if message.starts_with("unknown validator setting") {
                key
            } else {
                value
            };
            Problem::at(at, message)
        };
        let setting = match any(value, expected)? {
            // A key whose items add up takes them one by one, each problem where it is.
            Any::Sequence(items) if LIST_KEYS.contains(&name.as_str()) => {
                for item in items {
                    let text = Text::non_empty("a list item").read(item)?;
                    settings
                        .set(&name, SettingValue::Text(text))
                        .map_err(|message| Problem::at(item, message))?;
                }
                continue;
            }
            Any::Sequence(items) => SettingValue::List(
                items
                    .iter()
                    .map(|item| Text::non_empty("a domain").read(item))
                    .collect::<Result<_>>()?,
            ),
            Any::Mapping(_) => return Err(invalid_type(value, expected)),
            Any::Scalar(_) => match boolean(value) {
                Ok(flag) => SettingValue::Bool(flag),
                Err(_) => SettingValue::Text(Text::non_empty("a word").read(value)?),
            },
        };
        settings.set(&name, setting).map_err(at_key)?;
    }
    Ok(settings)
}

/// Reads `fhirpath`: an expression, parsed now so that a malformed one stops the load.
pub(crate) fn fhirpath(node: &Node) -> Result<FhirPathCheck> {
    let text = Text::non_empty("a FHIRPath expression").read(node)?;
    match assure_fhirpath::parse(&text) {
        Ok(expression) => Ok(FhirPathCheck {
            expression,
            variables: Vec::new(),
        }),
        Err(error) => Err(Problem::at(
            node,
            format!(
                "invalid FHIRPath expression `{text}`: {} (at character {})",
                error.message,
                error.offset + 1
            ),
        )),
    }
}
