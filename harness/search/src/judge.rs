//! The judge: evaluates the parameter's expression on a resource and applies the rules of
//! the parameter's type to every value found.
//!
//! It works on the `assure-model` element tree, the tree the FHIRPath engine evaluates (so
//! JSON and XML responses are judged alike, and a resource is parsed once for every criterion).

use assure_fhirpath::{EvalContext, Item, ModelInfo, Node};
use assure_model::Element;

use crate::by_type::verdict;
use crate::composite;
use crate::criterion::{Criterion, SearchValue, Test};
use crate::found::Found;
use crate::judgement::{Judgement, Verdict, listed};
use crate::missing;
use crate::modifier::Modifier;
use crate::parameter::{ParamType, SearchParameter};
use crate::prefix::Prefix;
use crate::reference;
use crate::registry::SearchParameters;

/// Whether `resource` satisfies `criterion`, by the criterion's SearchParameter definition
/// and the matching rules of R4 search.html. `parameters` supplies the FHIR type model the
/// expressions are evaluated with.
pub fn judge(
    resource: &Element,
    parameters: &SearchParameters,
    criterion: &Criterion,
) -> Judgement {
    let asked = format!("{}={}", criterion.name, criterion.value);
    let undecided = |reason: String| Judgement::Undecided {
        reason: format!("{asked}: {reason}"),
    };
    match &criterion.test {
        Test::NoFilter => Judgement::Matches,
        Test::Undecidable(reason) => undecided(reason.clone()),
        Test::Missing { parameter, missing } => {
            match find(resource, parameters.model(), parameter) {
                Ok(found) => missing::judge(&found, *missing, &asked, &parameter.code),
                Err(why) => undecided(why),
            }
        }
        Test::Values {
            parameter,
            values,
            components,
        } => {
            if let Some(why) =
                needs_more_than_the_resource(parameter.kind, criterion.modifier.as_ref())
            {
                return undecided(why);
            }
            let found = match find(resource, parameters.model(), parameter) {
                Ok(found) => found,
                Err(why) => return undecided(why),
            };
            if found.is_empty() && values.iter().any(is_ne) {
                return undecided(format!(
                    "the resource has no value for {}; servers differ on whether ne matches it",
                    parameter.code
                ));
            }
            let per_value: Vec<Vec<(Verdict, Option<String>)>> = values
                .iter()
                .map(|value| match value {
                    SearchValue::Composite(parts) => {
                        let ctx = EvalContext::new(parameters.model()).with_resource(resource);
                        composite::verdicts(parameter, components, parts, &found, &ctx, criterion)
                    }
                    _ => found
                        .iter()
                        .map(|f| {
                            (
                                verdict(value, parameter.kind, criterion, f),
                                f.doubt.clone(),
                            )
                        })
                        .collect(),
                })
                .collect();
            if criterion.modifier == Some(Modifier::Not) {
                negated(&asked, &per_value)
            } else {
                combined(
                    &asked,
                    &parameter.code,
                    per_value.into_iter().flatten().collect(),
                )
            }
        }
    }
}

/// Whether a value has the prefix `ne`.
fn is_ne(value: &SearchValue) -> bool {
    let prefix = match value {
        SearchValue::Date(d) => d.prefix,
        SearchValue::Number { prefix, .. } => *prefix,
        SearchValue::Quantity(q) => q.prefix,
        _ => return false,
    };
    prefix == Prefix::Ne
}

/// Modifiers whose meaning needs a terminology server or other resources.
fn needs_more_than_the_resource(kind: ParamType, modifier: Option<&Modifier>) -> Option<String> {
    match (kind, modifier?) {
        (
            ParamType::Token,
            m @ (Modifier::In | Modifier::NotIn | Modifier::Above | Modifier::Below),
        ) => Some(format!(
            ":{m} on a token needs a terminology server (search.html#modifiers)"
        )),
        (ParamType::Reference, m @ (Modifier::Above | Modifier::Below)) => Some(format!(
            ":{m} on a reference follows a hierarchy of other resources"
        )),
        _ => None,
    }
}

