//! Property tests standing in for fuzzing (stable Rust has no `cargo fuzz`): the JSON and XML
//! parsers take any bytes, including mutations of valid resources, and return a result or a
//! parse error, never a panic. Bounded by proptest's case count (`PROPTEST_CASES`, default
//! 256 per property).

use assure_model::{Format, parse};
use proptest::prelude::*;

const JSON_PATIENT: &str = r#"{"resourceType":"Patient","id":"p1","name":[{"family":"Jones","given":["Amelia"]}],"birthDate":"1984-03-12","extension":[{"url":"http://x/y","valueString":"v"}],"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}"#;
const XML_PATIENT: &str = r#"<Patient xmlns="http://hl7.org/fhir"><id value="p1"/><name><family value="Jones"/><given value="Amelia"/></name><birthDate value="1984-03-12"/><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">x</div></text></Patient>"#;

/// `valid` with bytes overwritten, inserted and cut at random places.
fn mutated(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(overwrites, inserts, cut)| {
            let mut bytes = valid.as_bytes().to_vec();
            for (at, byte) in overwrites {
                let index = at.index(bytes.len());
                bytes[index] = byte;
            }
            for (at, byte) in inserts {
                let index = at.index(bytes.len() + 1);
                bytes.insert(index, byte);
            }
            let keep = cut.index(bytes.len() + 1);
            if keep > bytes.len() / 2 {
                bytes.truncate(keep);
            }
            bytes
        })
}

proptest! {
    #[test]
    fn json_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes, Format::Json);
    }

    #[test]
    fn xml_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes, Format::Xml);
    }

    #[test]
    fn json_never_panics_on_a_mutated_resource(bytes in mutated(JSON_PATIENT)) {
        let _ = parse(&bytes, Format::Json);
    }

    #[test]
    fn xml_never_panics_on_a_mutated_resource(bytes in mutated(XML_PATIENT)) {
        let _ = parse(&bytes, Format::Xml);
    }
}

#[test]
fn the_seeds_parse() {
    assert!(parse(JSON_PATIENT.as_bytes(), Format::Json).is_ok());
    assert!(parse(XML_PATIENT.as_bytes(), Format::Xml).is_ok());
}
