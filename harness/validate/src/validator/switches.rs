//! The per-run switches of the reference validator's command line (`Options::switches`):
//! which unknown extensions are tolerated, how far references are followed, how severe
//! best-practice invariants and HTML in markdown are, where `bundled` aggregation binds, the
//! optional security checks, and the profiles Bundle entries are judged by (`--bundle`).

use std::fmt;
use std::str::FromStr;

use super::bundle_rule::BundleRule;
use super::issue::Severity;
use super::policy::is_example_url;

/// Switches for one validation. The defaults are the validator's behaviour with no switch
/// given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switches {
    /// URL prefixes (`https://example.net/fhir/`) whose extensions may be used without a
    /// definition: a warning instead of an error (`--allow-extension-domain`).
    pub extension_domains: Vec<String>,
    /// Every extension may be used without a definition (`--any-extensions`).
    pub any_extensions: bool,
    /// URLs in the domains reserved for examples (`example.org`, `example.com`, `acme.com`) are
    /// accepted: in `uri`/`url` values, and as extensions without a definition. On by default,
    /// as the reference validator's test harness runs.
    pub allow_example_urls: bool,
    /// String values with what looks like HTML markup are errors (`--security-checks`).
    pub security_checks: bool,
    /// How far references are checked (`--check-references`).
    pub check_references: CheckReferences,
    /// The severity of best-practice invariants such as `dom-6` (`--best-practice`).
    pub best_practice: BestPractice,
    /// A reference whose element allows only `bundled` targets must resolve within a Bundle
    /// even when the resource is not in one, as R4 defines `bundled`
    /// (`--aggregation-outside-bundles`). When off, `bundled` binds only resources inside a
    /// Bundle, as R5 defines it.
    pub aggregation_outside_bundles: bool,
    /// How markdown values that embed an HTML tag are reported (`--html-in-markdown`): FHIR
    /// says processors treat such tags as text, so the author's markup is lost.
    pub html_in_markdown: HtmlInMarkdown,
    /// Entries of the validated Bundle that are checked against a profile too, by resource
    /// type and entry index (`--bundle RULE PROFILE`).
    pub bundle_rules: Vec<BundleRule>,
}

impl Default for Switches {
    fn default() -> Self {
        Self {
            extension_domains: Vec::new(),
            any_extensions: false,
            allow_example_urls: true,
            security_checks: false,
            check_references: CheckReferences::Type,
            best_practice: BestPractice::Warning,
            aggregation_outside_bundles: true,
            html_in_markdown: HtmlInMarkdown::Warning,
            bundle_rules: Vec::new(),
        }
    }
}

/// Domains whose extensions are tolerated without a definition whatever the switches: the
/// FHIR specification's own (its packages may simply not be loaded) and DICOM's.
const TOLERATED_DOMAINS: [&str; 3] = [
    "http://hl7.org/fhir/",
    "https://hl7.org/fhir/",
    "http://nema.org/",
];

/// Example domains the reference validator accepts for extensions besides RFC 2606's.
const EXAMPLE_EXTENSION_HOSTS: [&str; 1] = ["acme.com"];

impl Switches {
    /// Whether an extension whose definition cannot be found may still be used (a warning),
    /// rather than being an error: its URL is under an allowed domain, an example domain
    /// while example URLs are allowed, or any extension is allowed.
    pub fn tolerates_unknown_extension(&self, url: &str) -> bool {
        self.any_extensions
            || TOLERATED_DOMAINS.iter().any(|d| url.starts_with(d))
            || self
                .extension_domains
                .iter()
                .any(|domain| under_domain(url, domain))
            || (self.allow_example_urls
                && (is_example_url(url)
                    || EXAMPLE_EXTENSION_HOSTS
                        .iter()
                        .any(|host| under_domain(url, host))))
    }
}

/// Whether `url` lies under `domain`: a URL prefix (`http://x.org/fhir`) or a bare host name
/// (`x.org`, which also covers its subdomains, over any scheme).
fn under_domain(url: &str, domain: &str) -> bool {
    if domain.contains("://") {
        let prefix = domain.trim_end_matches('/');
        return url
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
    }
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or_default();
    let domain = domain.trim_end_matches('/');
    host.eq_ignore_ascii_case(domain)
        || host
            .to_ascii_lowercase()
            .ends_with(&format!(".{}", domain.to_ascii_lowercase()))
}

/// How far references are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckReferences {
    /// References are not followed: neither their targets' types nor their target profiles
    /// are checked.
    None,
    /// Targets that can be found (contained, in the Bundle, from the caller's resolver) are
    /// checked against the allowed types and target profiles; others by the type they name.
    Type,
    /// As `Type`, and a literal reference whose target cannot be found is an error.
    Exists,
}

