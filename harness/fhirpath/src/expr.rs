//! A parsed expression, ready to be evaluated many times.

use crate::ast::Ast;
use crate::context::EvalContext;
use crate::error::{EvalError, ParseError};
use crate::eval::{Evaluator, Frame};
use crate::parser::{ParseOptions, parse_ast};
use crate::value::{Collection, Item};

/// A parsed FHIRPath expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    source: String,
    ast: Ast,
}

/// Parses a FHIRPath expression.
pub fn parse(source: &str) -> Result<Expr, ParseError> {
    parse_with(source, ParseOptions::default())
}

/// Parses a FHIRPath expression read with `options`.
pub fn parse_with(source: &str, options: ParseOptions) -> Result<Expr, ParseError> {
    Ok(Expr {
        source: source.to_string(),
        ast: parse_ast(source, options)?,
    })
}

impl Expr {
    /// The expression text as given to [`parse`] or [`parse_with`].
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The names of the `%name` constants the expression reads (`%resource` included), each
    /// once, in order of appearance: what a host must bind with
    /// [`EvalContext::with_variable`].
    pub fn external_constants(&self) -> Vec<&str> {
        let mut names = Vec::new();
        self.ast.collect_externals(&mut names);
        names
    }

    /// Evaluates against `focus` (also `%context` and the initial `$this`).
    pub fn evaluate<'a>(
        &self,
        ctx: &EvalContext<'a>,
        focus: &[Item<'a>],
    ) -> Result<Collection<'a>, EvalError> {
        let evaluator = Evaluator { ctx, root: focus };
        let frame = Frame {
            this: focus,
            index: None,
            total: None,
        };
        evaluator.eval(&self.ast, focus, &frame)
    }

    /// Evaluates and reduces the result to a Boolean by singleton evaluation: `None` for
    /// an empty result, the value of a single Boolean, `true` for any other single item,
    /// an error for several items.
    pub fn evaluate_boolean<'a>(
        &self,
        ctx: &EvalContext<'a>,
        focus: &[Item<'a>],
    ) -> Result<Option<bool>, EvalError> {
        let evaluator = Evaluator { ctx, root: focus };
        let frame = Frame {
            this: focus,
            index: None,
            total: None,
        };
        evaluator.truth(&self.ast, focus, &frame)
    }
}
