//! The XML parser: tree shape, positions, FHIR-format issues and syntax errors.

use assure_model::{
    Element, Format, MAX_NESTING, ParseError, Parsed, Pos, Primitive, Severity, parse,
};

fn parse_xml(text: &str) -> Parsed {
    parse(text.as_bytes(), Format::Xml).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn fatal(text: &str) -> ParseError {
    match parse(text.as_bytes(), Format::Xml) {
        Ok(parsed) => panic!("parsed {text:?}: {parsed:?}"),
        Err(error) => error,
    }
}

fn pos(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

/// Issues as (severity, line, column, path, message).
fn issues(text: &str) -> Vec<(Severity, u32, u32, String, String)> {
    parse_xml(text)
        .issues
        .into_iter()
        .map(|i| (i.severity, i.pos.line, i.pos.col, i.path, i.message))
        .collect()
}

const PATIENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <id value="p1"/>
  <!-- a comment -->
  <text>
    <status value="generated"/>
    <div xmlns="http://www.w3.org/1999/xhtml"><p>Hi &amp; <b>bye</b>&#169;</p></div>
  </text>
  <extension url="http://x/ext">
    <valueString value="e"/>
  </extension>
  <name id="n1">
    <given value="Ann"/>
    <given>
      <extension url="http://x"><valueString value="B"/></extension>
    </given>
    <given id="g3" value="Zo&#235;"/>
  </name>
  <birthDate value="1970-01-01"/>
  <contained>
    <Organization>
      <id value="o1"/>
      <name value="Org"/>
    </Organization>
  </contained>
</Patient>"#;

#[test]
fn shape_of_a_resource() {
    let parsed = parse_xml(PATIENT);
    assert_eq!(parsed.issues, []);
    assert_eq!(parsed.format, Format::Xml);
    let root = &parsed.root;
    assert_eq!(
        (root.name.as_str(), root.resource_type.as_deref()),
        ("Patient", Some("Patient"))
    );
    assert_eq!(root.pos, pos(2, 1));
    let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["id", "text", "extension", "name", "birthDate", "contained"]
    );
    let id = root.child("id").unwrap();
    assert_eq!(
        (id.pos, id.index, id.value.as_ref()),
        (pos(3, 3), None, Some(&Primitive::String("p1".into())))
    );

    let div = root.child("text").unwrap().child("div").unwrap();
    assert_eq!(div.pos, pos(7, 5));
    assert_eq!(
        div.value,
        Some(Primitive::Xhtml(
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi &amp; <b>bye</b>©</p></div>".into()
        ))
    );

    let extension = root.child("extension").unwrap();
    assert_eq!(extension.child("url").unwrap().text(), Some("http://x/ext"));
    assert_eq!(extension.child("valueString").unwrap().text(), Some("e"));

    let name = root.child("name").unwrap();
    assert_eq!(
        (name.index, name.child("id").unwrap().text()),
        (None, Some("n1"))
    );
    let given: Vec<&Element> = name.children_named("given").collect();
    assert_eq!(given.len(), 3);
    assert_eq!(
        (given[0].index, given[0].text(), given[0].pos),
        (Some(0), Some("Ann"), pos(13, 5))
    );
    assert_eq!((given[1].index, given[1].value.as_ref()), (Some(1), None));
    assert!(given[1].child("extension").is_some());
    assert_eq!(
        (given[2].text(), given[2].child("id").unwrap().text()),
        (Some("Zoë"), Some("g3"))
    );

    let contained = root.child("contained").unwrap();
    assert_eq!(
        (contained.index, contained.resource_type.as_deref()),
        (None, Some("Organization"))
    );
    let names: Vec<&str> = contained.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name"]);
}

#[test]
fn attribute_values_are_unescaped_and_normalised() {
    let parsed =
        parse_xml("<Basic xmlns=\"http://hl7.org/fhir\"><a value=\"x&lt;&#xA;y\tz\"/></Basic>");
    assert_eq!(parsed.root.child("a").unwrap().text(), Some("x<\ny z"));
}

#[test]
fn prefixed_fhir_namespace() {
    let parsed = parse_xml("<f:Basic xmlns:f=\"http://hl7.org/fhir\"><f:a value=\"1\"/></f:Basic>");
    assert_eq!(parsed.root.name, "Basic");
    assert_eq!(parsed.root.child("a").unwrap().text(), Some("1"));
}

#[test]
fn narrative_namespace_inherited_from_a_prefix() {
    let text = "<Basic xmlns=\"http://hl7.org/fhir\" xmlns:h=\"http://www.w3.org/1999/xhtml\"><text><h:div>x</h:div></text></Basic>";
    let div = parse_xml(text)
        .root
        .child("text")
        .unwrap()
        .child("div")
        .unwrap()
        .clone();
    assert_eq!(
        div.text(),
        Some("<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\">x</h:div>")
    );
}

#[test]
fn unknown_namespace_elements_are_reported_and_skipped() {
    let text = "<Basic xmlns=\"http://hl7.org/fhir\">\n  <x:a xmlns:x=\"urn:other\"><b/></x:a>\n  <c xmlns=\"\" value=\"1\"/>\n  <d value=\"2\"/>\n</Basic>";
    let parsed = parse_xml(text);
    let names: Vec<&str> = parsed
        .root
        .children
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["d"]);
    let found = issues(text);
    assert_eq!(
        found
            .iter()
            .map(|i| (i.1, i.2, i.3.as_str()))
            .collect::<Vec<_>>(),
        [(2, 3, "Basic.a"), (3, 3, "Basic.c")]
    );
    assert_eq!(
        found[0].4,
        "element <a> is in namespace urn:other, not the FHIR namespace http://hl7.org/fhir; it is ignored"
    );
    assert!(found[1].4.starts_with("element <c> is in no namespace"));
}

