//! Errors of the HTTP layer.

use thiserror::Error;

/// The client could not be built.
#[derive(Debug, Error)]
pub enum ClientError {
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl { url: String, reason: String },
    #[error("invalid header `{name}`: {reason}")]
    Header { name: String, reason: String },
    #[error("cannot set up the HTTP client: {0}")]
    Build(String),
    /// A CA certificate, client certificate or client key that cannot be read or parsed;
    /// `origin` names the file (or the material, when it was not read from a file).
    #[error("cannot use {origin} for TLS: {reason}")]
    Tls { origin: String, reason: String },
}

/// A request that cannot be sent as specified (a suite or harness problem, not the server's).
#[derive(Debug, Error)]
#[error("cannot build the request: {0}")]
pub struct InvalidRequest(pub String);

/// Why a request was not sent.
#[derive(Debug, Error)]
pub enum NotSent {
    /// The suite or harness asked for something unsendable.
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    /// An absolute URL (a link the server handed out) outside the target's base URL: not
    /// followed, so nothing, credentials included, goes to another server. The server's fault.
    #[error(
        "link {url} is not under the server's base {base}; not followed \
         (R4 http.html: links are absolute URLs of the server)"
    )]
    OutsideBase { url: String, base: String },
    /// The client's default credential (an access token for the run) could not be obtained.
    #[error("no access token for the request: {0}")]
    Credential(String),
    /// A URL given for [`Client::send_to`](super::Client::send_to) that is not absolute
    /// `http(s)`.
    #[error("cannot send to `{0}`: not an absolute http(s) URL")]
    NotHttp(String),
}

/// The target did not answer the up-front probe: nothing else is worth trying.
#[derive(Debug, Error)]
#[error("target {url} is unreachable: {cause}")]
pub struct TargetUnreachable {
    /// The URL probed (secrets redacted).
    pub url: String,
    /// What went wrong: connection refused, DNS failure, TLS failure, timeout, ...
    pub cause: String,
}
