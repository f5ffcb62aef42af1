//! What the runner asks the client to send.

/// Where a request goes, relative to the client's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Path segments, each percent-encoded as needed (`["Patient", "123"]`); an id containing
    /// `/` or `?` stays inside its segment.
    Segments(Vec<String>),
    /// A literal path relative to the base URL, possibly with a query string, sent as written;
    /// or an absolute URL on the target's origin (e.g. a paging link the server returned).
    Path(String),
}

/// One request, before defaults are applied.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// HTTP method, case-insensitive (`GET`, `post`, ...).
    pub method: String,
    pub target: Target,
    /// Query parameters appended (form-encoded) to the URL, repeated names allowed.
    pub query: Vec<(String, String)>,
    /// Headers that override the client's defaults of the same name.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl RequestSpec {
    /// A bodiless request without query or extra headers.
    pub fn new(method: &str, target: Target) -> RequestSpec {
        RequestSpec {
            method: method.to_string(),
            target,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }
}
