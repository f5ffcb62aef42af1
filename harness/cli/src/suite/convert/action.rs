//! The action of a step (`read`, `search`, `request`, ...) and its fields.

use super::keys::Keys;
use super::scalars::Typed;
use super::values::{Any, Text, any, entries, invalid_type, json_object, mapping};
use super::{Problem, Result};
use crate::suite::model::{Action, Body, SearchMethod};
use crate::suite::yaml::Node;

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
    Token,
    Tls,
    Certificate,
    PlainHttp,
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
    Padded,
    Path,
}

fn body_or_raw(context: &str, first: &str, second: &str) -> String {
    format!("{context} takes one body, found both `{first}` and `{second}`")
}

const BODIES: &[Field] = &[Field::Body, Field::Raw, Field::Padded];

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
                ("padded", Field::Padded),
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
            ActionKind::Token
            | ActionKind::Tls
            | ActionKind::Certificate
            | ActionKind::PlainHttp => {
                unreachable!("read by the probe module")
            }
        }
    }

    /// What the action's value must look like, for type errors.
    fn expecting(self) -> &'static str {
        match self {
            ActionKind::Capabilities => "`{}` (capabilities takes no keys)",
            ActionKind::Read => "a mapping with `type` and `id`",
            ActionKind::Vread => "a mapping with `type`, `id` and `version`",
            ActionKind::Search => "a mapping with optional `type`, `params` and `method`",
            ActionKind::Create => "a mapping with `type` and `body`, `raw` or `padded`",
            ActionKind::Update => "a mapping with `type`, `id` and `body` or `raw`",
            ActionKind::Delete => "a mapping with `type` and `id`",
            ActionKind::History => "a mapping with optional `type` and `id`",
            ActionKind::Request => "a mapping with `method`, `path` and optional `body` or `raw`",
            ActionKind::Token
            | ActionKind::Tls
            | ActionKind::Certificate
            | ActionKind::PlainHttp => unreachable!("read by the probe module"),
        }
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

/// Reads the value of the action key `kind` into an [`Action`].
pub(crate) fn action(kind: ActionKind, node: &Node) -> Result<Action> {
    match kind {
        ActionKind::Token => return super::probe::token(node),
        ActionKind::Tls => return super::probe::tls(node),
        ActionKind::Certificate => return super::probe::certificate(node),
        ActionKind::PlainHttp => return super::probe::plain_http(node),
        _ => {}
    }
    let keys = kind.keys();
    let mut seen = Vec::new();
    let mut fields = Fields::default();
    for (key, value) in mapping(node, kind.expecting())? {
        match keys.check(key, &mut seen)? {
            Field::Type => {
                fields.resource_type = Some(Text::non_empty("a resource type").read(value)?)
            }
            Field::Id => fields.id = Some(Text::non_empty("a resource id").read(value)?),
            Field::Version => fields.version = Some(Text::non_empty("a version id").read(value)?),
            Field::Params => fields.params = Some(params(value)?),
            Field::Method if kind == ActionKind::Search => {
                fields.search_method = Some(search_method(value)?)
            }
            Field::Method => fields.http_method = Some(http_method(value)?),
            Field::Body => fields.body = Some(Body::Json(json_object(value)?)),
            Field::Raw => fields.body = Some(Body::Raw(Text::any("raw body text").read(value)?)),
            Field::Padded => fields.body = Some(Body::Padded(byte_count(value)?)),
            Field::Path => {
                fields.path = Some(Text::non_empty("a path relative to the base URL").read(value)?)
            }
        }
    }
    assemble(kind, fields, node)
}

