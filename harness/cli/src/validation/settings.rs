//! Validator settings as a run, a config file or a `conforms` assertion gives them: each key
//! optional, so that layers override one another (assertion over run flags over config file
//! over the defaults). The same keys everywhere: `allow_extension_domains`, `any_extensions`,
//! `allow_example_urls`, `security_checks`, `check_references`, `best_practice`,
//! `html_in_markdown`, `aggregation_outside_bundles`, `bundle`, `level`.

use assure_validate::{
    BestPractice, BundleRule, CheckReferences, HtmlInMarkdown, Severity, Switches,
};

/// The keys a settings layer may hold.
pub const SETTING_KEYS: [&str; 10] = [
    "allow_extension_domains",
    "any_extensions",
    "allow_example_urls",
    "security_checks",
    "check_references",
    "best_practice",
    "html_in_markdown",
    "aggregation_outside_bundles",
    "bundle",
    "level",
];

/// The keys whose values add up, item by item: a list, or one item.
pub const LIST_KEYS: [&str; 2] = ["allow_extension_domains", "bundle"];

/// One layer of validator settings; `None` leaves the value to the layer below.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidatorSettings {
    /// Domains (host names or URL prefixes) whose extensions may be used without a definition;
    /// added to those of the layers below.
    pub extension_domains: Vec<String>,
    pub any_extensions: Option<bool>,
    pub allow_example_urls: Option<bool>,
    pub security_checks: Option<bool>,
    pub check_references: Option<CheckReferences>,
    pub best_practice: Option<BestPractice>,
    pub html_in_markdown: Option<HtmlInMarkdown>,
    pub aggregation_outside_bundles: Option<bool>,
    /// Entries of a validated Bundle checked against a profile too (`--bundle RULE PROFILE`);
    /// added to those of the layers below.
    pub bundle_rules: Vec<BundleRule>,
    /// The least severe issue shown (`assure validate` output, a `conforms` listing); the
    /// verdict always counts every error.
    pub level: Option<Level>,
}

/// A setting's value as written, before it is checked against its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

/// The least severe issue shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Hint,
    Warning,
    Error,
}

impl Level {
    /// Whether an issue of `severity` is shown at this level.
    pub fn shows(self, severity: Severity) -> bool {
        match self {
            Level::Hint => true,
            Level::Warning => severity != Severity::Information,
            Level::Error => severity == Severity::Error,
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "hint" => Ok(Level::Hint),
            "warning" => Ok(Level::Warning),
            "error" => Ok(Level::Error),
            _ => Err(format!("`{text}` is not one of hint, warning, error")),
        }
    }
}

impl ValidatorSettings {
    /// A run's bottom layer: an extension without a definition is a warning, not an error.
    /// A run cannot know every package the server's data needs, and a definition the run
    /// lacks is no defect of the server; `--any-extensions false` restores the error. Nor
    /// does a `bundled`-only reference fail in a resource a server returns on its own, outside
    /// any Bundle (`--aggregation-outside-bundles true` makes it fail).
    pub fn run_defaults() -> ValidatorSettings {
        ValidatorSettings {
            any_extensions: Some(true),
            aggregation_outside_bundles: Some(false),
            ..ValidatorSettings::default()
        }
    }

