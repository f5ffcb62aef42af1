//! The FHIR HTTP client: sends requests to the target, retries connection failures, records
//! every exchange as redacted evidence, and probes the target before a run.

mod client;
mod error;
mod probe;
mod request;

pub use client::{
    Client, DEFAULT_EVIDENCE_LIMIT, DEFAULT_RETRIES, DEFAULT_RETRY_BACKOFF, MAX_BODY_BYTES,
    Response, Sent,
};
pub use error::{ClientError, InvalidRequest, NotSent, TargetUnreachable};
pub use probe::Probed;
pub use request::{RequestSpec, Target};
