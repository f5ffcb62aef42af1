//! The JSON parser: tree shape, positions, FHIR-format issues and syntax errors.

use assure_model::{
    Element, Format, MAX_NESTING, ParseError, Parsed, Pos, Primitive, Severity, parse,
};

fn parse_json(text: &str) -> Parsed {
    parse(text.as_bytes(), Format::Json).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn fatal(text: &str) -> ParseError {
    match parse(text.as_bytes(), Format::Json) {
        Ok(parsed) => panic!("parsed {text:?}: {parsed:?}"),
        Err(error) => error,
    }
}

fn pos(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

/// Issues as (line, column, path, message).
fn issues(text: &str) -> Vec<(u32, u32, String, String)> {
    parse_json(text)
        .issues
        .into_iter()
        .map(|i| {
            assert_eq!(i.severity, Severity::Error);
            (i.pos.line, i.pos.col, i.path, i.message)
        })
        .collect()
}

fn value(element: &Element) -> Option<&Primitive> {
    element.value.as_ref()
}

const PATIENT: &str = r#"{
  "resourceType": "Patient",
  "id": "p1",
  "active": true,
  "multipleBirthInteger": 2,
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Hi</div>"},
  "name": [{
    "given": ["Ann", null, "Zoë"],
    "_given": [null, {"extension": [{"url": "http://x", "valueString": "B"}]}, {"id": "g3"}]
  }],
  "birthDate": "1970-01-01",
  "_birthDate": {"id": "bd"},
  "contained": [{"resourceType": "Organization", "id": "o1", "name": "Org"}]
}"#;

#[test]
fn shape_of_a_resource() {
    let parsed = parse_json(PATIENT);
    assert_eq!(parsed.issues, []);
    assert_eq!(parsed.format, Format::Json);
    let root = &parsed.root;
    assert_eq!(root.name, "Patient");
    assert_eq!(root.resource_type.as_deref(), Some("Patient"));
    assert!(root.child("resourceType").is_none());
    assert_eq!(root.pos, pos(1, 1));
    let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "active",
            "multipleBirthInteger",
            "text",
            "name",
            "birthDate",
            "contained"
        ]
    );

    let id = root.child("id").unwrap();
    assert_eq!(
        (id.pos, id.index, value(id)),
        (pos(3, 3), None, Some(&Primitive::String("p1".into())))
    );
    assert_eq!(
        value(root.child("active").unwrap()),
        Some(&Primitive::Bool(true))
    );
    assert_eq!(
        value(root.child("multipleBirthInteger").unwrap()),
        Some(&Primitive::Number("2".into()))
    );
    let div = root.child("text").unwrap().child("div").unwrap();
    assert!(matches!(value(div), Some(Primitive::Xhtml(x)) if x.ends_with(">Hi</div>")));

    let name = root.child("name").unwrap();
    assert_eq!((name.index, name.pos), (Some(0), pos(7, 12)));
    let given: Vec<&Element> = name.children_named("given").collect();
    assert_eq!(given.len(), 3);
    assert_eq!(
        (given[0].index, given[0].text(), given[0].pos),
        (Some(0), Some("Ann"), pos(8, 15))
    );
    assert!(given[0].children.is_empty());
    // The null placeholder becomes a value-less primitive carrying its extension.
    assert_eq!((given[1].index, given[1].value.as_ref()), (Some(1), None));
    let extension = given[1].child("extension").unwrap();
    assert_eq!(
        (extension.index, extension.child("url").unwrap().text()),
        (Some(0), Some("http://x"))
    );
    assert_eq!(
        (given[2].text(), given[2].child("id").unwrap().text()),
        (Some("Zoë"), Some("g3"))
    );

    let birth_date = root.child("birthDate").unwrap();
    assert_eq!(birth_date.text(), Some("1970-01-01"));
    assert_eq!(birth_date.child("id").unwrap().text(), Some("bd"));

    let contained = root.child("contained").unwrap();
    assert_eq!(
        (contained.index, contained.resource_type.as_deref()),
        (Some(0), Some("Organization"))
    );
    assert_eq!(contained.child("name").unwrap().text(), Some("Org"));
    assert!(contained.child("resourceType").is_none());
}

#[test]
fn extension_only_primitive_without_value() {
    let parsed = parse_json(
        r#"{"resourceType": "Patient", "_gender": {"extension": [{"url": "u", "valueCode": "x"}]}}"#,
    );
    assert_eq!(parsed.issues, []);
    let gender = parsed.root.child("gender").unwrap();
    assert_eq!((gender.value.as_ref(), gender.pos), (None, pos(1, 29)));
    assert!(gender.child("extension").is_some());
}

