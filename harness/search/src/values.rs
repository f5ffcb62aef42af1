//! The values a parameter's expression finds in a resource, for a harness that builds a
//! query from a resource it already has (search Patients by the family name one holds).

use assure_model::Element;

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
