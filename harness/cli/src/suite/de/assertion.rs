//! Expectations on a response: single-key mappings such as `status: 200`.

use super::keys::Keys;
use super::values::{Json, OnlyTrue, Text};
use crate::suite::model::{
    Assertion, ConformsTo, CountBounds, HeaderMatch, JsonCheck, JsonMatch, StatusMatch,
};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

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
    Conforms,
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
    AssertionKey::Conforms,
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
        ("conforms", AssertionKey::Conforms),
    ],
)
.exclusive(ALL_ASSERTIONS, two_assertions)
.unknown(unknown_assertion);

impl<'de> Deserialize<'de> for Assertion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AssertionVisitor)
    }
}

struct AssertionVisitor;

impl<'de> Visitor<'de> for AssertionVisitor {
    type Value = Assertion;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an assertion: a single-key mapping such as `status: 200`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Assertion, A::Error> {
        let mut seen = Vec::new();
        let mut assertion = None;
        while let Some(key) = ASSERTION_KEYS.next(&mut map, &mut seen)? {
            assertion = Some(match key {
                AssertionKey::Status => Assertion::Status(map.next_value()?),
                AssertionKey::Header => Assertion::Header(map.next_value()?),
                AssertionKey::ContentType => {
                    Assertion::ContentType(map.next_value_seed(Text::non_empty("a media type"))?)
                }
                AssertionKey::ResourceType => Assertion::ResourceType(
                    map.next_value_seed(Text::non_empty("a resource type"))?,
                ),
                AssertionKey::BundleType => {
                    Assertion::BundleType(map.next_value_seed(Text::non_empty("a Bundle type"))?)
                }
                AssertionKey::EntryCount => Assertion::EntryCount(map.next_value()?),
                AssertionKey::OperationOutcome => {
                    map.next_value_seed(OnlyTrue {
                        key: "operation_outcome",
                    })?;
                    Assertion::OperationOutcome
                }
                AssertionKey::Json => Assertion::Json(map.next_value()?),
                AssertionKey::Conforms => Assertion::Conforms(map.next_value()?),
            });
        }
        assertion.ok_or_else(|| {
            de::Error::custom(format!(
                "an assertion needs one key ({}), found none",
                ASSERTION_KEYS.list(ALL_ASSERTIONS.iter().copied())
            ))
        })
    }
}

/// Reads `status`: a code, a class (`2xx`), a range (`200-299`) or a list of those.
#[derive(Debug, Clone, Copy)]
struct StatusVisitor {
    /// Inside a list, where lists may not nest.
    in_list: bool,
}

impl<'de> Deserialize<'de> for StatusMatch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StatusVisitor { in_list: false })
    }
}

impl<'de> DeserializeSeed<'de> for StatusVisitor {
    type Value = StatusMatch;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<StatusMatch, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The lowest and highest HTTP status codes.
const STATUS_RANGE: std::ops::RangeInclusive<u64> = 100..=599;

fn status_code<E: de::Error>(code: u64) -> Result<u16, E> {
    match u16::try_from(code) {
        Ok(code) if STATUS_RANGE.contains(&u64::from(code)) => Ok(code),
        _ => Err(E::custom(format!(
            "invalid status {code}, expected a code from 100 to 599"
        ))),
    }
}

impl<'de> Visitor<'de> for StatusVisitor {
    type Value = StatusMatch;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.in_list {
            f.write_str("a status code (200), class (2xx) or range (200-299)")
        } else {
            f.write_str("a status code (200), class (2xx), range (200-299) or a list of them")
        }
    }

    fn visit_u64<E: de::Error>(self, code: u64) -> Result<StatusMatch, E> {
        Ok(StatusMatch {
            codes: vec![status_code(code)?],
            ranges: Vec::new(),
        })
    }

