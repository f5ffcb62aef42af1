//! What a run needs besides its plan.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use super::cancel::Cancellation;
use crate::auth::Session;
use crate::http::Client;
use crate::results::TargetInfo;
use crate::validation::Validation;

/// Tests run at the same time unless configured otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The most values a `for_each` step repeats over unless configured otherwise.
pub const DEFAULT_MAX_FAN_OUT: usize = 1000;

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The client bound to the target (timeout, retries, default headers, redaction).
    pub client: Client,
    /// What the probe learnt about the target; copied into the result.
    pub target: TargetInfo,
    /// At most this many tests run at once (0 is taken as 1).
    pub concurrency: usize,
    /// `--var name=value`: they override every suite's defaults; captures override them.
    pub variables: IndexMap<String, String>,
    /// Definitions for `conforms` assertions, loaded on first use.
    pub validation: Arc<Validation>,
    /// The target's CapabilityStatement, as the probe received it, or why there is none; the
    /// generated search checks and the claims table read it.
    pub capability_statement: Result<Value, String>,
    /// The credentials of the run and the tokens obtained with them, when any are configured.
    /// The client already carries the default bearer token by itself.
    pub auth: Option<Session>,
    /// Stops the run early; the tests that had not finished end `error`.
    pub cancellation: Cancellation,
    /// The most values a `for_each` step repeats over; more (server-supplied ids, say) make
    /// the test an error rather than that many requests.
    pub max_fan_out: usize,
}

impl RunConfig {
    /// A configuration with the default concurrency, no variable overrides, definitions from
    /// the default package cache, no CapabilityStatement and no credentials.
    pub fn new(client: Client, target: TargetInfo) -> RunConfig {
        RunConfig {
            client,
            target,
            concurrency: DEFAULT_CONCURRENCY,
            variables: IndexMap::new(),
            validation: Arc::new(Validation::default()),
            capability_statement: Err("the target's CapabilityStatement was not given".to_owned()),
            auth: None,
            cancellation: Cancellation::new(),
            max_fan_out: DEFAULT_MAX_FAN_OUT,
        }
    }
}
