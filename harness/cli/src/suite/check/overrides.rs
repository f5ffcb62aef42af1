//! Every `--var` must name a variable some loaded suite knows: a suite variable, a data item or
//! a name read by a test or an item. A typo is reported with the closest known name.

use super::Report;
use super::strings::data_item;
use crate::suite::interpolate::variables_in;
use crate::suite::uses::test_variables;
use indexmap::IndexMap;
use std::collections::BTreeSet;

pub(crate) fn check(report: &mut Report<'_>, overrides: &IndexMap<String, String>) {
    if overrides.is_empty() {
        return;
    }
    let mut known: BTreeSet<&str> = BTreeSet::new();
    for parsed in report.suites {
        known.extend(parsed.suite.variables.keys().map(String::as_str));
    }
    for (item, data) in report.items() {
        known.insert(&data.name);
        for string in data_item(data, report.item_node(item)) {
            known.extend(variables_in(string.text));
        }
    }
    for (_, case) in report.tests() {
        known.extend(test_variables(case));
    }
    for name in overrides.keys() {
        if known.contains(name.as_str()) {
            continue;
        }
        let message = match closest(name, &known) {
            Some(near) => format!("unknown variable `{name}`: did you mean `{near}`?"),
            None => format!("unknown variable `{name}`: no loaded suite uses it"),
        };
        report.error_without_place("--var", message);
    }
}

/// The known name nearest to `name` by edit distance, if one is near enough to be a typo.
fn closest<'a>(name: &str, known: &BTreeSet<&'a str>) -> Option<&'a str> {
    let allowed = (name.chars().count() / 3).max(2);
    known
        .iter()
        .map(|candidate| (strsim::levenshtein(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= allowed)
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;
    use std::collections::BTreeSet;

    #[test]
    fn typos_find_the_nearest_name_and_strangers_none() {
        let known = BTreeSet::from(["nhs_number", "patient_id", "family"]);
        assert_eq!(closest("nhs_numbr", &known), Some("nhs_number"));
        assert_eq!(closest("patientid", &known), Some("patient_id"));
        assert_eq!(closest("colour", &known), None);
    }
}
