//! The action of a step (`read`, `search`, `request`, ...) and its fields.

use super::keys::Keys;
use super::values::{Entries, JsonObject, Text};
use crate::suite::model::{Action, Body, SearchMethod};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Which action a step key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionKind {
    Capabilities,
    Read,
    Vread,
    Search,
    Create,
    Update,
    Delete,
    History,
    Request,
}

/// The fields any action may have; each action accepts its own subset.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Type,
    Id,
    Version,
    Params,
    Method,
    Body,
    Raw,
    Path,
}

fn body_or_raw(context: &str, first: &str, second: &str) -> String {
    format!("{context} takes either `body` or `raw`, found `{first}` and `{second}`")
}

const BODIES: &[Field] = &[Field::Body, Field::Raw];

impl ActionKind {
    /// The keys this action accepts.
    fn keys(self) -> &'static Keys<Field> {
        const CAPABILITIES: Keys<Field> = Keys::new("capabilities", &[]);
        const READ: Keys<Field> = Keys::new("read", &[("type", Field::Type), ("id", Field::Id)]);
        const VREAD: Keys<Field> = Keys::new(
            "vread",
            &[
                ("type", Field::Type),
                ("id", Field::Id),
                ("version", Field::Version),
            ],
        );
        const SEARCH: Keys<Field> = Keys::new(
            "search",
            &[
                ("type", Field::Type),
                ("params", Field::Params),
                ("method", Field::Method),
            ],
        );
        const CREATE: Keys<Field> = Keys::new(
            "create",
            &[
                ("type", Field::Type),
                ("body", Field::Body),
                ("raw", Field::Raw),
            ],
        )
        .exclusive(BODIES, body_or_raw);
        const UPDATE: Keys<Field> = Keys::new(
            "update",
            &[
                ("type", Field::Type),
                ("id", Field::Id),
                ("body", Field::Body),
                ("raw", Field::Raw),
            ],
        )
        .exclusive(BODIES, body_or_raw);
        const DELETE: Keys<Field> =
            Keys::new("delete", &[("type", Field::Type), ("id", Field::Id)]);
        const HISTORY: Keys<Field> =
            Keys::new("history", &[("type", Field::Type), ("id", Field::Id)]);
        const REQUEST: Keys<Field> = Keys::new(
            "request",
            &[
                ("method", Field::Method),
                ("path", Field::Path),
                ("body", Field::Body),
                ("raw", Field::Raw),
            ],
        )
        .exclusive(BODIES, body_or_raw);
        match self {
            ActionKind::Capabilities => &CAPABILITIES,
            ActionKind::Read => &READ,
            ActionKind::Vread => &VREAD,
            ActionKind::Search => &SEARCH,
            ActionKind::Create => &CREATE,
            ActionKind::Update => &UPDATE,
            ActionKind::Delete => &DELETE,
            ActionKind::History => &HISTORY,
            ActionKind::Request => &REQUEST,
        }
    }

    /// What the action's value must look like, for type errors.
    fn expecting(self) -> &'static str {
        match self {
            ActionKind::Capabilities => "`{}` (capabilities takes no keys)",
            ActionKind::Read => "a mapping with `type` and `id`",
            ActionKind::Vread => "a mapping with `type`, `id` and `version`",
            ActionKind::Search => "a mapping with optional `type`, `params` and `method`",
            ActionKind::Create => "a mapping with `type` and `body` or `raw`",
            ActionKind::Update => "a mapping with `type`, `id` and `body` or `raw`",
            ActionKind::Delete => "a mapping with `type` and `id`",
            ActionKind::History => "a mapping with optional `type` and `id`",
            ActionKind::Request => "a mapping with `method`, `path` and optional `body` or `raw`",
        }
    }
}

/// Reads the value of an action key into an [`Action`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionSeed(pub(crate) ActionKind);

