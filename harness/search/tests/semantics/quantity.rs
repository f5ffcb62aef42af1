//! Quantity parameters (search.html#quantity).

use crate::common::*;

fn observation(quantity: &str) -> String {
    format!(
        r#"{{"resourceType": "Observation", "status": "final", "code": {{"text": "x"}}, "valueQuantity": {quantity}}}"#
    )
}

const UCUM: &str = "http://unitsofmeasure.org";

#[test]
fn ucum_values_compare_after_conversion() {
    let mg = resource(&observation(&format!(
        r#"{{"value": 6, "unit": "mg", "system": "{UCUM}", "code": "mg"}}"#
    )));
    let g = resource(&observation(&format!(
        r#"{{"value": 0.006, "unit": "g", "system": "{UCUM}", "code": "g"}}"#
    )));
    let g4 = resource(&observation(&format!(
        r#"{{"value": 0.004, "unit": "g", "system": "{UCUM}", "code": "g"}}"#
    )));
    let metres = resource(&observation(&format!(
        r#"{{"value": 6, "unit": "m", "system": "{UCUM}", "code": "m"}}"#
    )));
    let value = format!("gt5.4|{UCUM}|mg");
    for (obs, expected) in [
        (&mg, Match),
        (&g, Match),
        (&g4, NoMatch),
        (&metres, NoMatch),
    ] {
        table(obs, &[("value-quantity", &value, expected)]);
    }
    table(
        &g,
        &[
            ("value-quantity", &format!("6|{UCUM}|mg"), Match),
            ("value-quantity", &format!("lt6000|{UCUM}|ug"), NoMatch),
            ("value-quantity", &format!("le6000|{UCUM}|ug"), Match),
            ("value-quantity", &format!("lt7000|{UCUM}|ug"), Match),
            ("value-quantity", "0.006", Match),
            ("value-quantity", "0.006||g", Match),
            ("value-quantity", "0.006||mg", NoMatch),
            ("value-quantity", "6||mg", NoMatch),
            (
                "value-quantity",
                "0.006|http://example.org/units|g",
                NoMatch,
            ),
        ],
    );
}

#[test]
fn prefixes_on_quantities() {
    let obs = resource(&observation(&format!(
        r#"{{"value": 72, "unit": "beats/min", "system": "{UCUM}", "code": "/min"}}"#
    )));
    table(
        &obs,
        &[
            ("value-quantity", "72", Match),
            ("value-quantity", "72.0", Match),
            ("value-quantity", "ne72", NoMatch),
            ("value-quantity", "gt70", Match),
            ("value-quantity", "gt72", NoMatch),
            ("value-quantity", "ge72", Match),
            ("value-quantity", "lt80", Match),
            ("value-quantity", "le71", NoMatch),
            ("value-quantity", "ap70", Undecided),
            ("value-quantity", "ap72", Match),
            ("value-quantity", "ap100", Undecided),
            ("value-quantity", &format!("72|{UCUM}|/min"), Match),
            ("value-quantity", &format!("1.2|{UCUM}|/s"), Match),
        ],
    );
}

#[test]
fn non_ucum_units_need_the_same_system_and_code() {
    let obs = resource(&observation(
        r#"{"value": 3, "unit": "tablets", "system": "http://example.org/units", "code": "TAB"}"#,
    ));
    table(
        &obs,
        &[
            ("value-quantity", "3|http://example.org/units|TAB", Match),
            ("value-quantity", "3|http://example.org/units|CAP", NoMatch),
            ("value-quantity", "3||TAB", Match),
            ("value-quantity", "3||tablets", Match),
            ("value-quantity", "4||TAB", NoMatch),
        ],
    );
}

#[test]
fn comparators_on_the_value_make_it_undecided() {
    let obs = resource(&observation(&format!(
        r#"{{"value": 5, "comparator": "<", "system": "{UCUM}", "code": "mg"}}"#
    )));
    table(&obs, &[("value-quantity", "5", Undecided)]);
}
