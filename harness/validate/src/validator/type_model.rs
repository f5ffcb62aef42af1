//! The FHIRPath type model built from the loaded StructureDefinitions. Each definition is read
//! into a sketch of the few fields the model uses, so building it neither builds nor keeps the
//! full JSON trees of every definition in the packages.

use assure_fhirpath::StaticModel;
use serde::{Deserialize, Serialize};

use crate::Definitions;

/// The fields of a StructureDefinition that [`StaticModel`] reads.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionSketch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derivation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base_definition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    snapshot: Option<SnapshotSketch>,
}

#[derive(Deserialize, Serialize)]
struct SnapshotSketch {
    #[serde(default)]
    element: Vec<ElementSketch>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct ElementSketch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_reference: Option<String>,
    #[serde(default, rename = "type")]
    types: Vec<TypeSketch>,
}

#[derive(Deserialize, Serialize)]
struct TypeSketch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// Only the `structuredefinition-fhir-type` values of system types are read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extension: Vec<TypeExtensionSketch>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct TypeExtensionSketch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value_uri: Option<String>,
}

/// Kinds of StructureDefinition that contribute types to the model.
const MODEL_KINDS: [&str; 3] = ["primitive-type", "complex-type", "resource"];

/// Type information from every StructureDefinition among `definitions` (unreadable ones are
/// skipped, as they define nothing usable).
pub fn build(definitions: &Definitions) -> StaticModel {
    let mut model = StaticModel::default();
    for resource in definitions.structure_definitions() {
        let Ok(sketch) = resource.deserialize::<DefinitionSketch>() else {
            continue;
        };
        if !sketch
            .kind
            .as_deref()
            .is_some_and(|k| MODEL_KINDS.contains(&k))
        {
            continue;
        }
        if let Ok(json) = serde_json::to_value(&sketch) {
            model.add_structure_definition(&json);
        }
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use assure_fhirpath::ModelInfo;
    use serde_json::json;

    #[test]
    fn the_sketch_keeps_what_the_model_reads() {
        let mut definitions = Definitions::new();
        definitions.add_json(
            json!({
                "resourceType": "StructureDefinition",
                "url": "http://hl7.org/fhir/StructureDefinition/Thing",
                "id": "Thing", "kind": "resource", "derivation": "specialization",
                "baseDefinition": "http://hl7.org/fhir/StructureDefinition/DomainResource",
                "text": {"status": "generated", "div": "<div>big narrative</div>"},
                "snapshot": {"element": [
                    {"path": "Thing", "definition": "ignored"},
                    {"path": "Thing.when", "type": [{"code": "dateTime"}]},
                    {"path": "Thing.part", "type": [{"code": "BackboneElement"}]},
                    {"path": "Thing.part.again", "contentReference": "#Thing.part"},
                    {"path": "Thing.id", "type": [{
                        "code": "http://hl7.org/fhirpath/System.String",
                        "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type", "valueUrl": "id"}]
                    }]}
                ]}
            }),
            "test",
        );
        let model = build(&definitions);
        let when = model.element_type("Thing", "when").unwrap();
        assert_eq!(&*when.types[0], "dateTime");
        assert!(model.is_subtype("Thing", "DomainResource"));
        assert!(model.is_subtype("Thing.part", "BackboneElement"));
        let again = model.element_type("Thing.part", "again").unwrap();
        assert_eq!(&*again.types[0], "Thing.part");
        assert_eq!(&*model.element_type("Thing", "id").unwrap().types[0], "id");
        assert!(model.element_type("Thing", "missing").is_none());
    }
}
