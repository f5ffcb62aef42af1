//! The tree-walking evaluator: paths, variables, operators and type tests.

use crate::arithmetic;
use crate::ast::{Ast, BinaryOp};
use crate::compare::{collection_contains, items_equal, items_equivalent, order_items};
use crate::context::EvalContext;
use crate::distinct::distinct;
use crate::error::{EvalError, EvalResult};
use crate::functions;
use crate::model::{capitalizes_to, shared_or_new, type_from_choice_suffix};
use crate::value::{Collection, Item, Node, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// The FHIRPath System type names.
const SYSTEM_TYPES: [&str; 8] = [
    "Boolean", "Integer", "Decimal", "String", "Date", "DateTime", "Time", "Quantity",
];

/// The values of `$this` (borrowed from the caller), `$index` and `$total` inside a function
/// argument.
#[derive(Clone)]
pub(crate) struct Frame<'f, 'a> {
    pub this: &'f [Item<'a>],
    pub index: Option<usize>,
    pub total: Option<Collection<'a>>,
}

/// One evaluation of an expression against a focus.
pub(crate) struct Evaluator<'c, 'a> {
    pub ctx: &'c EvalContext<'a>,
    /// `%context`: the focus the evaluation started from.
    pub root: &'c [Item<'a>],
}

impl<'c, 'a> Evaluator<'c, 'a> {
    /// Evaluates `ast` with `input` as the focus of its first path step.
    pub fn eval(
        &self,
        ast: &Ast,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<Collection<'a>> {
        match ast {
            Ast::Empty => Ok(Vec::new()),
            Ast::Literal(value) => Ok(vec![Item::Value(value.clone())]),
            Ast::Pattern(pattern) => {
                Ok(vec![Item::Value(Value::String(pattern.text().to_string()))])
            }
            Ast::Identifier(name) => self.root_identifier(name, input),
            Ast::This => Ok(frame.this.to_vec()),
            Ast::Index => Ok(frame
                .index
                .map(|i| vec![Item::Value(Value::Integer(i as i64))])
                .unwrap_or_default()),
            Ast::Total => Ok(frame.total.clone().unwrap_or_default()),
            Ast::External(name) => self.external(name),
            Ast::Member(target, name) => {
                let focus = self.eval(target, input, frame)?;
                self.members(&focus, name)
            }
            Ast::Call {
                target: Some(target),
                name,
                args,
            } if name == "count" && args.is_empty() && is_children_call(target) => {
                self.count_children(target, input, frame)
            }
            Ast::Call { target, name, args } => {
                // `x.name.first()` (`snapshot.element.first()` in sdf-8) stops at the first.
                if name == "first"
                    && args.is_empty()
                    && let Some(Ast::Member(parent, member)) = target.as_deref()
                {
                    let focus = self.eval(parent, input, frame)?;
                    return self.members_up_to(&focus, member, 1);
                }
                // A call without a target reads the input as it is, uncopied.
                let evaluated;
                let focus = match target {
                    Some(target) => {
                        evaluated = self.eval(target, input, frame)?;
                        evaluated.as_slice()
                    }
                    None => input,
                };
                functions::call(self, name, focus, args, input, frame, target.is_some())
            }
            Ast::Indexer(target, index) => {
                let focus = self.eval(target, input, frame)?;
                let index = self.eval(index, input, frame)?;
                let position = match single_value(&index)? {
                    None => return Ok(Vec::new()),
                    Some(Value::Integer(i)) => i,
                    Some(other) => {
                        return Err(EvalError::new(format!(
                            "an index must be an Integer, not {}",
                            other.type_name()
                        )));
                    }
                };
                Ok(usize::try_from(position)
                    .ok()
                    .and_then(|i| focus.get(i).cloned())
                    .into_iter()
                    .collect())
            }
            Ast::Negate(operand) => {
                let value = self.eval(operand, input, frame)?;
                match single_value(&value)? {
                    None => Ok(Vec::new()),
                    Some(v) => v
                        .negated()
                        .map(|n| vec![Item::Value(n)])
                        .ok_or_else(|| EvalError::new(format!("cannot negate {}", v.type_name()))),
                }
            }
            Ast::Binary(op, left, right) => self.binary(*op, left, right, input, frame),
            Ast::Is(operand, type_name) => {
                self.check_type_name(type_name)?;
                let value = self.eval(operand, input, frame)?;
                match value.as_slice() {
                    [] => Ok(Vec::new()),
                    [item] => Ok(vec![boolean(
                        self.is_type(item, type_name)
                            || self.is_primitive_named_by_system_type(item, type_name),
                    )]),
                    _ => Err(EvalError::new("'is' needs a single item")),
                }
            }
            Ast::As(operand, type_name) => {
                self.check_type_name(type_name)?;
                let value = self.eval(operand, input, frame)?;
                if value.len() > 1 {
                    return Err(EvalError::new("'as' needs a single item"));
                }
                Ok(value
                    .into_iter()
                    .filter(|item| self.casts_to(item, type_name))
                    .collect())
            }
        }
    }

