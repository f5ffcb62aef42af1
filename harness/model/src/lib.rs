//! The FHIR element model shared by the parsers, FHIRPath and the validator.
//!
//! A parsed resource is a tree of [`Element`]s that keeps what FHIR needs and what error
//! messages need: property names as they appear in JSON (`valueQuantity`), primitive values in
//! their lexical form, primitive extensions (`_given` in JSON, `id`/`extension` on XML
//! primitives) as ordinary children of the primitive, and the source position of every node.
//!
//! [`parse`] reads FHIR R4 JSON or XML into that tree. It fails with a [`ParseError`] only when
//! the document is not well-formed (or not FHIR at all); the FHIR format rules it can check
//! without the definitions are reported as [`ParseIssue`]s next to the tree. What needs the
//! definitions is the validator's job, with help from this crate:
//! - the JSON kind of a primitive is kept ([`Primitive::String`], [`Primitive::Number`],
//!   [`Primitive::Bool`]; XML values are always strings, see [`Parsed::format`]) so that a
//!   value of the wrong JSON type can be reported;
//! - [`check_primitive`] checks lexical forms of primitive types;
//! - [`check_xhtml`] checks narratives ([`Primitive::Xhtml`] values).

mod element;
mod format;
mod issue;
mod json;
mod lexical;
mod name;
mod path;
mod position;
mod primitive;
mod words;
mod xhtml;
mod xhtml_canonical;
mod xml;

pub use element::{Element, Pos, Primitive};
pub use format::Format;
pub use issue::{ParseError, ParseIssue, Severity};
pub use name::Name;
use name::NameTable;
pub use primitive::{MAX_STRING_CHARS, check_primitive};
pub use xhtml::{
    ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, CheckedXhtml, check_xhtml, check_xhtml_links,
};
pub use xhtml_canonical::{XhtmlError, canonical_xhtml};

/// The deepest nesting of objects/arrays (JSON) or elements (XML) the parsers accept; deeper
/// documents are refused rather than risking the stack. Real resources nest a few dozen levels.
pub const MAX_NESTING: usize = 256;

/// The UTF-8 byte-order mark, tolerated at the start of a document.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A parsed resource with the non-fatal issues found while parsing.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The resource: named after its type, with [`Element::resource_type`] set.
    pub root: Element,
    /// FHIR-format problems, ordered by position.
    pub issues: Vec<ParseIssue>,
    /// The format the resource was read from.
    pub format: Format,
}

/// Parses a FHIR resource in `format`. The document must be UTF-8 (a byte-order mark is
/// allowed).
///
/// ```
/// use assure_model::{Format, Primitive, parse};
///
/// let json = br#"{"resourceType": "Patient", "birthDate": "1970", "_birthDate": {"id": "b"}}"#;
/// let parsed = parse(json, Format::Json)?;
/// let birth_date = parsed.root.child("birthDate").unwrap();
/// assert_eq!(birth_date.value, Some(Primitive::String("1970".into())));
/// assert_eq!(birth_date.child("id").and_then(|id| id.text()), Some("b"));
/// assert_eq!((birth_date.pos.line, birth_date.pos.col), (1, 29));
///
/// let xml = br#"<Patient xmlns="http://hl7.org/fhir"><birthDate id="b" value="1970"/></Patient>"#;
/// let parsed = parse(xml, Format::Xml)?;
/// assert_eq!(parsed.root.child("birthDate").and_then(|e| e.text()), Some("1970"));
/// # Ok::<(), assure_model::ParseError>(())
/// ```
pub fn parse(bytes: &[u8], format: Format) -> Result<Parsed, ParseError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let pos = position::PosTracker::new(bytes).pos(error.valid_up_to());
        ParseError::new(pos, "the document is not valid UTF-8")
    })?;
    let mut parsed = match format {
        Format::Json => json::parse(text),
        Format::Xml => xml::parse(text),
    }?;
    parsed.issues.sort_by_key(|issue| issue.pos);
    Ok(parsed)
}
