//! Judges whether a FHIR R4 resource satisfies a search criterion, by the SearchParameter's
//! own definition: its FHIRPath `expression` finds the values, and the matching rules of its
//! type (R4 search.html) decide. The harness uses it to check the precision of a server's
//! search results: every resource returned must satisfy every criterion sent.
//!
//! ```no_run
//! use assure_model::{Format, parse};
//! use assure_search::{Criterion, Judgement, SearchParameters, judge};
//!
//! let parameters = SearchParameters::r4()?;
//! let criterion = Criterion::parse(&parameters, "Patient", "birthdate", "gt1980")?;
//! let patient = parse(br#"{"resourceType": "Patient", "birthDate": "1980-05-12"}"#, Format::Json)?.root;
//! assert!(judge(&patient, &parameters, &criterion).is_mismatch());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A [`Judgement`] is `Matches`, `DoesNotMatch` (naming the values found and the rule
//! applied) or `Undecided` (when the answer needs more than the resource: terminology,
//! chained parameters, a tolerance or time zone the server chooses). In doubt the judge
//! answers `Undecided`: a false failure is worse than a missed defect.

mod by_type;
mod composite;
mod criterion;
mod date;
mod escape;
mod expression;
mod found;
mod judge;
mod judgement;
mod missing;
mod modifier;
mod number;
mod parameter;
mod prefix;
mod quantity;
mod reference;
mod registry;
mod string;
mod token;
mod uri;
mod values;

pub use criterion::{Criterion, CriterionError, SearchValue, Test};
pub use date::DateValue;
pub use judge::judge;
pub use judgement::Judgement;
pub use modifier::Modifier;
pub use number::Number;
pub use parameter::{Component, DefinitionError, ParamType, SearchParameter};
pub use prefix::Prefix;
pub use quantity::{QuantityValue, UCUM};
pub use reference::ReferenceValue;
pub use registry::SearchParameters;
pub use token::{System, Token};
pub use values::{ComponentValues, FoundValue, composite_values, values};
