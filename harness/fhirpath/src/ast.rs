//! The syntax tree of a parsed expression.

use crate::pattern::LiteralPattern;
use crate::value::Value;

/// A binary operator, from `*` to `implies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Multiply,
    Divide,
    Div,
    Mod,
    Add,
    Subtract,
    Concatenate,
    Union,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
    Equal,
    Equivalent,
    NotEqual,
    NotEquivalent,
    In,
    Contains,
    And,
    Or,
    Xor,
    Implies,
}

/// A node of the syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ast {
    /// `{}`.
    Empty,
    /// A literal value (`true`, `'text'`, `1.5`, `@2020`, `4 'mg'`).
    Literal(Value),
    /// A string literal given as the pattern of `matches()`, `matchesFull()` or
    /// `replaceMatches()`, compiled once.
    Pattern(LiteralPattern),
    /// An identifier at the start of a path: a member of the focus or a type name.
    Identifier(String),
    /// `$this`.
    This,
    /// `$index`.
    Index,
    /// `$total`.
    Total,
    /// `%name`.
    External(String),
    /// `target.name`.
    Member(Box<Ast>, String),
    /// `name(args)` or `target.name(args)`.
    Call {
        target: Option<Box<Ast>>,
        name: String,
        args: Vec<Ast>,
    },
    /// `target[index]`.
    Indexer(Box<Ast>, Box<Ast>),
    /// Unary `-`.
    Negate(Box<Ast>),
    /// `left op right`.
    Binary(BinaryOp, Box<Ast>, Box<Ast>),
    /// `operand is Type`.
    Is(Box<Ast>, String),
    /// `operand as Type`.
    As(Box<Ast>, String),
}

impl Ast {
    /// Adds the names of the `%name` constants read anywhere in this tree to `names`.
    pub(crate) fn collect_externals<'s>(&'s self, names: &mut Vec<&'s str>) {
        match self {
            Ast::External(name) => {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
            Ast::Member(target, _)
            | Ast::Negate(target)
            | Ast::Is(target, _)
            | Ast::As(target, _) => target.collect_externals(names),
            Ast::Call { target, args, .. } => {
                if let Some(target) = target {
                    target.collect_externals(names);
                }
                for arg in args {
                    arg.collect_externals(names);
                }
            }
            Ast::Indexer(left, right) | Ast::Binary(_, left, right) => {
                left.collect_externals(names);
                right.collect_externals(names);
            }
            Ast::Empty
            | Ast::Literal(_)
            | Ast::Pattern(_)
            | Ast::Identifier(_)
            | Ast::This
            | Ast::Index
            | Ast::Total => {}
        }
    }
}
