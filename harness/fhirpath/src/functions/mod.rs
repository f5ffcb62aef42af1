//! The function library: dispatch by name plus argument helpers shared by the groups.

mod boundaries;
mod codec;
mod conversion;
mod existence;
mod fhir;
mod filtering;
mod math;
mod navigation;
mod ordering;
mod strings;
mod subsetting;
mod utility;

use crate::ast::Ast;
use crate::error::{EvalError, EvalResult};
use crate::eval::{Evaluator, Frame, single};
use crate::value::{Collection, Item, Value};

/// Calls function `name` on `focus`. `input` and `frame` are the scope the call appears in,
/// used to evaluate arguments that are not evaluated per item.
pub(crate) fn call<'a>(
    ev: &Evaluator<'_, 'a>,
    name: &str,
    focus: &[Item<'a>],
    args: &[Ast],
    input: &[Item<'a>],
    frame: &Frame<'_, 'a>,
    has_target: bool,
) -> EvalResult<Collection<'a>> {
    let call = Call {
        ev,
        name,
        focus,
        args,
        input,
        frame,
        has_target,
    };
    match name {
        "empty" | "exists" | "all" | "allTrue" | "anyTrue" | "allFalse" | "anyFalse"
        | "subsetOf" | "supersetOf" | "count" | "distinct" | "isDistinct" => existence::call(&call),
        "where" | "select" | "repeat" | "ofType" | "aggregate" => filtering::call(&call),
        "single" | "first" | "last" | "tail" | "skip" | "take" | "intersect" | "exclude"
        | "union" | "combine" => subsetting::call(&call),
        "iif" | "toBoolean" | "convertsToBoolean" | "toInteger" | "convertsToInteger"
        | "toDecimal" | "convertsToDecimal" | "toString" | "convertsToString" | "toDate"
        | "convertsToDate" | "toDateTime" | "convertsToDateTime" | "toTime" | "convertsToTime"
        | "toQuantity" | "convertsToQuantity" => conversion::call(&call),
        "indexOf" | "substring" | "startsWith" | "endsWith" | "contains" | "upper" | "lower"
        | "replace" | "matches" | "matchesFull" | "replaceMatches" | "length" | "toChars"
        | "trim" | "split" | "join" => strings::call(&call),
        "abs" | "ceiling" | "exp" | "floor" | "ln" | "log" | "power" | "round" | "sqrt"
        | "truncate" => math::call(&call),
        "children" | "descendants" => navigation::call(&call),
        "sort" => ordering::call(&call),
        "encode" | "decode" | "escape" | "unescape" => codec::call(&call),
        "lowBoundary" | "highBoundary" | "precision" | "comparable" => boundaries::call(&call),
        "trace" | "now" | "today" | "timeOfDay" | "not" | "is" | "as" | "type" => {
            utility::call(&call)
        }
        "extension" | "hasValue" | "getValue" | "resolve" | "conformsTo" | "memberOf"
        | "htmlChecks" | "htmlChecks2" => fhir::call(&call),
        _ => host(&call),
    }
}

/// A host function installed with `EvalContext::with_string_function`, if `name` is one.
fn host<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    let Some(function) = call.ev.ctx.string_functions.get(call.name) else {
        return Err(EvalError::new(format!("unknown function {}()", call.name)));
    };
    call.arity(0, 0)?;
    Ok(match call.focus_string()? {
        Some(text) => vec![Item::Value(Value::String(function(&text)))],
        None => Vec::new(),
    })
}

/// One function invocation being evaluated.
pub(crate) struct Call<'e, 'c, 'a> {
    pub ev: &'e Evaluator<'c, 'a>,
    pub name: &'e str,
    pub focus: &'e [Item<'a>],
    pub args: &'e [Ast],
    pub input: &'e [Item<'a>],
    pub frame: &'e Frame<'e, 'a>,
    /// Whether the function was invoked on an explicit target (`x.f()`, not `f()`).
    pub has_target: bool,
}