#[test]
fn numbers_keep_their_lexical_form() {
    let parsed =
        parse_json(r#"{"resourceType": "Observation", "valueDecimal": 1.50, "x": -0.0e+10}"#);
    assert_eq!(
        parsed.root.child("valueDecimal").unwrap().text(),
        Some("1.50")
    );
    assert_eq!(parsed.root.child("x").unwrap().text(), Some("-0.0e+10"));
}

#[test]
fn escapes_are_decoded() {
    let parsed = parse_json(
        r#"{"resourceType": "Basic", "a": "q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude00"}"#,
    );
    assert_eq!(
        parsed.root.child("a").unwrap().text(),
        Some("q\" b\\ s/ \u{8}\u{c}\n\r\t é 😀")
    );
}

#[test]
fn columns_count_characters() {
    let parsed = parse_json("{\"resourceType\": \"Basic\", \"a\": \"ééé\", \"b\": 1}");
    assert_eq!(parsed.root.child("b").unwrap().pos, pos(1, 39));
}

#[test]
fn duplicate_keys() {
    assert_eq!(
        issues(
            "{\"resourceType\": \"Patient\",\n \"name\": [{\"family\": \"A\",\n  \"family\": \"B\"}]}"
        ),
        [(
            3,
            3,
            "Patient.name[0].family".to_owned(),
            "duplicate property 'family'".to_owned()
        )]
    );
}

#[test]
fn duplicate_keys_in_large_objects() {
    let members: Vec<String> = (0..40).map(|i| format!("\"p{i}\": 1")).collect();
    let text = format!(
        "{{\"resourceType\": \"Basic\", {}, \"p7\": 2}}",
        members.join(", ")
    );
    let found = issues(&text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].3, "duplicate property 'p7'");
}

#[test]
fn empty_string_array_and_object() {
    let text = "{\"resourceType\": \"Patient\",\n  \"gender\": \"\",\n  \"name\": [],\n  \"photo\": [{}],\n  \"_birthDate\": []}";
    assert_eq!(
        issues(text),
        [
            (
                2,
                13,
                "Patient.gender".to_owned(),
                "empty string: omit the property instead".to_owned()
            ),
            (
                3,
                11,
                "Patient.name".to_owned(),
                "empty JSON array".to_owned()
            ),
            (
                4,
                13,
                "Patient.photo[0]".to_owned(),
                "empty JSON object".to_owned()
            ),
            (
                5,
                17,
                "Patient._birthDate".to_owned(),
                "empty JSON array".to_owned()
            ),
        ]
    );
}

#[test]
fn null_outside_primitive_extension_arrays() {
    let text = "{\"resourceType\": \"Patient\",\n  \"gender\": null,\n  \"name\": [{\"given\": [\"a\", null]}]}";
    let found = issues(text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1, found[0].2.as_str()),
        (2, 13, "Patient.gender")
    );
    assert!(found[0].3.starts_with("null is not allowed here"));
    assert_eq!(
        (found[1].0, found[1].1, found[1].2.as_str()),
        (3, 28, "Patient.name[0].given[1]")
    );
    assert!(
        found[1]
            .3
            .starts_with("null is only allowed in an array of primitives")
    );
}

#[test]
fn misaligned_primitive_extensions() {
    let cases = [
        (
            r#""given": ["a"], "_given": [null, {"id": "x"}]"#,
            "'given' has 1 items but '_given' has 2: the arrays must align",
        ),
        (
            r#""given": "a", "_given": [{"id": "x"}]"#,
            "'_given' is an array but 'given' is not",
        ),
        (
            r#""given": ["a"], "_given": {"id": "x"}"#,
            "'_given' is an object but 'given' is an array",
        ),
        (
            r#""given": {"a": 1}, "_given": {"id": "x"}"#,
            "'_given' is only allowed when 'given' is a primitive value",
        ),
        (
            r#""_given": [null]"#,
            "null in '_given' with no 'given' value at the same index",
        ),
        (
            r#""_given": "x""#,
            "a primitive extension ('_' property) must be an object or an array",
        ),
        (
            r#""_given": [1]"#,
            "items of a primitive extension array must be objects or null",
        ),
    ];
    for (members, message) in cases {
        let text = format!("{{\"resourceType\": \"Basic\", {members}}}");
        let found = issues(&text);
        assert!(found.iter().any(|i| i.3 == message), "{members}: {found:?}");
    }
}

#[test]
fn missing_or_invalid_resource_type() {
    let parsed = parse_json(r#"{"id": "x"}"#);
    assert_eq!(parsed.root.resource_type, None);
    assert_eq!(parsed.issues.len(), 1);
    assert!(parsed.issues[0].message.contains("no 'resourceType'"));
    let found = issues(r#"{"resourceType": 3, "id": "x"}"#);
    // Sorted by position: the root's missing type first, then the bad value.
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].1, found[1].1), (1, 18));
    assert!(found[0].3.contains("no 'resourceType'"));
    assert_eq!(found[1].3, "'resourceType' must be a non-empty JSON string");
}

