//! The search parameters known for a server: R4 core and loaded packages (from
//! `Definitions`), then any the server declares, each found by resource type and code.

use std::collections::HashMap;
use std::sync::Arc;

use assure_fhirpath::{ModelInfo, StaticModel};
use assure_validate::Definitions;
use assure_validate::bundled::{self, BundleError};

use crate::parameter::{DefinitionError, SearchParameter, SearchParameterJson};

/// Search parameters by (resource type, code) and by canonical URL, with the FHIR type model
/// their expressions are evaluated with.
#[derive(Debug, Clone)]
pub struct SearchParameters {
    by_code: HashMap<(String, String), Arc<SearchParameter>>,
    by_url: HashMap<String, Arc<SearchParameter>>,
    model: Arc<StaticModel>,
}

impl SearchParameters {
    /// The built-in R4 definitions (`assure_validate::bundled`).
    pub fn r4() -> Result<SearchParameters, BundleError> {
        Ok(SearchParameters::from_definitions(&bundled::definitions()?))
    }

    /// Every SearchParameter among `definitions` (unreadable ones and the specification's
    /// examples, whose ids start with `example`, are skipped: R4 ships `example-reference`,
    /// a second `Condition` `subject`), with the type model of their StructureDefinitions.
    /// Later packages win for the same type and code.
    pub fn from_definitions(definitions: &Definitions) -> SearchParameters {
        let mut model = StaticModel::default();
        for definition in definitions.structure_definitions() {
            if let Ok(json) = definition.deserialize::<serde_json::Value>() {
                model.add_structure_definition(&json);
            }
        }
        let mut parameters = SearchParameters {
            by_code: HashMap::new(),
            by_url: HashMap::new(),
            model: Arc::new(model),
        };
        let mut loaded: Vec<(String, SearchParameter)> = definitions
            .of_type("SearchParameter")
            .filter(|resource| !resource.id().is_some_and(|id| id.starts_with("example")))
            .filter_map(|resource| {
                let sketch = resource.deserialize::<SearchParameterJson>().ok()?;
                let parameter = SearchParameter::from_sketch(sketch).ok()?;
                Some((resource.package().to_owned(), parameter))
            })
            .collect();
        // Package order: the order the packages were added in (core first).
        let order = |package: &str| definitions.packages().iter().position(|p| p == package);
        loaded.sort_by_key(|(package, parameter)| (order(package), parameter.url.clone()));
        for (_, parameter) in loaded {
            parameters.add(parameter);
        }
        parameters
    }

    /// Adds a SearchParameter the server declares (e.g. one its CapabilityStatement points
    /// to), replacing any with the same code on the same base.
    pub fn add_json(
        &mut self,
        json: &serde_json::Value,
    ) -> Result<Arc<SearchParameter>, DefinitionError> {
        Ok(self.add(SearchParameter::from_json(json)?))
    }

    /// Adds a definition, replacing any with the same code on the same base.
    pub fn add(&mut self, parameter: SearchParameter) -> Arc<SearchParameter> {
        let parameter = Arc::new(parameter);
        for base in &parameter.base {
            self.by_code
                .insert((base.clone(), parameter.code.clone()), parameter.clone());
        }
        if !parameter.url.is_empty() {
            self.by_url.insert(parameter.url.clone(), parameter.clone());
        }
        parameter
    }

    /// The parameter `code` on `resource_type`: defined for the type itself, else for
    /// `DomainResource` or `Resource` (`_id`, `_lastUpdated`, `_tag`).
    pub fn get(&self, resource_type: &str, code: &str) -> Option<&Arc<SearchParameter>> {
        let key = |base: &str| (base.to_owned(), code.to_owned());
        self.by_code
            .get(&key(resource_type))
            .or_else(|| {
                self.model
                    .is_subtype(resource_type, "DomainResource")
                    .then(|| self.by_code.get(&key("DomainResource")))
                    .flatten()
            })
            .or_else(|| self.by_code.get(&key("Resource")))
    }

    /// A parameter by canonical URL (composite components name theirs this way).
    pub fn by_url(&self, url: &str) -> Option<&Arc<SearchParameter>> {
        self.by_url.get(url)
    }

    /// Every distinct definition.
    pub fn all(&self) -> impl Iterator<Item = &Arc<SearchParameter>> {
        let mut seen = std::collections::HashSet::new();
        self.by_code
            .values()
            .filter(move |p| seen.insert(Arc::as_ptr(p)))
    }

    /// The FHIR type model expressions are evaluated with.
    pub fn model(&self) -> &StaticModel {
        &self.model
    }

    /// Whether `name` is a resource type the model knows.
    pub(crate) fn is_resource_type(&self, name: &str) -> bool {
        self.model.is_subtype(name, "Resource")
    }
}