/// Builds the action from its fields, failing at `node` on a missing required one.
fn assemble(kind: ActionKind, fields: Fields, node: &Node) -> Result<Action> {
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
            Problem::at(
                node,
                format!(
                    "{} needs `body` (a mapping sent as JSON) or `raw` (text sent as is)",
                    keys.context()
                ),
            )
        })
    };
    Ok(match kind {
        ActionKind::Capabilities => Action::Capabilities,
        ActionKind::Read => Action::Read {
            resource_type: keys.required(resource_type, Field::Type, node)?,
            id: keys.required(id, Field::Id, node)?,
        },
        ActionKind::Vread => Action::Vread {
            resource_type: keys.required(resource_type, Field::Type, node)?,
            id: keys.required(id, Field::Id, node)?,
            version: keys.required(version, Field::Version, node)?,
        },
        ActionKind::Search => Action::Search {
            resource_type,
            params: params.unwrap_or_default(),
            method: search_method.unwrap_or_default(),
        },
        ActionKind::Create => Action::Create {
            resource_type: keys.required(resource_type, Field::Type, node)?,
            body: required_body(body)?,
        },
        ActionKind::Update => Action::Update {
            resource_type: keys.required(resource_type, Field::Type, node)?,
            id: keys.required(id, Field::Id, node)?,
            body: required_body(body)?,
        },
        ActionKind::Delete => Action::Delete {
            resource_type: keys.required(resource_type, Field::Type, node)?,
            id: keys.required(id, Field::Id, node)?,
        },
        ActionKind::History => {
            if id.is_some() && resource_type.is_none() {
                return Err(Problem::at(
                    node,
                    "history of one resource needs `type` with `id`",
                ));
            }
            Action::History { resource_type, id }
        }
        ActionKind::Request => Action::Request {
            method: keys.required(http_method, Field::Method, node)?,
            path: keys.required(path, Field::Path, node)?,
            body,
        },
        ActionKind::Token | ActionKind::Tls | ActionKind::Certificate | ActionKind::PlainHttp => {
            unreachable!("read by the probe module")
        }
    })
}

/// `params` of a search: a mapping from parameter name to a value or a list of values (the
/// parameter is repeated), in the order written. Values are sent as written: `5.40` stays
/// `5.40`, `true` is `true`.
fn params(node: &Node) -> Result<Vec<(String, String)>> {
    let by_name = entries(
        node,
        "search parameters",
        Text::non_empty("a search parameter name"),
        param_values,
    )?;
    Ok(by_name
        .into_iter()
        .flat_map(|(name, values)| values.into_iter().map(move |value| (name.clone(), value)))
        .collect())
}

/// The value(s) of one search parameter.
fn param_values(node: &Node) -> Result<Vec<String>> {
    let expected = "a search parameter value or a list of values";
    match any(node, expected)? {
        Any::Scalar(
            Typed::Bool(_)
            | Typed::Unsigned(_)
            | Typed::Signed(_)
            | Typed::Float(_)
            | Typed::Str(_),
        ) => Ok(vec![node.scalar().unwrap_or_default().to_owned()]),
        Any::Scalar(Typed::Null | Typed::BigUnsigned(_) | Typed::BigSigned(_))
        | Any::Mapping(_) => Err(invalid_type(node, expected)),
        Any::Sequence(items) => {
            if items.is_empty() {
                return Err(Problem::at(
                    node,
                    "expected at least one search parameter value, found an empty list",
                ));
            }
            items
                .iter()
                .map(|item| Text::any("a search parameter value").read(item))
                .collect()
        }
    }
}

/// `method` of a search: `get` or `post`.
fn search_method(node: &Node) -> Result<SearchMethod> {
    let text = Text::any("`get` or `post`").read(node)?;
    match text.to_ascii_lowercase().as_str() {
        "get" => Ok(SearchMethod::Get),
        "post" => Ok(SearchMethod::Post),
        _ => Err(Problem::at(
            node,
            format!("unknown search method `{text}`, expected `get` or `post`"),
        )),
    }
}

/// `method` of a request: an HTTP method name, upper-cased.
fn http_method(node: &Node) -> Result<String> {
    let text = Text::any("an HTTP method such as GET or POST").read(node)?;
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(Problem::at(
            node,
            format!("invalid HTTP method `{text}`, expected a method such as GET or POST"),
        ))
    }
}

/// A number of bytes for `padded`: a positive integer up to 64 MiB.
fn byte_count(node: &Node) -> Result<usize> {
    const MAX: u64 = 64 * 1024 * 1024;
    let expected = "a number of bytes (a positive integer up to 67108864)";
    match any(node, expected)? {
        Any::Scalar(Typed::Unsigned(bytes)) if (1..=MAX).contains(&bytes) => Ok(bytes as usize),
        _ => Err(invalid_type(node, expected)),
    }
}