#[test]
fn text_content_where_only_elements_are_allowed() {
    let text = "<Basic xmlns=\"http://hl7.org/fhir\">\n  <a value=\"1\">oops</a> stray &amp; more\n  <b value=\"1\"/> again\n</Basic>";
    let found = issues(text);
    assert_eq!(
        found
            .iter()
            .map(|i| (i.0, i.1, i.2, i.3.as_str()))
            .collect::<Vec<_>>(),
        [
            (Severity::Error, 2, 16, "Basic.a"),
            (Severity::Error, 2, 24, "Basic"),
            (Severity::Error, 3, 17, "Basic"),
        ]
    );
    assert_eq!(
        found[0].4,
        "text content is not allowed in <a>: FHIR XML puts values in 'value' attributes"
    );
}

#[test]
fn elements_without_value_or_children() {
    let text = "<Basic xmlns=\"http://hl7.org/fhir\">\n  <a/>\n  <b id=\"x\"></b>\n  <c><d value=\"1\"/></c>\n</Basic>";
    let found = issues(text);
    assert_eq!(
        found
            .iter()
            .map(|i| (i.1, i.2, i.3.as_str(), i.4.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                2,
                3,
                "Basic.a",
                "<a> has no value attribute and no child elements"
            ),
            (
                3,
                3,
                "Basic.b",
                "<b> has no value attribute and no child elements"
            ),
        ]
    );
}

#[test]
fn attribute_value_problems() {
    let text = "<Basic xmlns=\"http://hl7.org/fhir\">\n  <a value=\" x\"/>\n  <b value=\"\"/>\n  <c value=\"1\" other=\"2\"/>\n  <d id=\"i\" url=\"u\" value=\"1\"/>\n</Basic>";
    let found = issues(text);
    assert_eq!(
        found
            .iter()
            .map(|i| (i.0, i.1, i.3.as_str(), i.4.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                Severity::Warning,
                2,
                "Basic.a",
                "the 'value' attribute has leading or trailing whitespace"
            ),
            (
                Severity::Error,
                3,
                "Basic.b",
                "empty 'value' attribute: omit the attribute instead"
            ),
            (
                Severity::Error,
                4,
                "Basic.c",
                "unknown attribute 'other' on <c>"
            ),
            (
                Severity::Error,
                5,
                "Basic.d",
                "unknown attribute 'url' on <d>"
            ),
        ]
    );
}

#[test]
fn resources_have_no_attributes() {
    let found = issues(
        "<Patient xmlns=\"http://hl7.org/fhir\" id=\"x\"><active value=\"true\"/></Patient>",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].4, "unknown attribute 'id' on <Patient>");
}

#[test]
fn issues_are_ordered_by_position() {
    // <a> is found empty at its end, after the problem inside it.
    let text = "<Basic xmlns=\"http://hl7.org/fhir\">\n  <a>\n    <x:b xmlns:x=\"urn:o\"/>\n  </a>\n</Basic>";
    let found: Vec<(u32, String)> = issues(text).into_iter().map(|i| (i.1, i.3)).collect();
    assert_eq!(
        found,
        [(2, "Basic.a".to_owned()), (3, "Basic.a.b".to_owned())]
    );
}

#[test]
fn schema_location_is_not_a_fhir_attribute() {
    let text = "<Basic xmlns=\"http://hl7.org/fhir\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"x\"><a value=\"1\"/></Basic>";
    let found = issues(text);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].4,
        "unknown attribute 'xsi:schemaLocation' on <Basic>"
    );
}

#[test]
fn repeated_siblings_are_numbered() {
    let parsed = parse_xml(
        "<Basic xmlns=\"http://hl7.org/fhir\"><a value=\"1\"/><b value=\"2\"/><a value=\"3\"/><c value=\"4\"/></Basic>",
    );
    let indexed: Vec<(&str, Option<u32>)> = parsed
        .root
        .children
        .iter()
        .map(|c| (c.name.as_str(), c.index))
        .collect();
    assert_eq!(
        indexed,
        [("a", Some(0)), ("b", None), ("a", Some(1)), ("c", None)]
    );
}

