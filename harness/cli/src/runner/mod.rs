//! The runner: plans the selected tests, runs them concurrently against the target while
//! honouring `needs`, and produces the [`RunResult`](crate::results::RunResult), reporting
//! progress as [`RunEvent`]s.

mod assert;
mod authorize;
mod cancel;
mod capability;
mod capture;
mod claims;
mod config;
mod data;
mod events;
mod execute;
pub mod json_path;
mod json_reach;
mod plan;
mod probe;
mod profiles;
mod request;
mod response;
mod run;
mod search;
mod searchset;
mod template;
mod variables;

pub use cancel::Cancellation;
pub use config::{DEFAULT_CONCURRENCY, DEFAULT_MAX_FAN_OUT, RunConfig};
pub use data::describe as describe_data_source;
pub use events::{EventSink, RunEvent};
pub use plan::{Filter, Plan, PlanError, PlannedItem, Selection, Shard, plan, plan_shard};
pub use run::run;
