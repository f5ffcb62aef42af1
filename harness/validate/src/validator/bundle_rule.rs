//! Bundle entries judged by a parameter, as the reference validator's `-bundle RULE PROFILE`:
//! the entries a rule selects are validated against the rule's profile too, besides their
//! own type and `meta.profile`. A rule is a resource type (`Patient`: every entry whose
//! resource is a Patient), a 0-based entry index (`2`: the entry at `Bundle.entry[2]`), or
//! both (`Patient:1`: the second entry whose resource is a Patient, counting from 0 among the
//! Patients only).
//!
//! Rules apply to the entries of the Bundle that is validated (the document's root), not to
//! Bundles nested in it. Which type names are resource types is known from the definitions
//! only: [`BundleRule`] checks the form of a rule, the validator whether its type exists.

use std::fmt;
use std::str::FromStr;

use assure_model::Element;
use foldhash::{HashMap, HashMapExt};

/// One rule and its profile: which entries of a Bundle are validated against `profile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRule {
    /// The resource type an entry's resource must have (`Patient`); any type when `None`.
    pub resource_type: Option<String>,
    /// Which one entry is selected, counted from 0: among the entries of `resource_type`
    /// when the rule names one, else in `Bundle.entry`. Every entry of the type when `None`.
    pub index: Option<usize>,
    /// The canonical URL of the profile the selected entries must conform to.
    pub profile: String,
}

impl BundleRule {
    /// The rule `rule` (`Patient`, `0` or `Patient:0`) with `profile`; `Err` says what is
    /// wrong with the rule's form or with an empty profile.
    pub fn new(rule: &str, profile: &str) -> Result<BundleRule, BundleRuleError> {
        let problem = |why: String| BundleRuleError {
            rule: rule.to_owned(),
            why,
        };
        let (resource_type, index) = match rule.split_once(':') {
            Some((kind, index)) => (kind, Some(index)),
            None if rule.bytes().all(|b| b.is_ascii_digit()) && !rule.is_empty() => {
                ("", Some(rule))
            }
            None => (rule, None),
        };
        if resource_type.is_empty() && index.is_none_or(str::is_empty) {
            return Err(problem(
                "the rule names no resource type and no index".into(),
            ));
        }
        if resource_type.is_empty() && rule.contains(':') {
            return Err(problem("the rule names no resource type before `:`".into()));
        }
        if !resource_type.is_empty() && !is_type_name(resource_type) {
            return Err(problem(format!(
                "`{resource_type}` is not a resource type name"
            )));
        }
        let index = match index {
            None => None,
            Some(index) if !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) => Some(
                index
                    .parse()
                    .map_err(|_| problem(format!("the entry index `{index}` is too large")))?,
            ),
            Some(index) => {
                return Err(problem(format!(
                    "the entry index `{index}` is not a whole number from 0"
                )));
            }
        };
        let profile = profile.trim();
        if profile.is_empty() {
            return Err(problem("the rule has no profile".into()));
        }
        Ok(BundleRule {
            resource_type: (!resource_type.is_empty()).then(|| resource_type.to_owned()),
            index,
            profile: profile.to_owned(),
        })
    }

    /// The rule as written: `Patient`, `0` or `Patient:0`.
    pub fn rule(&self) -> String {
        match (&self.resource_type, self.index) {
            (Some(kind), Some(index)) => format!("{kind}:{index}"),
            (Some(kind), None) => kind.clone(),
            (None, Some(index)) => index.to_string(),
            (None, None) => String::new(),
        }
    }

    /// Whether an entry is selected: the one at `position` in `Bundle.entry`, whose resource
    /// is a `resource_type` and the `ordinal`-th of that type (both from 0).
    pub fn matches(&self, position: usize, ordinal: usize, resource_type: &str) -> bool {
        match (&self.resource_type, self.index) {
            (Some(kind), Some(index)) => kind == resource_type && ordinal == index,
            (Some(kind), None) => kind == resource_type,
            (None, Some(index)) => position == index,
            (None, None) => false,
        }
    }
}

/// `RULE PROFILE`, the form [`FromStr`] reads.
impl fmt::Display for BundleRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.rule(), self.profile)
    }
}

/// Reads `RULE PROFILE` (`Patient:0 http://example.org/StructureDefinition/p`): the rule and
/// the profile's canonical URL, separated by white space.
impl FromStr for BundleRule {
    type Err = BundleRuleError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words[..] {
            [rule, profile] => BundleRule::new(rule, profile),
            _ => Err(BundleRuleError {
                rule: text.trim().to_owned(),
                why: "expected a rule and a profile, as `Patient:0 http://…/StructureDefinition/p`"
                    .into(),
            }),
        }
    }
}

/// What is wrong with a rule's form; displays the rule and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRuleError {
    /// The rule as given.
    pub rule: String,
    /// Why it cannot be used.
    pub why: String,
}

