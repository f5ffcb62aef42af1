//! `assure list`: the plan, with nothing sent.

use serde::Serialize;

use crate::cli::args::{ListArgs, ListFormat};
use crate::cli::error::CliError;
use crate::cli::exit::Exit;
use crate::cli::suites::load_plan;
use crate::runner::Plan;
use crate::suite::Level;

/// One planned test, as `--format json` prints it.
#[derive(Serialize)]
struct PlannedTest<'a> {
    suite: &'a str,
    id: &'a str,
    level: Level,
    title: &'a str,
    tags: &'a [String],
    needs: &'a [String],
}

/// Prints the plan.
pub fn list(args: ListArgs) -> Result<Exit, CliError> {
    let plan = load_plan(&args.plan)?;
    match args.format {
        ListFormat::Text => print!("{}", render_text(&plan)),
        ListFormat::Json => {
            let tests: Vec<PlannedTest> = plan
                .suites
                .iter()
                .flat_map(|suite| {
                    suite.tests.iter().map(move |test| PlannedTest {
                        suite: &suite.id,
                        id: &test.id,
                        level: test.level,
                        title: &test.title,
                        tags: &test.tags,
                        needs: &test.needs,
                    })
                })
                .collect();
            let json = serde_json::to_string_pretty(&tests).map_err(CliError::internal)?;
            println!("{json}");
        }
    }
    Ok(Exit::Passed)
}

/// The plan as text: each suite, then one line per test.
fn render_text(plan: &Plan) -> String {
    let width = plan
        .suites
        .iter()
        .flat_map(|s| &s.tests)
        .map(|t| t.id.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for suite in &plan.suites {
        out.push_str(&format!(
            "{} — {} ({})\n",
            suite.id, suite.title, suite.source.path
        ));
        if let Some(generator) = &suite.generate {
            let types = match &generator.types {
                Some(types) => types.join(", "),
                None => "every type it claims".to_owned(),
            };
            out.push_str(&format!(
                "  SRCH-<Type>-<code>[-<variant>]  expands at run time from the target's CapabilityStatement ({types})\n"
            ));
        }
        for test in &suite.tests {
            out.push_str(&format!(
                "  {:width$}  {:<6}  {}\n",
                test.id,
                test.level.as_str(),
                test.title
            ));
        }
    }
    out.push_str(&format!(
        "{} tests in {} suites\n",
        plan.len(),
        plan.suites.len()
    ));
    out
}
