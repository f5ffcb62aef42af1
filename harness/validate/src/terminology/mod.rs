//! Local terminology: value set expansion from the loaded definitions and code membership
//! checks that answer "cannot tell" instead of guessing when content is missing.

mod code_system;
mod expansion;
pub mod ucum;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::Definitions;

pub use expansion::{Expansion, Gap};

/// The answer to "is this code in that value set?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    InValueSet,
    NotInValueSet,
    /// The code system the code would come from (its URL) is not available locally, or only
    /// without its full content (SNOMED CT, dm+d): the code cannot be checked offline.
    SystemUnavailable(String),
    /// Something else the check needs (a value set, an exclusion, a filter this expansion
    /// does not support) is missing; the reason says what.
    CannotTell(String),
}

/// Expands value sets against a [`Definitions`] set and caches the expansions.
#[derive(Debug)]
pub struct Terminology {
    definitions: Arc<Definitions>,
    cache: Mutex<HashMap<String, Arc<Expansion>>>,
}

impl Terminology {
    /// Terminology over the given definitions.
    pub fn new(definitions: Arc<Definitions>) -> Self {
        Self {
            definitions,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The (cached) expansion of a value set given by canonical URL (`url` or `url|version`).
    pub fn expand(&self, value_set: &str) -> Arc<Expansion> {
        if let Some(found) = self.cache_lock().get(value_set) {
            return found.clone();
        }
        let expansion = Arc::new(expansion::expand(
            &self.definitions,
            value_set,
            &mut Vec::new(),
        ));
        self.cache_lock()
            .insert(value_set.to_owned(), expansion.clone());
        expansion
    }

    fn cache_lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Expansion>>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `code` (from `system`, when known) is in the value set.
    pub fn validate_code(&self, value_set: &str, system: Option<&str>, code: &str) -> CodeCheck {
        self.expand(value_set).check(system, code)
    }
}

#[cfg(test)]
mod tests;