impl fmt::Display for BundleRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bundle rule `{}`: {} (a rule is TYPE, INDEX or TYPE:INDEX, as Patient, 0 or \
             Patient:0)",
            self.rule, self.why
        )
    }
}

impl std::error::Error for BundleRuleError {}

/// Whether `name` has the form of a resource type name: a capital letter, then letters and
/// digits.
fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// The rules of one validation matched to the entries of the Bundle it validates: which
/// entry resources (by address) are selected, and by which rules. Built once, by one pass
/// over the entries that checks each against every rule; looking a resource up then takes
/// constant time plus the number of rules.
#[derive(Debug)]
pub struct EntryRules<'r> {
    rules: Vec<&'r BundleRule>,
    /// The address of each selected entry's resource → its position in `Bundle.entry` and
    /// its ordinal among the entries of its type.
    selected: HashMap<usize, (usize, usize)>,
}

impl<'r> EntryRules<'r> {
    /// The entries of `bundle` that `rules` select; `None` when they select none.
    pub fn new(bundle: &Element, rules: Vec<&'r BundleRule>) -> Option<Self> {
        if rules.is_empty() {
            return None;
        }
        let mut selected = HashMap::new();
        let mut of_type: HashMap<&str, usize> = HashMap::new();
        for (position, entry) in bundle.children_named("entry").enumerate() {
            let Some(resource) = entry.child("resource") else {
                continue;
            };
            let Some(kind) = resource.resource_type.as_deref() else {
                continue;
            };
            let count = of_type.entry(kind).or_insert(0);
            let ordinal = *count;
            *count += 1;
            if rules
                .iter()
                .any(|rule| rule.matches(position, ordinal, kind))
            {
                selected.insert(address(resource), (position, ordinal));
            }
        }
        (!selected.is_empty()).then_some(EntryRules { rules, selected })
    }

    /// The profiles `resource` must conform to because a rule selects its entry: none for a
    /// resource that is no selected entry's (a contained one, one in a nested Bundle).
    pub fn profiles_for<'a>(&'a self, resource: &'a Element) -> impl Iterator<Item = &'r str> + 'a {
        let entry = self.selected.get(&address(resource)).copied();
        let kind = resource.resource_type.as_deref().unwrap_or_default();
        self.rules
            .iter()
            .filter(move |rule| {
                entry.is_some_and(|(position, ordinal)| rule.matches(position, ordinal, kind))
            })
            .map(|rule| rule.profile.as_str())
    }
}

fn address(element: &Element) -> usize {
    std::ptr::from_ref(element) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://example.org/StructureDefinition/p";

    #[test]
    fn a_rule_is_a_type_an_entry_index_or_both() {
        let every = BundleRule::new("Patient", URL).unwrap();
        assert_eq!(every.index, None);
        assert!(every.matches(0, 0, "Patient") && every.matches(7, 3, "Patient"));
        assert!(!every.matches(0, 0, "Observation"));
        // `Patient:1` is the second Patient, wherever it stands in the Bundle.
        let second = BundleRule::new("Patient:1", URL).unwrap();
        assert_eq!(second.index, Some(1));
        assert!(second.matches(4, 1, "Patient"));
        assert!(!second.matches(1, 0, "Patient") && !second.matches(1, 1, "Observation"));
        assert_eq!(second.rule(), "Patient:1");
        assert_eq!(second.to_string(), format!("Patient:1 {URL}"));
        assert_eq!(format!("Patient:1 {URL}").parse(), Ok(second));
        // `2` is the entry at Bundle.entry[2], whatever its type.
        let third = BundleRule::new("2", URL).unwrap();
        assert_eq!(
            (third.resource_type.as_deref(), third.index),
            (None, Some(2))
        );
        assert!(third.matches(2, 0, "Observation") && third.matches(2, 2, "Patient"));
        assert!(!third.matches(1, 2, "Patient"));
        assert_eq!(third.rule(), "2");
    }

    #[test]
    fn malformed_rules_say_what_is_wrong() {
        let why = |rule: &str| BundleRule::new(rule, URL).unwrap_err().to_string();
        assert_eq!(
            why("Patient:x"),
            "bundle rule `Patient:x`: the entry index `x` is not a whole number from 0 \
             (a rule is TYPE, INDEX or TYPE:INDEX, as Patient, 0 or Patient:0)"
        );
        assert!(why("Patient:-1").contains("`-1` is not a whole number"));
        assert!(why("Patient:").contains("the entry index `` is not"));
        assert!(why(":0").contains("names no resource type before `:`"));
        assert!(why("").contains("names no resource type and no index"));
        assert!(why("patient").contains("`patient` is not a resource type name"));
        assert!(why("Patient:99999999999999999999999").contains("too large"));
        let no_profile = BundleRule::new("Patient", " ").unwrap_err();
        assert_eq!(no_profile.why, "the rule has no profile");
        let one_word = "Patient".parse::<BundleRule>().unwrap_err();
        assert!(one_word.why.starts_with("expected a rule and a profile"));
    }
}
