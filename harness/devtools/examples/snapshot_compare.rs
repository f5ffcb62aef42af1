//! Checks snapshot generation against published snapshots. The constraints and logical models
//! of a package (IPS 2.0.0 by default) are loaded without their snapshots, as if published with
//! differentials only, so the validator generates each one (from its base's snapshot, itself
//! generated when the base is in the package too); each is then compared element by element
//! (by id) with its published snapshot on what validation reads: ids, paths and order,
//! cardinality, types (with profiles and target profiles), slicing (discriminators, rules,
//! ordered), bindings (strength and value set), constraint keys, fixed/pattern values,
//! must-support, maxLength, contentReference and min/max values. Documentation, the order of
//! constraints and of types, the version a publisher pins on canonicals of the base
//! specification (`.../ValueSet/languages|4.0.1`, the one R4 version loaded) and the canonical
//! before a contentReference's `#` are not compared.
//!
//! Prints, per profile and in total, the published elements matched on every aspect, the
//! elements generated that are not published, and the mismatches by aspect; `--verbose` lists
//! examples of each.
//!
//! Run: `cargo run --release -p assure-devtools --example snapshot_compare -- [--verbose]
//! [dependency.tgz...] [package.tgz]` (the R4 package in `../shared` is always loaded; the last
//! package named is the one compared).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_validate::package::Package;
use assure_validate::{Definitions, Validator};
use serde_json::Value;

/// How many mismatches of each aspect `--verbose` lists.
const EXAMPLES_PER_ASPECT: usize = 12;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fhir-packages");
    let mut packages: Vec<PathBuf> = args
        .iter()
        .filter(|a| a.ends_with(".tgz"))
        .map(PathBuf::from)
        .collect();
    if packages.is_empty() {
        packages.push(shared.join("hl7.fhir.uv.ips-2.0.0.tgz"));
    }
    let core = shared.join("hl7.fhir.r4.examples-4.0.1.tgz");
    for path in std::iter::once(&core).chain(&packages) {
        if !path.exists() {
            println!("skipped: {} not found", path.display());
            return;
        }
    }
    if !packages.contains(&core) {
        packages.insert(0, core);
    }
    let mut defs = Definitions::new();
    let mut compared = Vec::new();
    for (n, path) in packages.iter().enumerate() {
        let package = load(path);
        if n + 1 == packages.len() {
            compared = package.resources.clone();
        }
        defs.add_package(package);
    }
    let missing = defs.missing_dependencies();
    if !missing.is_empty() {
        println!("dependencies not loaded: {}", missing.join(", "));
    }

    // The compared package's definitions as published, then the same without their snapshots.
    let mut published: Vec<(String, Arc<Value>)> = Vec::new();
    for resource in &compared {
        if resource.resource_type() != "StructureDefinition" {
            continue;
        }
        let Ok(json) = resource.json() else { continue };
        // Constraints and logical models: the base resources and types of a core package are
        // what the others are generated from.
        let derived = json["derivation"] == "constraint" || json["kind"] == "logical";
        if derived
            && json["differential"]["element"].is_array()
            && json["snapshot"]["element"].is_array()
        {
            let mut stripped = (*json).clone();
            if let Some(object) = stripped.as_object_mut() {
                object.remove("snapshot");
            }
            defs.add_json(stripped, "snapshot-compare");
            published.push((json["url"].as_str().unwrap_or_default().to_owned(), json));
        }
    }
    published.sort_by(|a, b| a.0.cmp(&b.0));
    let validator = Validator::new(Arc::new(defs));

    let mut total = Tally::default();
    for (url, sd) in &published {
        let name = sd["id"].as_str().unwrap_or(url);
        let Some(generated) = validator.with_snapshot(url) else {
            let expected = elements(sd).len();
            println!(
                "{name}: 0/{expected} (not generated: {})",
                validator.profile_problem(url)
            );
            total.total += expected;
            *total.by_aspect.entry("not generated").or_default() += expected;
            continue;
        };
        let tally = compare(elements(sd), elements(&generated));
        println!("{name}: {}", tally.summary());
        if verbose {
            tally.print_examples("    ");
        }
        total.add(tally);
    }
    println!("total: {}", total.summary());
}

fn load(path: &Path) -> Package {
    Package::from_tarball(path).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    })
}

