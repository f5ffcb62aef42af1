//! Tree navigation: `children()` and `descendants()`.

use super::Call;
use crate::error::EvalResult;
use crate::value::{Collection, Item, Node};

pub(super) fn call<'a>(call: &Call<'_, '_, 'a>) -> EvalResult<Collection<'a>> {
    call.arity(0, 0)?;
    let mut out = Vec::new();
    let recursive = call.name == "descendants";
    for item in call.focus {
        if let Item::Node(node) = item {
            collect(call, node, recursive, &mut out);
        }
    }
    Ok(out)
}

fn collect<'a>(
    call: &Call<'_, '_, 'a>,
    node: &Node<'a>,
    recursive: bool,
    out: &mut Collection<'a>,
) {
    for child in &node.element.children {
        let child = call.ev.child_node(node, child);
        out.push(Item::Node(child.clone()));
        if recursive {
            collect(call, &child, true, out);
        }
    }
}
