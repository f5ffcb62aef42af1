//! The `resourceType` of a JSON body, read without building the document: a body of an
//! unexpected type may be a searchset of 32 MiB, whose parsed tree costs ten times that.

use serde::Deserialize;
use serde_json::error::Category;

/// The top-level `resourceType` of `body`: `Ok(None)` for JSON without one (or not an
/// object), `Err` for text that is not JSON.
pub fn resource_type(body: &[u8]) -> Result<Option<String>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Head {
        #[serde(rename = "resourceType")]
        resource_type: Option<String>,
    }
    match serde_json::from_slice::<Head>(body) {
        Ok(head) => Ok(head.resource_type),
        Err(error) if error.classify() == Category::Data => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_read_from_the_top_level_only() {
        let read = |body: &str| resource_type(body.as_bytes()).map_err(|_| ());
        assert_eq!(
            read(r#"{"status":"active","resourceType":"CapabilityStatement","rest":[]}"#),
            Ok(Some("CapabilityStatement".into()))
        );
        assert_eq!(
            read(r#"{"entry":[{"resource":{"resourceType":"Patient"}}],"resourceType":"Bundle"}"#),
            Ok(Some("Bundle".into()))
        );
        assert_eq!(read(r#"{"entry":[]}"#), Ok(None));
        assert_eq!(read(r#"[1,2]"#), Ok(None));
        assert_eq!(read(r#"{"resourceType":5}"#), Ok(None));
        assert_eq!(read(r#"{"resourceType":"Patient""#), Err(()));
        assert_eq!(read(r#"{"resourceType":"Patient"} trailing"#), Err(()));
        assert_eq!(read("<Patient/>"), Err(()));
    }
}
