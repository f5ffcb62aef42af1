//! Synthetic Bundles of any size, for measuring how validation time and memory grow with the
//! number of entries: a searchset of Patients and the Observations about them, and a
//! collection of tiny entries.

use std::fmt::Write;

/// The RESTful base of the generated `fullUrl`s.
const BASE: &str = "http://example.org/fhir";

/// Observations per Patient in [`searchset`].
const OBSERVATIONS_PER_PATIENT: usize = 3;

/// A valid searchset Bundle (JSON) of `entries` entries: each Patient (`search.mode` `match`)
/// is followed by Observations about it (`include`), each with a `fullUrl` under one RESTful
/// base, an id, a LOINC code, a UCUM quantity and two references to earlier entries (the
/// subject, relative, and, but for the very first Observation, `derivedFrom` the Observation
/// before it, absolute).
pub fn searchset(entries: usize) -> Vec<u8> {
    let mut out = String::with_capacity(entries * 700 + 512);
    out.push_str(r#"{"resourceType":"Bundle","id":"synthetic-searchset","type":"searchset","#);
    let _ = write!(
        out,
        r#""total":{},"link":[{{"relation":"self","url":"{BASE}/Observation?_include=Observation:subject"}}],"entry":["#,
        entries.div_ceil(OBSERVATIONS_PER_PATIENT + 1)
    );
    let mut patient = 0;
    let mut previous_observation = None;
    for at in 0..entries {
        if at > 0 {
            out.push(',');
        }
        if at.is_multiple_of(OBSERVATIONS_PER_PATIENT + 1) {
            patient = at;
            push_patient(&mut out, at);
        } else {
            push_observation(&mut out, at, patient, previous_observation);
            previous_observation = Some(at);
        }
    }
    out.push_str("]}");
    out.into_bytes()
}

fn push_patient(out: &mut String, at: usize) {
    let _ = write!(
        out,
        r#"{{"fullUrl":"{BASE}/Patient/p{at}","resource":{{"resourceType":"Patient","id":"p{at}","#
    );
    let _ = write!(
        out,
        r#""identifier":[{{"system":"urn:oid:2.16.840.1.113883.4.1","value":"{at:09}"}}],"active":true,"#
    );
    let _ = write!(
        out,
        r#""name":[{{"use":"official","family":"Family{at}","given":["Given{at}"]}}],"gender":"{}","birthDate":"19{:02}-0{}-1{}"}},"#,
        if at.is_multiple_of(2) {
            "female"
        } else {
            "male"
        },
        at % 100,
        1 + at % 9,
        at % 10
    );
    out.push_str(r#""search":{"mode":"match","score":1}}"#);
}

fn push_observation(out: &mut String, at: usize, patient: usize, previous: Option<usize>) {
    let _ = write!(
        out,
        r#"{{"fullUrl":"{BASE}/Observation/o{at}","resource":{{"resourceType":"Observation","id":"o{at}","status":"final","#
    );
    out.push_str(
        r#""category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"#,
    );
    out.push_str(
        r#""code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}],"text":"Heart rate"},"#,
    );
    let _ = write!(
        out,
        r#""subject":{{"reference":"Patient/p{patient}"}},"effectiveDateTime":"2024-0{}-1{}T08:{:02}:00Z","#,
        1 + at % 9,
        at % 10,
        at % 60
    );
    let _ = write!(
        out,
        r#""valueQuantity":{{"value":{},"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"}},"#,
        50 + at % 70
    );
    if let Some(previous) = previous {
        let _ = write!(
            out,
            r#""derivedFrom":[{{"reference":"{BASE}/Observation/o{previous}"}}],"#
        );
    }
    out.push_str(r#""issued":"2024-01-01T09:00:00Z"},"search":{"mode":"include"}}"#);
}

/// A collection Bundle (JSON) of `entries` tiny entries: a `urn:uuid:` fullUrl and a
/// Patient with only an id.
pub fn tiny_entries(entries: usize) -> Vec<u8> {
    let mut out = String::with_capacity(entries * 120 + 128);
    out.push_str(r#"{"resourceType":"Bundle","id":"synthetic-tiny","type":"collection","entry":["#);
    for at in 0..entries {
        if at > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"fullUrl":"urn:uuid:00000000-0000-4000-8000-{at:012}","resource":{{"resourceType":"Patient","id":"t{at}"}}}}"#
        );
    }
    out.push_str("]}");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_bundles_are_json_with_the_asked_number_of_entries() {
        for (bytes, n) in [(searchset(9), 9), (tiny_entries(5), 5)] {
            let value: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
            assert_eq!(value["entry"].as_array().map(Vec::len), Some(n));
        }
    }
}
