//! Steps: one action plus headers, expectations, captures and repetition.

use super::action::{ActionKind, action};
use super::assertion::assertion;
use super::keys::Keys;
use super::values::{Text, VARIABLE_NAME, boolean, entries, list, mapping};
use super::{Problem, Result};
use crate::suite::model::{Capture, CaptureSource, ForEach, SkipUnless, Step, StepAuth};
use crate::suite::yaml::Node;
use indexmap::IndexMap;

#[derive(Debug, Clone, Copy, PartialEq)]
enum StepKey {
    Name,
    Headers,
    Expect,
    Capture,
    ForEach,
    Setup,
    SkipUnless,
    Auth,
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
    StepKey::Action(ActionKind::Token),
    StepKey::Action(ActionKind::Tls),
    StepKey::Action(ActionKind::Certificate),
    StepKey::Action(ActionKind::PlainHttp),
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
        ("token", StepKey::Action(ActionKind::Token)),
        ("tls", StepKey::Action(ActionKind::Tls)),
        ("certificate", StepKey::Action(ActionKind::Certificate)),
        ("plain_http", StepKey::Action(ActionKind::PlainHttp)),
        ("headers", StepKey::Headers),
        ("expect", StepKey::Expect),
        ("capture", StepKey::Capture),
        ("for_each", StepKey::ForEach),
        ("setup", StepKey::Setup),
        ("skip_unless", StepKey::SkipUnless),
        ("auth", StepKey::Auth),
    ],
)
.exclusive(ACTIONS, two_actions);

