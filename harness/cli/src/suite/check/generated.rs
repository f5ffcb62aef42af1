//! `generate.search.sample` ids may use `{{ name }}`, but only the suite's variables (and
//! `--var`) and data items: generated tests need nothing and capture nothing.

use super::Report;
use crate::suite::interpolate::variables_in;
use std::collections::HashSet;

pub(crate) fn check(report: &mut Report<'_>) {
    let items: HashSet<&str> = report.items().map(|(_, item)| item.name.as_str()).collect();
    for (index, parsed) in report.suites.iter().enumerate() {
        let Some(generator) = &parsed.suite.generate.search else {
            continue;
        };
        let samples = parsed
            .root
            .field("generate")
            .field("search")
            .field("sample");
        for (resource_type, id) in &generator.sample {
            for name in variables_in(id) {
                if !parsed.suite.variables.contains_key(name) && !items.contains(name) {
                    report.error(
                        index,
                        samples.field(resource_type),
                        format!(
                            "undefined variable `{name}`: a sample id may only use the suite's variables, data items and `--var`"
                        ),
                    );
                }
            }
        }
    }
}
