//! Composite parameters (search.html#composite).

use crate::common::*;

const BLOOD_PRESSURE: &str = r#"{
  "resourceType": "Observation", "status": "final",
  "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
  "component": [
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
     "valueQuantity": {"value": 120, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
     "valueQuantity": {"value": 80, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}]
}"#;

#[test]
fn components_match_within_one_item() {
    let obs = resource(BLOOD_PRESSURE);
    table(
        &obs,
        &[
            (
                "component-code-value-quantity",
                "http://loinc.org|8480-6$gt100",
                Match,
            ),
            (
                "component-code-value-quantity",
                "http://loinc.org|8462-4$lt90",
                Match,
            ),
            // 120 belongs to systolic, 80 to diastolic: no one component has both.
            (
                "component-code-value-quantity",
                "http://loinc.org|8462-4$gt100",
                NoMatch,
            ),
            (
                "code-value-quantity",
                "http://loinc.org|85354-9$gt100",
                NoMatch,
            ),
        ],
    );
    let heart_rate = resource(
        r#"{"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
            "valueQuantity": {"value": 72, "system": "http://unitsofmeasure.org", "code": "/min"}}"#,
    );
    table(
        &heart_rate,
        &[
            ("code-value-quantity", "http://loinc.org|8867-4$72", Match),
            (
                "code-value-quantity",
                "http://loinc.org|8867-4$gt100",
                NoMatch,
            ),
            (
                "code-value-quantity",
                "8867-4$ge72|http://unitsofmeasure.org|/min",
                Match,
            ),
        ],
    );
}
