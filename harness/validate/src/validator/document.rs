//! Document and message bundles (R4 sections 3.3.1 and 3.4.1): what the Composition or
//! MessageHeader points at must be in the bundle, and every entry must be linked, forwards or
//! backwards, to the first one (or, in a document, be a stylesheet the bundle links to).

use std::collections::VecDeque;

use assure_model::Element;

use super::bundle_index::BundleIndex;
use super::bundle_link;
use super::context::Context;
use super::issue::Severity;
use super::report::{Report, element_location};

/// The kinds of bundle whose first entry anchors the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Document,
    Message,
}

impl Kind {
    /// The kind of a bundle from its `type`.
    pub fn of(bundle_type: &str) -> Option<Kind> {
        match bundle_type {
            "document" => Some(Kind::Document),
            "message" => Some(Kind::Message),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Message => "message",
        }
    }

    fn anchor(self) -> &'static str {
        match self {
            Kind::Document => "Composition",
            Kind::Message => "MessageHeader",
        }
    }
}

/// Checks the rules of a document or message `bundle` at `location`.
pub fn check(cx: &Context<'_>, report: &mut Report, bundle: &Element, location: &str, kind: Kind) {
    let index = cx.bundle_index(bundle);
    let Some(first) = bundle.children_named("entry").next() else {
        // bdl-11 and bdl-12 hold vacuously for a bundle without entries, but a document
        // starts with its Composition and a message with its MessageHeader.
        report.add(
            Severity::Error,
            bundle,
            location,
            "Bundle.entry",
            format!(
                "A {} bundle must have at least one entry, the {} that starts it",
                kind.name(),
                kind.anchor()
            ),
        );
        return;
    };
    let Some(anchor) = first.child("resource") else {
        return;
    };
    let anchor_location = format!("{}.resource", element_location(location, first));
    if anchor.resource_type.as_deref() == Some(kind.anchor()) {
        for (reference, at) in anchor_references(anchor, &anchor_location, kind) {
            must_resolve(report, &index, bundle, anchor, reference, &at);
        }
    } else {
        // bdl-11 and bdl-12 say so of the bundle; this says so of the entry.
        report.add(
            Severity::Error,
            anchor,
            &anchor_location,
            "Bundle.entry",
            format!(
                "The first entry of a {} bundle must be a {}, not {}",
                kind.name(),
                kind.anchor(),
                anchor
                    .resource_type
                    .as_deref()
                    .unwrap_or("a resource of no known type")
            ),
        );
    }
    unlinked_entries(report, &index, bundle, location, kind);
}

/// The references of the anchor resource that must resolve in the bundle, with their
/// locations: a Composition's subject, authors, encounter, custodian, attesters, event
/// details and, through every section, section authors, focus and entries; a
/// MessageHeader's focus.
fn anchor_references<'e>(
    anchor: &'e Element,
    location: &str,
    kind: Kind,
) -> Vec<(&'e Element, String)> {
    let mut found = Vec::new();
    let mut add = |parent: &'e Element, parent_location: &str, name: &str| {
        for child in parent.children.iter().filter(|c| c.name == name) {
            found.push((child, element_location(parent_location, child)));
        }
    };
    match kind {
        Kind::Message => add(anchor, location, "focus"),
        Kind::Document => {
            for name in ["subject", "author", "encounter", "custodian"] {
                add(anchor, location, name);
            }
            for attester in anchor.children_named("attester") {
                add(attester, &element_location(location, attester), "party");
            }
            for event in anchor.children_named("event") {
                add(event, &element_location(location, event), "detail");
            }
            let mut sections: Vec<(&Element, String)> = anchor
                .children_named("section")
                .map(|s| (s, element_location(location, s)))
                .collect();
            while let Some((section, at)) = sections.pop() {
                for name in ["author", "focus", "entry"] {
                    add(section, &at, name);
                }
                sections.extend(
                    section
                        .children_named("section")
                        .map(|s| (s, element_location(&at, s))),
                );
            }
        }
    }
    found
}

/// Reports `reference` (a Reference element of `from`) when it does not resolve in the bundle.
fn must_resolve(
    report: &mut Report,
    index: &BundleIndex,
    bundle: &Element,
    from: &Element,
    reference: &Element,
    location: &str,
) {
    let Some(target) = reference.child("reference").and_then(Element::text) else {
        return;
    };
    if target.starts_with('#') || index.resolve(bundle, target, from).is_some() {
        return;
    }
    report.add(
        Severity::Error,
        reference,
        location,
        "Bundle.entry",
        index.unresolved_message(bundle, target),
    );
}

/// Reports entries not reachable from the first entry by following references forwards or
/// backwards: errors in documents, warnings in messages.
fn unlinked_entries(
    report: &mut Report,
    index: &BundleIndex,
    bundle: &Element,
    location: &str,
    kind: Kind,
) {
    let entries: Vec<(usize, &Element)> = bundle
        .children
        .iter()
        .enumerate()
        .filter(|(_, e)| e.name == "entry" && e.child("resource").is_some())
        .collect();
    if entries.len() < 2 {
        return;
    }
    let slots: std::collections::HashMap<usize, usize> = entries
        .iter()
        .enumerate()
        .map(|(slot, (at, _))| (*at, slot))
        .collect();
    let slot_of = |child_at: usize| slots.get(&child_at).copied();
    let links: Vec<Vec<usize>> = entries
        .iter()
        .map(|(_, entry)| {
            let resource = entry.child("resource").expect("filtered on resource");
            let mut targets = Vec::new();
            for reference in references_in(resource) {
                if let Some(slot) = index
                    .resolve_entry(bundle, reference, resource)
                    .and_then(slot_of)
                {
                    targets.push(slot);
                }
            }
            targets
        })
        .collect();
    // Reached entries are closed under both directions of every link: the component of the
    // first entry in the undirected graph of references.
    let mut neighbours = links.clone();
    for (from, targets) in links.iter().enumerate() {
        for &target in targets {
            neighbours[target].push(from);
        }
    }
    let mut reached = vec![false; entries.len()];
    let mut queue = VecDeque::from([0]);
    // A document's stylesheets are linked from the bundle itself.
    if kind == Kind::Document {
        queue.extend(
            bundle_link::stylesheets(bundle)
                .filter_map(|url| bundle_link::stylesheet_entry(bundle, url))
                .filter_map(slot_of),
        );
    }
    while let Some(slot) = queue.pop_front() {
        if std::mem::replace(&mut reached[slot], true) {
            continue;
        }
        queue.extend(neighbours[slot].iter().filter(|&&t| !reached[t]));
    }
    let severity = match kind {
        Kind::Document => Severity::Error,
        Kind::Message => Severity::Warning,
    };
    for (slot, (_, entry)) in entries.iter().enumerate() {
        if reached[slot] {
            continue;
        }
        let name = entry
            .child("fullUrl")
            .and_then(Element::text)
            .map(|u| format!("'{u}'"))
            .unwrap_or_else(|| "without a fullUrl".into());
        report.add(
            severity,
            entry,
            &element_location(location, entry),
            "Bundle.entry",
            format!(
                "The entry {name} is not linked, forwards or backwards, to the {} at the start of the bundle",
                kind.anchor()
            ),
        );
    }
}

/// Every literal reference (`reference` value) inside `resource`, contained resources included.
fn references_in(resource: &Element) -> Vec<&str> {
    let mut found = Vec::new();
    let mut pending = vec![resource];
    while let Some(element) = pending.pop() {
        for child in &element.children {
            if child.name == "reference"
                && let Some(text) = child.text()
            {
                found.push(text);
            }
            pending.push(child);
        }
    }
    found
}
