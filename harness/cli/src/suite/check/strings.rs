//! The strings of a step that `{{ name }}` placeholders are replaced in, with the YAML nodes they
//! were written at: the step name, the action's fields (search parameter names and values, body
//! keys and strings), header values and the text of expectations (JSON paths and header names
//! included). Capture definitions, header names and `for_each` are used as written. A data item's
//! request and its `missing` reason are interpolated too; its `json` and `regex` are not.

use crate::suite::model::{Action, Assertion, Body, DataItem, JsonCheck, Step, StepAuth};
use crate::suite::yaml::Node;

/// A string that is interpolated, and the node it was written at.
pub(crate) struct Interpolated<'a> {
    pub(crate) node: &'a Node,
    pub(crate) text: &'a str,
}

/// Every interpolated string of `step`, read from `step_node`.
pub(crate) fn interpolated<'a>(step: &'a Step, step_node: &'a Node) -> Vec<Interpolated<'a>> {
    let mut strings = Strings(Vec::new());
    if let Some(name) = &step.name {
        strings.add(step_node.field("name"), name);
    }
    action_strings(&mut strings, &step.action, step_node);
    auth_strings(&mut strings, &step.auth, step_node.field("auth"));
    for (name, value) in &step.headers {
        strings.add(step_node.field("headers").field(name), value);
    }
    for (index, assertion) in step.expect.iter().enumerate() {
        let node = step_node.field("expect").item(index);
        match assertion {
            Assertion::Header(header) => {
                let node = node.field("header");
                strings.add(node.field("name"), &header.name);
                if let Some(equals) = &header.equals {
                    strings.add(node.field("equals"), equals);
                }
                if let Some(matches) = &header.matches {
                    strings.add(node.field("matches"), matches);
                }
            }
            Assertion::ContentType(text) => strings.add(node.field("content_type"), text),
            Assertion::ResourceType(text) => strings.add(node.field("resource_type"), text),
            Assertion::BundleType(text) => strings.add(node.field("bundle_type"), text),
            Assertion::Json(json) => {
                let node = node.field("json");
                strings.add(node.field("path"), &json.path);
                match &json.check {
                    JsonCheck::Equals(value) => strings.json(node.field("equals"), value),
                    JsonCheck::Contains(value) => strings.json(node.field("contains"), value),
                    JsonCheck::Matches(regex) => strings.add(node.field("matches"), regex),
                    JsonCheck::Exists(_) => {}
                }
            }
            Assertion::Conforms(conforms) => {
                if let Some(profile) = &conforms.profile {
                    strings.add(node.field("conforms").field("profile"), profile);
                }
            }
            Assertion::Status(_)
            | Assertion::EntryCount(_)
            | Assertion::OperationOutcome
            | Assertion::FhirPath(_)
            | Assertion::NoInternals => {}
        }
    }
    strings.0
}

/// Every interpolated string of data item `item`, read from `item_node`: the request of each
/// source and the `missing` reason.
pub(crate) fn data_item<'a>(item: &'a DataItem, item_node: &'a Node) -> Vec<Interpolated<'a>> {
    let mut strings = Strings(Vec::new());
    for (index, source) in item.sources.iter().enumerate() {
        let node = match index {
            0 => item_node,
            _ => item_node.field("otherwise").item(index - 1),
        };
        action_strings(&mut strings, &source.action, node);
    }
    strings.add(item_node.field("missing"), &item.missing);
    strings.0
}

struct Strings<'a>(Vec<Interpolated<'a>>);

impl<'a> Strings<'a> {
    fn add(&mut self, node: &'a Node, text: &'a str) {
        self.0.push(Interpolated { node, text });
    }

    /// Every string inside a JSON value, object keys included (a key is reported at its value).
    fn json(&mut self, node: &'a Node, value: &'a serde_json::Value) {
        match value {
            serde_json::Value::String(text) => self.add(node, text),
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.json(node.item(index), item);
                }
            }
            serde_json::Value::Object(members) => {
                for (name, member) in members {
                    let member_node = node.field(name);
                    self.add(member_node, name);
                    self.json(member_node, member);
                }
            }
            serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
            }
        }
    }

    /// The body of the action written at `node`.
    fn body(&mut self, node: &'a Node, body: &'a Body) {
        match body {
            Body::Json(value) => self.json(node.field("body"), value),
            Body::Raw(text) => self.add(node.field("raw"), text),
            Body::Padded(_) => {}
        }
    }
}

fn auth_strings<'a>(strings: &mut Strings<'a>, auth: &'a StepAuth, node: &'a Node) {
    match auth {
        StepAuth::Scope(scope) => strings.add(node.field("scope"), scope),
        StepAuth::Minted(spec) => {
            let node = node.field("mint");
            for (key, value) in [
                ("scope", &spec.scope),
                ("patient", &spec.patient),
                ("iss", &spec.issuer),
                ("aud", &spec.audience),
            ] {
                if let Some(value) = value {
                    strings.add(node.field(key), value);
                }
            }
        }
        StepAuth::Default
        | StepAuth::Run
        | StepAuth::None
        | StepAuth::Forged(_)
        | StepAuth::InQuery => {}
    }
}

fn action_strings<'a>(strings: &mut Strings<'a>, action: &'a Action, step_node: &'a Node) {
    match action {
        Action::Capabilities => {}
        Action::Read { resource_type, id } | Action::Delete { resource_type, id } => {
            let key = if matches!(action, Action::Read { .. }) {
                "read"
            } else {
                "delete"
            };
            let node = step_node.field(key);
            strings.add(node.field("type"), resource_type);
            strings.add(node.field("id"), id);
        }
        Action::Vread {
            resource_type,
            id,
            version,
        } => {
            let node = step_node.field("vread");
            strings.add(node.field("type"), resource_type);
            strings.add(node.field("id"), id);
            strings.add(node.field("version"), version);
        }
        Action::Search {
            resource_type,
            params,
            ..
        } => {
            let node = step_node.field("search");
            if let Some(resource_type) = resource_type {
                strings.add(node.field("type"), resource_type);
            }
            for (index, (name, value)) in params.iter().enumerate() {
                let repeat = params[..index].iter().filter(|(n, _)| n == name).count();
                let values = node.field("params").field(name);
                strings.add(values, name);
                strings.add(values.item(repeat), value);
            }
        }
        Action::Create {
            resource_type,
            body,
        } => {
            let node = step_node.field("create");
            strings.add(node.field("type"), resource_type);
            strings.body(node, body);
        }
        Action::Update {
            resource_type,
            id,
            body,
        } => {
            let node = step_node.field("update");
            strings.add(node.field("type"), resource_type);
            strings.add(node.field("id"), id);
            strings.body(node, body);
        }
        Action::History { resource_type, id } => {
            let node = step_node.field("history");
            if let Some(resource_type) = resource_type {
                strings.add(node.field("type"), resource_type);
            }
            if let Some(id) = id {
                strings.add(node.field("id"), id);
            }
        }
        Action::Request { path, body, .. } => {
            let node = step_node.field("request");
            strings.add(node.field("path"), path);
            if let Some(body) = body {
                strings.body(node, body);
            }
        }
        Action::Token(call) => {
            if let Some(scope) = &call.scope {
                strings.add(step_node.field("token").field("scope"), scope);
            }
        }
        Action::PlainHttp { url } => strings.add(step_node.field("plain_http").field("url"), url),
        Action::TlsOffer(_) | Action::Certificate(_) => {}
    }
}
