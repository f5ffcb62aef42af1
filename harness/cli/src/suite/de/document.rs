//! The top of a suite file and its tests.

use super::keys::Keys;
use super::values::{Entries, List, Text};
use crate::suite::model::{Level, TestCase};
use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The FHIR version a suite targets when it does not say.
pub(crate) const DEFAULT_FHIR_VERSION: &str = "4.0.1";

/// A suite file as written: a [`crate::suite::Suite`] without its source.
#[derive(Debug)]
pub(crate) struct SuiteDocument {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) fhir_version: String,
    pub(crate) description: Option<String>,
    pub(crate) variables: IndexMap<String, String>,
    pub(crate) tests: Vec<TestCase>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SuiteKey {
    Id,
    Title,
    FhirVersion,
    Description,
    Variables,
    Tests,
}

const SUITE_KEYS: Keys<SuiteKey> = Keys::new(
    "suite",
    &[
        ("id", SuiteKey::Id),
        ("title", SuiteKey::Title),
        ("fhir_version", SuiteKey::FhirVersion),
        ("description", SuiteKey::Description),
        ("variables", SuiteKey::Variables),
        ("tests", SuiteKey::Tests),
    ],
);

/// Variable names as used in `{{ name }}`, `capture` and `for_each`.
pub(crate) const VARIABLE_NAME: Text = Text::name("a variable name");

impl<'de> Deserialize<'de> for SuiteDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SuiteVisitor)
    }
}

struct SuiteVisitor;

impl<'de> Visitor<'de> for SuiteVisitor {
    type Value = SuiteDocument;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a suite: a mapping with `id`, `title` and `tests`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SuiteDocument, A::Error> {
        let mut seen = Vec::new();
        let (mut id, mut title, mut fhir_version, mut description) = (None, None, None, None);
        let mut variables = IndexMap::new();
        let mut tests = None;
        while let Some(key) = SUITE_KEYS.next(&mut map, &mut seen)? {
            match key {
                SuiteKey::Id => id = Some(map.next_value_seed(Text::name("a suite id"))?),
                SuiteKey::Title => {
                    title = Some(map.next_value_seed(Text::non_empty("a suite title"))?)
                }
                SuiteKey::FhirVersion => {
                    fhir_version = Some(map.next_value_seed(Text::non_empty("a FHIR version"))?)
                }
                SuiteKey::Description => {
                    description = Some(map.next_value_seed(Text::any("a description"))?)
                }
                SuiteKey::Variables => {
                    variables = map.next_value_seed(Entries {
                        what: "variables",
                        key: VARIABLE_NAME,
                        value: Text::any("a variable value"),
                    })?
                }
                SuiteKey::Tests => {
                    tests = Some(map.next_value_seed(List {
                        item: PhantomData::<TestCase>,
                        expecting: "a list of tests",
                        allow_empty: true,
                    })?)
                }
            }
        }
        Ok(SuiteDocument {
            id: SUITE_KEYS.required(id, SuiteKey::Id)?,
            title: SUITE_KEYS.required(title, SuiteKey::Title)?,
            fhir_version: fhir_version.unwrap_or_else(|| DEFAULT_FHIR_VERSION.to_owned()),
            description,
            variables,
            tests: SUITE_KEYS.required(tests, SuiteKey::Tests)?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TestKey {
    Id,
    Title,
    Level,
    Tags,
    Requirement,
    Description,
    Needs,
    Steps,
}

const TEST_KEYS: Keys<TestKey> = Keys::new(
    "test",
    &[
        ("id", TestKey::Id),
        ("title", TestKey::Title),
        ("level", TestKey::Level),
        ("tags", TestKey::Tags),
        ("requirement", TestKey::Requirement),
        ("description", TestKey::Description),
        ("needs", TestKey::Needs),
        ("steps", TestKey::Steps),
    ],
);

/// Test ids as written in `id` and `needs`.
const TEST_ID: Text = Text::name("a test id");

impl<'de> Deserialize<'de> for TestCase {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TestVisitor)
    }
}

struct TestVisitor;

impl<'de> Visitor<'de> for TestVisitor {
    type Value = TestCase;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a test: a mapping with `id`, `title`, `level` and `steps`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TestCase, A::Error> {
        let mut seen = Vec::new();
        let (mut id, mut title, mut level, mut steps) = (None, None, None, None);
        let (mut requirement, mut description) = (None, None);
        let (mut tags, mut needs) = (Vec::new(), Vec::new());
        while let Some(key) = TEST_KEYS.next(&mut map, &mut seen)? {
            match key {
                TestKey::Id => id = Some(map.next_value_seed(TEST_ID)?),
                TestKey::Title => {
                    title = Some(map.next_value_seed(Text::non_empty("a test title"))?)
                }
                TestKey::Level => level = Some(map.next_value::<Level>()?),
                TestKey::Tags => {
                    tags = map.next_value_seed(List {
                        item: Text::name("a tag"),
                        expecting: "a list of tags",
                        allow_empty: true,
                    })?
                }
                TestKey::Requirement => {
                    requirement = Some(map.next_value_seed(Text::non_empty("a requirement"))?)
                }
                TestKey::Description => {
                    description = Some(map.next_value_seed(Text::any("a description"))?)
                }
                TestKey::Needs => {
                    needs = map.next_value_seed(List {
                        item: TEST_ID,
                        expecting: "a list of test ids",
                        allow_empty: true,
                    })?
                }
                TestKey::Steps => {
                    steps = Some(map.next_value_seed(List {
                        item: PhantomData,
                        expecting: "a list of steps",
                        allow_empty: false,
                    })?)
                }
            }
        }
        Ok(TestCase {
            id: TEST_KEYS.required(id, TestKey::Id)?,
            title: TEST_KEYS.required(title, TestKey::Title)?,
            level: TEST_KEYS.required(level, TestKey::Level)?,
            tags,
            requirement,
            description,
            needs,
            steps: TEST_KEYS.required(steps, TestKey::Steps)?,
        })
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(LevelVisitor)
    }
}

struct LevelVisitor;

impl Visitor<'_> for LevelVisitor {
    type Value = Level;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHALL, SHOULD or MAY")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Level, E> {
        [Level::Shall, Level::Should, Level::May]
            .into_iter()
            .find(|level| level.as_str() == text)
            .ok_or_else(|| {
                E::custom(format!(
                    "unknown level `{text}`, expected SHALL, SHOULD or MAY"
                ))
            })
    }
}
