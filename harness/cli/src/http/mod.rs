//! The FHIR HTTP client: sends requests to the target (over TLS with the configured trust
//! anchors and client identity), retries connection failures, records every exchange as
//! redacted evidence, and probes the target before a run.

mod body_budget;
mod client;
mod clock;
mod credential;
mod error;
mod options;
mod probe;
mod recording;
mod request;
mod tls;

#[cfg(test)]
mod timing_tests;

pub use body_budget::{BodyBudget, LARGE_BODY_BYTES, admit_body};
pub use client::{
    Client, DEFAULT_EVIDENCE_LIMIT, DEFAULT_RETRY_BACKOFF, MAX_BODY_BYTES, Response, Sent,
};
pub use clock::ClockSamples;
pub use credential::{Authorization, DefaultCredential};
pub use error::{ClientError, InvalidRequest, NotSent, TargetUnreachable};
pub use options::{ClientOptions, DEFAULT_RETRIES, DEFAULT_TIMEOUT};
pub use probe::Probed;
pub use recording::{Recorder, RecordingHeader, Replay};
pub use request::{RequestSpec, Target};
pub use tls::TlsMaterial;
