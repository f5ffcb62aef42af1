//! The runner's conformance checker: definitions loaded once per run, on first use, and
//! validation run on the blocking thread pool so the async runtime keeps serving other tests.

use std::sync::Arc;

use assure_validate::{Outcome, ReferenceResolver, Validator};
use tokio::sync::OnceCell;

use super::check::check_document;
use super::sources::DefinitionSources;

/// Validates response bodies for `conforms` assertions. Cheap to create: nothing is read
/// until the first check.
#[derive(Debug, Default)]
pub struct Conformance {
    sources: DefinitionSources,
    validator: OnceCell<Result<Arc<Validator>, String>>,
}

impl Conformance {
    /// A checker that loads its definitions from `sources` when first needed.
    pub fn new(sources: DefinitionSources) -> Conformance {
        Conformance {
            sources,
            validator: OnceCell::new(),
        }
    }

    /// The validator, loading the definitions on the first call (later and concurrent callers
    /// wait for that one load). `Err` says why no definitions are available and how to get them.
    pub async fn validator(&self) -> Result<Arc<Validator>, String> {
        self.validator
            .get_or_init(|| async {
                let sources = self.sources.clone();
                let loaded = tokio::task::spawn_blocking(move || sources.load())
                    .await
                    .map_err(|e| format!("loading the FHIR definitions failed: {e}"))?;
                let loaded = loaded.map_err(|e| e.to_string())?;
                Ok(Arc::new(Validator::new(Arc::new(loaded.definitions))))
            })
            .await
            .clone()
    }

    /// Validates `body` against its own type and `meta.profile`, plus `profile` when given (a
    /// Bundle: each entry's resource); references outside the body are looked up with
    /// `resolver`. `Err` is a harness problem: no definitions, or a `profile` the loaded
    /// packages do not define.
    pub async fn check(
        &self,
        body: Vec<u8>,
        profile: Option<String>,
        resolver: Option<Arc<dyn ReferenceResolver>>,
    ) -> Result<Outcome, String> {
        let validator = self.validator().await?;
        tokio::task::spawn_blocking(move || {
            if let Some(url) = &profile
                && validator.profile(url).is_none()
            {
                return Err(unknown_profile(url, &validator));
            }
            Ok(check_document(
                &validator,
                &body,
                profile.as_deref(),
                resolver,
            ))
        })
        .await
        .map_err(|e| format!("validation failed: {e}"))?
    }
}

/// The error for a profile that no loaded package defines.
pub fn unknown_profile(url: &str, validator: &Validator) -> String {
    let packages = validator.definitions().packages().join(", ");
    format!(
        "profile {url} is not defined by the loaded packages ({packages}); \
         add the package that defines it with --package"
    )
}
