//! Loading suites and making the plan, shared by `run` and `list`.

use indexmap::IndexMap;

use crate::cli::args::PlanArgs;
use crate::cli::error::CliError;
use crate::runner::{Filter, Plan, plan};
use crate::suite::{Suite, load_embedded, load_paths};

/// The variable overrides given with `--var`.
pub fn overrides(args: &PlanArgs) -> IndexMap<String, String> {
    args.vars.iter().cloned().collect()
}

/// Loads the suites named by `--suite` (or the built-in ones); one that does not load is a
/// usage error.
pub fn load_suites(args: &PlanArgs) -> Result<Vec<Suite>, CliError> {
    let overrides = overrides(args);
    Ok(if args.suites.is_empty() {
        load_embedded(&overrides)
    } else {
        load_paths(&args.suites, &overrides)
    }?)
}

/// Loads the suites and selects the tests to run. A suite that does not load, or a selection
/// that makes no plan, is a usage error.
pub fn load_plan(args: &PlanArgs) -> Result<Plan, CliError> {
    let suites = load_suites(args)?;
    let filter = Filter {
        ids: args.ids.clone(),
        tags: args.tags.clone(),
    };
    Ok(plan(&suites, &filter)?)
}
