//! Shared, immutable names for the nodes of a tree.
//!
//! A resource repeats a few dozen property names (`reference`, `system`, `code`, ...) and
//! resource types thousands of times: a parser gives every occurrence the same [`Name`] from
//! its [`NameTable`], so a node holds a pointer instead of its own copy of the text.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use foldhash::{HashSet, HashSetExt};

/// An immutable, cheaply cloned string: a property name or a resource type.
#[derive(Clone)]
pub struct Name(Arc<str>);

/// The empty name, shared so that creating it never allocates.
static EMPTY: LazyLock<Name> = LazyLock::new(|| Name(Arc::from("")));

impl Name {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Name {
    fn default() -> Self {
        EMPTY.clone()
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        if text.is_empty() {
            Name::default()
        } else {
            Name(Arc::from(text))
        }
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::from(text.as_str())
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Name {
        Name::from(text.as_str())
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.as_str().to_owned()
    }
}

/// The names one parse has handed out: the same text always gives the same shared [`Name`].
pub(crate) struct NameTable {
    names: HashSet<Name>,
}

impl Default for NameTable {
    fn default() -> Self {
        NameTable {
            names: HashSet::new(),
        }
    }
}

impl NameTable {
    /// The shared name for `text`, created on first use.
    pub(crate) fn name(&mut self, text: &str) -> Name {
        if let Some(name) = self.names.get(text) {
            return name.clone();
        }
        let name = Name::from(text);
        self.names.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_hands_out_one_shared_name_per_text() {
        let mut table = NameTable::default();
        let first = table.name("reference");
        let second = table.name("reference");
        assert!(Arc::ptr_eq(&first.0, &second.0));
        assert!(!Arc::ptr_eq(&first.0, &table.name("display").0));
        assert_eq!(first, "reference");
        assert_eq!("reference", first);
        assert_eq!(first.to_string(), "reference");
        assert_eq!(format!("{first:?}"), "\"reference\"");
    }

    #[test]
    fn names_compare_by_text_whatever_their_origin() {
        assert_eq!(Name::from("code"), Name::from(String::from("code")));
        let (a, b) = (Name::from("a"), Name::from("b"));
        assert!(a < b);
        assert_eq!(Name::default(), Name::from(""));
        assert!(Name::default().is_empty());
    }
}
