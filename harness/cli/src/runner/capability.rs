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
    /// `profile` (every resource of the type conforms to it), if any.
    pub(crate) profile: Option<String>,
    /// `supportedProfile`s (the server hosts resources conformant to each).
    pub(crate) supported_profiles: Vec<String>,
}

impl ClaimedType {
    /// Whether the type claims profile `url`, as its `profile` or a `supportedProfile`
    /// (canonical versions ignored).
    pub(crate) fn claims_profile(&self, url: &str) -> bool {
        let unversioned =
            |canonical: &str| canonical.split('|').next().unwrap_or_default().to_owned();
        let url = unversioned(url);
        self.profile
            .iter()
            .chain(&self.supported_profiles)
            .any(|p| unversioned(p) == url)
    }
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
                profile: text(resource, "profile"),
                supported_profiles: resource
                    .get("supportedProfile")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|url| url.as_str().map(str::to_owned))
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
                    {"type": "Organization", "profile": "http://example.org/O",
                     "supportedProfile": ["http://example.org/P|1.0"]}
                ]}
            ]
        });
        let types = claimed_types(&statement).unwrap();
        assert_eq!(types.len(), 2);
        assert_eq!(types[0].name, "Patient");
        assert_eq!(types[0].params[1].definition, None);
        assert!(types[1].params.is_empty());
        assert!(!types[0].claims_profile("http://example.org/P"));
        assert!(types[1].claims_profile("http://example.org/O"));
        assert!(types[1].claims_profile("http://example.org/P"));
        assert!(claimed_types(&json!({"resourceType": "Patient"})).is_err());
    }
}
