//! Hostile input: mutated documents must give a result or an error, never a panic.

use assure_model::{Format, Pos, canonical_xhtml, check_xhtml, parse};

const JSON: &str = r#"{"resourceType": "Patient", "id": "p", "text": {"status": "generated",
 "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Zoë &amp; <b>x</b></div>"},
 "name": [{"given": ["A", null], "_given": [null, {"id": "g", "extension": [{"url": "u", "valueString": "é"}]}]}],
 "multipleBirthInteger": -1.5e3, "active": true, "contained": [{"resourceType": "Basic", "id": "b"}]}"#;

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir"><id value="p"/><text><status value="generated"/>
<div xmlns="http://www.w3.org/1999/xhtml">Zoë &amp; <b>x</b>&#169;</div></text>
<name><given value="A"/><given id="g"><extension url="u"><valueString value="é"/></extension></given></name>
<contained><Basic><id value="b"/></Basic></contained></Patient>"#;

/// A small deterministic pseudo-random sequence (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

/// Copies of `document` with a few bytes replaced, inserted, or removed, and truncations.
fn mutations(document: &str, count: usize) -> Vec<Vec<u8>> {
    const BYTES: &[u8] = b"{}[]<>/\"'\\:,&;#x0-e.=\n \xC3\xA9\xFF_!?";
    let mut random = Lcg(7);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut bytes = document.as_bytes().to_vec();
        for _ in 0..=random.next(3) {
            if bytes.is_empty() {
                break;
            }
            let at = random.next(bytes.len());
            match random.next(4) {
                0 => bytes[at] = BYTES[random.next(BYTES.len())],
                1 => bytes.insert(at, BYTES[random.next(BYTES.len())]),
                2 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        out.push(bytes);
    }
    out
}

#[test]
fn mutated_json_never_panics() {
    for bytes in mutations(JSON, 5000) {
        let _ = parse(&bytes, Format::Json);
    }
}

#[test]
fn mutated_xml_never_panics() {
    for bytes in mutations(XML, 5000) {
        let _ = parse(&bytes, Format::Xml);
    }
}

#[test]
fn mutated_narratives_never_panic() {
    let narrative = r##"<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x">a &amp; &#169;<img src="#i"/></p><script>x</script></div>"##;
    for bytes in mutations(narrative, 3000) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = check_xhtml(&text, Pos::default(), "Basic.text.div");
        let _ = canonical_xhtml(&text);
    }
}
