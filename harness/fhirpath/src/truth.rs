//! Boolean readings of expressions that skip building result collections where the form
//! allows: the logical operators, `not()`, `exists()`, `empty()`, `exists(criteria)`,
//! `all(criteria)`, `where(criteria)` followed by `exists()` or `empty()`, and `=`, `!=`
//! between such forms or against a literal. Each gives what singleton evaluation of the
//! full result gives, errors and their order included; any other form is evaluated in full.

use crate::ast::{Ast, BinaryOp};
use crate::compare::item_equals_value;
use crate::error::EvalResult;
use crate::eval::{Evaluator, Frame, to_boolean};
use crate::value::{Item, Value};

impl<'a> Evaluator<'_, 'a> {
    /// `to_boolean(eval(ast))`, computed without the result collection where possible.
    pub fn truth(
        &self,
        ast: &Ast,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<Option<bool>> {
        match ast {
            Ast::Literal(Value::Boolean(b)) => Ok(Some(*b)),
            Ast::Binary(
                op @ (BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::Implies),
                left,
                right,
            ) => self.logical_truth(*op, left, right, input, frame),
            Ast::Binary(op @ (BinaryOp::Equal | BinaryOp::NotEqual), left, right) => {
                let negate = *op == BinaryOp::NotEqual;
                if is_boolean_valued(left) && is_boolean_valued(right) {
                    let a = self.truth(left, input, frame)?;
                    let b = self.truth(right, input, frame)?;
                    return Ok(a.zip(b).map(|(x, y)| (x == y) != negate));
                }
                if let Ast::Literal(value) = right.as_ref() {
                    let equal = self.equals_literal(left, value, input, frame)?;
                    return Ok(equal.map(|e| e != negate));
                }
                to_boolean(&self.eval(ast, input, frame)?)
            }
            Ast::Call { target, name, args } => match (name.as_str(), args.as_slice()) {
                ("not", []) => Ok(match target {
                    Some(target) => self.truth(target, input, frame)?,
                    None => to_boolean(input)?,
                }
                .map(|b| !b)),
                ("exists", []) => self.any(target.as_deref(), input, frame).map(Some),
                ("empty", []) => self.any(target.as_deref(), input, frame).map(|a| Some(!a)),
                ("exists", [criteria]) => {
                    self.with_focus(target.as_deref(), input, frame, |focus| {
                        for (i, item) in focus.iter().enumerate() {
                            if self.truth_for(criteria, item, i)? == Some(true) {
                                return Ok(Some(true));
                            }
                        }
                        Ok(Some(false))
                    })
                }
                ("all", [criteria]) => self.with_focus(target.as_deref(), input, frame, |focus| {
                    for (i, item) in focus.iter().enumerate() {
                        if self.truth_for(criteria, item, i)? != Some(true) {
                            return Ok(Some(false));
                        }
                    }
                    Ok(Some(true))
                }),
                _ => to_boolean(&self.eval(ast, input, frame)?),
            },
            _ => to_boolean(&self.eval(ast, input, frame)?),
        }
    }

    /// Three-valued `and`, `or`, `xor`, `implies` over the truth of both sides, the right
    /// side skipped when the left decides.
    pub fn logical_truth(
        &self,
        op: BinaryOp,
        left: &Ast,
        right: &Ast,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<Option<bool>> {
        let a = self.truth(left, input, frame)?;
        match (op, a) {
            (BinaryOp::And, Some(false)) => return Ok(Some(false)),
            (BinaryOp::Or, Some(true)) | (BinaryOp::Implies, Some(false)) => {
                return Ok(Some(true));
            }
            _ => {}
        }
        let b = self.truth(right, input, frame)?;
        Ok(match op {
            BinaryOp::And => match (a, b) {
                (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            BinaryOp::Or => match (a, b) {
                (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            BinaryOp::Xor => a.zip(b).map(|(x, y)| x != y),
            _ => match (a, b) {
                (_, Some(true)) => Some(true),
                (Some(true), Some(false)) => Some(false),
                _ => None,
            },
        })
    }

    /// Whether the focus of a call (its evaluated target, else the input) has any item.
    /// `x.where(criteria)` is answered without copying the items kept, the criteria still
    /// evaluated for every item, as the full `where()` does; `x.name` without collecting
    /// the members.
    fn any(
        &self,
        target: Option<&Ast>,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<bool> {
        if let Some(Ast::Call {
            target: where_target,
            name,
            args,
        }) = target
            && name == "where"
            && let [criteria] = args.as_slice()
        {
            return self.with_focus(where_target.as_deref(), input, frame, |focus| {
                let mut kept = false;
                for (i, item) in focus.iter().enumerate() {
                    kept |= self.truth_for(criteria, item, i)? == Some(true);
                }
                Ok(kept)
            });
        }
        match target {
            Some(Ast::Member(parent, name)) => {
                return self.has_members(&self.eval(parent, input, frame)?, name);
            }
            Some(Ast::Identifier(name)) if !self.names_focus_type(name, input)? => {
                return self.has_members(input, name);
            }
            _ => {}
        }
        self.with_focus(target, input, frame, |focus| Ok(!focus.is_empty()))
    }

    /// `left = value` for a literal `value`, without copying the literal: as `=` on
    /// collections, with an unknown answer on a present value noted in the context.
    fn equals_literal(
        &self,
        left: &Ast,
        value: &Value,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<Option<bool>> {
        Ok(match self.eval(left, input, frame)?.as_slice() {
            [] => None,
            [item] => {
                let equal = item_equals_value(item, value);
                if equal.is_none() {
                    self.ctx.unknown_comparison.set(true);
                }
                equal
            }
            _ => Some(false),
        })
    }

    /// Runs `body` on the focus of a call: `target` evaluated, or the input as it is.
    fn with_focus<T>(
        &self,
        target: Option<&Ast>,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
        body: impl FnOnce(&[Item<'a>]) -> EvalResult<T>,
    ) -> EvalResult<T> {
        match target {
            Some(target) => body(&self.eval(target, input, frame)?),
            None => body(input),
        }
    }

    /// The truth of a per-item argument with `item` as `$this` and `$index` at `position`.
    pub fn truth_for(
        &self,
        ast: &Ast,
        item: &Item<'a>,
        position: usize,
    ) -> EvalResult<Option<bool>> {
        let this = std::slice::from_ref(item);
        let frame = Frame {
            this,
            index: Some(position),
            total: None,
        };
        self.truth(ast, this, &frame)
    }
}

/// Whether `ast` always evaluates to one Boolean or to nothing (or fails), so that its
/// truth is its whole value.
fn is_boolean_valued(ast: &Ast) -> bool {
    match ast {
        Ast::Literal(Value::Boolean(_)) => true,
        Ast::Binary(op, _, _) => matches!(
            op,
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::Implies
        ),
        Ast::Call { name, args, .. } => matches!(
            (name.as_str(), args.len()),
            ("exists" | "empty" | "not", 0) | ("exists" | "all", 1)
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::context::EvalContext;
    use crate::eval::to_boolean;
    use crate::model::NoModel;
    use crate::value::{Item, Node};

    const PATIENT: &[u8] = br#"{"resourceType": "Patient", "id": "p", "active": true,
        "name": [{"family": "A", "given": ["B", "C"]}, {"text": "D"}],
        "telecom": [{"system": "phone"}, {"system": "email", "value": "x@y"}],
        "extension": [{"url": "u", "valueString": "v"}, {"url": "w"}]}"#;

    /// The fast answer and singleton evaluation of the full result, errors as messages.
    fn both(source: &str) -> (Result<Option<bool>, String>, Result<Option<bool>, String>) {
        let parsed = assure_model::parse(PATIENT, assure_model::Format::Json).unwrap();
        let focus = [Item::Node(Node::new(&parsed.root))];
        let ctx = EvalContext::new(&NoModel);
        let expr = crate::parse(source).unwrap();
        let fast = expr.evaluate_boolean(&ctx, &focus).map_err(|e| e.message);
        let full = expr
            .evaluate(&ctx, &focus)
            .and_then(|result| to_boolean(&result))
            .map_err(|e| e.message);
        (fast, full)
    }

    fn truth(source: &str) -> Result<Option<bool>, String> {
        let (fast, full) = both(source);
        assert_eq!(fast, full, "{source}");
        fast
    }

    #[test]
    fn three_valued_logic_matches_the_specification() {
        let t = Some(true);
        let f = Some(false);
        for (source, expected) in [
            ("true and {}", None),
            ("{} and true", None),
            ("false and {}", f),
            ("{} and false", f),
            ("{} and {}", None),
            ("true or {}", t),
            ("{} or true", t),
            ("false or {}", None),
            ("{} or false", None),
            ("true xor {}", None),
            ("true xor false", t),
            ("true xor true", f),
            ("{} implies false", None),
            ("{} implies true", t),
            ("false implies {}", t),
            ("true implies {}", None),
            ("true implies false", f),
            ("{}.not()", None),
            ("true.not()", f),
            ("(false and {}).not()", t),
        ] {
            assert_eq!(truth(source), Ok(expected), "{source}");
        }
    }

    #[test]
    fn existence_answers_agree_with_full_evaluation() {
        for source in [
            "name.exists()",
            "name.exists() and telecom.exists()",
            "nothing.exists() or name.empty()",
            "nothing.empty()",
            "name.exists(given.exists())",
            "name.exists(nothing)",
            "name.all(given.exists())",
            "nothing.all(false)",
            "telecom.all(system.exists())",
            "telecom.where(value.exists()).exists()",
            "telecom.where(value.exists()).empty()",
            "telecom.where(nothing).exists()",
            "where(active).exists()",
            "exists()",
            "empty()",
            "active.not()",
            "not()",
            "name.given.not()",
            "name.where($index = 1).exists()",
            "name.exists($index = 1)",
            "telecom.exists(system = 'email') implies telecom.value.exists()",
            "name.family.exists() xor name.text.exists()",
            "name.given",
            "active",
            "extension.exists()",
            "extension.value.exists()",
            "extension.valueString.exists()",
            "extension.where(value.exists()).exists()",
            "extension.all(extension.exists() != value.exists())",
            "Patient.name.exists()",
            "Patient.exists()",
            "Observation.exists()",
            "Observation.name.empty()",
            "name.given.exists()",
            "nothing.nothing.empty()",
            "active.type().name.exists()",
            "active.type().other.exists()",
            "(name | active.type()).name.exists()",
            "extension.all(extension.exists() != value.exists())",
            "extension.all(extension.exists() = value.exists())",
            "extension.all((url = 'u') = value.exists())",
            "extension.where(url = 'u').exists()",
            "extension.where(url != 'u').exists()",
            "extension.url = 'u'",
            "extension.url != 'u'",
            "nothing = 'u'",
            "nothing != 'u'",
            "telecom.exists(system = 'email')",
            "active = true",
            "active != false",
            "active = 'true'",
            "name.count() = 2",
            "name.given.count() != 3",
            "name.given.first() = 'B'",
            "id = 'p'",
            "name = 'p'",
            "name.exists() = {}",
            "{} != name.empty()",
            "(true and {}) = true",
        ] {
            let _ = truth(source);
        }
    }

    #[test]
    fn an_unknown_comparison_with_a_literal_is_noted_as_in_full_evaluation() {
        let ctx = EvalContext::new(&NoModel);
        for (source, unknown) in [
            ("@2020 = @2020-01", true),
            ("@2020 != @2020-01", true),
            ("{} = @2020-01", false),
            ("(@2020 | @2021) = @2020-01", false),
        ] {
            let expr = crate::parse(source).unwrap();
            let fast = expr.evaluate_boolean(&ctx, &[]).unwrap();
            assert_eq!(ctx.take_unknown_comparison(), unknown, "{source}");
            let full = to_boolean(&expr.evaluate(&ctx, &[]).unwrap()).unwrap();
            assert_eq!(ctx.take_unknown_comparison(), unknown, "{source}");
            assert_eq!(fast, full, "{source}");
        }
    }

    #[test]
    fn errors_are_those_of_full_evaluation() {
        for source in [
            "name.given and true",
            "false or name.given",
            "telecom.where(system).exists()",
            "telecom.where(system = name.given).exists()",
            "telecom.exists(system, 1)",
            "name.all(given)",
            "name.given.not() or true",
            "name.given.exists(1, 2) = true",
            "true = name.all(given)",
        ] {
            let (fast, full) = both(source);
            assert_eq!(fast, full, "{source}");
        }
        assert!(truth("name.given and true").is_err());
        assert!(truth("name.all(given)").is_err());
    }
}
