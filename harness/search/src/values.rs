//! The values a parameter's expression finds in a resource, for a harness that builds a
//! query from a resource it already has (search Patients by the family name one holds).

use std::sync::Arc;

use assure_fhirpath::EvalContext;
use assure_model::Element;

use crate::criterion::component_definitions;
use crate::found::Found;
use crate::judge::find;
use crate::parameter::SearchParameter;
use crate::registry::SearchParameters;

/// One element the expression found.
#[derive(Debug, Clone)]
pub struct FoundValue<'a> {
    pub element: &'a Element,
    /// Its FHIR type code (`HumanName`, `date`, `Reference`), when known.
    pub type_name: Option<String>,
}

/// The elements `parameter`'s expression finds in `resource`, in document order, or why it
/// cannot be evaluated there. Computed values are left out, and so are references of another
/// type under a `.where(resolve() is T)` filter.
pub fn values<'a>(
    resource: &'a Element,
    parameters: &'a SearchParameters,
    parameter: &'a SearchParameter,
) -> Result<Vec<FoundValue<'a>>, String> {
    Ok(find(resource, parameters.model(), parameter)?
        .into_iter()
        .filter_map(|found| {
            let node = found.item.as_node()?;
            Some(FoundValue {
                element: node.element,
                type_name: found.type_name().map(str::to_owned),
            })
        })
        .collect())
}

/// One component of a composite parameter: its definition and the values its expression
/// finds in one item of the composite.
#[derive(Debug, Clone)]
pub struct ComponentValues<'a> {
    pub definition: Arc<SearchParameter>,
    pub found: Vec<FoundValue<'a>>,
}

/// For a composite parameter: per item its expression finds in `resource`, the values of each
/// component, in the order the definition lists them (R4 search.html#composite: the parts of
/// a value must match within one item).
pub fn composite_values<'a>(
    resource: &'a Element,
    parameters: &'a SearchParameters,
    parameter: &'a SearchParameter,
) -> Result<Vec<Vec<ComponentValues<'a>>>, String> {
    let definitions = component_definitions(parameters, parameter)?;
    let items = find(resource, parameters.model(), parameter)?;
    let ctx = EvalContext::new(parameters.model()).with_resource(resource);
    items
        .iter()
        .map(|item| {
            parameter
                .component
                .iter()
                .zip(&definitions)
                .map(|(component, definition)| {
                    let expr = component.parsed.as_ref().map_err(Clone::clone)?;
                    let values = expr
                        .evaluate(&ctx, std::slice::from_ref(&item.item))
                        .map_err(|e| {
                            format!("the component '{}' failed: {e}", component.expression)
                        })?;
                    let found = values
                        .into_iter()
                        .filter_map(|value| {
                            let found = Found {
                                item: value,
                                doubt: None,
                            };
                            let type_name = found.type_name().map(str::to_owned);
                            let node = found.item.as_node()?;
                            Some(FoundValue {
                                element: node.element,
                                type_name,
                            })
                        })
                        .collect();
                    Ok(ComponentValues {
                        definition: definition.clone(),
                        found,
                    })
                })
                .collect()
        })
        .collect()
}
