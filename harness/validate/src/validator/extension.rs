//! Extensions: `Extension.url` (absolute, unversioned; a part of a complex extension is one
//! its definition declares), where an extension may be used (its definition's `context`), and
//! extensions whose definition is not available (R4 extensibility.html).

use assure_fhirpath::{EvalContext, Item, ModelInfo, Node};
use assure_model::Element;

use super::context::{Context, Scope};
use super::issue::Severity;
use super::profile::Profile;
use super::report::{Report, element_location};
use super::uri;
use crate::extension_pack;

/// The element an extension is attached to.
pub struct Host<'e> {
    pub node: &'e Element,
    /// Element definition path (`Patient.name`, `HumanName.family`).
    pub path: &'e str,
    /// The host's type (`HumanName`, `Patient`, `boolean`).
    pub type_name: &'e str,
    /// Instance location (`Patient.name[0]`).
    pub location: &'e str,
}

/// The core specification's namespace: an extension under it is defined by the specification
/// itself or by a package the loaded ones depend on.
const CORE_EXTENSIONS: &str = "http://hl7.org/fhir/StructureDefinition/";

/// Reports an extension whose definition is not loaded. One the FHIR extensions pack defines
/// is a warning. In the core specification's namespace, with every package the loaded ones
/// depend on present, nothing could define it: an error. Elsewhere, as in the reference
/// validator, an extension nobody can check is an error unless the switches tolerate its
/// domain (`Switches::tolerates_unknown_extension`) or a package depended on is missing (it
/// may be defined there): then a warning that says so.
fn unknown(cx: &Context<'_>, report: &mut Report, extension: &Element, location: &str, url: &str) {
    let missing = cx.validator.definitions().missing_dependencies();
    let (severity, message) = if extension_pack::defines(url) {
        (
            Severity::Warning,
            format!(
                "The extension {url} is defined in the FHIR extensions pack ({}), which is \
                 not loaded, so it was not checked",
                extension_pack::PACKAGE_NAME
            ),
        )
    } else if url.starts_with(CORE_EXTENSIONS) && missing.is_empty() {
        (
            Severity::Error,
            format!(
                "The extension {url} is not defined by the FHIR specification, its extensions \
                 pack or any loaded package, so it is not allowed here"
            ),
        )
    } else if missing.is_empty() && !cx.switches.tolerates_unknown_extension(url) {
        (
            Severity::Error,
            format!(
                "The extension {url} could not be found, so it is not allowed here (allow its \
                 domain with --allow-extension-domain, or any with --any-extensions)"
            ),
        )
    } else if missing.is_empty() {
        (
            Severity::Warning,
            format!("The extension {url} could not be found, so it was not checked"),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "The extension {url} could not be found, so it was not checked (packages \
                 depended on but not loaded: {})",
                missing.join(", ")
            ),
        )
    };
    report.add(severity, extension, location, "Extension.url", message);
}

/// Checks one `extension`/`modifierExtension` child of `host`.
pub fn check(
    cx: &Context<'_>,
    report: &mut Report,
    extension: &Element,
    ext_location: &str,
    host: &Host<'_>,
    scope: Scope<'_>,
) {
    let Some(url_node) = extension.child("url") else {
        return;
    };
    let Some(url) = url_node.text() else {
        return;
    };
    if uri::scheme(url).is_none() {
        relative_url(cx, report, url_node, ext_location, host, url);
        return;
    }
    if let Some((unversioned, _)) = url.split_once('|') {
        report.add(
            Severity::Error,
            extension,
            ext_location,
            "Extension.url",
            format!("Extension URLs must not carry a version: '{url}'"),
        );
        // The definition the URL names fixes `Extension.url` to the URL without a version.
        if cx.validator.profile(unversioned).is_some() {
            report.add(
                Severity::Error,
                url_node,
                &element_location(ext_location, url_node),
                "Extension.url",
                format!(
                    "The value '{url}' is not the value '{unversioned}' the extension's \
                     definition fixes Extension.url to"
                ),
            );
        }
        return;
    }
    let Some(definition) = cx.validator.profile(url) else {
        unknown(cx, report, extension, ext_location, url);
        return;
    };
    if definition.contexts.is_empty() {
        return;
    }
    let allowed = definition
        .contexts
        .iter()
        .any(|(kind, expression)| context_allows(cx, kind, expression, host, scope));
    if !allowed {
        let contexts: Vec<&str> = definition
            .contexts
            .iter()
            .map(|(_, e)| e.as_str())
            .collect();
        // The contexts of the core specification's own extensions have known errata (the
        // specification uses some of them elsewhere), so those are only warned about.
        let severity = if url.starts_with(CORE_EXTENSIONS) {
            Severity::Warning
        } else {
            Severity::Error
        };
        report.add(
            severity,
            host.node,
            host.location,
            &definition.url,
            format!(
                "The extension {url} is not allowed here ({}, {}); allowed contexts: {}",
                host.path,
                host.type_name,
                contexts.join(", ")
            ),
        );
    }
}

