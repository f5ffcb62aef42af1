//! Validation for a run: definitions loaded once, on first use, and documents validated on the
//! blocking thread pool so the async runtime keeps serving other tests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assure_validate::{Outcome, ReferenceResolver, STOPPED_RULE, Stop, Validator};
use bytes::Bytes;
use tokio::sync::OnceCell;

use super::document::{Document, undefined_profile, unusable_bundle_rule, validate_document};
use super::settings::ValidatorSettings;
use super::sources::DefinitionSources;

/// Validates response bodies for `conforms` assertions. Cheap to create: nothing is read
/// until the first validation.
#[derive(Debug, Default)]
pub struct Validation {
    sources: DefinitionSources,
    /// The run's validator settings, under each assertion's own.
    settings: ValidatorSettings,
    validator: OnceCell<Result<Arc<Validator>, String>>,
    /// Codes left unchecked so far (code system → count), over every validation.
    unchecked: Mutex<BTreeMap<String, usize>>,
    /// The longest one document's validation may take; unbounded when `None`.
    time_limit: Option<Duration>,
}

impl Validation {
    /// Validation with definitions loaded from `sources` when first needed.
    pub fn new(sources: DefinitionSources) -> Validation {
        Validation {
            sources,
            settings: ValidatorSettings::default(),
            validator: OnceCell::new(),
            unchecked: Mutex::default(),
            time_limit: None,
        }
    }

    /// The same validation, with each document's validation stopped after `limit`.
    pub fn with_time_limit(mut self, limit: Duration) -> Validation {
        self.time_limit = Some(limit);
        self
    }

    /// The same validation with the run's validator `settings` (flags, config file).
    pub fn with_settings(mut self, settings: ValidatorSettings) -> Validation {
        self.settings = settings;
        self
    }

