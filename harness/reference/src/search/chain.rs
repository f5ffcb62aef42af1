//! Chained parameters (`subject:Patient.identifier=…`, `patient.name=…`): resolved against the
//! store into the references of the resources they find.

use std::sync::Arc;

use serde_json::Value;

use super::SearchRequest;
use super::criterion::{Criterion, Matcher, Test};
use super::reference::ReferenceQuery;
use crate::resource_types::ResourceType;

impl SearchRequest {
    /// Replaces every chained criterion by a test for references to the live resources that
    /// meet the chained criterion (`find` lists those of a type that meet a criterion).
    pub fn resolve_chains(&mut self, find: impl Fn(&ResourceType, &Criterion) -> Vec<Arc<Value>>) {
        for criterion in &mut self.criteria {
            let Test::Chain(chain) = &criterion.test else {
                continue;
            };
            let mut references = Vec::new();
            for (resource_type, chained) in chain {
                for resource in find(resource_type, chained) {
                    if let Some(id) = resource.get("id").and_then(Value::as_str) {
                        references.push(Matcher::Reference(ReferenceQuery::to(
                            resource_type.name,
                            id,
                        )));
                    }
                }
            }
            criterion.test = Test::AnyOf(references);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::SearchOptions;
    use super::*;
    use crate::resource_types::served;
    use serde_json::json;

    fn live(resource_type: &str) -> Vec<Value> {
        match resource_type {
            "Patient" => vec![
                json!({"resourceType": "Patient", "id": "a", "name": [{"family": "Jones"}]}),
                json!({"resourceType": "Patient", "id": "b", "name": [{"family": "Smith"}]}),
            ],
            _ => Vec::new(),
        }
    }

    fn chained(key: &str, value: &str) -> SearchRequest {
        let mut request = SearchRequest::parse(
            served("Observation").unwrap(),
            &[(key.to_owned(), value.to_owned())],
            &SearchOptions::default(),
        )
        .unwrap();
        request.resolve_chains(|resource_type, criterion| {
            live(resource_type.name)
                .into_iter()
                .filter(|resource| criterion.matches(resource))
                .map(Arc::new)
                .collect()
        });
        request
    }

    #[test]
    fn chain_finds_references_to_matching_targets() {
        let observation = json!({"subject": {"reference": "Patient/a"}});
        assert!(chained("patient.name", "jon").matches(&observation));
        assert!(chained("subject:Patient.family", "jones").matches(&observation));
        assert!(!chained("patient.name", "smi").matches(&observation));
        assert!(!chained("patient.name:exact", "jones").matches(&observation));
    }
}
