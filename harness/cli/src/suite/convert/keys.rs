//! Mapping keys checked as they are read, so that an unknown, repeated or conflicting key is
//! reported at the key itself with the keys that were expected.

use super::values::invalid_type;
use super::{Problem, Result};
use crate::suite::yaml::Node;

/// The closed set of keys of one kind of mapping (a step, a `read` action, ...), and how to word
/// problems with them.
pub(crate) struct Keys<K: 'static> {
    /// The mapping as named in messages, e.g. `step`.
    context: &'static str,
    /// Every accepted key with its spelling in YAML.
    all: &'static [(&'static str, K)],
    /// Keys of which at most one may appear (e.g. the actions of a step).
    exclusive: &'static [K],
    /// Message for a second exclusive key: `(context, first, second)`.
    exclusive_message: fn(&str, &str, &str) -> String,
    /// Message for an unknown key: `(context, key, expected keys)`.
    unknown_message: fn(&str, &str, &str) -> String,
}

fn unknown_key(context: &str, key: &str, expected: &str) -> String {
    if expected.is_empty() {
        format!("unknown key `{key}`: {context} takes no keys")
    } else {
        format!("unknown key `{key}` in {context}, expected one of {expected}")
    }
}

fn only_one(context: &str, first: &str, second: &str) -> String {
    format!("{context} takes only one of these keys, found `{first}` and `{second}`")
}

impl<K: Copy + PartialEq> Keys<K> {
    pub(crate) const fn new(context: &'static str, all: &'static [(&'static str, K)]) -> Self {
        Keys {
            context,
            all,
            exclusive: &[],
            exclusive_message: only_one,
            unknown_message: unknown_key,
        }
    }

    /// At most one of `keys` may appear; a second one is reported with `message(context, first,
    /// second)`.
    pub(crate) const fn exclusive(
        self,
        keys: &'static [K],
        message: fn(&str, &str, &str) -> String,
    ) -> Self {
        Keys {
            exclusive: keys,
            exclusive_message: message,
            ..self
        }
    }

    /// Unknown keys are reported with `message(context, key, expected keys)`.
    pub(crate) const fn unknown(self, message: fn(&str, &str, &str) -> String) -> Self {
        Keys {
            unknown_message: message,
            ..self
        }
    }

    /// The mapping as named in messages.
    pub(crate) fn context(&self) -> &'static str {
        self.context
    }

    /// The key as written in YAML.
    pub(crate) fn spelling(&self, key: K) -> &'static str {
        self.all
            .iter()
            .find(|(_, candidate)| *candidate == key)
            .map_or("", |(spelling, _)| spelling)
    }

    /// The spellings of `keys`, backticked and comma-separated.
    pub(crate) fn list(&self, keys: impl IntoIterator<Item = K>) -> String {
        keys.into_iter()
            .map(|key| format!("`{}`", self.spelling(key)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The value of a key that must be present, or "missing key `key` in context" at `mapping`.
    pub(crate) fn required<T>(&self, value: Option<T>, key: K, mapping: &Node) -> Result<T> {
        value.ok_or_else(|| {
            Problem::at(
                mapping,
                format!("missing key `{}` in {}", self.spelling(key), self.context),
            )
        })
    }

    /// Which key `key` is, failing at it if it is unknown, repeated or conflicting with one in
    /// `seen`; records it in `seen`.
    pub(crate) fn check(&self, key: &Node, seen: &mut Vec<K>) -> Result<K> {
        let Some(name) = key.scalar() else {
            return Err(invalid_type(key, &format!("a key of {}", self.context)));
        };
        let Some(&(_, found)) = self.all.iter().find(|(spelling, _)| *spelling == name) else {
            let expected = self.list(self.all.iter().map(|(_, key)| *key));
            return Err(Problem::at(
                key,
                (self.unknown_message)(self.context, name, &expected),
            ));
        };
        if seen.contains(&found) {
            return Err(Problem::at(
                key,
                format!("duplicate key `{name}` in {}", self.context),
            ));
        }
        if self.exclusive.contains(&found)
            && let Some(&first) = seen.iter().find(|seen| self.exclusive.contains(seen))
        {
            return Err(Problem::at(
                key,
                (self.exclusive_message)(self.context, self.spelling(first), name),
            ));
        }
        seen.push(found);
        Ok(found)
    }
}
