//! The validator over the built-in R4 core definitions, built once per test binary.

use std::sync::{Arc, OnceLock};

use assure_validate::{Validator, bundled};

/// The shared validator with the built-in R4 core definitions.
pub fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::new(Arc::new(bundled::definitions().unwrap())))
}