fn context_allows(
    cx: &Context<'_>,
    kind: &str,
    expression: &str,
    host: &Host<'_>,
    scope: Scope<'_>,
) -> bool {
    match kind {
        "element" => {
            let plain_location = strip_indices(host.location);
            expression == host.path
                || expression == plain_location
                || expression == host.type_name
                || cx.validator.model().is_subtype(host.type_name, expression)
                || matches!(expression, "Element" | "Base")
        }
        "extension" => {
            host.type_name == "Extension"
                && host.node.child("url").and_then(Element::text) == Some(expression)
        }
        "fhirpath" => {
            let Ok(expr) = assure_fhirpath::parse(expression) else {
                return true;
            };
            let model = cx.validator.model();
            let ctx = EvalContext::new(model)
                .with_resource(scope.resource)
                .with_root_resource(scope.root);
            let focus = [Item::Node(Node::new(scope.resource))];
            match expr.evaluate(&ctx, &focus) {
                Ok(items) => items.iter().any(|i| {
                    i.as_node()
                        .is_some_and(|n| std::ptr::eq(n.element, host.node))
                }),
                Err(_) => true,
            }
        }
        _ => true,
    }
}

/// `Patient.name[0].given[1]` → `Patient.name.given`.
fn strip_indices(location: &str) -> String {
    let mut out = String::with_capacity(location.len());
    let mut depth = 0;
    for c in location.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A relative `Extension.url` names a part of a complex extension: only inside an extension,
/// and only a part that extension's definition declares. Anywhere else the URL must be
/// absolute.
fn relative_url(
    cx: &Context<'_>,
    report: &mut Report,
    url_node: &Element,
    ext_location: &str,
    host: &Host<'_>,
    url: &str,
) {
    let url_location = element_location(ext_location, url_node);
    if host.type_name != "Extension" {
        report.add(
            Severity::Error,
            url_node,
            &url_location,
            "Extension.url",
            format!("Extension.url must be an absolute URL, not '{url}'"),
        );
        return;
    }
    let Some(parent_url) = host.node.child("url").and_then(Element::text) else {
        return;
    };
    if uri::scheme(parent_url).is_none() {
        // A part of a part: its declaration is a slice of a slice, not looked up here.
        return;
    }
    let Some(parent) = cx.validator.profile(parent_url) else {
        return;
    };
    let parts = declared_parts(&parent);
    if !parts.is_empty() && !parts.contains(&url) {
        report.add(
            Severity::Error,
            url_node,
            &url_location,
            "Extension.url",
            format!(
                "The extension {parent_url} has no part '{url}' (its parts: {})",
                parts.join(", ")
            ),
        );
    }
}

/// The `url`s of the parts (`Extension.extension` slices) a complex extension's definition
/// declares; empty for a simple extension.
fn declared_parts(definition: &Profile) -> Vec<&str> {
    let elements = &definition.elements;
    let root = &elements[definition.root()];
    root.children
        .iter()
        .filter(|&&child| elements[child].name == "extension")
        .flat_map(|&child| elements[child].slices.iter())
        .filter_map(|&slice| {
            elements[slice]
                .children
                .iter()
                .find(|&&part| elements[part].name == "url")
                .and_then(|&part| elements[part].fixed.as_ref()?.as_str())
        })
        .collect()
}
