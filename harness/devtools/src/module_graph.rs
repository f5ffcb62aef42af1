//! Which modules of a crate use which: the edges of `use crate::…`, `use super::…`,
//! `use self::…` and inline `crate::…`/`super::…` paths, read from the source files, with
//! re-exports (`pub use`) followed to the module that defines the item. Drawn as Graphviz DOT
//! for `docs/architecture.md`, and checked for import cycles by the architecture test.
//!
//! A module is named by its file (`src/validator/walk.rs` → `validator::walk`; `lib.rs`,
//! `main.rs` → `crate`). Only the text before a file's first `#[cfg(test)]` is read, and modules
//! named `tests` are left out: unit tests may use anything.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// The module dependency graph of one crate.
#[derive(Debug, Default)]
pub struct ModuleGraph {
    /// Every module, by path (`crate`, `validator`, `validator::walk`).
    pub modules: BTreeSet<String>,
    /// `(from, to)`: `from` names an item of `to`. No self edges.
    pub edges: BTreeSet<(String, String)>,
}

/// One file's text, by module path.
struct Source {
    module: String,
    text: String,
}

impl ModuleGraph {
    /// Reads every `.rs` file under `src` (a crate's source folder).
    pub fn of_crate(src: &Path) -> std::io::Result<ModuleGraph> {
        let mut sources = Vec::new();
        collect(src, src, &mut sources)?;
        let modules: BTreeSet<String> = sources.iter().map(|s| s.module.clone()).collect();
        let uses: Vec<(String, Vec<UsePath>)> = sources
            .iter()
            .map(|s| (s.module.clone(), use_paths(&s.text)))
            .collect();
        let mut reexports: HashMap<String, HashMap<String, Vec<String>>> = HashMap::new();
        for (module, paths) in &uses {
            for path in paths.iter().filter(|p| p.public) {
                let absolute = absolute(module, &path.segments, &modules);
                reexports
                    .entry(module.clone())
                    .or_default()
                    .insert(path.name.clone(), absolute);
            }
        }
        let mut graph = ModuleGraph {
            modules: modules.clone(),
            edges: BTreeSet::new(),
        };
        for (module, paths) in &uses {
            for path in paths {
                let absolute = absolute(module, &path.segments, &modules);
                if absolute.is_empty() {
                    continue;
                }
                let target = defining_module(&absolute, &modules, &reexports, 0);
                if &target != module {
                    graph.edges.insert((module.clone(), target));
                }
            }
        }
        Ok(graph)
    }

    /// The sets of modules that use each other in a cycle (strongly connected components with
    /// more than one module), each sorted, largest first.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut components = strongly_connected(&self.modules, &self.edges);
        components.retain(|c| c.len() > 1);
        components.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        components
    }

    /// Graphviz DOT, with the modules of each cycle drawn in one red cluster.
    pub fn to_dot(&self, title: &str) -> String {
        let mut dot = format!(
            "digraph \"{title}\" {{\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n"
        );
        for (index, cycle) in self.cycles().iter().enumerate() {
            let _ = writeln!(
                dot,
                "  subgraph cluster_cycle{index} {{ color=red; label=\"cycle\"; {} }}",
                cycle
                    .iter()
                    .map(|m| format!("\"{m}\";"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        for module in &self.modules {
            let _ = writeln!(dot, "  \"{module}\";");
        }
        for (from, to) in &self.edges {
            let _ = writeln!(dot, "  \"{from}\" -> \"{to}\";");
        }
        dot.push_str("}\n");
        dot
    }
}

/// A path named in a file: its segments as written (`super`, `walk`, `Walk`), the name it is
/// known by in the file, and whether it is re-exported.
#[derive(Debug, Clone, PartialEq)]
struct UsePath {
    segments: Vec<String>,
    name: String,
    public: bool,
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<Source>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = module_of(path.strip_prefix(root).unwrap_or(&path));
            if module.rsplit("::").next() == Some("tests") {
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            let text = match text.find("#[cfg(test)]") {
                Some(cut) => text[..cut].to_owned(),
                None => text,
            };
            out.push(Source { module, text });
        }
    }
    Ok(())
}

/// `validator/walk.rs` → `validator::walk`; `validator/mod.rs` → `validator`; `lib.rs` → `crate`.
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches(".rs").to_owned();
    }
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    if parts.is_empty() {
        "crate".to_owned()
    } else {
        parts.join("::")
    }
}

