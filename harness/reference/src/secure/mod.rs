//! Secure mode: HTTPS with test certificates, an optional mutual-TLS client check, a plain-HTTP
//! listener that only redirects, and the hardening every response gets (security headers, body
//! limits, no leaked internals).

pub(crate) mod auth;
mod body_limit;
mod header_injection;
mod headers;
mod options;
mod private_file;
mod redirect;
mod stack_trace;
pub(crate) mod tls;

pub(crate) use body_limit::{MAX_BODY_BYTES, limit_body};
pub(crate) use header_injection::inject_headers;
pub(crate) use headers::security_headers;
pub use options::SecureOptions;
pub(crate) use redirect::plain_http_app;
pub(crate) use stack_trace::leak_stack_traces;
