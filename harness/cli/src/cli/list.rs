//! `assure list`: the plan, with nothing sent.

use indexmap::IndexMap;
use serde::Serialize;

use crate::cli::args::{ListArgs, ListFormat};
use crate::cli::error::CliError;
use crate::cli::exit::Exit;
use crate::cli::suites::{load_plan, load_suites};
use crate::runner::{Plan, describe_data_source};
use crate::suite::{
    Level, PROFILE_CHECKS, ProfileGenerator, SEARCH_VARIANTS, Suite, data_variables, test_variables,
};

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

/// A suite's `generate.search`, as `--format json` prints it: the checks it makes once the
/// target's CapabilityStatement is read.
#[derive(Serialize)]
struct PlannedGenerator<'a> {
    suite: &'a str,
    /// The ids the checks get: `SRCH-<Type>-<code>[-<variant>]` (or the suite's prefix).
    ids: String,
    /// The types covered; `null` is every type the target claims.
    types: Option<&'a [String]>,
    /// The level of a check `levels` does not pin.
    level: Level,
    /// Levels pinned by `Type.code` or `Type.code:variant`.
    levels: &'a IndexMap<String, Level>,
    /// Parameters searched together, with their levels.
    combinations: &'a IndexMap<String, Level>,
    /// The variant suffixes an id can end with (besides none, the plain variant).
    variants: &'static [&'static str],
}

/// The plan as `--format json` prints it.
#[derive(Serialize)]
struct PlannedRun<'a> {
    tests: Vec<PlannedTest<'a>>,
    generated: Vec<PlannedGenerator<'a>>,
    profiles: Vec<PlannedProfiles<'a>>,
}

/// A suite's `generate.profiles`, as `--format json` prints it.
#[derive(Serialize)]
struct PlannedProfiles<'a> {
    suite: &'a str,
    /// The ids the checks get.
    ids: String,
    /// The profiles covered: claimed canonical URLs starting with this.
    canonical_prefix: &'a str,
    /// Most instances inspected per profile.
    instances: usize,
}

/// Prints the plan, or with `--vars` the variables.
pub fn list(args: ListArgs) -> Result<Exit, CliError> {
    if args.list_vars {
        let variables = variables(&load_suites(&args.plan)?);
        match args.format {
            ListFormat::Text => print!("{}", render_variables(&variables)),
            ListFormat::Json => {
                let json = serde_json::to_string_pretty(&variables).map_err(CliError::internal)?;
                println!("{json}");
            }
        }
        return Ok(Exit::Passed);
    }
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
            let generated = plan
                .suites
                .iter()
                .filter_map(|suite| {
                    let generator = suite.generate.search.as_ref()?;
                    Some(PlannedGenerator {
                        suite: &suite.id,
                        ids: format!("{}-<Type>-<code>[-<variant>]", generator.id_prefix),
                        types: generator.types.as_deref(),
                        level: generator.level,
                        levels: &generator.levels,
                        combinations: &generator.combinations,
                        variants: &SEARCH_VARIANTS,
                    })
                })
                .collect();
            let profiles = plan
                .suites
                .iter()
                .filter_map(|suite| {
                    let generator = suite.generate.profiles.as_ref()?;
                    Some(PlannedProfiles {
                        suite: &suite.id,
                        ids: profile_ids(generator),
                        canonical_prefix: &generator.canonical_prefix,
                        instances: generator.instances,
                    })
                })
                .collect();
            let run = PlannedRun {
                tests,
                generated,
                profiles,
            };
            let json = serde_json::to_string_pretty(&run).map_err(CliError::internal)?;
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
        if let Some(generator) = &suite.generate.search {
            let types = match &generator.types {
                Some(types) => types.join(", "),
                None => "every type it claims".to_owned(),
            };
            out.push_str(&format!(
                "  {}-<Type>-<code>[-<variant>]  expands at run time from the target's CapabilityStatement ({types})\n",
                generator.id_prefix
            ));
        }
        if let Some(generator) = &suite.generate.profiles {
            out.push_str(&format!(
                "  {}  expands at run time for every profile under {} the target's CapabilityStatement claims\n",
                profile_ids(generator),
                generator.canonical_prefix
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

/// One variable or data item, as `--vars` lists it.
#[derive(Serialize)]
struct Variable {
    name: String,
    /// `variable` (a suite default or `--var`) or `data` (discovered before the tests).
    kind: &'static str,
    /// A variable's default value (the first suite's, with `--var` applied).
    default: Option<String>,
    /// A data item's requests, tried in order, with their placeholders.
    discovered_from: Vec<String>,
    description: Option<String>,
    /// The checks that read it.
    used_by: Vec<String>,
    /// The data items whose requests read it.
    used_by_data: Vec<String>,
}

/// Every suite variable and data item of `suites`, variables first, each in load order.
fn variables(suites: &[Suite]) -> Vec<Variable> {
    let readers = |name: &str| -> (Vec<String>, Vec<String>) {
        let tests = suites
            .iter()
            .flat_map(|suite| &suite.tests)
            .filter(|test| test_variables(test).contains(&name))
            .map(|test| test.id.clone())
            .collect();
        let items = suites
            .iter()
            .flat_map(|suite| &suite.data)
            .filter(|item| data_variables(item).contains(&name))
            .map(|item| item.name.clone())
            .collect();
        (tests, items)
    };
    let mut listed: Vec<Variable> = Vec::new();
    for (name, value) in suites.iter().flat_map(|suite| &suite.variables) {
        if listed.iter().any(|v| v.name == *name) {
            continue;
        }
        let (used_by, used_by_data) = readers(name);
        listed.push(Variable {
            name: name.clone(),
            kind: "variable",
            default: Some(value.clone()),
            discovered_from: Vec::new(),
            description: None,
            used_by,
            used_by_data,
        });
    }
    for item in suites.iter().flat_map(|suite| &suite.data) {
        let (used_by, used_by_data) = readers(&item.name);
        listed.push(Variable {
            name: item.name.clone(),
            kind: "data",
            default: None,
            discovered_from: item.sources.iter().map(describe_data_source).collect(),
            description: Some(item.description.clone()),
            used_by,
            used_by_data,
        });
    }
    listed
}

/// The variables as text: a line per name with its default or source, then what it is and
/// who reads it.
fn render_variables(variables: &[Variable]) -> String {
    let mut out = String::new();
    for variable in variables {
        let source = match &variable.default {
            Some(default) => format!("default: {default}"),
            None => format!(
                "discovered from: {}",
                variable.discovered_from.join(", else ")
            ),
        };
        out.push_str(&format!("{}  {source}\n", variable.name));
        if let Some(description) = &variable.description {
            out.push_str(&format!("    {description}\n"));
        }
        let mut readers: Vec<String> = variable.used_by.clone();
        readers.extend(
            variable
                .used_by_data
                .iter()
                .map(|name| format!("data {name}")),
        );
        let readers = match readers.is_empty() {
            true => "nothing".to_string(),
            false => readers.join(", "),
        };
        out.push_str(&format!("    used by: {readers}\n"));
    }
    out.push_str(&format!("{} variables\n", variables.len()));
    out
}

/// The ids a profile generator makes, as a pattern.
fn profile_ids(generator: &ProfileGenerator) -> String {
    format!(
        "{}-<Name>-{{{}}}",
        generator.id_prefix,
        PROFILE_CHECKS.join(",")
    )
}
