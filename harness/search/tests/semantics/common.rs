//! Shared set-up: the R4 definitions, loaded once, and a table runner.

use std::sync::LazyLock;

use assure_model::{Element, Format, parse};
use assure_search::{Criterion, CriterionError, Judgement, SearchParameters, judge};

pub static R4: LazyLock<SearchParameters> =
    LazyLock::new(|| SearchParameters::r4().expect("the built-in R4 definitions load"));

/// A resource from JSON text.
pub fn resource(json: &str) -> Element {
    parse(json.as_bytes(), Format::Json)
        .expect("test resource parses")
        .root
}

/// Parses `name=value` for the resource's type.
pub fn criterion(resource: &Element, name: &str, value: &str) -> Result<Criterion, CriterionError> {
    let resource_type = resource.resource_type.as_deref().unwrap();
    Criterion::parse(&R4, resource_type, name, value)
}

/// What is expected of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Match,
    NoMatch,
    Undecided,
}
pub use Expect::{Match, NoMatch, Undecided};

/// Judges `name=value` on `resource`.
pub fn judged(resource: &Element, name: &str, value: &str) -> Judgement {
    let criterion = criterion(resource, name, value)
        .unwrap_or_else(|e| panic!("{name}={value} does not parse: {e}"));
    judge(resource, &R4, &criterion)
}

/// Runs a table of `(name, value, expected)` rows against one resource; every failing row is
/// reported, with the judgement's reason. Returns the judgements for further checks.
pub fn table(resource: &Element, rows: &[(&str, &str, Expect)]) -> Vec<Judgement> {
    let mut failures = Vec::new();
    let mut judgements = Vec::new();
    for (name, value, expected) in rows {
        let judgement = judged(resource, name, value);
        let got = match &judgement {
            Judgement::Matches => Match,
            Judgement::DoesNotMatch { .. } => NoMatch,
            Judgement::Undecided { .. } => Undecided,
        };
        if got != *expected {
            failures.push(format!(
                "{name}={value}: expected {expected:?}, got {judgement:?}"
            ));
        }
        judgements.push(judgement);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    judgements
}