impl<'de> DeserializeSeed<'de> for ActionSeed {
    type Value = Action;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Action, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// The fields read so far, before the action is assembled.
#[derive(Default)]
struct Fields {
    resource_type: Option<String>,
    id: Option<String>,
    version: Option<String>,
    params: Option<Vec<(String, String)>>,
    search_method: Option<SearchMethod>,
    http_method: Option<String>,
    body: Option<Body>,
    path: Option<String>,
}

impl<'de> Visitor<'de> for ActionSeed {
    type Value = Action;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Action, A::Error> {
        let kind = self.0;
        let keys = kind.keys();
        let mut seen = Vec::new();
        let mut fields = Fields::default();
        while let Some(field) = keys.next(&mut map, &mut seen)? {
            match field {
                Field::Type => {
                    fields.resource_type =
                        Some(map.next_value_seed(Text::non_empty("a resource type"))?)
                }
                Field::Id => {
                    fields.id = Some(map.next_value_seed(Text::non_empty("a resource id"))?)
                }
                Field::Version => {
                    fields.version = Some(map.next_value_seed(Text::non_empty("a version id"))?)
                }
                Field::Params => fields.params = Some(map.next_value_seed(Params)?),
                Field::Method if kind == ActionKind::Search => {
                    fields.search_method = Some(map.next_value_seed(SearchMethodSeed)?)
                }
                Field::Method => fields.http_method = Some(map.next_value_seed(HttpMethod)?),
                Field::Body => fields.body = Some(Body::Json(map.next_value_seed(JsonObject)?)),
                Field::Raw => {
                    fields.body = Some(Body::Raw(map.next_value_seed(Text::any("raw body text"))?))
                }
                Field::Path => {
                    fields.path = Some(
                        map.next_value_seed(Text::non_empty("a path relative to the base URL"))?,
                    )
                }
            }
        }
        assemble(kind, fields)
    }
}

/// Builds the action from its fields, failing on a missing required one.
fn assemble<E: de::Error>(kind: ActionKind, fields: Fields) -> Result<Action, E> {
    let keys = kind.keys();
    let Fields {
        resource_type,
        id,
        version,
        params,
        search_method,
        http_method,
        body,
        path,
    } = fields;
    let required_body = |body: Option<Body>| {
        body.ok_or_else(|| {
            E::custom(format!(
                "{} needs `body` (a mapping sent as JSON) or `raw` (text sent as is)",
                keys.context()
            ))
        })
    };
    Ok(match kind {
        ActionKind::Capabilities => Action::Capabilities,
        ActionKind::Read => Action::Read {
            resource_type: keys.required(resource_type, Field::Type)?,
            id: keys.required(id, Field::Id)?,
        },
        ActionKind::Vread => Action::Vread {
            resource_type: keys.required(resource_type, Field::Type)?,
            id: keys.required(id, Field::Id)?,
            version: keys.required(version, Field::Version)?,
        },
        ActionKind::Search => Action::Search {
            resource_type,
            params: params.unwrap_or_default(),
            method: search_method.unwrap_or_default(),
        },
        ActionKind::Create => Action::Create {
            resource_type: keys.required(resource_type, Field::Type)?,
            body: required_body(body)?,
        },
        ActionKind::Update => Action::Update {
            resource_type: keys.required(resource_type, Field::Type)?,
            id: keys.required(id, Field::Id)?,
            body: required_body(body)?,
        },
        ActionKind::Delete => Action::Delete {
            resource_type: keys.required(resource_type, Field::Type)?,
            id: keys.required(id, Field::Id)?,
        },
        ActionKind::History => {
            if id.is_some() && resource_type.is_none() {
                return Err(E::custom("history of one resource needs `type` with `id`"));
            }
            Action::History { resource_type, id }
        }
        ActionKind::Request => Action::Request {
            method: keys.required(http_method, Field::Method)?,
            path: keys.required(path, Field::Path)?,
            body,
        },
    })
}

/// `params` of a search: a mapping from parameter name to a value or a list of values (the
/// parameter is repeated), in the order written. Numbers and booleans are taken as text.
#[derive(Debug, Clone, Copy)]
struct Params;

impl<'de> DeserializeSeed<'de> for Params {
    type Value = Vec<(String, String)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let by_name = Entries {
            what: "search parameters",
            key: Text::non_empty("a search parameter name"),
            value: ParamValues,
        }
        .deserialize(deserializer)?;
        Ok(by_name
            .into_iter()
            .flat_map(|(name, values)| values.into_iter().map(move |value| (name.clone(), value)))
            .collect())
    }
}

/// The value(s) of one search parameter.
#[derive(Debug, Clone, Copy)]
struct ParamValues;

impl<'de> DeserializeSeed<'de> for ParamValues {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<String>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ParamValues {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a search parameter value or a list of values")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Vec<String>, E> {
        Ok(vec![value.to_owned()])
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Vec<String>, E> {
        Ok(vec![value.to_string()])
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Vec<String>, E> {
        Ok(vec![value.to_string()])
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Vec<String>, E> {
        Ok(vec![value.to_string()])
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Vec<String>, E> {
        Ok(vec![value.to_string()])
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(Text::any("a search parameter value"))? {
            values.push(value);
        }
        if values.is_empty() {
            return Err(de::Error::custom(
                "expected at least one search parameter value, found an empty list",
            ));
        }
        Ok(values)
    }
}

/// `method` of a search: `get` or `post`.
#[derive(Debug, Clone, Copy)]
struct SearchMethodSeed;

impl<'de> DeserializeSeed<'de> for SearchMethodSeed {
    type Value = SearchMethod;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<SearchMethod, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for SearchMethodSeed {
    type Value = SearchMethod;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`get` or `post`")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<SearchMethod, E> {
        match text.to_ascii_lowercase().as_str() {
            "get" => Ok(SearchMethod::Get),
            "post" => Ok(SearchMethod::Post),
            _ => Err(E::custom(format!(
                "unknown search method `{text}`, expected `get` or `post`"
            ))),
        }
    }
}

/// `method` of a request: an HTTP method name, upper-cased.
#[derive(Debug, Clone, Copy)]
struct HttpMethod;

impl<'de> DeserializeSeed<'de> for HttpMethod {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for HttpMethod {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an HTTP method such as GET or POST")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(text.to_ascii_uppercase())
        } else {
            Err(E::custom(format!(
                "invalid HTTP method `{text}`, expected a method such as GET or POST"
            )))
        }
    }
}
