//! A FHIRPath engine over the `assure-model` element tree.
//!
//! Parse once with [`parse`], then evaluate the [`Expr`] as often as needed against any
//! focus with an [`EvalContext`] that supplies FHIR type information ([`ModelInfo`]),
//! `%`-variables and host callbacks (`resolve()`, `memberOf()`, `conformsTo()`).
//!
//! ```
//! use assure_fhirpath::{parse, EvalContext, NoModel, Value};
//! let expr = parse("1 + 2 = 3").unwrap();
//! let ctx = EvalContext::new(&NoModel);
//! let result = expr.evaluate(&ctx, &[]).unwrap();
//! assert_eq!(result[0].to_value(), Some(Value::Boolean(true)));
//! ```

mod arithmetic;
mod ast;
mod compare;
mod context;
mod distinct;
mod error;
mod eval;
mod expr;
mod functions;
mod lexer;
mod model;
mod parser;
mod pattern;
mod quantity;
#[cfg(feature = "r4-model")]
mod static_model;
mod temporal;
mod truth;
mod value;

pub use context::{EvalContext, ItemCheck, Resolver, StringFunction, Tracer};
pub use error::{EvalError, ParseError};
pub use expr::{Expr, parse, parse_with};
pub use model::{ElementTypeInfo, ModelInfo, NoModel};
pub use parser::ParseOptions;
pub use quantity::{Quantity, UnitMismatch};
#[cfg(feature = "r4-model")]
pub use static_model::{StaticModel, StaticModelError};
pub use temporal::{PartialDateTime, PartialTime, Precision, parse_date_time, parse_time};
pub use value::{Collection, Item, Node, Value};
