//! Suites: the declarative checklist, its model and its loader.
//!
//! [`load_paths`], [`load_embedded`] and [`load_str`] turn suite YAML (format: `suites/README.md`)
//! into [`Suite`]s, or fail with a [`LoadError`] listing every problem as `file:line:column:
//! message`. [`interpolate`] substitutes `{{ name }}` placeholders at run time.

mod check;
mod convert;
mod embedded;
mod error;
mod generate;
pub mod interpolate;
mod load;
mod model;
mod uses;
mod yaml;

pub use embedded::load_embedded;
pub use error::{Diagnostic, LoadError, Position};
pub use generate::{
    DEFAULT_PROFILE_INSTANCES, Generators, PROFILE_CHECKS, ProfileGenerator, SEARCH_ID_PREFIX,
    SEARCH_VARIANTS, SearchGenerator,
};
pub use interpolate::{UnknownVariable, interpolate, variables_in};
pub use load::{load_paths, load_str};
pub use model::*;
pub use uses::{data_variables, test_variables};
