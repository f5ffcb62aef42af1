//! Prints the module dependency graph of a crate: its import cycles, or Graphviz DOT.
//!
//! Run: `cargo run -p assure-devtools --example module_graph -- harness/validate/src [--dot]`
//! (`--dot | dot -Tsvg > graph.svg` draws it).

use std::path::PathBuf;
use std::process::ExitCode;

use assure_devtools::module_graph::ModuleGraph;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(src) = args.next().map(PathBuf::from) else {
        eprintln!("usage: module_graph CRATE_SRC_DIR [--dot]");
        return ExitCode::from(2);
    };
    let dot = args.any(|a| a == "--dot");
    let graph = match ModuleGraph::of_crate(&src) {
        Ok(graph) => graph,
        Err(e) => {
            eprintln!("module_graph: {}: {e}", src.display());
            return ExitCode::from(2);
        }
    };
    if dot {
        print!("{}", graph.to_dot(&src.display().to_string()));
        return ExitCode::SUCCESS;
    }
    println!(
        "{}: {} modules, {} edges",
        src.display(),
        graph.modules.len(),
        graph.edges.len()
    );
    let cycles = graph.cycles();
    if cycles.is_empty() {
        println!("no import cycles");
    }
    for cycle in cycles {
        println!("cycle of {}: {}", cycle.len(), cycle.join(", "));
    }
    ExitCode::SUCCESS
}