impl<'a> Call<'_, '_, 'a> {
    /// Fails unless the call has between `min` and `max` arguments.
    pub fn arity(&self, min: usize, max: usize) -> EvalResult<()> {
        if (min..=max).contains(&self.args.len()) {
            Ok(())
        } else {
            Err(EvalError::new(format!(
                "{}() takes {} argument(s), not {}",
                self.name,
                if min == max {
                    min.to_string()
                } else {
                    format!("{min} to {max}")
                },
                self.args.len()
            )))
        }
    }

    /// Evaluates argument `index` once, in the scope of the call.
    pub fn arg(&self, index: usize) -> EvalResult<Collection<'a>> {
        self.ev.eval(&self.args[index], self.input, self.frame)
    }

    /// Evaluates argument `index` with `item` as `$this` (a per-item lambda).
    pub fn arg_for(
        &self,
        index: usize,
        item: &Item<'a>,
        position: usize,
        total: Option<Collection<'a>>,
    ) -> EvalResult<Collection<'a>> {
        let this = std::slice::from_ref(item);
        let frame = Frame {
            this,
            index: Some(position),
            total,
        };
        self.ev.eval(&self.args[index], this, &frame)
    }

    /// Argument `index` as one value (`None` when empty). A literal is copied once, a
    /// value the argument evaluates to is moved out.
    pub fn arg_value(&self, index: usize) -> EvalResult<Option<Value>> {
        if let Ast::Literal(value) = &self.args[index] {
            return Ok(Some(value.clone()));
        }
        let mut arg = self.arg(index)?;
        single(&arg)?;
        Ok(match arg.pop() {
            Some(Item::Value(value)) => Some(value),
            Some(item) => item.to_value(),
            None => None,
        })
    }

    /// Argument `index` as a String (`None` when empty).
    pub fn arg_string(&self, index: usize) -> EvalResult<Option<String>> {
        match self.arg_value(index)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(EvalError::new(format!(
                "{}() expects a String argument, not {}",
                self.name,
                other.type_name()
            ))),
        }
    }

    /// Argument `index` as an Integer (`None` when empty).
    pub fn arg_integer(&self, index: usize) -> EvalResult<Option<i64>> {
        match self.arg_value(index)? {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(i)),
            Some(other) => Err(EvalError::new(format!(
                "{}() expects an Integer argument, not {}",
                self.name,
                other.type_name()
            ))),
        }
    }

    /// The focus as one value (`None` when empty; an error for several items).
    pub fn focus_value(&self) -> EvalResult<Option<Value>> {
        match single(self.focus)? {
            None => Ok(None),
            Some(item) => Ok(item.to_value()),
        }
    }

    /// The focus as one String; an error when it is not a string.
    pub fn focus_string(&self) -> EvalResult<Option<String>> {
        match single(self.focus)? {
            None => Ok(None),
            Some(item) => match item.to_value() {
                Some(Value::String(s)) => Ok(Some(s)),
                _ => Err(EvalError::new(format!(
                    "{}() needs a String input",
                    self.name
                ))),
            },
        }
    }

    /// A type name argument (`Quantity`, `FHIR.Patient`) as written.
    pub fn type_argument(&self) -> EvalResult<String> {
        self.arity(1, 1)?;
        let name = self.type_argument_text()?;
        self.ev.check_type_name(&name)?;
        Ok(name)
    }

    fn type_argument_text(&self) -> EvalResult<String> {
        match &self.args[0] {
            Ast::Identifier(name) => Ok(name.clone()),
            Ast::Member(target, name) => match target.as_ref() {
                Ast::Identifier(namespace) => Ok(format!("{namespace}.{name}")),
                _ => Err(EvalError::new(format!("{}() needs a type name", self.name))),
            },
            _ => Err(EvalError::new(format!("{}() needs a type name", self.name))),
        }
    }
}

/// A collection of one value.
pub(crate) fn one<'a>(value: Value) -> EvalResult<Collection<'a>> {
    Ok(vec![Item::Value(value)])
}

/// A collection of zero or one value.
pub(crate) fn maybe<'a>(value: Option<Value>) -> EvalResult<Collection<'a>> {
    Ok(value.map(Item::Value).into_iter().collect())
}
