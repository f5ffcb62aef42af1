//! The strings of a step that `{{ name }}` placeholders are replaced in, with their node paths:
//! the step name, the action's fields (search parameter names and values, body keys and
//! strings), header values and the text of expectations (JSON paths and header names included).
//! Capture definitions, header names and `for_each` are used as written.

use crate::suite::model::{Action, Assertion, Body, JsonCheck, Step};

/// A string that is interpolated, and the path of the node it was written at.
pub(crate) struct Interpolated<'a> {
    pub(crate) path: String,
    pub(crate) text: &'a str,
}

/// Every interpolated string of `step`, whose node path is `step_path`.
pub(crate) fn interpolated<'a>(step: &'a Step, step_path: &str) -> Vec<Interpolated<'a>> {
    let mut strings = Strings(Vec::new());
    if let Some(name) = &step.name {
        strings.add(format!("{step_path}.name"), name);
    }
    action_strings(&mut strings, &step.action, step_path);
    for (name, value) in &step.headers {
        strings.add(format!("{step_path}.headers.{name}"), value);
    }
    for (index, assertion) in step.expect.iter().enumerate() {
        let path = format!("{step_path}.expect[{index}]");
        match assertion {
            Assertion::Header(header) => {
                strings.add(format!("{path}.header.name"), &header.name);
                if let Some(equals) = &header.equals {
                    strings.add(format!("{path}.header.equals"), equals);
                }
                if let Some(matches) = &header.matches {
                    strings.add(format!("{path}.header.matches"), matches);
                }
            }
            Assertion::ContentType(text) => strings.add(format!("{path}.content_type"), text),
            Assertion::ResourceType(text) => strings.add(format!("{path}.resource_type"), text),
            Assertion::BundleType(text) => strings.add(format!("{path}.bundle_type"), text),
            Assertion::Json(json) => {
                strings.add(format!("{path}.json.path"), &json.path);
                match &json.check {
                    JsonCheck::Equals(value) => strings.json(format!("{path}.json.equals"), value),
                    JsonCheck::Contains(value) => {
                        strings.json(format!("{path}.json.contains"), value)
                    }
                    JsonCheck::Matches(regex) => strings.add(format!("{path}.json.matches"), regex),
                    JsonCheck::Exists(_) => {}
                }
            }
            Assertion::Conforms(conforms) => {
                if let Some(profile) = &conforms.profile {
                    strings.add(format!("{path}.conforms.profile"), profile);
                }
            }
            Assertion::Status(_) | Assertion::EntryCount(_) | Assertion::OperationOutcome => {}
        }
    }
    strings.0
}

struct Strings<'a>(Vec<Interpolated<'a>>);

impl<'a> Strings<'a> {
    fn add(&mut self, path: String, text: &'a str) {
        self.0.push(Interpolated { path, text });
    }

    /// Every string inside a JSON value, object keys included (a key is reported at its value).
    fn json(&mut self, path: String, value: &'a serde_json::Value) {
        match value {
            serde_json::Value::String(text) => self.add(path, text),
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.json(format!("{path}[{index}]"), item);
                }
            }
            serde_json::Value::Object(members) => {
                for (name, member) in members {
                    let member_path = format!("{path}.{name}");
                    self.add(member_path.clone(), name);
                    self.json(member_path, member);
                }
            }
            serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
            }
        }
    }

    fn body(&mut self, path: String, body: &'a Body) {
        match body {
            Body::Json(value) => self.json(format!("{path}.body"), value),
            Body::Raw(text) => self.add(format!("{path}.raw"), text),
        }
    }
}

fn action_strings<'a>(strings: &mut Strings<'a>, action: &'a Action, step_path: &str) {
    match action {
        Action::Capabilities => {}
        Action::Read { resource_type, id } | Action::Delete { resource_type, id } => {
            let key = if matches!(action, Action::Read { .. }) {
                "read"
            } else {
                "delete"
            };
            strings.add(format!("{step_path}.{key}.type"), resource_type);
            strings.add(format!("{step_path}.{key}.id"), id);
        }
        Action::Vread {
            resource_type,
            id,
            version,
        } => {
            strings.add(format!("{step_path}.vread.type"), resource_type);
            strings.add(format!("{step_path}.vread.id"), id);
            strings.add(format!("{step_path}.vread.version"), version);
        }
        Action::Search {
            resource_type,
            params,
            ..
        } => {
            if let Some(resource_type) = resource_type {
                strings.add(format!("{step_path}.search.type"), resource_type);
            }
            for (index, (name, value)) in params.iter().enumerate() {
                let repeat = params[..index].iter().filter(|(n, _)| n == name).count();
                strings.add(format!("{step_path}.search.params.{name}"), name);
                strings.add(format!("{step_path}.search.params.{name}[{repeat}]"), value);
            }
        }
        Action::Create {
            resource_type,
            body,
        } => {
            strings.add(format!("{step_path}.create.type"), resource_type);
            strings.body(format!("{step_path}.create"), body);
        }
        Action::Update {
            resource_type,
            id,
            body,
        } => {
            strings.add(format!("{step_path}.update.type"), resource_type);
            strings.add(format!("{step_path}.update.id"), id);
            strings.body(format!("{step_path}.update"), body);
        }
        Action::History { resource_type, id } => {
            if let Some(resource_type) = resource_type {
                strings.add(format!("{step_path}.history.type"), resource_type);
            }
            if let Some(id) = id {
                strings.add(format!("{step_path}.history.id"), id);
            }
        }
        Action::Request { path, body, .. } => {
            strings.add(format!("{step_path}.request.path"), path);
            if let Some(body) = body {
                strings.body(format!("{step_path}.request"), body);
            }
        }
    }
}
