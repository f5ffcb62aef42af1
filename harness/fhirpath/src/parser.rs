//! Precedence-climbing parser from tokens to [`Ast`].

use crate::ast::{Ast, BinaryOp};
use crate::error::ParseError;
use crate::lexer::{Spanned, Token, tokenize};
use crate::pattern::{LiteralPattern, PatternUse};
use crate::quantity::Quantity;
use crate::temporal::{parse_date_time, parse_time};
use crate::value::Value;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Deepest nesting accepted, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

/// Calendar duration keywords that may follow a number to form a quantity.
const CALENDAR_UNITS: [&str; 16] = [
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "second",
    "seconds",
    "millisecond",
    "milliseconds",
];

/// Parses a complete expression.
pub(crate) fn parse_ast(source: &str, options: ParseOptions) -> Result<Ast, ParseError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: source.len(),
        options,
    };
    if parser.tokens.is_empty() {
        return Err(ParseError::new("empty expression", 0));
    }
    let ast = parser.expression(0)?;
    if let Some(extra) = parser.tokens.get(parser.pos) {
        return Err(ParseError::new(
            format!("unexpected {}", describe(&extra.token)),
            extra.offset,
        ));
    }
    Ok(ast)
}

struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    depth: usize,
    end: usize,
    options: ParseOptions,
}

/// How an expression is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// `matches()` tests the whole string, as `matchesFull()` does. The FHIR R4 invariants were
    /// written and checked under this reading (e.g. `eld-19`, whose pattern has no anchors);
    /// the current FHIRPath specification searches within the string instead.
    pub whole_string_matches: bool,
}

/// What kind of infix operator a token is, with its binding power (higher binds tighter).
enum Infix {
    Binary(BinaryOp, u8),
    Is,
    As,
}

const TYPE_OPERATOR_POWER: u8 = 7;

fn infix_for(token: &Token) -> Option<Infix> {
    let binary = |op, power| Some(Infix::Binary(op, power));
    match token {
        Token::Symbol(s) => match *s {
            "*" => binary(BinaryOp::Multiply, 9),
            "/" => binary(BinaryOp::Divide, 9),
            "+" => binary(BinaryOp::Add, 8),
            "-" => binary(BinaryOp::Subtract, 8),
            "&" => binary(BinaryOp::Concatenate, 8),
            "|" => binary(BinaryOp::Union, 6),
            "<" => binary(BinaryOp::Less, 5),
            ">" => binary(BinaryOp::Greater, 5),
            "<=" => binary(BinaryOp::LessOrEqual, 5),
            ">=" => binary(BinaryOp::GreaterOrEqual, 5),
            "=" => binary(BinaryOp::Equal, 4),
            "~" => binary(BinaryOp::Equivalent, 4),
            "!=" => binary(BinaryOp::NotEqual, 4),
            "!~" => binary(BinaryOp::NotEquivalent, 4),
            _ => None,
        },
        Token::Identifier {
            name,
            delimited: false,
        } => match name.as_str() {
            "div" => binary(BinaryOp::Div, 9),
            "mod" => binary(BinaryOp::Mod, 9),
            "is" => Some(Infix::Is),
            "as" => Some(Infix::As),
            "in" => binary(BinaryOp::In, 3),
            "contains" => binary(BinaryOp::Contains, 3),
            "and" => binary(BinaryOp::And, 2),
            "or" => binary(BinaryOp::Or, 1),
            "xor" => binary(BinaryOp::Xor, 1),
            "implies" => Some(Infix::Binary(BinaryOp::Implies, 0)),
            _ => None,
        },
        _ => None,
    }
}

