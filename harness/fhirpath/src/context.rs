//! The environment an expression is evaluated in: model, variables and host callbacks.

use crate::model::{ModelInfo, shared_or_new};
use crate::value::{Collection, Item, Node};
use assure_model::Element;
use chrono::{DateTime, Local};
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

/// Resolves a reference string (`Patient/123`, a full URL) to a resource element.
pub type Resolver<'a> = Box<dyn Fn(&str) -> Option<&'a Element> + 'a>;
/// Answers `conformsTo(url)` / `memberOf(url)` for an item: `Ok(None)` when the answer is
/// unknown (empty result), `Err(reason)` when the question is invalid (unknown profile or
/// value set), which fails the evaluation.
pub type ItemCheck<'a> = Box<dyn Fn(&Item<'a>, &str) -> Result<Option<bool>, String> + 'a>;
/// Receives `trace(name)` output.
pub type Tracer<'a> = Box<dyn Fn(&str, &[Item<'a>]) + 'a>;
/// A host function on text: maps one string to another (see
/// [`EvalContext::with_string_function`]).
pub type StringFunction<'a> = Box<dyn Fn(&str) -> String + 'a>;

/// Everything besides the focus that an evaluation may consult.
pub struct EvalContext<'a> {
    pub(crate) model: &'a dyn ModelInfo,
    pub(crate) resource: Option<Item<'a>>,
    pub(crate) root_resource: Option<Item<'a>>,
    pub(crate) variables: HashMap<String, Collection<'a>>,
    pub(crate) resolver: Option<Resolver<'a>>,
    pub(crate) conforms_to: Option<ItemCheck<'a>>,
    pub(crate) member_of: Option<ItemCheck<'a>>,
    pub(crate) tracer: Option<Tracer<'a>>,
    pub(crate) string_functions: HashMap<String, StringFunction<'a>>,
    pub(crate) strict: bool,
    pub(crate) as_filters: bool,
    /// Set when a comparison of two values had no answer (see [`Self::take_unknown_comparison`]).
    pub(crate) unknown_comparison: Cell<bool>,
    /// The instant `now()`, `today()` and `timeOfDay()` report: read from the clock on
    /// first use, then the same for every later call on this context.
    now: OnceCell<DateTime<Local>>,
}

impl<'a> EvalContext<'a> {
    /// A context using `model` for types, with no resource, variables or callbacks.
    pub fn new(model: &'a dyn ModelInfo) -> Self {
        EvalContext {
            model,
            resource: None,
            root_resource: None,
            variables: HashMap::new(),
            resolver: None,
            conforms_to: None,
            member_of: None,
            tracer: None,
            string_functions: HashMap::new(),
            strict: false,
            as_filters: false,
            unknown_comparison: Cell::new(false),
            now: OnceCell::new(),
        }
    }

    /// The evaluation instant, read from the clock the first time it is asked for.
    pub(crate) fn now(&self) -> DateTime<Local> {
        *self.now.get_or_init(Local::now)
    }

    /// A node for `element` typed from its resource type (for resources) or untyped, as
    /// [`Node::new`] makes it but with the model's copy of the type name.
    pub(crate) fn node(&self, element: &'a Element) -> Node<'a> {
        Node {
            element,
            type_name: element
                .resource_type
                .as_deref()
                .map(|t| shared_or_new(self.model, t)),
        }
    }

    /// Sets `%resource` and `%rootResource` to `resource`.
    pub fn with_resource(mut self, resource: &'a Element) -> Self {
        let item = Item::Node(self.node(resource));
        self.root_resource = Some(item.clone());
        self.resource = Some(item);
        self
    }

    /// Sets `%rootResource` separately (for a contained or bundled `%resource`).
    pub fn with_root_resource(mut self, root: &'a Element) -> Self {
        self.root_resource = Some(Item::Node(self.node(root)));
        self
    }

    /// Defines `%name`.
    pub fn with_variable(mut self, name: &str, value: Collection<'a>) -> Self {
        self.variables.insert(name.to_string(), value);
        self
    }

    /// Installs the callback behind `resolve()` (contained `#id` references are resolved
    /// without it).
    pub fn with_resolver(mut self, resolver: impl Fn(&str) -> Option<&'a Element> + 'a) -> Self {
        self.resolver = Some(Box::new(resolver));
        self
    }

    /// Installs the callback behind `conformsTo(url)`.
    pub fn with_conforms_to(
        mut self,
        check: impl Fn(&Item<'a>, &str) -> Result<Option<bool>, String> + 'a,
    ) -> Self {
        self.conforms_to = Some(Box::new(check));
        self
    }

    /// Installs the callback behind `memberOf(valueSetUrl)`.
    pub fn with_member_of(
        mut self,
        check: impl Fn(&Item<'a>, &str) -> Result<Option<bool>, String> + 'a,
    ) -> Self {
        self.member_of = Some(Box::new(check));
        self
    }

    /// Installs a receiver for `trace()` output (otherwise tracing is silent).
    pub fn with_tracer(mut self, tracer: impl Fn(&str, &[Item<'a>]) + 'a) -> Self {
        self.tracer = Some(Box::new(tracer));
        self
    }

    /// Adds a host function `name()`: no arguments, a single string focus (a FHIR string
    /// primitive's value too), the result `function(text)`; an empty focus gives an empty
    /// result. A name the FHIRPath library already defines keeps its standard meaning.
    pub fn with_string_function(
        mut self,
        name: &str,
        function: impl Fn(&str) -> String + 'a,
    ) -> Self {
        self.string_functions
            .insert(name.to_string(), Box::new(function));
        self
    }

    /// Lets the function `as(type)` take a collection of several items and keep those of the
    /// type, as `ofType(type)` does (FHIRPath N1 makes that an error). FHIR R4's own
    /// invariants rely on it: dom-3 reads `%resource.descendants().as(canonical)`.
    pub fn as_filters_collections(mut self, filters: bool) -> Self {
        self.as_filters = filters;
        self
    }

    /// Whether a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`) of two present values had no
    /// answer since the last call, as dates of different precision have none (FHIRPath N1
    /// §6.1, §6.2: the result is empty, "unknown"); clears the mark.
    pub fn take_unknown_comparison(&self) -> bool {
        self.unknown_comparison.replace(false)
    }

    /// In strict mode, navigating to an element the model does not define, or starting a
    /// path with a type the focus is not, is an error instead of an empty result.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NoModel;

    #[test]
    fn the_clock_is_read_on_first_use_and_then_kept() {
        let ctx = EvalContext::new(&NoModel);
        assert!(ctx.now.get().is_none());
        let first = ctx.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(ctx.now(), first);
    }
}
