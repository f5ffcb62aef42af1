use crate::Name;

/// A line/column position in the source document (both 1-based; 0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A primitive value as written in the source.
#[derive(Debug, Clone, PartialEq)]
pub enum Primitive {
    /// A JSON string or any XML `value` attribute: the lexical form.
    String(Box<str>),
    /// A JSON number, kept in its lexical form (`1.50` stays `1.50`).
    Number(Box<str>),
    /// A JSON boolean.
    Bool(bool),
    /// The XHTML of a narrative `div`, serialised.
    Xhtml(Box<str>),
}

/// One node of a parsed FHIR resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Property name as it appears in JSON (`birthDate`, `valueQuantity`, `resource`).
    pub name: Name,
    /// Index within a repeating property (JSON array item, or the n-th XML sibling of the
    /// same name); `None` when the JSON value was not an array.
    pub index: Option<u32>,
    /// The primitive value, for primitive elements that have one.
    pub value: Option<Primitive>,
    /// Child elements in document order. For primitives these are `id` and `extension`.
    pub children: Vec<Element>,
    /// Set when this node is a resource (the root, `contained`, `Bundle.entry.resource`, ...).
    pub resource_type: Option<Name>,
    /// Where the node starts in the source.
    pub pos: Pos,
}

impl Element {
    /// An element with no value, children or resource type yet.
    pub fn new(name: impl Into<Name>, index: Option<u32>, pos: Pos) -> Element {
        Element {
            name: name.into(),
            index,
            value: None,
            children: Vec::new(),
            resource_type: None,
            pos,
        }
    }

    /// Children with the given property name, in order. A repeating property's items are
    /// skipped over as a whole (see [`Element::properties`]), so that looking up `type` in a
    /// Bundle of 100,000 entries does not visit them.
    pub fn children_named<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = &'a Element> + use<'a, 'n> {
        self.properties()
            .filter(move |run| run[0].name == name)
            .flatten()
    }

    /// The first child with the given property name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.properties()
            .find(|run| run[0].name == name)
            .map(|run| &run[0])
    }

    /// The children grouped by property: each run is one child, or the items `0..n` of a
    /// repeating property that follow one another (a JSON array; same-name XML siblings). The
    /// end of a run of items is found by galloping, in `O(log n)`.
    pub fn properties(&self) -> impl Iterator<Item = &[Element]> + '_ {
        let children = &self.children;
        let mut start = 0;
        std::iter::from_fn(move || {
            let first = children.get(start)?;
            let in_run = |k: usize| {
                children.get(start + k).is_some_and(|child| {
                    child.index == u32::try_from(k).ok() && child.name == first.name
                })
            };
            let mut length = 1;
            if first.index == Some(0) {
                // Items of a run have consecutive indices, so `in_run` holds for every
                // k below the run's length and for none above it.
                let mut step = 1;
                while in_run(length + step - 1) {
                    length += step;
                    step *= 2;
                }
                let (mut low, mut high) = (length, length + step - 1);
                while low < high {
                    let middle = (low + high) / 2;
                    if in_run(middle) {
                        low = middle + 1;
                    } else {
                        high = middle;
                    }
                }
                length = low;
            }
            let run = &children[start..start + length];
            start += length;
            Some(run)
        })
    }

    /// The primitive value as text (booleans as `true`/`false`).
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Some(Primitive::String(s)) | Some(Primitive::Number(s)) | Some(Primitive::Xhtml(s)) => {
                Some(s)
            }
            Some(Primitive::Bool(true)) => Some("true"),
            Some(Primitive::Bool(false)) => Some("false"),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parent(children: &[(&str, Option<u32>)]) -> Element {
        let mut parent = Element::new("Bundle", None, Pos::default());
        parent.children = children
            .iter()
            .map(|(name, index)| Element::new(*name, *index, Pos::default()))
            .collect();
        parent
    }

    #[test]
    fn properties_group_the_items_of_a_repeating_property() {
        let mut children = vec![("id", None), ("type", None)];
        children.extend((0..1000).map(|i| ("entry", Some(i))));
        children.extend([("link", Some(0)), ("link", Some(1)), ("total", None)]);
        let bundle = parent(&children);
        let runs: Vec<(&str, usize)> = bundle
            .properties()
            .map(|run| (run[0].name.as_str(), run.len()))
            .collect();
        assert_eq!(
            runs,
            [
                ("id", 1),
                ("type", 1),
                ("entry", 1000),
                ("link", 2),
                ("total", 1)
            ]
        );
        assert_eq!(bundle.children_named("entry").count(), 1000);
        assert_eq!(
            bundle.child("total").map(|c| c.name.as_str()),
            Some("total")
        );
        assert!(bundle.child("signature").is_none());
    }

    #[test]
    fn a_node_stays_small() {
        // A large Bundle holds millions of nodes: every byte here is megabytes there.
        assert!(std::mem::size_of::<Element>() <= 96);
    }

    #[test]
    fn interleaved_siblings_of_one_name_are_all_found() {
        // XML may interleave: a, b, a gives a(0), b, a(1).
        let element = parent(&[("a", Some(0)), ("b", None), ("a", Some(1)), ("a", Some(2))]);
        let found: Vec<Option<u32>> = element.children_named("a").map(|c| c.index).collect();
        assert_eq!(found, [Some(0), Some(1), Some(2)]);
        for length in [1, 2, 3, 5, 8, 13, 64, 65] {
            let items: Vec<(&str, Option<u32>)> = (0..length).map(|i| ("x", Some(i))).collect();
            assert_eq!(parent(&items).properties().count(), 1, "{length}");
        }
    }
}
