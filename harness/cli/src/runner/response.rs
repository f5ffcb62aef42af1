//! A response as assertions and captures see it: status, headers, and the body parsed as JSON
//! at most once (a large body only as far as its step reads it).

use std::sync::OnceLock;

use serde_json::Value;

use super::json_reach::Reach;
use crate::http::{LARGE_BODY_BYTES, Response};

/// A received response with its lazily parsed JSON body.
pub struct ResponseView<'a> {
    pub response: &'a Response,
    /// What is read of a large body; `None`: it is parsed whole.
    reach: Option<Reach>,
    json: OnceLock<Result<Value, String>>,
}

impl<'a> ResponseView<'a> {
    /// A view whose body is parsed whole.
    #[cfg(test)]
    pub fn new(response: &'a Response) -> ResponseView<'a> {
        ResponseView {
            response,
            reach: None,
            json: OnceLock::new(),
        }
    }

    /// A view for readers that read only `reach`: a body over [`LARGE_BODY_BYTES`] is parsed
    /// only that far (see [`Reach`]).
    pub fn reaching(response: &'a Response, reach: Reach) -> ResponseView<'a> {
        ResponseView {
            response,
            reach: (response.body.len() > LARGE_BODY_BYTES).then_some(reach),
            json: OnceLock::new(),
        }
    }

    /// The body as JSON, or why it is not JSON (phrased to follow "got").
    pub fn json(&self) -> Result<&Value, &str> {
        self.json
            .get_or_init(|| {
                if self.response.body.iter().all(u8::is_ascii_whitespace) {
                    return Err("an empty body".to_string());
                }
                match &self.reach {
                    Some(reach) => reach.parse(&self.response.body),
                    None => serde_json::from_slice(&self.response.body),
                }
                .map_err(|e| format!("a body that is not JSON ({e})"))
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The body's `resourceType`, or what the body is instead (phrased to follow "got").
    pub fn resource_type(&self) -> Result<&str, String> {
        let json = self.json().map_err(str::to_string)?;
        json.get("resourceType")
            .and_then(Value::as_str)
            .ok_or_else(|| "JSON without a resourceType".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::{Capture, CaptureSource};

    fn bundle(entries: usize) -> Response {
        let entry = |i: usize| {
            format!(
                r#"{{"resource":{{"resourceType":"Patient","id":"p{i}","text":"{}"}}}}"#,
                "x".repeat(100)
            )
        };
        let entries: Vec<String> = (0..entries).map(entry).collect();
        let body = format!(
            r#"{{"resourceType":"Bundle","entry":[{}]}}"#,
            entries.join(",")
        );
        Response {
            status: 200,
            headers: Vec::new(),
            body: body.into_bytes().into(),
        }
    }

    fn reach(path: &str) -> Reach {
        let capture = Capture {
            source: CaptureSource::Json(path.into()),
            regex: None,
            all: false,
        };
        Reach::of([], [&capture])
    }

    #[test]
    fn a_large_body_is_parsed_only_as_far_as_its_step_reads() {
        let large = bundle(20_000);
        assert!(large.body.len() > LARGE_BODY_BYTES);
        let view = ResponseView::reaching(&large, reach("entry.1.resource.id"));
        let json = view.json().unwrap();
        assert_eq!(json["entry"][1]["resource"]["id"], "p1");
        assert_eq!(json["entry"][1]["resource"].get("text"), None);
        assert_eq!(json["entry"][2], Value::Null);
        assert_eq!(json["entry"].as_array().unwrap().len(), 20_000);
        assert_eq!(view.resource_type().unwrap(), "Bundle");

        let small = bundle(3);
        let view = ResponseView::reaching(&small, reach("entry.1.resource.id"));
        assert_eq!(
            view.json().unwrap()["entry"][2]["resource"]["id"],
            "p2",
            "a small body is parsed whole"
        );
    }
}
