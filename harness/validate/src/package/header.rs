//! Cheap extraction of the identifying fields of a resource without building its JSON tree.

use serde::Deserialize;

/// The top-level fields that identify a resource inside a package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceHeader {
    pub resource_type: String,
    pub id: Option<String>,
    pub url: Option<String>,
    pub version: Option<String>,
}

/// Resource types indexed as conformance (definitional) resources.
pub const CONFORMANCE_TYPES: &[&str] = &[
    "StructureDefinition",
    "ValueSet",
    "CodeSystem",
    "SearchParameter",
    "CapabilityStatement",
    "OperationDefinition",
    "CompartmentDefinition",
    "ConceptMap",
    "NamingSystem",
    "ImplementationGuide",
    "StructureMap",
    "GraphDefinition",
    "MessageDefinition",
];

/// Whether resources of this type are indexed as definitions.
pub fn is_conformance_type(resource_type: &str) -> bool {
    CONFORMANCE_TYPES.contains(&resource_type)
}

/// The value of the first `"resourceType"` member, found by a byte scan. FHIR JSON writers put
/// it first, so this is nearly free; returns `None` when the document does not look like that.
pub fn sniff_resource_type(bytes: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"\"resourceType\"";
    let window = &bytes[..bytes.len().min(4096)];
    let start = window.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = &bytes[start..];
    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[colon] != b':' {
        return None;
    }
    let rest = &rest[colon + 1..];
    let quote = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[quote] != b'"' {
        return None;
    }
    let rest = &rest[quote + 1..];
    let end = rest.iter().position(|&b| b == b'"')?;
    let name = std::str::from_utf8(&rest[..end]).ok()?;
    name.bytes()
        .all(|b| b.is_ascii_alphabetic())
        .then_some(name)
}

#[derive(Deserialize)]
struct RawHeader {
    #[serde(rename = "resourceType")]
    resource_type: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

/// Reads the identifying top-level fields of a JSON resource, skipping everything else.
pub fn read_header(bytes: &[u8]) -> Result<ResourceHeader, String> {
    let raw: RawHeader = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    Ok(ResourceHeader {
        resource_type: raw.resource_type,
        id: raw.id,
        url: raw.url,
        version: raw.version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_leading_resource_type() {
        let doc = br#"{ "resourceType" : "ValueSet", "id": "x", "url": "http://a/b"}"#;
        assert_eq!(sniff_resource_type(doc), Some("ValueSet"));
        assert_eq!(sniff_resource_type(b"{\"resourceType\": 12}"), None);
        assert_eq!(sniff_resource_type(b"not json"), None);
    }

    #[test]
    fn reads_header_fields_and_skips_the_rest() {
        let doc = br#"{"resourceType":"CodeSystem","concept":[{"code":"a"}],"url":"http://cs","version":"1.0","id":"cs"}"#;
        let header = read_header(doc).unwrap();
        assert_eq!(header.resource_type, "CodeSystem");
        assert_eq!(header.url.as_deref(), Some("http://cs"));
        assert_eq!(header.version.as_deref(), Some("1.0"));
        assert_eq!(header.id.as_deref(), Some("cs"));
        assert!(read_header(b"[1,2]").is_err());
    }
}
