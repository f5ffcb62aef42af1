//! Mapping keys checked as they are read, so that an unknown, repeated or conflicting key is
//! reported at the key itself with the keys that were expected.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::fmt;

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

    /// The value of a key that must be present, or "missing key `key` in context".
    pub(crate) fn required<T, E: de::Error>(&self, value: Option<T>, key: K) -> Result<T, E> {
        value.ok_or_else(|| {
            E::custom(format!(
                "missing key `{}` in {}",
                self.spelling(key),
                self.context
            ))
        })
    }

    /// Reads the next key of `map`, failing at the key if it is unknown, repeated or
    /// conflicting; records it in `seen`.
    pub(crate) fn next<'de, A: MapAccess<'de>>(
        &self,
        map: &mut A,
        seen: &mut Vec<K>,
    ) -> Result<Option<K>, A::Error> {
        let key = map.next_key_seed(KeySeed { keys: self, seen })?;
        if let Some(key) = key {
            seen.push(key);
        }
        Ok(key)
    }

    fn check(&self, name: &str, seen: &[K]) -> Result<K, String> {
        let Some(&(_, key)) = self.all.iter().find(|(spelling, _)| *spelling == name) else {
            let expected = self.list(self.all.iter().map(|(_, key)| *key));
            return Err((self.unknown_message)(self.context, name, &expected));
        };
        if seen.contains(&key) {
            return Err(format!("duplicate key `{name}` in {}", self.context));
        }
        if self.exclusive.contains(&key)
            && let Some(&first) = seen.iter().find(|seen| self.exclusive.contains(seen))
        {
            return Err((self.exclusive_message)(
                self.context,
                self.spelling(first),
                name,
            ));
        }
        Ok(key)
    }
}

struct KeySeed<'a, K: 'static> {
    keys: &'a Keys<K>,
    seen: &'a [K],
}

impl<'de, K: Copy + PartialEq> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<K: Copy + PartialEq> Visitor<'_> for KeySeed<'_, K> {
    type Value = K;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a key of {}", self.keys.context)
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<K, E> {
        self.keys.check(name, self.seen).map_err(E::custom)
    }
}