#[test]
fn resource_wrappers_hold_exactly_one_resource() {
    let text = "<Bundle xmlns=\"http://hl7.org/fhir\">\n<entry><resource>\n  <Patient><id value=\"a\"/></Patient>\n  <Patient><id value=\"b\"/></Patient>\n</resource></entry></Bundle>";
    let found = issues(text);
    assert_eq!(
        found
            .iter()
            .map(|i| (i.1, i.2, i.3.as_str(), i.4.as_str()))
            .collect::<Vec<_>>(),
        [(
            4,
            3,
            "Bundle.entry.resource",
            "<resource> must contain exactly one resource and nothing else"
        )]
    );
    let resource = parse_xml(text)
        .root
        .child("entry")
        .unwrap()
        .child("resource")
        .unwrap()
        .clone();
    assert_eq!(resource.resource_type.as_deref(), Some("Patient"));
}

#[test]
fn root_must_be_a_fhir_resource() {
    let error = fatal("<?xml version=\"1.0\"?>\n<Patient/>");
    assert_eq!(error.pos, pos(2, 1));
    assert_eq!(
        error.message,
        "the root element <Patient> is not in the FHIR namespace http://hl7.org/fhir"
    );
    let found = issues("<name xmlns=\"http://hl7.org/fhir\"><a/></name>");
    assert_eq!(found[0].4, "the root element <name> is not a resource type");
    assert_eq!(
        (found[0].3.as_str(), found[1].3.as_str()),
        ("name", "name.a")
    );
}

#[test]
fn doctype_and_entities_are_refused() {
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Patient [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&x;\"/></Patient>";
    let error = fatal(xxe);
    assert_eq!(error.pos, pos(2, 1));
    assert!(
        error
            .message
            .starts_with("DOCTYPE declarations are not allowed"),
        "{}",
        error.message
    );
    let undefined =
        fatal("<Patient xmlns=\"http://hl7.org/fhir\">\n  <id value=\"a&nbsp;b\"/></Patient>");
    assert_eq!(undefined.pos, pos(2, 3));
    assert!(undefined.message.contains("nbsp"), "{}", undefined.message);
    let in_narrative = fatal(
        "<Patient xmlns=\"http://hl7.org/fhir\"><text>\n<div xmlns=\"http://www.w3.org/1999/xhtml\">a &reg; b</div></text></Patient>",
    );
    assert_eq!(in_narrative.pos, pos(2, 45));
    assert!(
        in_narrative.message.contains("&reg;"),
        "{}",
        in_narrative.message
    );
}

#[test]
fn syntax_errors_have_positions() {
    let cases: [(&str, (u32, u32), &str); 6] = [
        (
            "<Basic xmlns=\"http://hl7.org/fhir\">\n  <a value=\"1\">\n</Basic>",
            (3, 1),
            "malformed XML",
        ),
        (
            "<Basic xmlns=\"http://hl7.org/fhir\">\n  <a value=\"1\"/>",
            (2, 17),
            "unexpected end of document: <Basic> is not closed",
        ),
        (
            "<Basic xmlns=\"http://hl7.org/fhir\"/>\n<Basic xmlns=\"http://hl7.org/fhir\"/>",
            (2, 1),
            "only one root element is allowed",
        ),
        (
            "<Basic xmlns=\"http://hl7.org/fhir\">\n  <p:a value=\"1\"/></Basic>",
            (2, 3),
            "undeclared namespace prefix 'p'",
        ),
        (
            "<Basic xmlns=\"http://hl7.org/fhir\"><a value=\"1\" value=\"2\"/></Basic>",
            (1, 36),
            "malformed attribute",
        ),
        ("", (1, 1), "no root element"),
    ];
    for (text, (line, col), message) in cases {
        let error = fatal(text);
        assert_eq!(error.pos, pos(line, col), "{text:?}: {error}");
        assert!(error.message.starts_with(message), "{text:?}: {error}");
    }
}

#[test]
fn declared_encoding_must_be_utf8() {
    let found = issues(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Basic xmlns=\"http://hl7.org/fhir\"><a value=\"1\"/></Basic>",
    );
    assert_eq!(found.len(), 1);
    assert!(found[0].4.starts_with("FHIR XML must be encoded in UTF-8"));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = MAX_NESTING + 10;
    let text = format!(
        "<Basic xmlns=\"http://hl7.org/fhir\">{}{}</Basic>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    assert!(fatal(&text).message.starts_with("nesting deeper than"));
}

#[test]
fn hostile_inputs_do_not_panic() {
    let inputs = [
        "<",
        "<Basic",
        "<Basic xmlns=\"http://hl7.org/fhir\"",
        "<Basic xmlns=\"http://hl7.org/fhir\"><a value=\"1",
        "<Basic xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">",
        "<Basic xmlns=\"http://hl7.org/fhir\"><![CDATA[x",
        "<Basic xmlns=\"http://hl7.org/fhir\"><!-- x",
        "<Basic xmlns=\"http://hl7.org/fhir\"></Other>",
        "text",
    ];
    for input in inputs {
        assert!(parse(input.as_bytes(), Format::Xml).is_err(), "{input:?}");
    }
}