    /// Sets `key` from a value as written; `Err` says what is wrong (unknown key, wrong type,
    /// value not accepted).
    pub fn set(&mut self, key: &str, value: SettingValue) -> Result<(), String> {
        let flag = |value: SettingValue| match value {
            SettingValue::Bool(flag) => Ok(Some(flag)),
            other => Err(format!("`{key}` takes true or false, not {}", other.kind())),
        };
        let text = |value: SettingValue| match value {
            SettingValue::Text(text) => Ok(text),
            other => Err(format!("`{key}` takes a word, not {}", other.kind())),
        };
        match key {
            "allow_extension_domains" => match value {
                SettingValue::List(domains) => self.extension_domains.extend(domains),
                SettingValue::Text(domain) => self.extension_domains.push(domain),
                SettingValue::Bool(_) => {
                    return Err(format!("`{key}` takes a list of domains, not a boolean"));
                }
            },
            "any_extensions" => self.any_extensions = flag(value)?,
            "allow_example_urls" => self.allow_example_urls = flag(value)?,
            "security_checks" => self.security_checks = flag(value)?,
            "check_references" => {
                let parsed = text(value)?.parse().map_err(|e| format!("`{key}`: {e}"))?;
                self.check_references = Some(parsed);
            }
            "best_practice" => {
                let parsed = text(value)?.parse().map_err(|e| format!("`{key}`: {e}"))?;
                self.best_practice = Some(parsed);
            }
            "html_in_markdown" => {
                let parsed = text(value)?.parse().map_err(|e| format!("`{key}`: {e}"))?;
                self.html_in_markdown = Some(parsed);
            }
            "aggregation_outside_bundles" => self.aggregation_outside_bundles = flag(value)?,
            "bundle" => {
                let rules = match value {
                    SettingValue::List(rules) => rules,
                    SettingValue::Text(rule) => vec![rule],
                    SettingValue::Bool(_) => {
                        return Err(format!(
                            "`{key}` takes `RULE PROFILE` (as `Patient:0 http://…`) or a list \
                             of them, not a boolean"
                        ));
                    }
                };
                for rule in rules {
                    let parsed = rule.parse().map_err(|e| format!("`{key}`: {e}"))?;
                    self.bundle_rules.push(parsed);
                }
            }
            "level" => {
                let parsed = text(value)?.parse().map_err(|e| format!("`{key}`: {e}"))?;
                self.level = Some(parsed);
            }
            _ => {
                return Err(format!(
                    "unknown validator setting `{key}`, expected one of {}",
                    SETTING_KEYS.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// This layer over `base`: its values where it has them, `base`'s elsewhere; extension
    /// domains and Bundle rules from both.
    pub fn over(&self, base: &ValidatorSettings) -> ValidatorSettings {
        let mut extension_domains = base.extension_domains.clone();
        extension_domains.extend(self.extension_domains.iter().cloned());
        let mut bundle_rules = base.bundle_rules.clone();
        bundle_rules.extend(self.bundle_rules.iter().cloned());
        ValidatorSettings {
            extension_domains,
            bundle_rules,
            any_extensions: self.any_extensions.or(base.any_extensions),
            allow_example_urls: self.allow_example_urls.or(base.allow_example_urls),
            security_checks: self.security_checks.or(base.security_checks),
            check_references: self.check_references.or(base.check_references),
            best_practice: self.best_practice.or(base.best_practice),
            html_in_markdown: self.html_in_markdown.or(base.html_in_markdown),
            aggregation_outside_bundles: self
                .aggregation_outside_bundles
                .or(base.aggregation_outside_bundles),
            level: self.level.or(base.level),
        }
    }

    /// The validator's switches, defaults where no layer set a value.
    pub fn switches(&self) -> Switches {
        let defaults = Switches::default();
        Switches {
            extension_domains: self.extension_domains.clone(),
            any_extensions: self.any_extensions.unwrap_or(defaults.any_extensions),
            allow_example_urls: self
                .allow_example_urls
                .unwrap_or(defaults.allow_example_urls),
            security_checks: self.security_checks.unwrap_or(defaults.security_checks),
            check_references: self.check_references.unwrap_or(defaults.check_references),
            best_practice: self.best_practice.unwrap_or(defaults.best_practice),
            html_in_markdown: self.html_in_markdown.unwrap_or(defaults.html_in_markdown),
            aggregation_outside_bundles: self
                .aggregation_outside_bundles
                .unwrap_or(defaults.aggregation_outside_bundles),
            bundle_rules: self.bundle_rules.clone(),
        }
    }

    /// The level issues are shown at: every issue unless a layer set one.
    pub fn level(&self) -> Level {
        self.level.unwrap_or(Level::Hint)
    }
}

impl SettingValue {
    fn kind(&self) -> &'static str {
        match self {
            SettingValue::Bool(_) => "a boolean",
            SettingValue::Text(_) => "a word",
            SettingValue::List(_) => "a list",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_override_and_domains_add_up() {
        let mut file = ValidatorSettings::default();
        file.set("check_references", SettingValue::Text("exists".into()))
            .unwrap();
        file.set(
            "allow_extension_domains",
            SettingValue::Text("a.org".into()),
        )
        .unwrap();
        let mut assertion = ValidatorSettings::default();
        assertion
            .set("check_references", SettingValue::Text("none".into()))
            .unwrap();
        assertion
            .set(
                "allow_extension_domains",
                SettingValue::List(vec!["b.org".into()]),
            )
            .unwrap();
        let merged = assertion.over(&file);
        assert_eq!(merged.check_references, Some(CheckReferences::None));
        assert_eq!(merged.extension_domains, ["a.org", "b.org"]);
        assert_eq!(merged.switches().best_practice, BestPractice::Warning);
        assert_eq!(merged.level(), Level::Hint);
    }

    #[test]
    fn bundle_rules_add_up_across_layers() {
        let url = "http://example.org/fhir/StructureDefinition/p";
        let mut file = ValidatorSettings::default();
        file.set("bundle", SettingValue::Text(format!("Patient {url}")))
            .unwrap();
        let mut flags = ValidatorSettings::default();
        flags
            .set(
                "bundle",
                SettingValue::List(vec![format!("Patient:2 {url}")]),
            )
            .unwrap();
        let merged = flags.over(&file);
        let rules: Vec<String> = merged
            .switches()
            .bundle_rules
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            rules,
            [format!("Patient {url}"), format!("Patient:2 {url}")]
        );
        let error = file.set("bundle", SettingValue::Bool(true)).unwrap_err();
        assert!(
            error.starts_with("`bundle` takes `RULE PROFILE`"),
            "{error}"
        );
        let error = file
            .set("bundle", SettingValue::Text("Patient".into()))
            .unwrap_err();
        assert!(
            error.starts_with("`bundle`: bundle rule `Patient`: expected a rule and a profile"),
            "{error}"
        );
    }

    #[test]
    fn wrong_keys_and_values_say_what_is_expected() {
        let mut settings = ValidatorSettings::default();
        let error = settings
            .set("best_practise", SettingValue::Text("hint".into()))
            .unwrap_err();
        assert!(
            error.starts_with("unknown validator setting `best_practise`"),
            "{error}"
        );
        let error = settings
            .set("level", SettingValue::Text("info".into()))
            .unwrap_err();
        assert_eq!(error, "`level`: `info` is not one of hint, warning, error");
        let error = settings
            .set("security_checks", SettingValue::Text("yes".into()))
            .unwrap_err();
        assert_eq!(error, "`security_checks` takes true or false, not a word");
    }

    #[test]
    fn levels_filter_by_severity() {
        assert!(Level::Warning.shows(Severity::Error));
        assert!(!Level::Warning.shows(Severity::Information));
        assert!(!Level::Error.shows(Severity::Warning));
    }
}
