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
    String(String),
    /// A JSON number, kept in its lexical form (`1.50` stays `1.50`).
    Number(String),
    /// A JSON boolean.
    Bool(bool),
    /// The XHTML of a narrative `div`, serialised.
    Xhtml(String),
}

/// One node of a parsed FHIR resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Property name as it appears in JSON (`birthDate`, `valueQuantity`, `resource`).
    pub name: String,
    /// Index within a repeating property (JSON array item, or the n-th XML sibling of the
    /// same name); `None` when the JSON value was not an array.
    pub index: Option<usize>,
    /// The primitive value, for primitive elements that have one.
    pub value: Option<Primitive>,
    /// Child elements in document order. For primitives these are `id` and `extension`.
    pub children: Vec<Element>,
    /// Set when this node is a resource (the root, `contained`, `Bundle.entry.resource`, ...).
    pub resource_type: Option<String>,
    /// Where the node starts in the source.
    pub pos: Pos,
}

impl Element {
    /// An element with no value, children or resource type yet.
    pub fn new(name: impl Into<String>, index: Option<usize>, pos: Pos) -> Element {
        Element {
            name: name.into(),
            index,
            value: None,
            children: Vec::new(),
            resource_type: None,
            pos,
        }
    }

    /// Children with the given property name, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first child with the given property name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
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
