//! The measurement: valid base resources chosen from the R4 examples, single mutations
//! sampled from them per kind, each mutant validated, and detections tallied per kind.

use assure_model::Format;
use assure_validate::package::{ArchiveFile, header_resource_type, is_conformance_type};
use assure_validate::{Options, Validator};
use rayon::prelude::*;
use serde_json::Value;

use super::edit::{Kind, Mutation};
use super::generate;

/// How much to measure.
pub struct Plan {
    /// Mutations sampled per kind (fewer when a kind has fewer candidates).
    pub per_kind: usize,
    /// Base resources tried, spread evenly over the corpus.
    pub max_bases: usize,
    /// Larger example files are not used as bases (they validate slowly).
    pub max_base_bytes: usize,
    pub seed: u64,
}

/// A valid example resource that mutations start from.
pub struct Base {
    /// Path in the package archive.
    pub path: String,
    pub json: Value,
}

/// One mutant and what validation reported.
pub struct Verdict {
    pub mutation: Mutation,
    /// Error-level issues as `location: message`; detected when not empty.
    pub errors: Vec<String>,
    /// Whether an error is located at (or under) the mutation's site.
    pub at_site: bool,
}

impl Verdict {
    pub fn detected(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Per-kind counts of mutations generated and detected.
pub struct Tally {
    pub kind: Kind,
    pub generated: usize,
    pub detected: usize,
    /// Detected with an error at (or under) the mutation's site.
    pub at_site: usize,
}

impl Tally {
    /// Detected share in percent (100 when nothing was generated).
    pub fn share(&self) -> f64 {
        share(self.detected, self.generated)
    }
}

/// `part` of `whole` in percent (100 when `whole` is 0).
pub fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The example instances (not conformance resources, not Bundles, at most
/// `plan.max_base_bytes`) that validate with no error once round-tripped through
/// `serde_json`, up to `plan.max_bases` of them spread evenly over the archive order.
pub fn valid_bases(validator: &Validator, files: &[ArchiveFile], plan: &Plan) -> Vec<Base> {
    let eligible: Vec<&ArchiveFile> = files
        .iter()
        .filter(|f| f.bytes.len() <= plan.max_base_bytes)
        .filter(|f| {
            header_resource_type(&f.bytes)
                .is_some_and(|t| !is_conformance_type(&t) && t != "Bundle")
        })
        .collect();
    let step = eligible.len().div_ceil(plan.max_bases.max(1)).max(1);
    eligible
        .into_par_iter()
        .step_by(step)
        .filter_map(|file| {
            let json: Value = serde_json::from_slice(&file.bytes).ok()?;
            let bytes = serde_json::to_vec(&json).ok()?;
            let outcome = validator.validate_bytes(&bytes, Format::Json, &Options::default());
            (!outcome.has_errors()).then(|| Base {
                path: file.path.clone(),
                json,
            })
        })
        .collect()
}

/// Every mutation the bases admit, in base order.
pub fn candidates(validator: &Validator, bases: &[Base]) -> Vec<Mutation> {
    bases
        .iter()
        .enumerate()
        .flat_map(|(i, base)| generate::mutations(validator, i, &base.json))
        .collect()
}

/// Validates every mutant; a mutation counts as detected when at least one error-level issue
/// is reported.
pub fn validate_all(
    validator: &Validator,
    bases: &[Base],
    mutations: Vec<Mutation>,
) -> Vec<Verdict> {
    mutations
        .into_par_iter()
        .filter_map(|mutation| {
            let bytes = mutation.apply(&bases[mutation.base].json)?;
            let outcome = validator.validate_bytes(&bytes, Format::Json, &Options::default());
            let errors = outcome
                .errors()
                .map(|i| format!("{}: {}", i.location, i.message))
                .collect();
            let at_site = outcome
                .errors()
                .any(|i| i.location.starts_with(&mutation.site));
            Some(Verdict {
                mutation,
                errors,
                at_site,
            })
        })
        .collect()
}

/// Counts per kind, in [`Kind::ALL`] order.
pub fn tally(verdicts: &[Verdict]) -> Vec<Tally> {
    Kind::ALL
        .iter()
        .map(|kind| {
            let of_kind = verdicts.iter().filter(|v| v.mutation.kind == *kind);
            Tally {
                kind: *kind,
                generated: of_kind.clone().count(),
                detected: of_kind.clone().filter(|v| v.detected()).count(),
                at_site: of_kind.filter(|v| v.at_site).count(),
            }
        })
        .collect()
}

/// `(variant, detected, generated)` of one kind's verdicts, by variant name.
pub fn by_variant(verdicts: &[Verdict], kind: Kind) -> Vec<(String, usize, usize)> {
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for v in verdicts.iter().filter(|v| v.mutation.kind == kind) {
        let entry = counts.entry(&v.mutation.variant).or_default();
        entry.0 += usize::from(v.detected());
        entry.1 += 1;
    }
    counts
        .into_iter()
        .map(|(variant, (detected, generated))| (variant.to_owned(), detected, generated))
        .collect()
}

/// The example instances of a package archive, as [`valid_bases`] expects them.
pub fn example_files(tarball: &std::path::Path) -> Vec<ArchiveFile> {
    assure_validate::package::archive_files(tarball, |p| {
        p.starts_with("package/") && p.ends_with(".json")
    })
    .expect("R4 examples archive")
}
