//! FHIR additions: `extension`, `hasValue`, `getValue`, `resolve`, `conformsTo`,
//! `memberOf`, `htmlChecks`.

use super::{Call, maybe, one};
use crate::error::{EvalError, EvalResult};
use crate::eval::single;
use crate::model::shared_or_new;
use crate::value::{Collection, Item, Node, Value};
use assure_model::Element;

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    match call.name {
        "extension" => {
            call.arity(1, 1)?;
            let Some(url) = call.arg_string(0)? else {
                return Ok(Vec::new());
            };
            let extension_type = shared_or_new(call.ev.ctx.model, "Extension");
            let mut out = Vec::new();
            for node in call.focus.iter().filter_map(Item::as_node) {
                for extension in node.element.children_named("extension") {
                    if extension.child("url").and_then(Element::text) == Some(url.as_str()) {
                        out.push(Item::Node(Node {
                            element: extension,
                            type_name: Some(extension_type.clone()),
                        }));
                    }
                }
            }
            Ok(out)
        }
        "hasValue" => {
            call.arity(0, 0)?;
            let has_value =
                matches!(call.focus, [Item::Node(node)] if node.element.value.is_some());
            one(Value::Boolean(has_value))
        }
        "getValue" => {
            call.arity(0, 0)?;
            match call.focus {
                [Item::Node(node)] if node.element.value.is_some() => maybe(node.to_value()),
                _ => Ok(Vec::new()),
            }
        }
        "resolve" => {
            call.arity(0, 0)?;
            let mut out = Vec::new();
            for item in call.focus {
                if let Some(target) = reference_text(item).and_then(|r| resolve(call, &r)) {
                    out.push(Item::Node(call.ev.ctx.node(target)));
                }
            }
            Ok(out)
        }
        "conformsTo" | "memberOf" => {
            call.arity(1, 1)?;
            let check = if call.name == "conformsTo" {
                &call.ev.ctx.conforms_to
            } else {
                &call.ev.ctx.member_of
            };
            let Some(check) = check else {
                return Err(EvalError::new(format!(
                    "{}() is not available in this context",
                    call.name
                )));
            };
            let Some(url) = call.arg_string(0)? else {
                return Ok(Vec::new());
            };
            match single(call.focus)? {
                None => Ok(Vec::new()),
                Some(item) => {
                    let answer = check(item, &url).map_err(EvalError::new)?;
                    maybe(answer.map(Value::Boolean))
                }
            }
        }
        _ => {
            call.arity(0, 0)?;
            one(Value::Boolean(true))
        }
    }
}

/// The reference a `Reference` node, or a string/uri item, points to.
fn reference_text(item: &Item) -> Option<String> {
    match item {
        Item::Node(node) if node.element.value.is_none() => node
            .element
            .child("reference")
            .and_then(Element::text)
            .map(str::to_string),
        other => match other.to_value()? {
            Value::String(s) => Some(s),
            _ => None,
        },
    }
}

/// Resolves `#id` against the root resource's contained resources, anything else through
/// the host's resolver.
fn resolve<'a>(call: &Call<'_, '_, 'a>, reference: &str) -> Option<&'a Element> {
    if let Some(id) = reference.strip_prefix('#') {
        let root = call.ev.ctx.root_resource.as_ref()?.as_node()?.element;
        return root
            .children_named("contained")
            .find(|contained| contained.child("id").and_then(Element::text) == Some(id));
    }
    call.ev.ctx.resolver.as_ref()?(reference)
}