    /// `children().count()` (in `ele-1`, evaluated on every element): the children are
    /// counted without being typed. `call` is the `children()` call.
    fn count_children(
        &self,
        call: &Ast,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<Collection<'a>> {
        let evaluated;
        let focus = match call {
            Ast::Call {
                target: Some(target),
                ..
            } => {
                evaluated = self.eval(target, input, frame)?;
                evaluated.as_slice()
            }
            _ => input,
        };
        let count: usize = focus
            .iter()
            .filter_map(Item::as_node)
            .map(|node| node.element.children.len())
            .sum();
        Ok(vec![Item::Value(Value::Integer(count as i64))])
    }

    /// An identifier starting a path: the focus itself when it names the focus's type
    /// (`Patient.name` on a Patient), else a member of the focus.
    fn root_identifier(&self, name: &str, input: &[Item<'a>]) -> EvalResult<Collection<'a>> {
        if self.names_focus_type(name, input)? {
            return Ok(input.to_vec());
        }
        self.members(input, name)
    }

    /// Whether an identifier starting a path names the type of the focus (`Patient` on a
    /// Patient) rather than a member; in strict mode, a resource of another type is an
    /// error.
    pub fn names_focus_type(&self, name: &str, input: &[Item<'a>]) -> EvalResult<bool> {
        if name.starts_with(|c: char| c.is_ascii_uppercase())
            && let [Item::Node(node)] = input
            && let Some(type_name) = node.type_name.as_deref()
        {
            if self.ctx.model.is_subtype(type_name, name) {
                return Ok(true);
            }
            if self.ctx.strict && node.element.resource_type.is_some() {
                return Err(EvalError::new(format!(
                    "the expression starts with type {name} but the focus is a {type_name}"
                )));
            }
        }
        Ok(false)
    }

    fn external(&self, name: &str) -> EvalResult<Collection<'a>> {
        let text = |s: String| Ok(vec![Item::Value(Value::String(s))]);
        if let Some(value) = self.ctx.variables.get(name) {
            return Ok(value.clone());
        }
        match name {
            "context" => Ok(self.root.to_vec()),
            "resource" => Ok(self.ctx.resource.clone().into_iter().collect()),
            "rootResource" => Ok(self.ctx.root_resource.clone().into_iter().collect()),
            "ucum" => text("http://unitsofmeasure.org".into()),
            "sct" => text("http://snomed.info/sct".into()),
            "loinc" => text("http://loinc.org".into()),
            _ => {
                if let Some(id) = name.strip_prefix("vs-") {
                    text(format!("http://hl7.org/fhir/ValueSet/{id}"))
                } else if let Some(id) = name.strip_prefix("ext-") {
                    text(format!("http://hl7.org/fhir/StructureDefinition/{id}"))
                } else {
                    Err(EvalError::new(format!("unknown external constant %{name}")))
                }
            }
        }
    }

    /// The children called `name` of every node in `focus`, typed through the model.
    pub fn members(&self, focus: &[Item<'a>], name: &str) -> EvalResult<Collection<'a>> {
        self.members_up_to(focus, name, usize::MAX)
    }

    /// The first `limit` items of [`Self::members`], with its errors, found without
    /// looking further once a node known to the model has filled them.
    fn members_up_to(
        &self,
        focus: &[Item<'a>],
        name: &str,
        limit: usize,
    ) -> EvalResult<Collection<'a>> {
        let mut out = Vec::new();
        let mut unknown_in: Option<String> = None;
        let mut known_somewhere = false;
        for item in focus {
            if known_somewhere && out.len() >= limit {
                break;
            }
            if let Item::Node(node) = item {
                match self.members_of(node, name, limit, &mut out) {
                    Ok(()) => known_somewhere = true,
                    Err(error) => unknown_in = Some(error.message),
                }
            } else if let Item::Value(Value::TypeInfo {
                namespace,
                name: type_name,
            }) = item
            {
                match name {
                    "namespace" => out.push(Item::Value(Value::String(namespace.clone()))),
                    "name" => out.push(Item::Value(Value::String(type_name.clone()))),
                    _ => {}
                }
            }
        }
        out.truncate(limit);
        match unknown_in {
            Some(message) if !known_somewhere => Err(EvalError::new(message)),
            _ => Ok(out),
        }
    }

    /// Adds the children called `name` of `node` to `out`, until it holds `limit` items.
    fn members_of(
        &self,
        node: &Node<'a>,
        name: &str,
        limit: usize,
        out: &mut Collection<'a>,
    ) -> EvalResult<()> {
        let element = node.element;
        let parent_type = node.type_name.as_deref();
        let info = parent_type.and_then(|t| self.ctx.model.element_type_ref(t, name));
        match info {
            Some(info) if info.is_choice => {
                for child in &element.children {
                    if out.len() >= limit {
                        break;
                    }
                    let Some(suffix) = child.name.strip_prefix(name) else {
                        continue;
                    };
                    if let Some(t) = info.types.iter().find(|t| capitalizes_to(t, suffix)) {
                        out.push(Item::Node(self.typed(child, Some(t.clone()))));
                    }
                }
            }
            Some(info) => {
                let type_name = info.types.first().cloned();
                // A repeating property's items are counted before they are taken, so that
                // `out` grows once for them.
                for run in element.properties().filter(|run| run[0].name == name) {
                    let taken = run.len().min(limit.saturating_sub(out.len()));
                    out.reserve(taken);
                    out.extend(
                        run[..taken]
                            .iter()
                            .map(|child| Item::Node(self.typed(child, type_name.clone()))),
                    );
                }
            }
            None => {
                if self.ctx.strict
                    && let Some(parent) = parent_type
                    && self.ctx.model.element_type(parent, "id").is_some()
                {
                    return Err(EvalError::new(format!("{parent} has no element '{name}'")));
                }
                for child in &element.children {
                    if out.len() >= limit {
                        break;
                    }
                    if child.name == name {
                        out.push(Item::Node(self.child_node(node, child)));
                    } else if let Some(suffix) = child.name.strip_prefix(name)
                        && suffix.starts_with(|c: char| c.is_ascii_uppercase())
                        && parent_type.is_none()
                    {
                        out.push(Item::Node(
                            self.typed(child, Some(type_from_choice_suffix(suffix))),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether `members(focus, name)` has any item (its errors too), found without
    /// collecting the members.
    pub fn has_members(&self, focus: &[Item<'a>], name: &str) -> EvalResult<bool> {
        let mut unknown_in: Option<String> = None;
        let mut known_somewhere = false;
        let mut found = false;
        for item in focus {
            match item {
                Item::Node(node) => match self.has_member(node, name) {
                    // Found on a known node: no error, whatever other nodes give.
                    Ok(true) => return Ok(true),
                    Ok(false) => known_somewhere = true,
                    Err(error) => unknown_in = Some(error.message),
                },
                Item::Value(Value::TypeInfo { .. }) => {
                    found |= matches!(name, "namespace" | "name");
                }
                Item::Value(_) => {}
            }
        }
        match unknown_in {
            Some(message) if !known_somewhere => Err(EvalError::new(message)),
            _ => Ok(found),
        }
    }

    /// Whether `members_of(node, name)` finds any child.
    fn has_member(&self, node: &Node<'a>, name: &str) -> EvalResult<bool> {
        let element = node.element;
        let parent_type = node.type_name.as_deref();
        let info = parent_type.and_then(|t| self.ctx.model.element_type_ref(t, name));
        match info {
            Some(info) if info.is_choice => Ok(element.children.iter().any(|child| {
                child
                    .name
                    .strip_prefix(name)
                    .is_some_and(|suffix| info.types.iter().any(|t| capitalizes_to(t, suffix)))
            })),
            Some(_) => Ok(element.children_named(name).next().is_some()),
            None => {
                if self.ctx.strict
                    && let Some(parent) = parent_type
                    && self.ctx.model.element_type(parent, "id").is_some()
                {
                    return Err(EvalError::new(format!("{parent} has no element '{name}'")));
                }
                Ok(element.children.iter().any(|child| {
                    child.name == name
                        || (parent_type.is_none()
                            && child.name.strip_prefix(name).is_some_and(|suffix| {
                                suffix.starts_with(|c: char| c.is_ascii_uppercase())
                            }))
                }))
            }
        }
    }

    /// Types a child found without a name-based lookup (for `children()`, choices named
    /// `valueQuantity`).
    pub fn child_node(&self, parent: &Node<'a>, child: &'a assure_model::Element) -> Node<'a> {
        let Some(parent_type) = parent.type_name.as_deref() else {
            return self.typed(child, None);
        };
        let model = self.ctx.model;
        if let Some(info) = model.element_type_ref(parent_type, &child.name) {
            return self.typed(child, info.types.first().cloned());
        }
        for (at, c) in child.name.char_indices().skip(1) {
            if !c.is_ascii_uppercase() {
                continue;
            }
            let (base, suffix) = child.name.split_at(at);
            if let Some(info) = model.element_type_ref(parent_type, base)
                && info.is_choice
                && let Some(t) = info.types.iter().find(|t| capitalizes_to(t, suffix))
            {
                return self.typed(child, Some(t.clone()));
            }
        }
        self.typed(child, None)
    }

    /// `element` with type `type_name`, or its resource type when it is a resource.
    fn typed(&self, element: &'a assure_model::Element, type_name: Option<Arc<str>>) -> Node<'a> {
        Node {
            element,
            type_name: match element.resource_type.as_deref() {
                Some(resource_type) => Some(shared_or_new(self.ctx.model, resource_type)),
                None => type_name,
            },
        }
    }

    /// Whether `item` is of the (possibly `FHIR.`/`System.`-qualified) type (`is`):
    /// a derived type counts (`uuid` is a `uri`, `Age` is a `Quantity`).
    pub fn is_type(&self, item: &Item<'a>, type_name: &str) -> bool {
        self.type_matches(item, type_name, false)
    }

    /// The `is` operator's reading of an unqualified System type name on a FHIR primitive
    /// of the same name in lower case (`answer is Boolean` on a `boolean`, as the R4
    /// invariant que-7 is written): true, as the reference validator evaluates invariants.
    /// `System.Boolean` and the function form `is(Boolean)` stay strict, as the official
    /// tests require (`Patient.active.is(Boolean)` is false).
    fn is_primitive_named_by_system_type(&self, item: &Item<'a>, type_name: &str) -> bool {
        SYSTEM_TYPES.contains(&type_name)
            && matches!(item, Item::Node(node) if node.type_name.as_deref().is_some_and(|t| {
                self.ctx.model.is_primitive(t) && t.eq_ignore_ascii_case(type_name)
            }))
    }

    /// Whether `item` may be cast to the type (`as`, `ofType`): as [`Self::is_type`], but
    /// FHIR primitives only cast to their own type (a `code` is not taken as a `string`).
    pub fn casts_to(&self, item: &Item<'a>, type_name: &str) -> bool {
        self.type_matches(item, type_name, true)
    }

    fn type_matches(&self, item: &Item<'a>, type_name: &str, exact_primitives: bool) -> bool {
        let (namespace, name) = match type_name.split_once('.') {
            Some((ns @ ("FHIR" | "System"), rest)) => (Some(ns), rest),
            _ => (None, type_name),
        };
        match item {
            Item::Value(value) => namespace != Some("FHIR") && value.type_name() == name,
            Item::Node(node) => {
                let model = self.ctx.model;
                namespace != Some("System")
                    && node.type_name.as_deref().is_some_and(|t| {
                        t == name
                            || (!(exact_primitives && model.is_primitive(t))
                                && model.is_subtype(t, name))
                    })
            }
        }
    }

    /// In strict mode, fails for a type name that is neither a System type nor known to
    /// the model.
    pub fn check_type_name(&self, type_name: &str) -> EvalResult<()> {
        if !self.ctx.strict {
            return Ok(());
        }
        let name = type_name
            .strip_prefix("FHIR.")
            .or_else(|| type_name.strip_prefix("System."))
            .unwrap_or(type_name);
        let model = self.ctx.model;
        let known = SYSTEM_TYPES.contains(&name)
            || model.is_subtype(name, "Element")
            || model.is_subtype(name, "Resource")
            || model.element_type(name, "id").is_some();
        if known {
            Ok(())
        } else {
            Err(EvalError::new(format!("unknown type {type_name}")))
        }
    }

    fn binary(
        &self,
        op: BinaryOp,
        left: &Ast,
        right: &Ast,
        input: &[Item<'a>],
        frame: &Frame<'_, 'a>,
    ) -> EvalResult<Collection<'a>> {
        if matches!(
            op,
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::Implies
        ) {
            let truth = self.logical_truth(op, left, right, input, frame)?;
            return Ok(truth.map(boolean).into_iter().collect());
        }
        let a = self.eval(left, input, frame)?;
        let b = self.eval(right, input, frame)?;
        match op {
            BinaryOp::Union => Ok(union(a, b)),
            BinaryOp::Equal | BinaryOp::NotEqual => {
                let equal = collections_equal(&a, &b);
                if equal.is_none() && !a.is_empty() && !b.is_empty() {
                    self.ctx.unknown_comparison.set(true);
                }
                let negate = op == BinaryOp::NotEqual;
                Ok(equal.map(|e| boolean(e != negate)).into_iter().collect())
            }
            BinaryOp::Equivalent | BinaryOp::NotEquivalent => {
                let equivalent = collections_equivalent(&a, &b);
                Ok(vec![boolean(equivalent != (op == BinaryOp::NotEquivalent))])
            }
            BinaryOp::In | BinaryOp::Contains => {
                let (element, container) = if op == BinaryOp::In {
                    (&a, &b)
                } else {
                    (&b, &a)
                };
                match element.as_slice() {
                    [] => Ok(Vec::new()),
                    [item] => Ok(vec![boolean(collection_contains(container, item))]),
                    _ => Err(EvalError::new("membership test needs a single item")),
                }
            }
            BinaryOp::Less
            | BinaryOp::Greater
            | BinaryOp::LessOrEqual
            | BinaryOp::GreaterOrEqual => {
                let (x, y) = match (single(&a)?, single(&b)?) {
                    (Some(x), Some(y)) => (x, y),
                    _ => return Ok(Vec::new()),
                };
                let Some(ordering) = order_items(x, y)? else {
                    self.ctx.unknown_comparison.set(true);
                    return Ok(Vec::new());
                };
                let result = match op {
                    BinaryOp::Less => ordering == Ordering::Less,
                    BinaryOp::Greater => ordering == Ordering::Greater,
                    BinaryOp::LessOrEqual => ordering != Ordering::Greater,
                    _ => ordering != Ordering::Less,
                };
                Ok(vec![boolean(result)])
            }
            BinaryOp::Concatenate => {
                let text = |c: &Collection<'a>| -> EvalResult<String> {
                    Ok(single_value(c)?.map(|v| v.to_string()).unwrap_or_default())
                };
                Ok(vec![Item::Value(Value::String(text(&a)? + &text(&b)?))])
            }
            _ => {
                let (Some(x), Some(y)) = (single_value(&a)?, single_value(&b)?) else {
                    return Ok(Vec::new());
                };
                Ok(arithmetic::apply(op, &x, &y)?
                    .map(Item::Value)
                    .into_iter()
                    .collect())
            }
        }
    }
}

/// Whether `ast` is a call of `children()` with no arguments.
fn is_children_call(ast: &Ast) -> bool {
    matches!(ast, Ast::Call { name, args, .. } if name == "children" && args.is_empty())
}

pub(crate) fn boolean<'a>(value: bool) -> Item<'a> {
    Item::Value(Value::Boolean(value))
}

/// The only item of a collection; `None` when empty, an error when there are several.
pub(crate) fn single<'c, 'a>(collection: &'c [Item<'a>]) -> EvalResult<Option<&'c Item<'a>>> {
    match collection {
        [] => Ok(None),
        [item] => Ok(Some(item)),
        _ => Err(EvalError::new(format!(
            "expected a single item but found {}",
            collection.len()
        ))),
    }
}

/// The only item as a system value.
pub(crate) fn single_value(collection: &[Item]) -> EvalResult<Option<Value>> {
    Ok(single(collection)?.and_then(Item::to_value))
}

/// Singleton evaluation of a collection as a Boolean: empty is unknown, a single Boolean
/// is itself, any other single item is `true`.
pub(crate) fn to_boolean(collection: &[Item]) -> EvalResult<Option<bool>> {
    match single(collection)? {
        None => Ok(None),
        Some(item) => match item.to_value() {
            Some(Value::Boolean(b)) => Ok(Some(b)),
            _ => Ok(Some(true)),
        },
    }
}

/// `|`: the items of both collections without duplicates.
pub(crate) fn union<'a>(a: Collection<'a>, b: Collection<'a>) -> Collection<'a> {
    distinct(a.into_iter().chain(b))
}

fn collections_equal(a: &[Item], b: &[Item]) -> Option<bool> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a.len() != b.len() {
        return Some(false);
    }
    let mut result = Some(true);
    for (x, y) in a.iter().zip(b) {
        match items_equal(x, y) {
            Some(false) => return Some(false),
            None => result = None,
            Some(true) => {}
        }
    }
    result
}

fn collections_equivalent(a: &[Item], b: &[Item]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| items_equivalent(x, y)))
}

#[cfg(test)]
mod tests {
    use crate::context::EvalContext;
    use crate::model::NoModel;
    use crate::value::{Item, Node, Value};

    #[test]
    fn the_first_member_matches_the_first_of_all_members() {
        let json = br#"{"resourceType": "Patient", "id": "p",
            "name": [{"family": "A", "given": ["B", "C"]}, {"given": ["D"]}],
            "extension": [{"url": "u", "valueString": "v"}]}"#;
        let parsed = assure_model::parse(json, assure_model::Format::Json).unwrap();
        let focus = [Item::Node(Node::new(&parsed.root))];
        let ctx = EvalContext::new(&NoModel);
        for (fast, general) in [
            ("name.first()", "name.where(true).first()"),
            ("name.given.first()", "name.given.where(true).first()"),
            ("name.family.first()", "name.family.where(true).first()"),
            ("nothing.first()", "nothing.where(true).first()"),
            (
                "extension.value.first()",
                "extension.value.where(true).first()",
            ),
            (
                "(name | id).given.first()",
                "(name | id).given.where(true).first()",
            ),
        ] {
            let evaluate = |source: &str| {
                crate::parse(source)
                    .unwrap()
                    .evaluate(&ctx, &focus)
                    .map_err(|e| e.message)
            };
            assert_eq!(evaluate(fast), evaluate(general), "{fast}");
        }
    }

    #[test]
    fn counting_children_matches_counting_the_children_collection() {
        let json = br#"{"resourceType": "Patient", "id": "p", "active": true,
            "name": [{"family": "A", "given": ["B", "C"]}, {"text": "D"}],
            "_birthDate": {"extension": [{"url": "http://x", "valueString": "y"}]}}"#;
        let parsed = assure_model::parse(json, assure_model::Format::Json).unwrap();
        let focus = [Item::Node(Node::new(&parsed.root))];
        let ctx = EvalContext::new(&NoModel);
        for (fast, general) in [
            ("children().count()", "children().where(true).count()"),
            (
                "name.children().count()",
                "name.children().where(true).count()",
            ),
            (
                "name.given.children().count()",
                "name.given.children().where(true).count()",
            ),
            (
                "birthDate.children().count()",
                "birthDate.children().where(true).count()",
            ),
        ] {
            let count = |source: &str| {
                let result = crate::parse(source)
                    .unwrap()
                    .evaluate(&ctx, &focus)
                    .unwrap();
                match result.as_slice() {
                    [Item::Value(Value::Integer(n))] => *n,
                    other => panic!("{source}: {other:?}"),
                }
            };
            assert_eq!(count(fast), count(general), "{fast}");
        }
        assert!(
            crate::parse("children(1).count()")
                .unwrap()
                .evaluate(&ctx, &focus)
                .is_err()
        );
    }
}