#[test]
fn arrays_of_arrays() {
    let found = issues(r#"{"resourceType": "Basic", "a": [[1]]}"#);
    assert_eq!(
        found,
        [(
            1,
            33,
            "Basic.a[0]".to_owned(),
            "arrays of arrays are not allowed in FHIR JSON".to_owned()
        )]
    );
}

#[test]
fn syntax_errors_have_exact_positions() {
    let cases: [(&str, (u32, u32), &str); 17] = [
        (
            "",
            (1, 1),
            "expected '{': a FHIR JSON resource is a JSON object",
        ),
        (
            "[1]",
            (1, 1),
            "expected '{': a FHIR JSON resource is a JSON object",
        ),
        ("{\"a\": 1,}", (1, 9), "trailing comma before '}'"),
        (
            "{\"a\": [1,]}",
            (1, 10),
            "expected a value (trailing comma?)",
        ),
        (
            "{\"a\": 1 \"b\": 2}",
            (1, 9),
            "expected ',' or '}' after a value",
        ),
        ("{\"a\" 1}", (1, 6), "expected ':' after the property name"),
        (
            "{a: 1}",
            (1, 2),
            "expected a property name in double quotes",
        ),
        ("{\"a\": \"x}", (1, 7), "unterminated string"),
        (
            "{\"a\": \"x\ny\"}",
            (1, 9),
            "control character U+000A must be escaped in a JSON string",
        ),
        ("{\"a\": \"\\x\"}", (1, 8), "invalid escape sequence '\\x'"),
        (
            "{\"a\": \"\\ud800\"}",
            (1, 8),
            "invalid \\u escape: unpaired surrogate",
        ),
        (
            "{\"a\": \"\\u12\"}",
            (1, 8),
            "invalid \\u escape: expected 4 hex digits",
        ),
        (
            "{\"a\":\n  012}",
            (2, 3),
            "invalid number: leading zeros are not allowed",
        ),
        (
            "{\"a\": 1.}",
            (1, 9),
            "invalid number: expected a digit after '.'",
        ),
        (
            "{\"a\": tru}",
            (1, 7),
            "invalid literal: expected a string, number, object, array, true, false or null",
        ),
        (
            "{\"a\": 1}\n x",
            (2, 2),
            "unexpected content after the end of the resource",
        ),
        (
            "{\"a\": // comment\n 1}",
            (1, 7),
            "unexpected character '/', expected a value",
        ),
    ];
    for (text, (line, col), message) in cases {
        let error = fatal(text);
        assert_eq!(
            (error.pos, error.message.as_str()),
            (pos(line, col), message),
            "{text:?}"
        );
    }
}

#[test]
fn unexpected_end_of_input() {
    let error = fatal("{\"resourceType\": \"Patient\",\n  \"name\": [");
    assert_eq!(
        (error.pos, error.message.as_str()),
        (pos(2, 12), "unexpected end of input, expected a value")
    );
}

#[test]
fn invalid_utf8_is_reported_where_it_starts() {
    let error = parse(
        b"{\"resourceType\": \"Basic\",\n \"a\": \"\xff\"}",
        Format::Json,
    )
    .unwrap_err();
    assert_eq!(
        (error.pos, error.message.as_str()),
        (pos(2, 8), "the document is not valid UTF-8")
    );
}

#[test]
fn byte_order_mark_is_tolerated() {
    let parsed = parse(
        b"\xEF\xBB\xBF{\"resourceType\": \"Basic\", \"a\": 1}",
        Format::Json,
    )
    .unwrap();
    assert_eq!(parsed.root.child("a").unwrap().pos, pos(1, 27));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = MAX_NESTING + 10;
    let text = format!(
        "{{\"resourceType\": \"Basic\", {}1{}}}",
        "\"a\": {".repeat(depth),
        "}".repeat(depth)
    );
    assert!(fatal(&text).message.starts_with("nesting deeper than"));
    let arrays = format!("{{\"a\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(fatal(&arrays).message.starts_with("nesting deeper than"));
}

#[test]
fn hostile_inputs_do_not_panic() {
    let inputs: [&[u8]; 10] = [
        b"{",
        b"{\"",
        b"{\"a\"",
        b"{\"a\":",
        b"{\"a\": \"\\",
        b"{\"a\": \"\\u",
        b"{\"a\": \"\\ud800\\u",
        b"{\"a\": -",
        b"{\"a\": 1e",
        b"{\"_a\": [",
    ];
    for input in inputs {
        assert!(parse(input, Format::Json).is_err(), "{input:?}");
    }
}
