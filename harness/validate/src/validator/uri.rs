//! The scheme of a URI (RFC 3986 §3.1), which tells an absolute URI from a relative
//! reference, and the rules every URI-typed value follows whatever its element.

/// The scheme of `uri` (`http`, `urn`), lower-cased; `None` for a relative reference
/// (`Patient/1`, `#frag`, `other.html`). A scheme is a letter followed by letters, digits,
/// `+`, `-` or `.`, ended by `:` before any `/`, `?` or `#`.
pub fn scheme(uri: &str) -> Option<String> {
    let (head, _) = uri.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| head.to_ascii_lowercase())
}

/// What is wrong with a value of a URI type (`uri`, `url`, `canonical`, `oid`, `uuid`) by the
/// forms R4 gives OIDs and UUIDs (datatypes.html#oid, #uuid): they are written `urn:oid:` and
/// `urn:uuid:`, never `oid:` or `uuid:`, and what follows those prefixes must be an OID (dot
/// separated numbers, the first 0, 1 or 2, no leading zeros) or a UUID (8-4-4-4-12 hex
/// digits). `None` when the value is fine.
pub fn value_problem(value: &str) -> Option<String> {
    if value.starts_with("oid:") {
        return Some(format!(
            "The URI '{value}' starts with 'oid:'; an OID is written 'urn:oid:'"
        ));
    }
    if value.starts_with("uuid:") {
        return Some(format!(
            "The URI '{value}' starts with 'uuid:'; a UUID is written 'urn:uuid:'"
        ));
    }
    if let Some(oid) = value.strip_prefix("urn:oid:") {
        let oid = oid.split(['#', '|']).next().unwrap_or_default();
        if !is_oid(oid) {
            return Some(format!("'{oid}' in '{value}' is not a valid OID"));
        }
    }
    if let Some(uuid) = value.strip_prefix("urn:uuid:") {
        let uuid = uuid.split(['#', '|']).next().unwrap_or_default();
        if !is_uuid(uuid) {
            return Some(format!("'{uuid}' in '{value}' is not a valid UUID"));
        }
    }
    None
}

/// `0`, `1` or `2`, then one or more `.number`, numbers without leading zeros.
fn is_oid(oid: &str) -> bool {
    let mut arcs = oid.split('.');
    let first_ok = matches!(arcs.next(), Some("0" | "1" | "2"));
    let mut rest = arcs.peekable();
    first_ok
        && rest.peek().is_some()
        && rest.all(|arc| {
            !arc.is_empty()
                && arc.bytes().all(|b| b.is_ascii_digit())
                && (arc == "0" || !arc.starts_with('0'))
        })
}

/// 8-4-4-4-12 hexadecimal digits.
fn is_uuid(uuid: &str) -> bool {
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::{scheme, value_problem};

    #[test]
    fn oids_and_uuids_take_their_urn_forms() {
        for fine in [
            "http://x.org/a",
            "urn:oid:2.16.840.1.113883.6.238",
            "urn:oid:1.0.3",
            "urn:uuid:c757873d-ec9a-4326-a141-556f43239520",
            "urn:uuid:C757873D-EC9A-4326-A141-556F43239520#frag",
            "urn:ietf:bcp:47",
        ] {
            assert_eq!(value_problem(fine), None, "{fine}");
        }
        for bad in [
            "oid:1.2.3",
            "uuid:c757873d-ec9a-4326-a141-556f43239520",
            "urn:oid:3.1",
            "urn:oid:1.02",
            "urn:oid:1",
            "urn:oid:a0.1.2",
            "urn:oid: 1.2",
            "urn:uuid:1234",
            "urn:uuid:c757873d-ec9a-4326-a141-556f4323952g",
        ] {
            assert!(value_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(
            value_problem("urn:oid:1.02").as_deref(),
            Some("'1.02' in 'urn:oid:1.02' is not a valid OID")
        );
    }

    #[test]
    fn schemes_end_before_the_first_path_character() {
        assert_eq!(scheme("http://x.org/a").as_deref(), Some("http"));
        assert_eq!(scheme("URN:uuid:1").as_deref(), Some("urn"));
        assert_eq!(scheme("a+b-c.d:x").as_deref(), Some("a+b-c.d"));
        assert_eq!(scheme("Patient/1"), None);
        assert_eq!(scheme("Patient/1:x"), None);
        assert_eq!(scheme("#frag"), None);
        assert_eq!(scheme(":x"), None);
        assert_eq!(scheme("1abc:x"), None);
    }
}