/// Every crate-relative path a file names: the leaves of its `use` trees and inline
/// `crate::`/`super::` paths. Comments and string literals are skipped.
fn use_paths(text: &str) -> Vec<UsePath> {
    let code = without_comments_and_strings(text);
    let mut paths = Vec::new();
    let mut rest = code.as_str();
    while let Some(start) = find_use(rest) {
        let public =
            rest[..start].trim_end().ends_with("pub") || rest[..start].trim_end().ends_with(')');
        let after = &rest[start + 4..];
        let end = after.find(';').unwrap_or(after.len());
        expand_tree(&after[..end], &[], public, &mut paths);
        rest = &after[end..];
    }
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .collect();
    for word in words {
        if (word.starts_with("crate::") || word.starts_with("super::")) && !word.ends_with("::") {
            let segments: Vec<String> = word.split("::").map(str::to_owned).collect();
            let name = segments.last().cloned().unwrap_or_default();
            paths.push(UsePath {
                segments,
                name,
                public: false,
            });
        }
    }
    paths.retain(|p| matches!(p.segments[0].as_str(), "crate" | "super" | "self"));
    paths
}

/// The byte offset of the next `use` keyword that starts an item.
fn find_use(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find("use ") {
        let at = from + found;
        let before = text[..at].chars().next_back();
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// Expands `a::{b, c::{d as e}}` under `prefix` into its leaf paths.
fn expand_tree(tree: &str, prefix: &[String], public: bool, out: &mut Vec<UsePath>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let mut segments = prefix.to_vec();
        segments.extend(split_path(tree[..open].trim_end_matches("::")));
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        for part in split_top_level(inner) {
            expand_tree(part, &segments, public, out);
        }
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path.trim(), Some(alias.trim())),
        None => (tree, None),
    };
    let mut segments = prefix.to_vec();
    segments.extend(split_path(path));
    if segments.last().is_some_and(|s| s == "self") {
        segments.pop();
    }
    let Some(last) = segments.last().cloned() else {
        return;
    };
    out.push(UsePath {
        segments,
        name: alias.unwrap_or(&last).to_owned(),
        public,
    });
}