    fn visit_i64<E: de::Error>(self, code: i64) -> Result<StatusMatch, E> {
        match u64::try_from(code) {
            Ok(code) => self.visit_u64(code),
            Err(_) => Err(E::custom(format!(
                "invalid status {code}, expected a code from 100 to 599"
            ))),
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<StatusMatch, E> {
        let invalid = || {
            E::custom(format!(
                "invalid status `{text}`, expected a code (200), a class (2xx) or a range (200-299)"
            ))
        };
        let number = |digits: &str| -> Result<u16, E> {
            if digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()) {
                digits
                    .parse()
                    .map_err(|_| invalid())
                    .and_then(|code: u64| status_code(code))
            } else {
                Err(invalid())
            }
        };
        let text_trimmed = text.trim();
        if let Some(class) = text_trimmed.strip_suffix("xx") {
            let low = number(&format!("{class}00"))?;
            return Ok(StatusMatch {
                codes: Vec::new(),
                ranges: vec![(low, low + 99)],
            });
        }
        if let Some((low, high)) = text_trimmed.split_once('-') {
            let (low, high) = (number(low.trim())?, number(high.trim())?);
            if low > high {
                return Err(E::custom(format!(
                    "invalid status range `{text}`: {low} is above {high}"
                )));
            }
            return Ok(StatusMatch {
                codes: Vec::new(),
                ranges: vec![(low, high)],
            });
        }
        Ok(StatusMatch {
            codes: vec![number(text_trimmed)?],
            ranges: Vec::new(),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StatusMatch, A::Error> {
        if self.in_list {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        let mut all = StatusMatch {
            codes: Vec::new(),
            ranges: Vec::new(),
        };
        while let Some(one) = seq.next_element_seed(StatusVisitor { in_list: true })? {
            all.codes.extend(one.codes);
            all.ranges.extend(one.ranges);
        }
        if all.codes.is_empty() && all.ranges.is_empty() {
            return Err(de::Error::custom(
                "expected at least one status, found an empty list",
            ));
        }
        Ok(all)
    }
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

impl<'de> Deserialize<'de> for CountBounds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = CountBounds;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number of entries or a mapping with `min`, `max` and `matches_only`")
    }

    fn visit_u64<E: de::Error>(self, count: u64) -> Result<CountBounds, E> {
        let count = usize::try_from(count).map_err(|_| E::custom("entry count too large"))?;
        Ok(CountBounds {
            min: Some(count),
            max: Some(count),
            matches_only: false,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CountBounds, A::Error> {
        let mut seen = Vec::new();
        let mut bounds = CountBounds::default();
        while let Some(key) = COUNT_KEYS.next(&mut map, &mut seen)? {
            match key {
                CountKey::Min => bounds.min = Some(map.next_value()?),
                CountKey::Max => bounds.max = Some(map.next_value()?),
                CountKey::MatchesOnly => bounds.matches_only = map.next_value()?,
            }
        }
        match (bounds.min, bounds.max) {
            (None, None) => Err(de::Error::custom("entry_count needs `min`, `max` or both")),
            (Some(min), Some(max)) if min > max => Err(de::Error::custom(format!(
                "entry_count `min` ({min}) is above `max` ({max})"
            ))),
            _ => Ok(bounds),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum HeaderKey {
    Name,
    Present,
    Equals,
    Matches,
}

fn equals_or_matches(_: &str, first: &str, second: &str) -> String {
    format!("a header assertion takes either `equals` or `matches`, found `{first}` and `{second}`")
}

const HEADER_KEYS: Keys<HeaderKey> = Keys::new(
    "header assertion",
    &[
        ("name", HeaderKey::Name),
        ("present", HeaderKey::Present),
        ("equals", HeaderKey::Equals),
        ("matches", HeaderKey::Matches),
    ],
)
.exclusive(&[HeaderKey::Equals, HeaderKey::Matches], equals_or_matches);

impl<'de> Deserialize<'de> for HeaderMatch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(HeaderVisitor)
    }
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = HeaderMatch;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping with `name` and optional `present`, `equals` or `matches`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeaderMatch, A::Error> {
        let mut seen = Vec::new();
        let (mut name, mut equals, mut matches, mut present) = (None, None, None, true);
        while let Some(key) = HEADER_KEYS.next(&mut map, &mut seen)? {
            match key {
                HeaderKey::Name => {
                    name = Some(map.next_value_seed(Text::non_empty("a header name"))?)
                }
                HeaderKey::Present => present = map.next_value()?,
                HeaderKey::Equals => {
                    equals = Some(map.next_value_seed(Text::any("a header value"))?)
                }
                HeaderKey::Matches => {
                    matches = Some(map.next_value_seed(Text::non_empty("a regular expression"))?)
                }
            }
        }
        if !present && (equals.is_some() || matches.is_some()) {
            return Err(de::Error::custom(
                "`present: false` asserts the header is absent: drop `equals`/`matches`",
            ));
        }
        Ok(HeaderMatch {
            name: HEADER_KEYS.required(name, HeaderKey::Name)?,
            present,
            equals,
            matches,
        })
    }
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

impl<'de> Deserialize<'de> for JsonMatch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = JsonMatch;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping with `path` and one of `equals`, `exists`, `matches` or `contains`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonMatch, A::Error> {
        let mut seen = Vec::new();
        let (mut path, mut check) = (None, None);
        while let Some(key) = JSON_KEYS.next(&mut map, &mut seen)? {
            match key {
                JsonKey::Path => path = Some(map.next_value_seed(Text::non_empty("a JSON path"))?),
                JsonKey::Equals => check = Some(JsonCheck::Equals(map.next_value_seed(Json)?)),
                JsonKey::Exists => check = Some(JsonCheck::Exists(map.next_value()?)),
                JsonKey::Matches => {
                    check = Some(JsonCheck::Matches(
                        map.next_value_seed(Text::non_empty("a regular expression"))?,
                    ))
                }
                JsonKey::Contains => check = Some(JsonCheck::Contains(map.next_value_seed(Json)?)),
            }
        }
        let path = JSON_KEYS.required(path, JsonKey::Path)?;
        let check = check.ok_or_else(|| {
            de::Error::custom(format!(
                "a json assertion needs one of {}",
                JSON_KEYS.list(JSON_CHECKS.iter().copied())
            ))
        })?;
        Ok(JsonMatch { path, check })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ConformsKey {
    Profile,
}

const CONFORMS_KEYS: Keys<ConformsKey> =
    Keys::new("conforms assertion", &[("profile", ConformsKey::Profile)]);

impl<'de> Deserialize<'de> for ConformsTo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ConformsVisitor)
    }
}

struct ConformsVisitor;

impl<'de> Visitor<'de> for ConformsVisitor {
    type Value = ConformsTo;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping: `{}` or `{ profile: <canonical URL> }`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConformsTo, A::Error> {
        let mut seen = Vec::new();
        let mut conforms = ConformsTo::default();
        while let Some(key) = CONFORMS_KEYS.next(&mut map, &mut seen)? {
            match key {
                ConformsKey::Profile => {
                    conforms.profile =
                        Some(map.next_value_seed(Text::non_empty("a profile's canonical URL"))?)
                }
            }
        }
        Ok(conforms)
    }
}
