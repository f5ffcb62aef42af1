//! The default suites, compiled into the binary from the repository's `suites/` folder.

use super::error::LoadError;
use super::load::{SourceFile, is_suite_file, load_sources};
use super::model::Suite;
use include_dir::{Dir, include_dir};
use indexmap::IndexMap;

static SUITES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../suites");

/// Loads the built-in suites (every `*.yaml`/`*.yml` under `suites/`, sorted by path, reported
/// as `suites/<path>`), with `overrides` as for [`super::load_paths`]. Returns no suites if none
/// are built in.
pub fn load_embedded(overrides: &IndexMap<String, String>) -> Result<Vec<Suite>, LoadError> {
    let mut sources = Vec::new();
    collect(&SUITES, &mut sources);
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    load_sources(sources, overrides)
}

fn collect(dir: &Dir<'static>, sources: &mut Vec<SourceFile>) {
    for file in dir.files() {
        if is_suite_file(file.path()) {
            sources.push(SourceFile {
                name: format!("suites/{}", file.path().display()),
                bytes: file.contents().to_vec(),
            });
        }
    }
    for sub_dir in dir.dirs() {
        collect(sub_dir, sources);
    }
}