fn split_path(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits at commas that are not inside braces.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// The text with comments removed and string and char literals emptied.
fn without_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let next = chars.get(i + 1).copied();
        match chars[i] {
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            '"' => {
                out.push_str("\"\"");
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            // A char literal ('x', '\n', '"'); a lifetime has no closing quote.
            '\'' if next == Some('\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// The path from the crate root: `super`, `self` and `crate` resolved against `module`.
fn absolute(module: &str, segments: &[String], modules: &BTreeSet<String>) -> Vec<String> {
    let mut base: Vec<String> = if module == "crate" {
        Vec::new()
    } else {
        module.split("::").map(str::to_owned).collect()
    };
    let mut rest = segments;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => {
            // A path relative to the module (`use walk::Walk;` in a mod.rs) when it starts
            // with a child module; otherwise an external crate, kept as is.
            let child = base.iter().chain(rest.first()).cloned().collect::<Vec<_>>();
            if !modules.contains(&child.join("::")) {
                return Vec::new();
            }
        }
    }
    base.extend(rest.iter().cloned());
    base
}

/// The module that defines what `path` names: the longest prefix that is a module, then
/// through its re-exports when the next segment is one.
fn defining_module(
    path: &[String],
    modules: &BTreeSet<String>,
    reexports: &HashMap<String, HashMap<String, Vec<String>>>,
    depth: usize,
) -> String {
    let mut module = "crate".to_owned();
    let mut length = 0;
    for end in (1..=path.len()).rev() {
        let candidate = path[..end].join("::");
        if modules.contains(&candidate) {
            module = candidate;
            length = end;
            break;
        }
    }
    if depth < 8
        && let Some(next) = path.get(length)
        && let Some(target) = reexports.get(&module).and_then(|r| r.get(next))
        && target.as_slice() != path
    {
        let mut followed = target.clone();
        followed.extend(path[length + 1..].iter().cloned());
        return defining_module(&followed, modules, reexports, depth + 1);
    }
    module
}

/// Tarjan's strongly connected components.
fn strongly_connected(
    nodes: &BTreeSet<String>,
    edges: &BTreeSet<(String, String)>,
) -> Vec<Vec<String>> {
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges {
        successors.entry(from).or_default().push(to);
    }
    struct State<'a> {
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<String>>,
    }
    fn visit<'a>(
        node: &'a str,
        successors: &BTreeMap<&'a str, Vec<&'a str>>,
        state: &mut State<'a>,
    ) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        for &successor in successors.get(node).into_iter().flatten() {
            if !state.index.contains_key(successor) {
                visit(successor, successors, state);
                let low = state.low[node].min(state.low[successor]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(successor) {
                let low = state.low[node].min(state.index[successor]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.to_owned());
                if member == node {
                    break;
                }
            }
            component.sort();
            state.components.push(component);
        }
    }
    let mut state = State {
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in nodes {
        if !state.index.contains_key(node.as_str()) {
            visit(node, &successors, &mut state);
        }
    }
    state.components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_trees_expand_to_their_leaves() {
        let paths = use_paths(
            "use super::{walk::Walk, issue::{Issue as I, Severity}};\npub use self::a::b;\n",
        );
        let names: Vec<(String, bool)> = paths
            .iter()
            .map(|p| (p.segments.join("::"), p.public))
            .collect();
        assert_eq!(
            names,
            [
                ("super::walk::Walk".to_owned(), false),
                ("super::issue::Issue".to_owned(), false),
                ("super::issue::Severity".to_owned(), false),
                ("self::a::b".to_owned(), true),
            ]
        );
        assert_eq!(paths[1].name, "I");
    }

    #[test]
    fn comments_strings_and_external_crates_are_not_edges() {
        let paths = use_paths(
            "// use crate::a;\nlet s = \"crate::b\";\nlet q = '\"';\nuse serde_json::Value;\nfn f() { crate::c::go(); }\n",
        );
        let names: Vec<String> = paths.iter().map(|p| p.segments.join("::")).collect();
        assert_eq!(names, ["crate::c::go"]);
    }

    #[test]
    fn modules_are_named_by_their_files() {
        assert_eq!(module_of(Path::new("lib.rs")), "crate");
        assert_eq!(module_of(Path::new("validator/mod.rs")), "validator");
        assert_eq!(module_of(Path::new("runner/assert.rs")), "runner::assert");
        assert_eq!(
            module_of(Path::new("runner/assert/conforms.rs")),
            "runner::assert::conforms"
        );
    }

    #[test]
    fn reexports_lead_to_the_defining_module_and_cycles_are_found() {
        let modules: BTreeSet<String> = ["crate", "a", "b"].map(str::to_owned).into();
        let mut reexports = HashMap::new();
        reexports.insert(
            "crate".to_owned(),
            HashMap::from([("Thing".to_owned(), vec!["b".to_owned(), "Thing".to_owned()])]),
        );
        let path = vec!["Thing".to_owned()];
        assert_eq!(defining_module(&path, &modules, &reexports, 0), "b");

        let edges: BTreeSet<(String, String)> = [("a", "b"), ("b", "a"), ("crate", "a")]
            .map(|(x, y)| (x.to_owned(), y.to_owned()))
            .into();
        let graph = ModuleGraph { modules, edges };
        assert_eq!(graph.cycles(), [vec!["a".to_owned(), "b".to_owned()]]);
        assert!(graph.to_dot("t").contains("\"a\" -> \"b\";"));
    }
}
