//! Loading suites and making the plan, shared by `run` and `list`.

use indexmap::IndexMap;

use crate::cli::args::PlanArgs;
use crate::runner::{Filter, Plan, plan};
use crate::suite::{Suite, load_embedded, load_paths};

/// The variable overrides given with `--var`.
pub fn overrides(args: &PlanArgs) -> IndexMap<String, String> {
    args.vars.iter().cloned().collect()
}

/// Loads the suites named by `--suite` (or the built-in ones) and selects the tests to run.
/// The error is ready to print.
pub fn load_plan(args: &PlanArgs) -> Result<Plan, String> {
    let overrides = overrides(args);
    let suites: Vec<Suite> = if args.suites.is_empty() {
        load_embedded(&overrides)
    } else {
        load_paths(&args.suites, &overrides)
    }
    .map_err(|e| e.to_string())?;
    let filter = Filter {
        ids: args.ids.clone(),
        tags: args.tags.clone(),
    };
    plan(&suites, &filter).map_err(|e| e.to_string())
}