/// Reads one step.
pub(crate) fn step(node: &Node) -> Result<Step> {
    let mut seen = Vec::new();
    let (mut name, mut action, mut for_each, mut skip_unless) = (None, None, None, None);
    let mut setup = false;
    let mut auth = StepAuth::default();
    let (mut headers, mut capture) = (IndexMap::new(), IndexMap::new());
    let mut expect = Vec::new();
    let expected = "a step: a mapping with one action such as `read` or `search`";
    for (key, value) in mapping(node, expected)? {
        match STEP_KEYS.check(key, &mut seen)? {
            StepKey::Name => name = Some(Text::non_empty("a step name").read(value)?),
            StepKey::Action(kind) => action = Some(self::action(kind, value)?),
            StepKey::Headers => {
                headers = entries(
                    value,
                    "headers",
                    Text::non_empty("a header name"),
                    |value| Text::any("a header value").read(value),
                )?
            }
            StepKey::Expect => expect = list(value, "a list of assertions", true, assertion)?,
            StepKey::Capture => capture = entries(value, "captures", VARIABLE_NAME, self::capture)?,
            StepKey::ForEach => for_each = Some(self::for_each(value)?),
            StepKey::Setup => setup = boolean(value)?,
            StepKey::SkipUnless => skip_unless = Some(self::skip_unless(value)?),
            StepKey::Auth => auth = super::auth::step_auth(value)?,
        }
    }
    let Some(action) = action else {
        return Err(Problem::at(
            node,
            format!(
                "a step needs exactly one action ({}), found none",
                STEP_KEYS.list(ACTIONS.iter().copied())
            ),
        ));
    };
    Ok(Step {
        name,
        action,
        headers,
        expect,
        capture,
        for_each,
        setup,
        skip_unless,
        auth,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SkipUnlessKey {
    FhirPath,
    Reason,
}

const SKIP_UNLESS_KEYS: Keys<SkipUnlessKey> = Keys::new(
    "skip_unless",
    &[
        ("fhirpath", SkipUnlessKey::FhirPath),
        ("reason", SkipUnlessKey::Reason),
    ],
);

fn skip_unless(node: &Node) -> Result<SkipUnless> {
    let mut seen = Vec::new();
    let (mut fhirpath, mut reason) = (None, None);
    for (key, value) in mapping(node, "a mapping with `fhirpath` and `reason`")? {
        match SKIP_UNLESS_KEYS.check(key, &mut seen)? {
            SkipUnlessKey::FhirPath => fhirpath = Some(super::assertion::fhirpath(value)?),
            SkipUnlessKey::Reason => reason = Some(Text::non_empty("a reason").read(value)?),
        }
    }
    Ok(SkipUnless {
        fhirpath: SKIP_UNLESS_KEYS.required(fhirpath, SkipUnlessKey::FhirPath, node)?,
        reason: SKIP_UNLESS_KEYS.required(reason, SkipUnlessKey::Reason, node)?,
    })
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

fn for_each(node: &Node) -> Result<ForEach> {
    let mut seen = Vec::new();
    let (mut var, mut over) = (None, None);
    for (key, value) in mapping(node, "a mapping with `var` and `over`")? {
        let key = FOR_EACH_KEYS.check(key, &mut seen)?;
        let name = Some(VARIABLE_NAME.read(value)?);
        match key {
            ForEachKey::Var => var = name,
            ForEachKey::Over => over = name,
        }
    }
    Ok(ForEach {
        var: FOR_EACH_KEYS.required(var, ForEachKey::Var, node)?,
        over: FOR_EACH_KEYS.required(over, ForEachKey::Over, node)?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CaptureKey {
    Json,
    Header,
    FirstOf,
    Regex,
    All,
}

fn two_sources(_: &str, first: &str, second: &str) -> String {
    format!("a capture reads one of `json`, `header` or `first_of`, found `{first}` and `{second}`")
}

const CAPTURE_KEYS: Keys<CaptureKey> = Keys::new(
    "capture",
    &[
        ("json", CaptureKey::Json),
        ("header", CaptureKey::Header),
        ("first_of", CaptureKey::FirstOf),
        ("regex", CaptureKey::Regex),
        ("all", CaptureKey::All),
    ],
)
.exclusive(
    &[CaptureKey::Json, CaptureKey::Header, CaptureKey::FirstOf],
    two_sources,
);

fn capture(node: &Node) -> Result<Capture> {
    let mut seen = Vec::new();
    let (mut source, mut regex, mut all) = (None, None, false);
    for (key, value) in mapping(
        node,
        "a capture: a mapping with `json`, `header` or `first_of`",
    )? {
        match CAPTURE_KEYS.check(key, &mut seen)? {
            CaptureKey::Json => {
                source = Some(CaptureSource::Json(
                    Text::non_empty("a JSON path").read(value)?,
                ))
            }
            CaptureKey::Header => {
                source = Some(CaptureSource::Header(
                    Text::non_empty("a header name").read(value)?,
                ))
            }
            CaptureKey::FirstOf => {
                let expected = "a list of captures, each with `json` or `header`";
                let sources = list(value, expected, false, capture)?;
                if let Some((index, _)) = sources.iter().enumerate().find(|(_, source)| {
                    matches!(source.source, CaptureSource::FirstOf(_)) || source.all
                }) {
                    return Err(Problem::at(
                        value.item(index),
                        "a `first_of` item reads `json` or `header` (with an optional `regex`)",
                    ));
                }
                source = Some(CaptureSource::FirstOf(sources));
            }
            CaptureKey::Regex => regex = Some(Text::non_empty("a regular expression").read(value)?),
            CaptureKey::All => all = boolean(value)?,
        }
    }
    let Some(source) = source else {
        return Err(Problem::at(
            node,
            "a capture needs `json` (a path into the body), `header` (a header name) or \
             `first_of` (a list of those)",
        ));
    };
    if let CaptureSource::FirstOf(_) = source
        && (regex.is_some() || all)
    {
        return Err(Problem::at(
            node,
            "`first_of` takes no `regex` or `all`: give each item its own `regex`",
        ));
    }
    if all && matches!(source, CaptureSource::Header(_)) {
        return Err(Problem::at(
            node,
            "`all: true` only applies to `json` captures",
        ));
    }
    Ok(Capture { source, regex, all })
}
