//! Duplicate detection by FHIRPath `=` in near-linear time, for `distinct()`,
//! `isDistinct()` and set operations.
//!
//! Each item is converted to a system value once. Values whose equality is exact (Boolean,
//! Integer, Decimal, String, TypeInfo) are looked up by a canonical key in a hash set.
//! Dates, times and quantities, whose equality may be unknown across precisions or depend on
//! unit conversion, are compared pairwise, but only with earlier values of that kind. Nodes
//! without a system value are compared structurally, only within a bucket of equal
//! structural hashes.

use crate::compare::{elements_equal, values_equal};
use crate::value::{Collection, Item, Value};
use assure_model::{Element, Primitive};
use foldhash::fast::RandomState;
use foldhash::{HashMap, HashSet};
use rust_decimal::Decimal;
use std::hash::{BuildHasher, Hash, Hasher};

/// The items without repeats (by `=`), first occurrence kept.
pub(crate) fn distinct<'a>(items: impl IntoIterator<Item = Item<'a>>) -> Collection<'a> {
    let mut seen = Seen::default();
    items
        .into_iter()
        .filter(|item| seen.first_occurrence(item))
        .collect()
}

/// Whether no two items are equal by `=`; stops at the first repeat.
pub(crate) fn is_distinct(items: &[Item]) -> bool {
    let mut seen = Seen::default();
    items.iter().all(|item| seen.first_occurrence(item))
}

/// A system value with exact, transitive equality, in canonical form.
#[derive(PartialEq, Eq, Hash)]
enum ExactKey {
    Boolean(bool),
    /// Integers and decimals together (`1 = 1.0`), normalised (`1.0` and `1.00` alike).
    Number(Decimal),
    String(String),
    TypeInfo {
        namespace: String,
        name: String,
    },
}

impl ExactKey {
    /// The key for `value`, or the value back when its equality is not exact.
    fn of(value: Value) -> Result<ExactKey, Value> {
        Ok(match value {
            Value::Boolean(b) => ExactKey::Boolean(b),
            Value::Integer(i) => ExactKey::Number(Decimal::from(i).normalize()),
            Value::Decimal(d) => ExactKey::Number(d.normalize()),
            Value::String(s) => ExactKey::String(s),
            Value::TypeInfo { namespace, name } => ExactKey::TypeInfo { namespace, name },
            other => return Err(other),
        })
    }
}

/// What has been seen so far while scanning a collection.
#[derive(Default)]
struct Seen<'e> {
    exact: HashSet<ExactKey>,
    /// Dates, date-times, times and quantities kept so far.
    inexact: Vec<Value>,
    /// Value-less nodes kept so far, by structural hash.
    structures: HashMap<u64, Vec<&'e Element>>,
    /// Seeds the structural hashes.
    hashing: RandomState,
}

impl<'e> Seen<'e> {
    /// Records `item` and answers whether no earlier item was equal to it.
    fn first_occurrence(&mut self, item: &Item<'e>) -> bool {
        match item {
            Item::Value(value) => self.first_value(value.clone()),
            Item::Node(node) => match node.to_value() {
                Some(value) => self.first_value(value),
                None => self.first_structure(node.element),
            },
        }
    }

    fn first_value(&mut self, value: Value) -> bool {
        match ExactKey::of(value) {
            Ok(key) => self.exact.insert(key),
            Err(value) => {
                let repeat = self
                    .inexact
                    .iter()
                    .any(|earlier| values_equal(earlier, &value) == Some(true));
                if !repeat {
                    self.inexact.push(value);
                }
                !repeat
            }
        }
    }

    fn first_structure(&mut self, element: &'e Element) -> bool {
        let hash = structural_hash(element, &self.hashing);
        let bucket = self.structures.entry(hash).or_default();
        let repeat = bucket
            .iter()
            .any(|earlier| elements_equal(earlier, element));
        if !repeat {
            bucket.push(element);
        }
        !repeat
    }
}

/// A hash agreeing with structural element equality: equal elements hash alike.
fn structural_hash(element: &Element, hashing: &RandomState) -> u64 {
    let mut hasher = hashing.build_hasher();
    hash_structure(element, &mut hasher);
    hasher.finish()
}

