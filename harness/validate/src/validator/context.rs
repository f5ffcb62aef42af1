//! What the rules of one validation run read besides the node they check: the validator (its
//! definitions, terminology and policy), the document's format, the entry indexes of the
//! Bundles being validated and the caller's resolver; and where a node sits (`Scope`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use assure_model::{Element, Format};

use super::bundle_index::BundleIndex;
use super::resolver::ReferenceResolver;
use super::{Options, Policy, Stop, Switches, Validator};

/// The settings and shared lookups of one validation run; a trial walk, and each part of a
/// Bundle's entries validated in parallel, gets a copy sharing the lookups.
#[derive(Clone)]
pub struct Context<'v> {
    /// Definitions, compiled profiles, terminology and policy.
    pub validator: &'v Validator,
    /// Whether the document was parsed from JSON (JSON value kinds are checked only then).
    pub json: bool,
    /// The entry index of each Bundle of the document (by the Bundle's address), built on
    /// first use; nested Bundles have their own.
    bundle_indexes: Arc<Mutex<HashMap<usize, Arc<BundleIndex>>>>,
    /// Finds resources outside the document that references point to.
    resolver: Option<Arc<dyn ReferenceResolver>>,
    /// The run's switches.
    pub switches: &'v Switches,
    /// When the run must give up.
    pub stop: &'v Stop,
    /// The validator's policy with the switches' security and example-URL checks added.
    pub policy: Policy,
}

impl<'v> Context<'v> {
    /// The context of a run of `validator` with `options`.
    pub fn new(validator: &'v Validator, options: &'v Options) -> Self {
        let switches = &options.switches;
        let policy = validator.policy();
        Self {
            validator,
            json: options.format == Some(Format::Json),
            bundle_indexes: Arc::default(),
            resolver: options.resolver.clone(),
            switches,
            stop: &options.stop,
            policy: Policy {
                security_checks: policy.security_checks || switches.security_checks,
                no_example_urls: policy.no_example_urls || !switches.allow_example_urls,
                ..policy
            },
        }
    }

    /// The resource outside the document that `reference` points to, from the caller's
    /// resolver.
    pub fn external_target(&self, reference: &str) -> Option<Arc<Element>> {
        self.resolver.as_ref()?.resolve(reference)
    }

    /// The entry index of `bundle`, built on first use and kept for the run.
    pub fn bundle_index(&self, bundle: &Element) -> Arc<BundleIndex> {
        let mut indexes = self
            .bundle_indexes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        indexes
            .entry(std::ptr::from_ref(bundle) as usize)
            .or_insert_with(|| Arc::new(BundleIndex::new(bundle)))
            .clone()
    }
}

/// Where a node sits: the resource it belongs to and the document root.
#[derive(Clone, Copy)]
pub struct Scope<'e> {
    /// `%resource`: the resource the node belongs to.
    pub resource: &'e Element,
    /// `%rootResource`: the container of a contained resource, else the resource itself.
    pub root: &'e Element,
    /// The whole document (a Bundle's entries resolve references).
    pub document: &'e Element,
}

impl<'e> Scope<'e> {
    /// The scope of `resource`, a resource nested at a node of this scope: a contained
    /// resource has the resource that contains it as `%rootResource`; any other (a Bundle
    /// entry, a Parameters resource) is its own root (R4 fhirpath.html#variables).
    pub fn nested(&self, resource: &'e Element) -> Scope<'e> {
        let root = if resource.name == "contained" {
            self.resource
        } else {
            resource
        };
        Scope {
            resource,
            root,
            document: self.document,
        }
    }
}