/// The severity of best-practice invariants (those flagged with the
/// `elementdefinition-bestpractice` extension, such as `dom-6`), or `Ignore` to drop them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BestPractice {
    Ignore,
    Hint,
    Warning,
    Error,
}

impl BestPractice {
    /// The severity a failed best-practice invariant is reported with; `None` to drop it.
    pub fn severity(self) -> Option<Severity> {
        match self {
            BestPractice::Ignore => None,
            BestPractice::Hint => Some(Severity::Information),
            BestPractice::Warning => Some(Severity::Warning),
            BestPractice::Error => Some(Severity::Error),
        }
    }
}

/// How a markdown value with an embedded HTML tag is reported, or `Ignore` to accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlInMarkdown {
    Ignore,
    Warning,
    Error,
}

impl HtmlInMarkdown {
    /// The severity such a value is reported with; `None` to accept it.
    pub fn severity(self) -> Option<Severity> {
        match self {
            HtmlInMarkdown::Ignore => None,
            HtmlInMarkdown::Warning => Some(Severity::Warning),
            HtmlInMarkdown::Error => Some(Severity::Error),
        }
    }
}

/// A switch value that is not one of those accepted; displays which are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub value: String,
    pub expected: &'static str,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not one of {}", self.value, self.expected)
    }
}

impl std::error::Error for UnknownValue {}

impl FromStr for CheckReferences {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "none" => Ok(CheckReferences::None),
            "type" => Ok(CheckReferences::Type),
            "exists" => Ok(CheckReferences::Exists),
            _ => Err(UnknownValue {
                value: text.to_owned(),
                expected: "none, type, exists",
            }),
        }
    }
}

impl FromStr for BestPractice {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "ignore" => Ok(BestPractice::Ignore),
            "hint" => Ok(BestPractice::Hint),
            "warning" => Ok(BestPractice::Warning),
            "error" => Ok(BestPractice::Error),
            _ => Err(UnknownValue {
                value: text.to_owned(),
                expected: "ignore, hint, warning, error",
            }),
        }
    }
}

impl FromStr for HtmlInMarkdown {
    type Err = UnknownValue;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "ignore" => Ok(HtmlInMarkdown::Ignore),
            "warning" => Ok(HtmlInMarkdown::Warning),
            "error" => Ok(HtmlInMarkdown::Error),
            _ => Err(UnknownValue {
                value: text.to_owned(),
                expected: "ignore, warning, error",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_extensions_are_tolerated_by_domain() {
        let plain = Switches::default();
        assert!(plain.tolerates_unknown_extension("http://hl7.org/fhir/us/core/x"));
        assert!(plain.tolerates_unknown_extension("http://example.org/fhir/x"));
        assert!(plain.tolerates_unknown_extension("https://www.acme.com/x"));
        assert!(!plain.tolerates_unknown_extension("http://fhir.example.net.uk/x"));
        assert!(!plain.tolerates_unknown_extension("https://fhir.nhs.uk/x"));
        let no_examples = Switches {
            allow_example_urls: false,
            ..Switches::default()
        };
        assert!(!no_examples.tolerates_unknown_extension("http://example.org/fhir/x"));
        let domains = Switches {
            extension_domains: vec!["fhir.nhs.uk".into(), "https://x.org/fhir/".into()],
            ..Switches::default()
        };
        assert!(domains.tolerates_unknown_extension("https://fhir.nhs.uk/x"));
        assert!(domains.tolerates_unknown_extension("https://sub.fhir.nhs.uk/x"));
        assert!(domains.tolerates_unknown_extension("https://x.org/fhir/ext"));
        assert!(!domains.tolerates_unknown_extension("https://x.org/fhirx/ext"));
        let any = Switches {
            any_extensions: true,
            ..Switches::default()
        };
        assert!(any.tolerates_unknown_extension("urn:anything"));
    }

    #[test]
    fn switch_values_parse_and_say_what_is_accepted() {
        assert_eq!("exists".parse(), Ok(CheckReferences::Exists));
        assert_eq!("hint".parse::<BestPractice>(), Ok(BestPractice::Hint));
        assert_eq!("error".parse(), Ok(HtmlInMarkdown::Error));
        assert!("hint".parse::<HtmlInMarkdown>().is_err());
        let error = "all".parse::<CheckReferences>().unwrap_err();
        assert_eq!(error.to_string(), "`all` is not one of none, type, exists");
    }
}
