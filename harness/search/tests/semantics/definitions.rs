//! Every R4 core SearchParameter expression parses for each of its bases (none needs to be
//! listed as unsupported), and evaluates without error.

use assure_search::{Criterion, ParamType, judge};

use crate::common::*;

#[test]
fn every_core_expression_parses() {
    let mut parameters: Vec<_> = R4.all().collect();
    parameters.sort_by(|a, b| a.url.cmp(&b.url));
    let with_expression = parameters.iter().filter(|p| p.expression.is_some()).count();
    let problems: Vec<String> = parameters
        .iter()
        .filter(|p| p.expression.is_some())
        .filter_map(|p| {
            let found = p.expression_problems();
            (!found.is_empty()).then(|| format!("{}: {}", p.url, found.join("; ")))
        })
        .collect();
    println!(
        "R4 core SearchParameters: {} definitions, {with_expression} with an expression, {} of them parse for every base; {} without an expression",
        parameters.len(),
        with_expression - problems.len(),
        parameters.len() - with_expression
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(parameters.len() > 1300, "{} definitions", parameters.len());
}

#[test]
fn every_core_expression_evaluates_on_an_empty_resource_of_each_base() {
    let mut failures = Vec::new();
    let mut judged = 0;
    for parameter in R4.all() {
        let skipped = matches!(parameter.kind, ParamType::Special | ParamType::Composite);
        if parameter.expression.is_none() || skipped {
            continue;
        }
        for base in &parameter.base {
            if base == "Resource" || base == "DomainResource" {
                continue;
            }
            let resource = resource(&format!(r#"{{"resourceType": "{base}", "id": "x"}}"#));
            let Ok(criterion) =
                Criterion::parse(&R4, base, &format!("{}:missing", parameter.code), "true")
            else {
                failures.push(format!(
                    "{base}.{}: :missing=true does not parse",
                    parameter.code
                ));
                continue;
            };
            judged += 1;
            let judgement = judge(&resource, &R4, &criterion);
            let computed = judgement
                .reason()
                .is_some_and(|r| r.contains("computes a value"));
            if !judgement.is_match() && !computed {
                failures.push(format!("{base}.{}: {judgement:?}", parameter.code));
            }
        }
    }
    println!("{judged} (base, parameter) pairs judged :missing=true on an empty resource");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
