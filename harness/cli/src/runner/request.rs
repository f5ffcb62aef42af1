//! Turns a step's action into a concrete request and a readable step name.

use super::template;
use super::variables::Lookup;
use crate::http::{RequestSpec, Target};
use crate::suite::{Action, Body, SearchMethod, Step};

const FHIR_JSON: &str = "application/fhir+json";
const FORM: &str = "application/x-www-form-urlencoded";

/// A step's request, interpolated, and the name it is reported under.
pub struct StepRequest {
    /// The step's own name, else its action's label; with the `for_each` binding.
    pub name: String,
    /// The action's label, e.g. `read Patient/123`.
    pub action: String,
    pub spec: RequestSpec,
}

/// The parts of a request an action determines.
struct Draft {
    method: String,
    target: Target,
    label: String,
    query: Vec<(String, String)>,
    /// The body and, when the body kind implies one, its media type.
    body: Option<(String, Option<&'static str>)>,
}

impl Draft {
    fn new(method: &str, target: Target, label: String) -> Draft {
        Draft {
            method: method.to_string(),
            target,
            label,
            query: Vec::new(),
            body: None,
        }
    }

    fn with_body(mut self, body: (String, Option<&'static str>)) -> Draft {
        self.body = Some(body);
        self
    }
}

/// Builds the request of `step` with every placeholder resolved through `lookup`.
pub fn build(step: &Step, lookup: &Lookup<'_>) -> Result<StepRequest, String> {
    let draft = draft(&step.action, lookup)?;
    let mut headers = step
        .headers
        .iter()
        .map(|(name, value)| Ok((name.clone(), template::text(value, lookup)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let (body, media_type) = match draft.body {
        Some((body, media_type)) => (Some(body), media_type),
        None => (None, None),
    };
    if let Some(media_type) = media_type
        && !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), media_type.into()));
    }
    let action = draft.label;
    let mut name = match &step.name {
        Some(name) => template::text(name, lookup)?,
        None => action.clone(),
    };
    if let Some((var, value)) = lookup.binding {
        name = format!("{name} [{var}={value}]");
    }
    Ok(StepRequest {
        name,
        action,
        spec: RequestSpec {
            method: draft.method,
            target: draft.target,
            query: draft.query,
            headers,
            body,
        },
    })
}

/// The request of a data source's `action` (no extra headers), with every placeholder resolved
/// through `lookup`.
pub fn for_action(action: &Action, lookup: &Lookup<'_>) -> Result<StepRequest, String> {
    let draft = draft(action, lookup)?;
    let headers = match draft.body {
        Some((_, Some(media_type))) => vec![("Content-Type".into(), media_type.into())],
        _ => Vec::new(),
    };
    Ok(StepRequest {
        name: draft.label.clone(),
        action: draft.label,
        spec: RequestSpec {
            method: draft.method,
            target: draft.target,
            query: draft.query,
            headers,
            body: draft.body.map(|(body, _)| body),
        },
    })
}

/// Method, URL, label and body of an action.
fn draft(action: &Action, lookup: &Lookup<'_>) -> Result<Draft, String> {
    let text = |template_text: &str| template::text(template_text, lookup);
    let body_text = |body: &Body| -> Result<(String, Option<&'static str>), String> {
        match body {
            Body::Json(value) => Ok((template::json(value, lookup)?.to_string(), Some(FHIR_JSON))),
            Body::Raw(raw) => Ok((text(raw)?, None)),
            Body::Padded(bytes) => {
                let resource_type = match action {
                    Action::Create { resource_type, .. } => text(resource_type)?,
                    _ => return Err("`padded` goes with `create`".to_string()),
                };
                Ok((padded(&resource_type, *bytes), Some(FHIR_JSON)))
            }
        }
    };
    let segments =
        |parts: &[&str]| -> Result<Vec<String>, String> { parts.iter().map(|p| text(p)).collect() };
    Ok(match action {
        Action::Capabilities => Draft::new(
            "GET",
            Target::Segments(vec!["metadata".into()]),
            "capabilities".into(),
        ),
        Action::Read { resource_type, id } => {
            let parts = segments(&[resource_type, id])?;
            let label = format!("read {}", parts.join("/"));
            Draft::new("GET", Target::Segments(parts), label)
        }
        Action::Vread {
            resource_type,
            id,
            version,
        } => {
            let parts = segments(&[resource_type, id, "_history", version])?;
            let label = format!("vread {}", parts.join("/"));
            Draft::new("GET", Target::Segments(parts), label)
        }
        Action::Search {
            resource_type,
            params,
            method,
        } => {
            let mut parts = match resource_type {
                Some(resource_type) => vec![text(resource_type)?],
                None => Vec::new(),
            };
            let pairs = params
                .iter()
                .map(|(name, value)| Ok((text(name)?, text(value)?)))
                .collect::<Result<Vec<_>, String>>()?;
            let shown = pairs
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("&");
            let scope = if parts.is_empty() {
                "system".to_string()
            } else {
                parts.join("/")
            };
            match method {
                SearchMethod::Get => {
                    let mut draft = Draft::new(
                        "GET",
                        Target::Segments(parts),
                        format!("search {scope}?{shown}"),
                    );
                    draft.query = pairs;
                    draft
                }
                SearchMethod::Post => {
                    let form = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(&pairs)
                        .finish();
                    parts.push("_search".into());
                    Draft::new(
                        "POST",
                        Target::Segments(parts),
                        format!("search {scope} (POST) {shown}"),
                    )
                    .with_body((form, Some(FORM)))
                }
            }
        }
        Action::Create {
            resource_type,
            body,
        } => {
            let resource_type = text(resource_type)?;
            let label = format!("create {resource_type}");
            Draft::new("POST", Target::Segments(vec![resource_type]), label)
                .with_body(body_text(body)?)
        }
        Action::Update {
            resource_type,
            id,
            body,
        } => {
            let parts = segments(&[resource_type, id])?;
            let label = format!("update {}", parts.join("/"));
            Draft::new("PUT", Target::Segments(parts), label).with_body(body_text(body)?)
        }
        Action::Delete { resource_type, id } => {
            let parts = segments(&[resource_type, id])?;
            let label = format!("delete {}", parts.join("/"));
            Draft::new("DELETE", Target::Segments(parts), label)
        }
        Action::History { resource_type, id } => {
            let mut parts = match (resource_type, id) {
                (Some(resource_type), Some(id)) => segments(&[resource_type, id])?,
                (Some(resource_type), None) => vec![text(resource_type)?],
                (None, None) => Vec::new(),
                (None, Some(_)) => return Err("a history step with an id needs a type".into()),
            };
            let label = if parts.is_empty() {
                "history".to_string()
            } else {
                format!("history {}", parts.join("/"))
            };
            parts.push("_history".into());
            Draft::new("GET", Target::Segments(parts), label)
        }
        Action::Request { method, path, body } => {
            let path = text(path)?;
            let shown = if path.contains("://") {
                path.clone()
            } else {
                format!("/{}", path.trim_start_matches('/'))
            };
            let label = format!("{} {shown}", method.to_ascii_uppercase());
            let draft = Draft::new(method, Target::Path(path), label);
            match body {
                Some(body) => draft.with_body(body_text(body)?),
                None => draft,
            }
        }
        Action::Token(_)
        | Action::TlsOffer(_)
        | Action::Certificate(_)
        | Action::PlainHttp { .. } => {
            return Err("this action is not a request to the FHIR base URL".into());
        }
    })
}

/// A `resource_type` resource whose generated narrative makes it at least `bytes` long.
fn padded(resource_type: &str, bytes: usize) -> String {
    let head = format!(
        r#"{{"resourceType":"{resource_type}","text":{{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">"#
    );
    let tail = r#"</div>"}}"#;
    let filler = bytes.saturating_sub(head.len() + tail.len());
    format!("{head}{}{tail}", "x".repeat(filler))
}

#[cfg(test)]
mod tests {
    use super::padded;

    #[test]
    fn a_padded_body_is_a_resource_of_at_least_the_size_asked() {
        let body = padded("Patient", 4096);
        assert!(
            body.len() >= 4096 && body.len() < 4096 + 8,
            "{}",
            body.len()
        );
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["resourceType"], "Patient");
        assert!(
            json["text"]["div"]
                .as_str()
                .expect("div")
                .starts_with("<div xmlns=")
        );
    }
}
