//! A mutation: the kind of fault it injects, what it does in words, and the member edits that
//! turn a valid resource into the faulty one.

use std::fmt;

use serde_json::Value;

/// The kinds of fault injected, one table row each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An element with `min >= 1` removed.
    DropRequired,
    /// A `max = 1` element turned into an array of two.
    Cardinality,
    /// A primitive value of the wrong format or JSON kind.
    PrimitiveFormat,
    /// A code outside a required, locally expandable value set.
    RequiredBinding,
    /// A well-understood invariant broken.
    Invariant,
    /// A reference to a resource type its `targetProfile`s do not allow.
    ReferenceTarget,
    /// A member no definition knows.
    UnknownElement,
}

impl Kind {
    /// Every kind, in table order.
    pub const ALL: [Kind; 7] = [
        Kind::DropRequired,
        Kind::Cardinality,
        Kind::PrimitiveFormat,
        Kind::RequiredBinding,
        Kind::Invariant,
        Kind::ReferenceTarget,
        Kind::UnknownElement,
    ];
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::DropRequired => "drop required element",
            Kind::Cardinality => "break cardinality (max=1)",
            Kind::PrimitiveFormat => "wrong primitive format",
            Kind::RequiredBinding => "code outside required value set",
            Kind::Invariant => "break invariant",
            Kind::ReferenceTarget => "wrong reference target type",
            Kind::UnknownElement => "unknown element",
        })
    }
}

/// Sets (or, with `None`, removes) the member `key` of the JSON object at `object` (a JSON
/// Pointer, `""` for the resource itself).
#[derive(Debug, Clone)]
pub struct Edit {
    pub object: String,
    pub key: String,
    pub value: Option<Value>,
}

/// One single fault injected into one base resource.
#[derive(Debug, Clone)]
pub struct Mutation {
    pub kind: Kind,
    /// Index of the base resource it applies to.
    pub base: usize,
    /// What sampling spreads over within a kind: the primitive type garbled, the invariant
    /// broken, else the base's resource type.
    pub variant: String,
    /// FHIRPath-style location of the object edited, e.g. `Observation.code.coding[0]`.
    pub site: String,
    /// What it does, e.g. `Observation: status removed (min 1)`.
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Mutation {
    /// The base resource with the edits applied, serialised; `None` when an edit's object
    /// is not in the resource.
    pub fn apply(&self, base: &Value) -> Option<Vec<u8>> {
        let mut resource = base.clone();
        for edit in &self.edits {
            let object = resource.pointer_mut(&edit.object)?.as_object_mut()?;
            match &edit.value {
                Some(value) => {
                    object.insert(edit.key.clone(), value.clone());
                }
                None => {
                    object.remove(&edit.key)?;
                }
            }
        }
        serde_json::to_vec(&resource).ok()
    }
}

/// `pointer` extended by one member name or array index, escaped as JSON Pointer requires.
pub fn child_pointer(pointer: &str, step: &str) -> String {
    format!("{pointer}/{}", step.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn edits_set_and_remove_members() {
        let base = json!({"resourceType": "Patient", "name": [{"family": "X"}], "active": true});
        let mutation = Mutation {
            kind: Kind::DropRequired,
            base: 0,
            variant: String::new(),
            site: String::new(),
            description: String::new(),
            edits: vec![
                Edit {
                    object: String::new(),
                    key: "active".into(),
                    value: None,
                },
                Edit {
                    object: child_pointer(&child_pointer("", "name"), "0"),
                    key: "fooBar".into(),
                    value: Some(json!(1)),
                },
            ],
        };
        let bytes = mutation.apply(&base).unwrap();
        let changed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            changed,
            json!({"resourceType": "Patient", "name": [{"family": "X", "fooBar": 1}]})
        );
        assert_eq!(child_pointer("", "a/b~c"), "/a~1b~0c");
    }
}
