//! The module structure `docs/architecture.md` describes: no import cycles inside a crate,
//! except among modules that really recurse into each other (named here, with why).

use std::collections::BTreeSet;
use std::path::PathBuf;

use assure_devtools::module_graph::ModuleGraph;

/// The import cycles each crate is allowed, each with the reason it cannot be one-way.
const ALLOWED_CYCLES: &[(&str, &[&str], &str)] = &[
    (
        "fhirpath",
        &["eval", "functions"],
        "functions evaluate their argument expressions",
    ),
    (
        "validate",
        &[
            "validator::walk",
            "validator::slicing",
            "validator::reference",
        ],
        "slices and reference targets are validated against a definition by a trial walk",
    ),
];

const CRATES: &[&str] = &[
    "cli",
    "reference",
    "model",
    "fhirpath",
    "validate",
    "search",
    "devtools",
];

fn source_of(crate_folder: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_folder)
        .join("src")
}

#[test]
fn no_crate_has_an_import_cycle_beyond_its_recursive_core() {
    let mut problems = Vec::new();
    for crate_folder in CRATES {
        let graph = ModuleGraph::of_crate(&source_of(crate_folder)).unwrap();
        let allowed: Vec<BTreeSet<&str>> = ALLOWED_CYCLES
            .iter()
            .filter(|(folder, _, _)| folder == crate_folder)
            .map(|(_, modules, _)| modules.iter().copied().collect())
            .collect();
        for cycle in graph.cycles() {
            let members: BTreeSet<&str> = cycle.iter().map(String::as_str).collect();
            if !allowed.iter().any(|a| members.is_subset(a)) {
                problems.push(format!("{crate_folder}: {}", cycle.join(" <-> ")));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "import cycles (see docs/architecture.md):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_graph_sees_the_crates_real_modules() {
    let graph = ModuleGraph::of_crate(&source_of("cli")).unwrap();
    for module in ["crate", "runner", "runner::execute", "suite", "report"] {
        assert!(graph.modules.contains(module), "{module} not found");
    }
    assert!(
        graph
            .edges
            .iter()
            .any(|(from, to)| from == "runner::execute" && to.starts_with("runner::")),
        "the runner's modules use each other"
    );
}