fn elements(sd: &Value) -> &[Value] {
    sd["snapshot"]["element"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Matching elements and mismatches by aspect, for one profile or all.
#[derive(Default)]
struct Tally {
    matching: usize,
    /// Elements of the published snapshot.
    total: usize,
    /// Elements generated that the published snapshot does not have.
    extra: usize,
    by_aspect: BTreeMap<&'static str, usize>,
    examples: BTreeMap<&'static str, Vec<String>>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.matching += other.matching;
        self.total += other.total;
        self.extra += other.extra;
        for (aspect, n) in other.by_aspect {
            *self.by_aspect.entry(aspect).or_default() += n;
        }
    }

    fn mismatch(&mut self, aspect: &'static str, example: String) {
        *self.by_aspect.entry(aspect).or_default() += 1;
        self.examples.entry(aspect).or_default().push(example);
    }

    fn summary(&self) -> String {
        let mut text = format!("{}/{} elements match", self.matching, self.total);
        if self.extra > 0 {
            text.push_str(&format!(", {} extra generated", self.extra));
        }
        if !self.by_aspect.is_empty() {
            let aspects: Vec<String> = self
                .by_aspect
                .iter()
                .map(|(aspect, n)| format!("{aspect} {n}"))
                .collect();
            text.push_str(&format!(" (mismatches: {})", aspects.join(", ")));
        }
        text
    }

    fn print_examples(&self, indent: &str) {
        for (aspect, examples) in &self.examples {
            for example in examples.iter().take(EXAMPLES_PER_ASPECT) {
                println!("{indent}{aspect}: {example}");
            }
            if examples.len() > EXAMPLES_PER_ASPECT {
                println!(
                    "{indent}{aspect}: ... {} more",
                    examples.len() - EXAMPLES_PER_ASPECT
                );
            }
        }
    }
}

fn id_of(element: &Value) -> String {
    match element["id"].as_str() {
        Some(id) => id.to_owned(),
        None => element["path"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Compares a generated snapshot with the published one, element by element (by id).
fn compare(published: &[Value], generated: &[Value]) -> Tally {
    let mut tally = Tally {
        total: published.len(),
        ..Tally::default()
    };
    let generated_by_id: HashMap<String, &Value> =
        generated.iter().map(|e| (id_of(e), e)).collect();
    let published_ids: BTreeSet<String> = published.iter().map(id_of).collect();
    for element in generated {
        let id = id_of(element);
        if !published_ids.contains(&id) {
            tally.extra += 1;
            tally.mismatch("extra", id);
        }
    }
    // Order: each element common to both must follow the same common element in both.
    let common_order = |list: &[Value]| -> HashMap<String, Option<String>> {
        let mut previous = None;
        let mut map = HashMap::new();
        for element in list {
            let id = id_of(element);
            if published_ids.contains(&id) && generated_by_id.contains_key(&id) {
                map.insert(id.clone(), previous.replace(id));
            }
        }
        map
    };
    let published_order = common_order(published);
    let generated_order = common_order(generated);
    for expected in published {
        let id = id_of(expected);
        let Some(found) = generated_by_id.get(&id) else {
            tally.mismatch("missing", id);
            continue;
        };
        let mut matches = true;
        if published_order.get(&id) != generated_order.get(&id) {
            matches = false;
            tally.mismatch(
                "order",
                format!(
                    "{id}: after {:?}, generated after {:?}",
                    published_order.get(&id).cloned().flatten(),
                    generated_order.get(&id).cloned().flatten()
                ),
            );
        }
        for (aspect, view) in ASPECTS {
            let (want, got) = (view(expected), view(found));
            if want != got {
                matches = false;
                tally.mismatch(aspect, format!("{id}: published {want}, generated {got}"));
            }
        }
        if matches {
            tally.matching += 1;
        }
    }
    tally
}

/// An aspect compared and how it reads from an element, normalised so that cosmetic
/// differences (order of types' profiles, of constraints) do not count.
type Aspect = (&'static str, fn(&Value) -> Value);

const ASPECTS: [Aspect; 12] = [
    ("path", |e| e["path"].clone()),
    ("sliceName", |e| e["sliceName"].clone()),
    ("cardinality", |e| {
        Value::String(format!("{}..{}", e["min"], e["max"]))
    }),
    ("type", types),
    ("slicing", slicing),
    ("binding", |e| {
        let b = &e["binding"];
        serde_json::json!([b["strength"], b["valueSet"].as_str().map(unversioned)])
    }),
    ("constraint", |e| {
        let keys: BTreeSet<String> = list(&e["constraint"])
            .iter()
            .filter_map(|c| c["key"].as_str().map(str::to_owned))
            .collect();
        serde_json::json!(keys)
    }),
    ("fixed/pattern", |e| {
        let values: serde_json::Map<String, Value> = e
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.starts_with("fixed") || k.starts_with("pattern"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Value::Object(values)
    }),
    ("mustSupport", |e| {
        Value::Bool(e["mustSupport"].as_bool().unwrap_or(false))
    }),
    ("maxLength", |e| e["maxLength"].clone()),
    ("contentReference", |e| {
        // `#Bundle.link` and `http://hl7.org/fhir/StructureDefinition/Bundle#Bundle.link`
        // name the same element.
        let reference = e["contentReference"].as_str().unwrap_or_default();
        Value::from(reference.rsplit_once('#').map_or(reference, |(_, id)| id))
    }),
    ("min/maxValue", |e| {
        let values: serde_json::Map<String, Value> = e
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.starts_with("minValue") || k.starts_with("maxValue"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Value::Object(values)
    }),
];

/// A canonical URL without its `|version`.
fn unversioned(canonical: &str) -> &str {
    canonical.split('|').next().unwrap_or(canonical)
}

fn list(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Types as a set of `code` with sorted profiles and target profiles.
fn types(element: &Value) -> Value {
    let sorted = |v: &Value| {
        let set: BTreeSet<String> = list(v)
            .iter()
            .filter_map(|p| p.as_str().map(|p| unversioned(p).to_owned()))
            .collect();
        set.into_iter().collect::<Vec<_>>().join(" ")
    };
    let set: BTreeSet<String> = list(&element["type"])
        .iter()
        .map(|t| {
            format!(
                "{}({})[{}]",
                t["code"].as_str().unwrap_or_default(),
                sorted(&t["profile"]),
                sorted(&t["targetProfile"])
            )
        })
        .collect();
    serde_json::json!(set)
}

/// Discriminators in order, rules and ordered (false when absent).
fn slicing(element: &Value) -> Value {
    let slicing = &element["slicing"];
    if slicing.is_null() {
        return Value::Null;
    }
    let discriminators: Vec<String> = list(&slicing["discriminator"])
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["type"].as_str().unwrap_or_default(),
                d["path"].as_str().unwrap_or_default()
            )
        })
        .collect();
    serde_json::json!([
        discriminators,
        slicing["rules"],
        slicing["ordered"].as_bool().unwrap_or(false)
    ])
}
