//! JSON text with a fixed member order, so the bundle is byte-for-byte reproducible whatever
//! map ordering `serde_json` was compiled with.

use serde_json::Value;

/// Writes `resource` compactly: `resourceType` first (the package loader sniffs it), then the
/// other members of every object in byte order of their names.
pub fn to_bytes(resource: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(resource, &mut out);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by_key(|k| (k.as_str() != "resourceType", k.as_str()));
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(&map[key], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::String(text) => write_string(text, out),
        scalar => out.extend_from_slice(scalar.to_string().as_bytes()),
    }
}

fn write_string(text: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(Value::from(text).to_string().as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_type_first_then_sorted_members() {
        let doc = json!({"url": "u", "resourceType": "ValueSet", "a": {"z": 1, "b": [true, null, "q\""]}});
        assert_eq!(
            String::from_utf8(to_bytes(&doc)).unwrap(),
            r#"{"resourceType":"ValueSet","a":{"b":[true,null,"q\""],"z":1},"url":"u"}"#
        );
    }
}