    /// The run's settings with an assertion's `options` over them.
    pub fn settings(&self, options: &ValidatorSettings) -> ValidatorSettings {
        options.over(&self.settings)
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
                Ok(Arc::new(loaded.into_validator()))
            })
            .await
            .clone()
    }

    /// Validates `body` as a [`Document::Body`] against its own type and `meta.profile`, plus
    /// `profile` when given (a Bundle: each entry's resource); references outside the body
    /// are looked up with `resolver`; the run's settings apply. `Err` is a harness problem: no
    /// definitions, a `profile` the loaded packages do not define, or a Bundle rule that cannot
    /// be applied.
    pub async fn validate(
        &self,
        body: Bytes,
        profile: Option<String>,
        resolver: Option<Arc<dyn ReferenceResolver>>,
    ) -> Result<Outcome, String> {
        let settings = self.settings.clone();
        self.validate_with(body, profile, resolver, &settings).await
    }

    /// [`Validation::validate`] with `settings` (the run's with an assertion's over them, see
    /// [`Validation::settings`]). A validation that runs past the time limit, or whose caller
    /// stops waiting for it, is stopped; past the limit, the result is `Err`: no verdict.
    pub async fn validate_with(
        &self,
        body: Bytes,
        profile: Option<String>,
        resolver: Option<Arc<dyn ReferenceResolver>>,
        settings: &ValidatorSettings,
    ) -> Result<Outcome, String> {
        let switches = settings.switches();
        let validator = self.validator().await?;
        let stop = self.time_limit.map_or_else(Stop::default, Stop::after);
        let _stop_when_dropped = StopWhenDropped(stop.clone());
        let limit = self.time_limit;
        let size = body.len();
        let outcome = tokio::task::spawn_blocking(move || {
            let profiles: Vec<String> = profile.into_iter().collect();
            if let Some(error) = profiles
                .iter()
                .find_map(|url| undefined_profile(&validator, url))
                .or_else(|| {
                    switches
                        .bundle_rules
                        .iter()
                        .find_map(|rule| unusable_bundle_rule(&validator, rule))
                })
            {
                return Err(error);
            }
            Ok(validate_document(
                &validator,
                Document::Body(&body),
                &profiles,
                resolver,
                &switches,
                &stop,
            ))
        })
        .await
        .map_err(|e| format!("validation failed: {e}"))??;
        if outcome
            .issues
            .iter()
            .any(|issue| *issue.rule == *STOPPED_RULE)
        {
            let limit = limit.map_or_else(String::new, |limit| {
                format!(" within {}", humantime::format_duration(limit))
            });
            return Err(format!(
                "validation of the {size}-byte body did not finish{limit} (the run's --timeout \
                 bounds it): no verdict"
            ));
        }
        let mut unchecked = self.unchecked.lock().unwrap_or_else(|p| p.into_inner());
        for (system, count) in outcome.unchecked_codes() {
            *unchecked.entry(system).or_insert(0) += count;
        }
        Ok(outcome)
    }

    /// The codes every validation so far could not check because their code system is not
    /// available offline: code system URL → number of coded elements.
    pub fn unchecked_codes(&self) -> BTreeMap<String, usize> {
        self.unchecked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Stops a validation when the future waiting for it is dropped (its test was cancelled), so
/// that no blocking thread keeps validating a body nobody will read the verdict of.
struct StopWhenDropped(Stop);

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::SettingValue;

    /// A searchset of `entries` Patients, each with a gender outside its required value set.
    fn searchset(entries: usize) -> Bytes {
        let entry: Vec<serde_json::Value> = (0..entries)
            .map(|n| {
                serde_json::json!({
                    "fullUrl": format!("http://example.org/fhir/Patient/p{n}"),
                    "resource": {"resourceType": "Patient", "id": format!("p{n}"),
                        "gender": "neither"},
                    "search": {"mode": "match"}
                })
            })
            .collect();
        let bundle = serde_json::json!({"resourceType": "Bundle", "type": "searchset",
            "total": entries, "entry": entry});
        Bytes::from(bundle.to_string())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bundle_rules_in_the_settings_judge_a_bundle_body() {
        const BMI: &str = "http://hl7.org/fhir/StructureDefinition/bmi";
        let body = Bytes::from(
            serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [
                {"fullUrl": "urn:uuid:8f6a2b4e-5a3c-4c2e-9a51-0c1d2e3f4a01",
                 "resource": {"resourceType": "Observation", "status": "final",
                    "code": {"text": "bmi"}}}]})
            .to_string(),
        );
        let validation = Validation::new(DefinitionSources::default());
        let plain = validation.validate(body.clone(), None, None).await.unwrap();
        assert_eq!(plain.errors().count(), 0);
        let mut options = ValidatorSettings::default();
        options
            .set("bundle", SettingValue::Text(format!("Observation:0 {BMI}")))
            .unwrap();
        let settings = validation.settings(&options);
        let judged = validation
            .validate_with(body.clone(), None, None, &settings)
            .await
            .unwrap();
        assert!(judged.errors().count() > 0);
        assert!(
            judged
                .errors()
                .all(|i| i.location.starts_with("Bundle.entry[0].resource")),
            "{:?}",
            judged.issues
        );
        let mut unusable = ValidatorSettings::default();
        unusable
            .set("bundle", SettingValue::Text(format!("Foo {BMI}")))
            .unwrap();
        let error = validation
            .validate_with(body, None, None, &validation.settings(&unusable))
            .await
            .unwrap_err();
        assert_eq!(error, "bundle rule `Foo`: Foo is not a resource type");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_validation_past_its_time_limit_gives_no_verdict() {
        let body = searchset(20_000);
        let unbounded = Validation::new(DefinitionSources::default());
        let outcome = unbounded.validate(body.clone(), None, None).await.unwrap();
        assert_eq!(outcome.errors().count(), 20_000, "one error per entry");

        let bounded =
            Validation::new(DefinitionSources::default()).with_time_limit(Duration::from_millis(1));
        let error = bounded.validate(body, None, None).await.unwrap_err();
        assert!(
            error.contains("did not finish within 1ms") && error.contains("no verdict"),
            "{error}"
        );
    }
}
