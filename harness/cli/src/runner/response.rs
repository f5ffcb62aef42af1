//! A response as assertions and captures see it: status, headers, and the body parsed as JSON
//! at most once.

use std::sync::OnceLock;

use serde_json::Value;

use crate::http::Response;

/// A received response with its lazily parsed JSON body.
pub struct ResponseView<'a> {
    pub response: &'a Response,
    json: OnceLock<Result<Value, String>>,
}

impl<'a> ResponseView<'a> {
    pub fn new(response: &'a Response) -> ResponseView<'a> {
        ResponseView {
            response,
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
                serde_json::from_slice(&self.response.body)
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