/// The values the parameter's expression finds in `resource`.
pub(crate) fn find<'a>(
    resource: &'a Element,
    model: &'a dyn ModelInfo,
    parameter: &'a SearchParameter,
) -> Result<Vec<Found<'a>>, String> {
    let resource_type = resource.resource_type.as_deref().unwrap_or(&resource.name);
    let paths = parameter.paths(resource_type)?;
    let ctx = EvalContext::new(model).with_resource(resource);
    let focus = [Item::Node(Node::new(resource))];
    let mut found = Vec::new();
    for path in paths {
        let items = path
            .expr
            .evaluate(&ctx, &focus)
            .map_err(|e| format!("the expression '{}' failed: {e}", path.expr.source()))?;
        for item in items {
            let mut one = Found { item, doubt: None };
            if let Some(wanted) = &path.reference_type {
                match reference::target_type(&one) {
                    Some(t) if t == *wanted => {}
                    Some(_) => continue,
                    None => {
                        one.doubt = Some(format!(
                            "{} does not say whether it refers to a {wanted}, which the parameter requires (resolve() is {wanted})",
                            one.label()
                        ));
                    }
                }
            }
            found.push(one);
        }
    }
    Ok(found)
}

/// Any value matching any value found: a match; else undecided if any pair is; else none.
fn combined(asked: &str, code: &str, verdicts: Vec<(Verdict, Option<String>)>) -> Judgement {
    let mut unknown = Vec::new();
    let mut no = Vec::new();
    for (verdict, doubt) in verdicts {
        match (verdict, doubt) {
            (Verdict::Yes, None) => return Judgement::Matches,
            (Verdict::Yes, Some(doubt)) => unknown.push(doubt),
            (Verdict::Unknown(why), _) => unknown.push(why),
            (Verdict::No(why), _) => no.push(why),
        }
    }
    if !unknown.is_empty() {
        return Judgement::Undecided {
            reason: format!("{asked}: {}", listed(&unknown)),
        };
    }
    let reason = if no.is_empty() {
        format!("{asked}: the resource has no value for {code}")
    } else {
        format!("{asked}: {}", listed(&no))
    };
    Judgement::DoesNotMatch { reason }
}

/// `:not` (search.html#modifiers): the resource matches when none of its values matches.
/// With several values, "none of them" and "not all of them" differ; where they do, the
/// judgement is undecided.
fn negated(asked: &str, per_value: &[Vec<(Verdict, Option<String>)>]) -> Judgement {
    let mut matched = Vec::new();
    let mut unknown = Vec::new();
    let mut unmatched = 0;
    for verdicts in per_value {
        let yes = verdicts
            .iter()
            .find(|(v, doubt)| *v == Verdict::Yes && doubt.is_none());
        let maybe = verdicts.iter().find_map(|(v, doubt)| match (v, doubt) {
            (Verdict::Unknown(why), _) | (Verdict::Yes, Some(why)) => Some(why.clone()),
            _ => None,
        });
        match (yes, maybe) {
            (Some(_), _) => matched.push(asked.to_owned()),
            (None, Some(why)) => unknown.push(why),
            (None, None) => unmatched += 1,
        }
    }
    if !unknown.is_empty() {
        return Judgement::Undecided {
            reason: format!("{asked}: {}", listed(&unknown)),
        };
    }
    match (matched.is_empty(), unmatched) {
        (true, _) => Judgement::Matches,
        (false, 0) => Judgement::DoesNotMatch {
            reason: format!(
                "{asked}: the resource has a value the parameter names, which :not excludes (search.html#modifiers)"
            ),
        },
        (false, _) => Judgement::Undecided {
            reason: format!(
                "{asked}: the resource has some of the values and not others; :not with several values is read differently by servers"
            ),
        },
    }
}