fn hash_structure(element: &Element, hasher: &mut impl Hasher) {
    match &element.value {
        None => 0u8.hash(hasher),
        Some(Primitive::String(s)) => (1u8, s).hash(hasher),
        Some(Primitive::Number(n)) => (2u8, n).hash(hasher),
        Some(Primitive::Bool(b)) => (3u8, b).hash(hasher),
        Some(Primitive::Xhtml(x)) => (4u8, x).hash(hasher),
    }
    element.resource_type.hash(hasher);
    element.children.len().hash(hasher);
    for child in &element.children {
        child.name.hash(hasher);
        hash_structure(child, hasher);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Quantity;
    use crate::temporal::{parse_date_time, parse_time};
    use crate::value::Node;
    use assure_model::Pos;

    fn string(s: &str) -> Item<'static> {
        Item::Value(Value::String(s.to_string()))
    }

    fn decimal(text: &str) -> Item<'static> {
        Item::Value(Value::Decimal(text.parse().expect("decimal literal")))
    }

    fn date_time(text: &str) -> Item<'static> {
        Item::Value(Value::DateTime(
            parse_date_time(text).expect("date-time literal"),
        ))
    }

    fn primitive(name: &str, value: Primitive) -> Element {
        let mut element = Element::new(name, None, Pos::default());
        element.value = Some(value);
        element
    }

    fn coding(system: &str, code: &str) -> Element {
        let mut element = Element::new("coding", None, Pos::default());
        element.children = vec![
            primitive("system", Primitive::String(system.into())),
            primitive("code", Primitive::String(code.into())),
        ];
        element
    }

    #[test]
    fn strings_repeat_only_when_identical() {
        let items = [
            string("a"),
            string("b"),
            string("a"),
            string("A"),
            string("a "),
        ];
        assert_eq!(
            distinct(items.iter().cloned()),
            [string("a"), string("b"), string("A"), string("a ")]
        );
        assert!(!is_distinct(&items));
        assert!(is_distinct(&[string("a"), string("A")]));
    }

    #[test]
    fn integers_and_decimals_compare_by_value() {
        let items = [
            Item::Value(Value::Integer(1)),
            decimal("1.0"),
            decimal("1.00"),
        ];
        assert_eq!(
            distinct(items.iter().cloned()),
            [Item::Value(Value::Integer(1))]
        );
        assert!(!is_distinct(&[decimal("0.0"), decimal("-0")]));
        assert!(is_distinct(&[
            decimal("1.1"),
            Item::Value(Value::Integer(1))
        ]));
        // A number never equals its text.
        assert!(is_distinct(&[Item::Value(Value::Integer(1)), string("1")]));
    }

    #[test]
    fn booleans_repeat() {
        let t = Item::Value(Value::Boolean(true));
        let f = Item::Value(Value::Boolean(false));
        assert!(is_distinct(&[t.clone(), f.clone()]));
        assert!(!is_distinct(&[t.clone(), f, t]));
    }

    #[test]
    fn dates_of_different_precision_are_not_repeats() {
        // `@2012 = @2012-01` is unknown, so neither is a repeat of the other.
        let items = [
            date_time("2012"),
            date_time("2012-01"),
            date_time("2012-01-01"),
        ];
        assert!(is_distinct(&items));
        assert_eq!(distinct(items.iter().cloned()).len(), 3);
    }

    #[test]
    fn equal_instants_in_different_zones_repeat() {
        let items = [
            date_time("2012-01-01T10:00:00+01:00"),
            date_time("2012-01-01T09:00:00Z"),
        ];
        assert!(!is_distinct(&items));
        assert_eq!(distinct(items.iter().cloned()), [items[0].clone()]);
    }

    #[test]
    fn times_and_quantities_compare_by_value() {
        let time = |text: &str| Item::Value(Value::Time(parse_time(text).expect("time literal")));
        assert!(!is_distinct(&[time("10:00"), time("10:00")]));
        assert!(is_distinct(&[time("10:00"), time("10:00:00")]));
        let quantity = |value: &str, unit: &str| {
            Item::Value(Value::Quantity(Quantity::new(value.parse().unwrap(), unit)))
        };
        assert!(!is_distinct(&[quantity("1", "g"), quantity("1000", "mg")]));
        assert!(is_distinct(&[quantity("1", "g"), quantity("1", "mg")]));
    }

    #[test]
    fn typed_nodes_compare_by_their_values() {
        let one = primitive("value", Primitive::Number("1".into()));
        let one_point_zero = primitive("value", Primitive::Number("1.0".into()));
        let items = [
            Item::Node(Node::new(&one)),
            Item::Node(Node::new(&one_point_zero)),
        ];
        assert!(!is_distinct(&items));
        let text = primitive("value", Primitive::String("1".into()));
        assert!(is_distinct(&[
            Item::Node(Node::new(&one)),
            Item::Node(Node::new(&text))
        ]));
        assert!(!is_distinct(&[Item::Node(Node::new(&text)), string("1")]));
    }

    #[test]
    fn complex_nodes_compare_structurally() {
        let first = coding("http://loinc.org", "1234-5");
        let same = coding("http://loinc.org", "1234-5");
        let other = coding("http://loinc.org", "9999-9");
        let items = [
            Item::Node(Node::new(&first)),
            Item::Node(Node::new(&other)),
            Item::Node(Node::new(&same)),
        ];
        assert!(!is_distinct(&items));
        assert_eq!(
            distinct(items.iter().cloned()),
            [items[0].clone(), items[1].clone()]
        );
        assert!(is_distinct(&items[..2]));
    }

    #[test]
    fn many_distinct_strings_are_distinct() {
        let items: Vec<Item> = (0..5_000)
            .map(|i| string(&format!("urn:uuid:{i}")))
            .collect();
        assert!(is_distinct(&items));
        let mut repeated = items.clone();
        repeated.push(string("urn:uuid:4321"));
        assert!(!is_distinct(&repeated));
        assert_eq!(distinct(repeated).len(), 5_000);
    }
}
