//! What a CapabilityStatement claims: per resource type of its `server` rest, the interactions
//! and the search parameters. Read once, for the generated search checks and the claims table.

use serde_json::Value;

/// A resource type the server claims, with the interactions and search parameters it declares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClaimedType {
    pub(crate) name: String,
    /// `interaction.code`s, in the statement's order.
    pub(crate) interactions: Vec<String>,
    pub(crate) params: Vec<ClaimedParam>,
}

/// One `rest.resource.searchParam`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClaimedParam {
    /// The name used in queries.
    pub(crate) name: String,
    /// The canonical URL of its SearchParameter, when declared.
    pub(crate) definition: Option<String>,
}

/// The types of the `server` `rest` entries (the first when none says `server`), or why the
/// statement cannot be read.
pub(crate) fn claimed_types(statement: &Value) -> Result<Vec<ClaimedType>, String> {
    if statement.get("resourceType").and_then(Value::as_str) != Some("CapabilityStatement") {
        return Err("the body of /metadata is not a CapabilityStatement".to_owned());
    }
    let rests = statement
        .get("rest")
        .and_then(Value::as_array)
        .ok_or("the CapabilityStatement has no rest")?;
    let rest = rests
        .iter()
        .find(|r| r.get("mode").and_then(Value::as_str) == Some("server"))
        .or(rests.first())
        .ok_or("the CapabilityStatement has no rest")?;
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let resources = rest.get("resource").and_then(Value::as_array);
    Ok(resources
        .into_iter()
        .flatten()
        .filter_map(|resource| {
            Some(ClaimedType {
                name: text(resource, "type")?,
                interactions: resource
                    .get("interaction")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|interaction| text(interaction, "code"))
                    .collect(),
                params: resource
                    .get("searchParam")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|param| {
                        Some(ClaimedParam {
                            name: text(param, "name")?,
                            definition: text(param, "definition"),
                        })
                    })
                    .collect(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_types_and_parameters_of_the_server_rest() {
        let statement = json!({
            "resourceType": "CapabilityStatement",
            "rest": [
                {"mode": "client", "resource": [{"type": "Basic"}]},
                {"mode": "server", "resource": [
                    {"type": "Patient", "searchParam": [
                        {"name": "family", "definition": "http://hl7.org/fhir/SearchParameter/individual-family", "type": "string"},
                        {"name": "x"}
                    ]},
                    {"type": "Organization"}
                ]}
            ]
        });
        let types = claimed_types(&statement).unwrap();
        assert_eq!(types.len(), 2);
        assert_eq!(types[0].name, "Patient");
        assert_eq!(types[0].params[1].definition, None);
        assert!(types[1].params.is_empty());
        assert!(claimed_types(&json!({"resourceType": "Patient"})).is_err());
    }
}
