//! Expanding a value set from its `compose` (or its stored `expansion`) into code sets, while
//! remembering which parts could not be expanded locally.

use std::collections::HashSet;

use serde_json::Value;

use super::CodeCheck;
use super::code_system::Concepts;
use super::ucum::{self, UCUM};
use crate::Definitions;

/// A part of a value set that could not be expanded locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The code system the part draws from (`None`: any system).
    pub system: Option<String>,
    /// Why it could not be expanded.
    pub reason: String,
    /// Whether that is because the code system is not available locally (absent, or without
    /// its full content), rather than some other missing piece.
    pub system_unavailable: bool,
}

/// A value set's codes as far as they are known locally.
#[derive(Debug, Default)]
pub struct Expansion {
    /// `(system, code)` pairs known to be in the value set.
    pub codes: HashSet<(String, String)>,
    /// Parts that could not be expanded.
    pub unknown: Vec<Gap>,
    /// Set when an `exclude` could not be expanded: known codes may have been excluded.
    pub exclusions_unknown: Option<String>,
    /// Set when the value set includes all of UCUM, whose codes are too many to list: every
    /// valid UCUM code not in `ucum_excluded` is then in it too.
    pub all_ucum: bool,
    /// UCUM codes excluded from `all_ucum`.
    pub ucum_excluded: HashSet<String>,
}

impl Expansion {
    fn unavailable(reason: String) -> Self {
        Self {
            unknown: vec![Gap {
                system: None,
                reason,
                system_unavailable: false,
            }],
            ..Self::default()
        }
    }

    /// Membership of a code, answering [`CodeCheck::SystemUnavailable`] or
    /// [`CodeCheck::CannotTell`] whenever a part that could hold the code is missing (a part
    /// of the code's own system first).
    pub fn check(&self, system: Option<&str>, code: &str) -> CodeCheck {
        let found = match system {
            Some(system) => self.codes.contains(&(system.to_owned(), code.to_owned())),
            None => self.codes.iter().any(|(_, c)| c == code),
        } || (system.is_none_or(|s| s == UCUM) && self.has_ucum(code));
        if found {
            return match &self.exclusions_unknown {
                Some(reason) => CodeCheck::CannotTell(reason.clone()),
                None => CodeCheck::InValueSet,
            };
        }
        let same_system = self
            .unknown
            .iter()
            .find(|gap| system.is_some() && gap.system.as_deref() == system);
        let blocking = same_system.or_else(|| {
            self.unknown
                .iter()
                .find(|gap| system.is_none() || gap.system.is_none())
        });
        match blocking {
            Some(Gap {
                system: Some(unavailable),
                system_unavailable: true,
                ..
            }) => CodeCheck::SystemUnavailable(unavailable.clone()),
            Some(gap) => CodeCheck::CannotTell(gap.reason.clone()),
            None => CodeCheck::NotInValueSet,
        }
    }

    /// Whether `code` is a member through `all_ucum`.
    fn has_ucum(&self, code: &str) -> bool {
        self.all_ucum && !self.ucum_excluded.contains(code) && ucum::is_valid(code)
    }

    /// Narrows this expansion to the codes also in `other` (an `include`'s parts).
    fn intersect(&mut self, other: Expansion) {
        let kept_by = |expansion: &Expansion, (system, code): &(String, String)| {
            expansion.codes.contains(&(system.clone(), code.clone()))
                || (system == UCUM && expansion.has_ucum(code))
        };
        let mut codes: HashSet<(String, String)> = self
            .codes
            .iter()
            .filter(|pair| kept_by(&other, pair))
            .cloned()
            .collect();
        codes.extend(
            other
                .codes
                .iter()
                .filter(|pair| kept_by(self, pair))
                .cloned(),
        );
        self.codes = codes;
        self.ucum_excluded.extend(other.ucum_excluded);
        self.all_ucum &= other.all_ucum;
        self.unknown.extend(other.unknown);
    }

    /// Takes the codes of `excluded` (an `exclude`) out of this expansion.
    fn remove(&mut self, excluded: &Expansion) {
        self.codes.retain(|pair| !excluded.codes.contains(pair));
        if excluded.all_ucum {
            self.all_ucum = false;
            self.codes.retain(|(system, _)| system != UCUM);
        }
        let ucum_codes = excluded.codes.iter().filter(|(system, _)| system == UCUM);
        self.ucum_excluded
            .extend(ucum_codes.map(|(_, code)| code.clone()));
    }

    /// Whether every part was expanded.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty() && self.exclusions_unknown.is_none()
    }
}

/// Expands `canonical`; `visiting` guards against value sets that import themselves.
pub fn expand(definitions: &Definitions, canonical: &str, visiting: &mut Vec<String>) -> Expansion {
    if visiting.iter().any(|v| v == canonical) {
        return Expansion::unavailable(format!("value set {canonical} imports itself"));
    }
    let Some(value_set) = definitions.value_set(canonical).or_else(|| {
        canonical
            .split_once('|')
            .and_then(|(url, _)| definitions.value_set(url))
    }) else {
        return Expansion::unavailable(format!("value set {canonical} is not available"));
    };
    visiting.push(canonical.to_owned());
    let composed = value_set
        .get("compose")
        .map(|compose| from_compose(definitions, compose, visiting));
    visiting.pop();
    let stored = value_set.get("expansion").and_then(from_stored_expansion);
    match (composed, stored) {
        (Some(composed), _) if composed.is_complete() => composed,
        (_, Some(stored)) => stored,
        (Some(composed), None) => composed,
        (None, None) => Expansion::unavailable(format!(
            "value set {canonical} has neither compose nor expansion"
        )),
    }
}