/// A function call node; the string literal pattern of a regex function becomes an
/// [`Ast::Pattern`] so that it is compiled once, not at every evaluation.
fn call(target: Option<Box<Ast>>, name: String, mut args: Vec<Ast>, options: ParseOptions) -> Ast {
    let name = if options.whole_string_matches && name == "matches" {
        "matchesFull".to_owned()
    } else {
        name
    };
    if let Some(usage) = PatternUse::of_function(&name)
        && let Some(first) = args.first_mut()
        && let Ast::Literal(Value::String(text)) = first
    {
        *first = Ast::Pattern(LiteralPattern::new(std::mem::take(text), usage));
    }
    Ast::Call { target, name, args }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Identifier { name, .. } => format!("identifier '{name}'"),
        Token::Str(s) => format!("string '{s}'"),
        Token::Number(n) => format!("number {n}"),
        Token::Temporal(t) => format!("literal @{t}"),
        Token::Special(s) => format!("${s}"),
        Token::External(s) => format!("%{s}"),
        Token::Symbol(s) => format!("'{s}'"),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.token)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.offset)
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        let token = self
            .tokens
            .get(self.pos)
            .map(|t| t.token.clone())
            .ok_or_else(|| ParseError::new("unexpected end of expression", self.end))?;
        self.pos += 1;
        Ok(token)
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        if matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), ParseError> {
        if self.eat_symbol(symbol) {
            Ok(())
        } else {
            let found = self.peek().map_or("end of expression".into(), describe);
            Err(ParseError::new(
                format!("expected '{symbol}', found {found}"),
                self.offset(),
            ))
        }
    }

    /// Parses operators binding at least as tightly as `min_power`.
    fn expression(&mut self, min_power: u8) -> Result<Ast, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                "expression nested too deeply",
                self.offset(),
            ));
        }
        let mut left = self.unary()?;
        while let Some(infix) = self.peek().and_then(infix_for) {
            match infix {
                Infix::Binary(op, power) if power >= min_power => {
                    self.pos += 1;
                    let right = self.expression(power + 1)?;
                    left = Ast::Binary(op, Box::new(left), Box::new(right));
                }
                Infix::Is | Infix::As if TYPE_OPERATOR_POWER >= min_power => {
                    let is = matches!(infix, Infix::Is);
                    self.pos += 1;
                    let type_name = self.type_specifier()?;
                    left = if is {
                        Ast::Is(Box::new(left), type_name)
                    } else {
                        Ast::As(Box::new(left), type_name)
                    };
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(left)
    }

    /// A possibly qualified type name (`Quantity`, `FHIR.Patient`, `System.Integer`).
    fn type_specifier(&mut self) -> Result<String, ParseError> {
        let mut name = self.identifier()?;
        while self.eat_symbol(".") {
            name.push('.');
            name.push_str(&self.identifier()?);
        }
        Ok(name)
    }

    fn identifier(&mut self) -> Result<String, ParseError> {
        let offset = self.offset();
        match self.next()? {
            Token::Identifier { name, .. } => Ok(name),
            other => Err(ParseError::new(
                format!("expected an identifier, found {}", describe(&other)),
                offset,
            )),
        }
    }

    fn unary(&mut self) -> Result<Ast, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                "expression nested too deeply",
                self.offset(),
            ));
        }
        let result = self.unary_operand();
        self.depth -= 1;
        result
    }

    fn unary_operand(&mut self) -> Result<Ast, ParseError> {
        if self.eat_symbol("-") {
            let operand = self.unary()?;
            return Ok(match operand {
                Ast::Literal(value) => match value.negated() {
                    Some(negated) => Ast::Literal(negated),
                    None => Ast::Negate(Box::new(Ast::Literal(value))),
                },
                other => Ast::Negate(Box::new(other)),
            });
        }
        if self.eat_symbol("+") {
            return self.unary();
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Ast, ParseError> {
        let mut ast = self.term()?;
        loop {
            if self.eat_symbol(".") {
                let name = self.identifier()?;
                if self.eat_symbol("(") {
                    let args = self.arguments()?;
                    ast = call(Some(Box::new(ast)), name, args, self.options);
                } else {
                    ast = Ast::Member(Box::new(ast), name);
                }
            } else if self.eat_symbol("[") {
                let index = self.expression(0)?;
                self.expect_symbol("]")?;
                ast = Ast::Indexer(Box::new(ast), Box::new(index));
            } else {
                return Ok(ast);
            }
        }
    }

    fn arguments(&mut self) -> Result<Vec<Ast>, ParseError> {
        let mut args = Vec::new();
        if self.eat_symbol(")") {
            return Ok(args);
        }
        loop {
            args.push(self.expression(0)?);
            if self.eat_symbol(")") {
                return Ok(args);
            }
            self.expect_symbol(",")?;
        }
    }

    fn term(&mut self) -> Result<Ast, ParseError> {
        let offset = self.offset();
        match self.next()? {
            Token::Symbol("(") => {
                let inner = self.expression(0)?;
                self.expect_symbol(")")?;
                Ok(inner)
            }
            Token::Symbol("{") => {
                self.expect_symbol("}")?;
                Ok(Ast::Empty)
            }
            Token::Str(text) => Ok(Ast::Literal(Value::String(text))),
            Token::Number(text) => self.number(&text, offset),
            Token::Temporal(text) => temporal_literal(&text).map(Ast::Literal).ok_or_else(|| {
                ParseError::new(format!("invalid date/time literal @{text}"), offset)
            }),
            Token::Special(name) => Ok(match name.as_str() {
                "this" => Ast::This,
                "index" => Ast::Index,
                _ => Ast::Total,
            }),
            Token::External(name) => Ok(Ast::External(name)),
            Token::Identifier { name, delimited } => {
                if !delimited && (name == "true" || name == "false") {
                    return Ok(Ast::Literal(Value::Boolean(name == "true")));
                }
                if self.eat_symbol("(") {
                    let args = self.arguments()?;
                    return Ok(call(None, name, args, self.options));
                }
                Ok(Ast::Identifier(name))
            }
            other => Err(ParseError::new(
                format!("unexpected {}", describe(&other)),
                offset,
            )),
        }
    }

    /// A number literal, or a quantity when a unit string or calendar keyword follows.
    fn number(&mut self, text: &str, offset: usize) -> Result<Ast, ParseError> {
        let unit = match self.peek() {
            Some(Token::Str(unit)) => Some(unit.clone()),
            Some(Token::Identifier {
                name,
                delimited: false,
            }) if CALENDAR_UNITS.contains(&name.as_str()) => Some(name.clone()),
            _ => None,
        };
        let invalid = || ParseError::new(format!("invalid number {text}"), offset);
        if let Some(unit) = unit {
            self.pos += 1;
            let value = Decimal::from_str(text).map_err(|_| invalid())?;
            return Ok(Ast::Literal(Value::Quantity(Quantity::new(value, &unit))));
        }
        if text.contains('.') {
            Decimal::from_str(text)
                .map(|d| Ast::Literal(Value::Decimal(d)))
                .map_err(|_| invalid())
        } else {
            text.parse::<i64>()
                .map(|i| Ast::Literal(Value::Integer(i)))
                .map_err(|_| invalid())
        }
    }
}

/// The value of a `@` literal's text: a Date, DateTime or Time.
fn temporal_literal(text: &str) -> Option<Value> {
    if let Some(time) = text.strip_prefix('T') {
        return parse_time(time).map(Value::Time);
    }
    let value = parse_date_time(text)?;
    if text.contains('T') {
        Some(Value::DateTime(value))
    } else {
        Some(Value::Date(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_precedence() {
        let ast = parse_ast("1 + 2 * 3 = 7 and true", ParseOptions::default()).unwrap();
        let Ast::Binary(BinaryOp::And, left, _) = ast else {
            panic!("and must be the root: {ast:?}")
        };
        assert!(matches!(*left, Ast::Binary(BinaryOp::Equal, _, _)));
    }

    #[test]
    fn parses_paths_calls_and_types() {
        let ast = parse_ast(
            "Patient.name.where(use = 'official')[0] is FHIR.HumanName",
            ParseOptions::default(),
        )
        .unwrap();
        assert!(matches!(ast, Ast::Is(_, ref t) if t == "FHIR.HumanName"));
        assert!(parse_ast("4.5 'mg' + 1 year", ParseOptions::default()).is_ok());
    }

    #[test]
    fn rejects_malformed_expressions() {
        for bad in ["2 + 2 /", "a.(", "where(", "1 +", "a b", ")", ""] {
            assert!(
                parse_ast(bad, ParseOptions::default()).is_err(),
                "{bad} must not parse"
            );
        }
        let deep = "(".repeat(1000) + "1" + &")".repeat(1000);
        assert!(parse_ast(&deep, ParseOptions::default()).is_err());
    }
}
