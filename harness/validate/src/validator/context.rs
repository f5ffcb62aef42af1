//! What the rules of one validation run read besides the node they check: the validator (its
//! definitions, terminology and policy), the document's format, the entry index of the Bundle
//! being validated and the caller's resolver; and where a node sits (`Scope`).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use assure_model::{Element, Format};

use super::bundle_index::BundleIndex;
use super::resolver::ReferenceResolver;
use super::{Options, Validator};

/// The settings and shared lookups of one validation run; a trial walk gets a copy.
#[derive(Clone)]
pub struct Context<'v> {
    /// Definitions, compiled profiles, terminology and policy.
    pub validator: &'v Validator,
    /// Whether the document was parsed from JSON (JSON value kinds are checked only then).
    pub json: bool,
    /// The entry index of the Bundle being validated, built on first use.
    bundle_index: RefCell<Option<Rc<BundleIndex>>>,
    /// Finds resources outside the document that references point to.
    resolver: Option<Arc<dyn ReferenceResolver>>,
}

impl<'v> Context<'v> {
    /// The context of a run of `validator` with `options`.
    pub fn new(validator: &'v Validator, options: &Options) -> Self {
        Self {
            validator,
            json: options.format == Some(Format::Json),
            bundle_index: RefCell::new(None),
            resolver: options.resolver.clone(),
        }
    }

    /// The resource outside the document that `reference` points to, from the caller's
    /// resolver.
    pub fn external_target(&self, reference: &str) -> Option<Arc<Element>> {
        self.resolver.as_ref()?.resolve(reference)
    }

    /// The entry index of `bundle`, built on first use and kept for the run.
    pub fn bundle_index(&self, bundle: &Element) -> Rc<BundleIndex> {
        let mut cached = self.bundle_index.borrow_mut();
        match cached.as_ref() {
            Some(index) if index.indexes(bundle) => index.clone(),
            _ => {
                let index = Rc::new(BundleIndex::new(bundle));
                *cached = Some(index.clone());
                index
            }
        }
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
