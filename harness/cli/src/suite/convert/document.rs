//! The top of a suite file and its tests.

use super::Result;
use super::data::item;
use super::generate::generate;
use super::keys::Keys;
use super::level::level;
use super::step::step;
use super::values::{Text, VARIABLE_NAME, entries, list, mapping};
use crate::suite::Generators;
use crate::suite::model::{DataItem, TestCase};
use crate::suite::yaml::Node;
use indexmap::IndexMap;

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
    pub(crate) data: Vec<DataItem>,
    pub(crate) tests: Vec<TestCase>,
    pub(crate) generate: Generators,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SuiteKey {
    Id,
    Title,
    FhirVersion,
    Description,
    Variables,
    Data,
    Tests,
    Generate,
}

const SUITE_KEYS: Keys<SuiteKey> = Keys::new(
    "suite",
    &[
        ("id", SuiteKey::Id),
        ("title", SuiteKey::Title),
        ("fhir_version", SuiteKey::FhirVersion),
        ("description", SuiteKey::Description),
        ("variables", SuiteKey::Variables),
        ("data", SuiteKey::Data),
        ("tests", SuiteKey::Tests),
        ("generate", SuiteKey::Generate),
    ],
);

/// Reads a whole suite file from its root node.
pub(crate) fn document(root: &Node) -> Result<SuiteDocument> {
    let mut seen = Vec::new();
    let (mut id, mut title, mut fhir_version, mut description) = (None, None, None, None);
    let mut variables = IndexMap::new();
    let mut data = Vec::new();
    let (mut tests, mut generated) = (None, None);
    for (key, value) in mapping(root, "a suite: a mapping with `id`, `title` and `tests`")? {
        match SUITE_KEYS.check(key, &mut seen)? {
            SuiteKey::Id => id = Some(Text::name("a suite id").read(value)?),
            SuiteKey::Title => title = Some(Text::non_empty("a suite title").read(value)?),
            SuiteKey::FhirVersion => {
                fhir_version = Some(Text::non_empty("a FHIR version").read(value)?)
            }
            SuiteKey::Description => description = Some(Text::any("a description").read(value)?),
            SuiteKey::Variables => {
                variables = entries(value, "variables", VARIABLE_NAME, |value| {
                    Text::any("a variable value").read(value)
                })?
            }
            SuiteKey::Data => data = list(value, "a list of data items", true, item)?,
            SuiteKey::Tests => tests = Some(list(value, "a list of tests", true, test)?),
            SuiteKey::Generate => generated = Some(generate(value)?),
        }
    }
    Ok(SuiteDocument {
        id: SUITE_KEYS.required(id, SuiteKey::Id, root)?,
        title: SUITE_KEYS.required(title, SuiteKey::Title, root)?,
        fhir_version: fhir_version.unwrap_or_else(|| DEFAULT_FHIR_VERSION.to_owned()),
        description,
        variables,
        data,
        tests: match (tests, &generated) {
            (None, Some(_)) => Vec::new(),
            (tests, _) => SUITE_KEYS.required(tests, SuiteKey::Tests, root)?,
        },
        generate: generated.unwrap_or_default(),
    })
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

fn test(node: &Node) -> Result<TestCase> {
    let mut seen = Vec::new();
    let (mut id, mut title, mut level, mut steps) = (None, None, None, None);
    let (mut requirement, mut description) = (None, None);
    let (mut tags, mut needs) = (Vec::new(), Vec::new());
    let expected = "a test: a mapping with `id`, `title`, `level` and `steps`";
    for (key, value) in mapping(node, expected)? {
        match TEST_KEYS.check(key, &mut seen)? {
            TestKey::Id => id = Some(TEST_ID.read(value)?),
            TestKey::Title => title = Some(Text::non_empty("a test title").read(value)?),
            TestKey::Level => level = Some(self::level(value)?),
            TestKey::Tags => {
                tags = list(value, "a list of tags", true, |tag| {
                    Text::name("a tag").read(tag)
                })?
            }
            TestKey::Requirement => {
                requirement = Some(Text::non_empty("a requirement").read(value)?)
            }
            TestKey::Description => description = Some(Text::any("a description").read(value)?),
            TestKey::Needs => {
                needs = list(value, "a list of test ids", true, |id| TEST_ID.read(id))?
            }
            TestKey::Steps => steps = Some(list(value, "a list of steps", false, step)?),
        }
    }
    Ok(TestCase {
        id: TEST_KEYS.required(id, TestKey::Id, node)?,
        title: TEST_KEYS.required(title, TestKey::Title, node)?,
        level: TEST_KEYS.required(level, TestKey::Level, node)?,
        tags,
        requirement,
        description,
        needs,
        steps: TEST_KEYS.required(steps, TestKey::Steps, node)?,
    })
}