/// Codes from a stored `expansion.contains` (nested), when it is not marked partial.
fn from_stored_expansion(expansion: &Value) -> Option<Expansion> {
    let contains = expansion["contains"].as_array()?;
    let total = expansion["total"].as_u64();
    let offset = expansion["offset"].as_u64().unwrap_or(0);
    let mut codes = HashSet::new();
    collect_contains(contains, &mut codes);
    if offset != 0 || total.is_some_and(|t| t as usize > codes.len()) {
        return None;
    }
    Some(Expansion {
        codes,
        ..Expansion::default()
    })
}

fn collect_contains(contains: &[Value], codes: &mut HashSet<(String, String)>) {
    for item in contains {
        if let (Some(system), Some(code)) = (item["system"].as_str(), item["code"].as_str()) {
            codes.insert((system.to_owned(), code.to_owned()));
        }
        if let Some(nested) = item["contains"].as_array() {
            collect_contains(nested, codes);
        }
    }
}

fn from_compose(
    definitions: &Definitions,
    compose: &Value,
    visiting: &mut Vec<String>,
) -> Expansion {
    let mut result = Expansion::default();
    for include in compose["include"].as_array().into_iter().flatten() {
        let part = expand_set(definitions, include, visiting);
        result.codes.extend(part.codes);
        result.unknown.extend(part.unknown);
        result.all_ucum |= part.all_ucum;
        result.ucum_excluded.extend(part.ucum_excluded);
    }
    for exclude in compose["exclude"].as_array().into_iter().flatten() {
        let part = expand_set(definitions, exclude, visiting);
        if let Some(gap) = part.unknown.first() {
            result.exclusions_unknown =
                Some(format!("an exclude could not be expanded: {}", gap.reason));
        }
        result.remove(&part);
    }
    result
}

/// One `include` or `exclude`: the intersection of its system part and its value set imports.
fn expand_set(definitions: &Definitions, set: &Value, visiting: &mut Vec<String>) -> Expansion {
    let system = set["system"].as_str();
    let system_part = system.map(|system| expand_system_part(definitions, system, set));
    let mut imports = Vec::new();
    for import in set["valueSet"].as_array().into_iter().flatten() {
        if let Some(url) = import.as_str() {
            imports.push(expand(definitions, url, visiting));
        }
    }
    let mut parts = system_part.into_iter().chain(imports);
    let Some(mut result) = parts.next() else {
        return Expansion::default();
    };
    for other in parts {
        result.intersect(other);
    }
    result
}

fn expand_system_part(definitions: &Definitions, system: &str, set: &Value) -> Expansion {
    let unknown = |reason: String, system_unavailable: bool| Expansion {
        unknown: vec![Gap {
            system: Some(system.to_owned()),
            reason,
            system_unavailable,
        }],
        ..Expansion::default()
    };
    let pair = |code: &str| (system.to_owned(), code.to_owned());
    let filters = set["filter"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if let Some(listed) = set["concept"].as_array()
        && filters.is_empty()
    {
        let codes = listed
            .iter()
            .filter_map(|c| c["code"].as_str())
            .map(pair)
            .collect();
        return Expansion {
            codes,
            ..Expansion::default()
        };
    }
    if system == UCUM && filters.is_empty() {
        return Expansion {
            all_ucum: true,
            ..Expansion::default()
        };
    }
    let canonical = match set["version"].as_str() {
        Some(version) => format!("{system}|{version}"),
        None => system.to_owned(),
    };
    let Some(code_system) = definitions
        .code_system(&canonical)
        .or_else(|| definitions.code_system(system))
    else {
        return unknown(
            format!("code system {system} is not available locally"),
            true,
        );
    };
    let concepts = match Concepts::read(&code_system) {
        Ok(concepts) => concepts,
        Err(why) => return unknown(format!("code system {system}: {why}"), true),
    };
    let mut codes: HashSet<String> = concepts.all().map(str::to_owned).collect();
    if let Some(listed) = set["concept"].as_array() {
        let wanted: HashSet<&str> = listed.iter().filter_map(|c| c["code"].as_str()).collect();
        codes.retain(|c| wanted.contains(c.as_str()));
    }
    for filter in filters {
        let property = filter["property"].as_str().unwrap_or_default();
        let op = filter["op"].as_str().unwrap_or_default();
        let value = filter["value"].as_str().unwrap_or_default();
        match concepts.filter(property, op, value) {
            Ok(kept) => codes.retain(|c| kept.contains(c)),
            Err(why) => return unknown(format!("code system {system}: {why}"), false),
        }
    }
    Expansion {
        codes: codes.iter().map(|c| pair(c)).collect(),
        ..Expansion::default()
    }
}
