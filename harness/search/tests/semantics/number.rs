//! Number parameters (search.html#number).

use crate::common::*;

fn risk(probability: &str) -> String {
    format!(
        r#"{{"resourceType": "RiskAssessment", "status": "final", "subject": {{"reference": "Patient/1"}},
            "prediction": [{{"probabilityDecimal": {probability}}}]}}"#
    )
}

#[test]
fn implicit_ranges_and_prefixes() {
    let r = resource(&risk("100"));
    table(
        &r,
        &[
            ("probability", "100", Match),
            ("probability", "100.0", Match),
            ("probability", "1e2", Match),
            ("probability", "99", NoMatch),
            ("probability", "ne100", NoMatch),
            ("probability", "gt99", Match),
            ("probability", "gt100", NoMatch),
            ("probability", "lt101", Match),
            ("probability", "ge100", Match),
            ("probability", "le99", NoMatch),
            ("probability", "sa99", Match),
            ("probability", "eb101", Match),
            ("probability", "ap100", Match),
            ("probability", "ap95", Undecided),
            ("probability", "ap50", Undecided),
        ],
    );
    let r = resource(&risk("100.2"));
    table(
        &r,
        &[
            // 100 means [99.5, 100.5): 100.2 is in it.
            ("probability", "100", Match),
            ("probability", "100.0", NoMatch),
            // Greater than the value 100, but not above its implicit range: both readings exist.
            ("probability", "gt100", Undecided),
            ("probability", "ge100.2", Match),
        ],
    );
}
