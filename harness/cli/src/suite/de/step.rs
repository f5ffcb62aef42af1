//! Steps: one action plus headers, expectations, captures and repetition.

use super::action::{ActionKind, ActionSeed};
use super::document::VARIABLE_NAME;
use super::keys::Keys;
use super::values::{Entries, List, Text};
use crate::suite::model::{Capture, CaptureSource, ForEach, Step};
use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

#[derive(Debug, Clone, Copy, PartialEq)]
enum StepKey {
    Name,
    Headers,
    Expect,
    Capture,
    ForEach,
    Action(ActionKind),
}

const ACTIONS: &[StepKey] = &[
    StepKey::Action(ActionKind::Capabilities),
    StepKey::Action(ActionKind::Read),
    StepKey::Action(ActionKind::Vread),
    StepKey::Action(ActionKind::Search),
    StepKey::Action(ActionKind::Create),
    StepKey::Action(ActionKind::Update),
    StepKey::Action(ActionKind::Delete),
    StepKey::Action(ActionKind::History),
    StepKey::Action(ActionKind::Request),
];

fn two_actions(_: &str, first: &str, second: &str) -> String {
    format!("a step needs exactly one action, found `{first}` and `{second}`")
}

const STEP_KEYS: Keys<StepKey> = Keys::new(
    "step",
    &[
        ("name", StepKey::Name),
        ("capabilities", StepKey::Action(ActionKind::Capabilities)),
        ("read", StepKey::Action(ActionKind::Read)),
        ("vread", StepKey::Action(ActionKind::Vread)),
        ("search", StepKey::Action(ActionKind::Search)),
        ("create", StepKey::Action(ActionKind::Create)),
        ("update", StepKey::Action(ActionKind::Update)),
        ("delete", StepKey::Action(ActionKind::Delete)),
        ("history", StepKey::Action(ActionKind::History)),
        ("request", StepKey::Action(ActionKind::Request)),
        ("headers", StepKey::Headers),
        ("expect", StepKey::Expect),
        ("capture", StepKey::Capture),
        ("for_each", StepKey::ForEach),
    ],
)
.exclusive(ACTIONS, two_actions);

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StepVisitor)
    }
}

struct StepVisitor;

impl<'de> Visitor<'de> for StepVisitor {
    type Value = Step;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a step: a mapping with one action such as `read` or `search`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
        let mut seen = Vec::new();
        let (mut name, mut action, mut for_each) = (None, None, None);
        let (mut headers, mut capture) = (IndexMap::new(), IndexMap::new());
        let mut expect = Vec::new();
        while let Some(key) = STEP_KEYS.next(&mut map, &mut seen)? {
            match key {
                StepKey::Name => name = Some(map.next_value_seed(Text::non_empty("a step name"))?),
                StepKey::Action(kind) => action = Some(map.next_value_seed(ActionSeed(kind))?),
                StepKey::Headers => {
                    headers = map.next_value_seed(Entries {
                        what: "headers",
                        key: Text::non_empty("a header name"),
                        value: Text::any("a header value"),
                    })?
                }
                StepKey::Expect => {
                    expect = map.next_value_seed(List {
                        item: PhantomData,
                        expecting: "a list of assertions",
                        allow_empty: true,
                    })?
                }
                StepKey::Capture => {
                    capture = map.next_value_seed(Entries {
                        what: "captures",
                        key: VARIABLE_NAME,
                        value: PhantomData::<Capture>,
                    })?
                }
                StepKey::ForEach => for_each = Some(map.next_value::<ForEach>()?),
            }
        }
        let Some(action) = action else {
            return Err(de::Error::custom(format!(
                "a step needs exactly one action ({}), found none",
                STEP_KEYS.list(ACTIONS.iter().copied())
            )));
        };
        Ok(Step {
            name,
            action,
            headers,
            expect,
            capture,
            for_each,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ForEachKey {
    Var,
    Over,
}

const FOR_EACH_KEYS: Keys<ForEachKey> = Keys::new(
    "for_each",
    &[("var", ForEachKey::Var), ("over", ForEachKey::Over)],
);

impl<'de> Deserialize<'de> for ForEach {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ForEachVisitor)
    }
}

struct ForEachVisitor;

impl<'de> Visitor<'de> for ForEachVisitor {
    type Value = ForEach;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping with `var` and `over`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ForEach, A::Error> {
        let mut seen = Vec::new();
        let (mut var, mut over) = (None, None);
        while let Some(key) = FOR_EACH_KEYS.next(&mut map, &mut seen)? {
            let name = Some(map.next_value_seed(VARIABLE_NAME)?);
            match key {
                ForEachKey::Var => var = name,
                ForEachKey::Over => over = name,
            }
        }
        Ok(ForEach {
            var: FOR_EACH_KEYS.required(var, ForEachKey::Var)?,
            over: FOR_EACH_KEYS.required(over, ForEachKey::Over)?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CaptureKey {
    Json,
    Header,
    Regex,
    All,
}

fn two_sources(_: &str, first: &str, second: &str) -> String {
    format!("a capture reads either `json` or `header`, found `{first}` and `{second}`")
}

const CAPTURE_KEYS: Keys<CaptureKey> = Keys::new(
    "capture",
    &[
        ("json", CaptureKey::Json),
        ("header", CaptureKey::Header),
        ("regex", CaptureKey::Regex),
        ("all", CaptureKey::All),
    ],
)
.exclusive(&[CaptureKey::Json, CaptureKey::Header], two_sources);

impl<'de> Deserialize<'de> for Capture {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CaptureVisitor)
    }
}

struct CaptureVisitor;

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Capture;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a capture: a mapping with `json` or `header`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Capture, A::Error> {
        let mut seen = Vec::new();
        let (mut source, mut regex, mut all) = (None, None, false);
        while let Some(key) = CAPTURE_KEYS.next(&mut map, &mut seen)? {
            match key {
                CaptureKey::Json => {
                    source = Some(CaptureSource::Json(
                        map.next_value_seed(Text::non_empty("a JSON path"))?,
                    ))
                }
                CaptureKey::Header => {
                    source = Some(CaptureSource::Header(
                        map.next_value_seed(Text::non_empty("a header name"))?,
                    ))
                }
                CaptureKey::Regex => {
                    regex = Some(map.next_value_seed(Text::non_empty("a regular expression"))?)
                }
                CaptureKey::All => all = map.next_value()?,
            }
        }
        let Some(source) = source else {
            return Err(de::Error::custom(
                "a capture needs `json` (a path into the body) or `header` (a header name)",
            ));
        };
        if all && matches!(source, CaptureSource::Header(_)) {
            return Err(de::Error::custom(
                "`all: true` only applies to `json` captures",
            ));
        }
        Ok(Capture { source, regex, all })
    }
}
