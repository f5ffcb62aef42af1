//! Data items (`data:` of a suite): values discovered from the server before any test runs.

use super::action::{ActionKind, action};
use super::keys::Keys;
use super::values::{Text, VARIABLE_NAME, boolean, list, mapping};
use super::{Problem, Result};
use crate::suite::model::{Action, DataItem, DataSource};
use crate::suite::yaml::Node;

/// The keys of an item and of a source in `otherwise`: one reading action and what to take.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DataKey {
    Name,
    Description,
    Missing,
    All,
    Otherwise,
    Json,
    Regex,
    Action(ActionKind),
}

const ACTIONS: &[DataKey] = &[
    DataKey::Action(ActionKind::Read),
    DataKey::Action(ActionKind::Search),
    DataKey::Action(ActionKind::Request),
];

fn two_actions(context: &str, first: &str, second: &str) -> String {
    format!("{context} sends exactly one request, found `{first}` and `{second}`")
}

const ITEM_KEYS: Keys<DataKey> = Keys::new(
    "data item",
    &[
        ("name", DataKey::Name),
        ("description", DataKey::Description),
        ("read", DataKey::Action(ActionKind::Read)),
        ("search", DataKey::Action(ActionKind::Search)),
        ("request", DataKey::Action(ActionKind::Request)),
        ("json", DataKey::Json),
        ("regex", DataKey::Regex),
        ("all", DataKey::All),
        ("otherwise", DataKey::Otherwise),
        ("missing", DataKey::Missing),
    ],
)
.exclusive(ACTIONS, two_actions);

const SOURCE_KEYS: Keys<DataKey> = Keys::new(
    "data source",
    &[
        ("read", DataKey::Action(ActionKind::Read)),
        ("search", DataKey::Action(ActionKind::Search)),
        ("request", DataKey::Action(ActionKind::Request)),
        ("json", DataKey::Json),
        ("regex", DataKey::Regex),
    ],
)
.exclusive(ACTIONS, two_actions);

/// A source as it is read, before its required keys are checked.
#[derive(Default)]
struct Draft {
    action: Option<Action>,
    json: Option<String>,
    regex: Option<String>,
}

impl Draft {
    /// Reads `key`'s `value` if it belongs to a source; false if it is an item-only key.
    fn read(&mut self, key: DataKey, value: &Node) -> Result<bool> {
        match key {
            DataKey::Action(kind) => self.action = Some(reading(kind, value)?),
            DataKey::Json => self.json = Some(Text::non_empty("a JSON path").read(value)?),
            DataKey::Regex => {
                self.regex = Some(Text::non_empty("a regular expression").read(value)?)
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish(self, keys: &Keys<DataKey>, node: &Node) -> Result<DataSource> {
        let Some(action) = self.action else {
            return Err(Problem::at(
                node,
                format!(
                    "{} needs a request: one of `read`, `search` or `request`",
                    keys.context()
                ),
            ));
        };
        Ok(DataSource {
            action,
            json: keys.required(self.json, DataKey::Json, node)?,
            regex: self.regex,
        })
    }
}

/// The action of a source, which may only read.
fn reading(kind: ActionKind, node: &Node) -> Result<Action> {
    let read = action(kind, node)?;
    if let Action::Request { method, .. } = &read
        && method != "GET"
    {
        return Err(Problem::at(
            node.field("method"),
            format!("a data item only reads: `request` takes method GET, found `{method}`"),
        ));
    }
    Ok(read)
}

/// Reads one data item.
pub(crate) fn item(node: &Node) -> Result<DataItem> {
    let mut seen = Vec::new();
    let (mut name, mut description, mut missing) = (None, None, None);
    let (mut all, mut otherwise) = (false, Vec::new());
    let mut first = Draft::default();
    let expected = "a data item: a mapping with `name`, `description`, a request, `json` and \
                    `missing`";
    for (key, value) in mapping(node, expected)? {
        let key = ITEM_KEYS.check(key, &mut seen)?;
        if first.read(key, value)? {
            continue;
        }
        match key {
            DataKey::Name => name = Some(VARIABLE_NAME.read(value)?),
            DataKey::Description => {
                description = Some(Text::non_empty("a description").read(value)?)
            }
            DataKey::Missing => {
                missing = Some(Text::non_empty("why checks cannot run without it").read(value)?)
            }
            DataKey::All => all = boolean(value)?,
            DataKey::Otherwise => otherwise = list(value, "a list of data sources", false, source)?,
            DataKey::Action(_) | DataKey::Json | DataKey::Regex => {}
        }
    }
    let mut sources = vec![first.finish(&ITEM_KEYS, node)?];
    sources.extend(otherwise);
    Ok(DataItem {
        name: ITEM_KEYS.required(name, DataKey::Name, node)?,
        description: ITEM_KEYS.required(description, DataKey::Description, node)?,
        sources,
        all,
        missing: ITEM_KEYS.required(missing, DataKey::Missing, node)?,
    })
}

/// Reads one source of `otherwise`.
fn source(node: &Node) -> Result<DataSource> {
    let mut seen = Vec::new();
    let mut draft = Draft::default();
    for (key, value) in mapping(node, "a data source: a mapping with a request and `json`")? {
        let key = SOURCE_KEYS.check(key, &mut seen)?;
        draft.read(key, value)?;
    }
    draft.finish(&SOURCE_KEYS, node)
}
