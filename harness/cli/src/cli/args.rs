//! Command-line arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::validation::{DefinitionSources, PackageSpec, ValidatorSettings};

/// Certify a FHIR server against an assurance checklist.
#[derive(Debug, Parser)]
#[command(name = "assure", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the checklist against a FHIR server (the embedded reference server if no --target).
    Run(Box<RunArgs>),
    /// Judge a recorded run (`run --record DIR`) again with the current suites and validator,
    /// offline: every request is answered as the server answered it then.
    Replay(Box<ReplayArgs>),
    /// Print the plan (every test id, level and title) without running anything.
    List(ListArgs),
    /// Run the embedded reference FHIR server alone, for manual poking.
    Serve(ServeArgs),
    /// Validate FHIR resources (JSON or XML files) against the base definitions and profiles.
    Validate(ValidateArgs),
    /// Manage the local FHIR package cache.
    #[command(subcommand)]
    Packages(PackagesCommand),
    /// Work with a report folder.
    #[command(subcommand)]
    Report(ReportCommand),
}

/// `assure report`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Check a report folder against its manifest.sha256: every file unchanged, none added.
    Verify(VerifyArgs),
    /// Compare two runs: newly failing and newly passing checks, new and removed ones
    /// (exit 1 when a check fails in NEW that did not fail in OLD).
    Diff(DiffArgs),
    /// Put the report folders of every shard of a plan (`run --shard`) together as one run.
    Merge(MergeArgs),
    /// Print a run's failures as GitHub Actions `::error`/`::warning` commands.
    Annotations(AnnotationsArgs),
}

/// `assure replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The recording: the folder `run --record` wrote.
    #[arg(value_name = "RECORDING")]
    pub recording: PathBuf,
    /// The run's options (suites, filters, validator, reports); not --target, --defect or
    /// --record.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Output format of `report diff` and `report annotations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people (`diff`) or GitHub workflow commands (`annotations`).
    Text,
    /// One JSON document (`reports/report-schema.md`).
    Json,
}

/// `assure report diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier run: a report folder or its report.json.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later run: a report folder or its report.json.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format: text for people, or one JSON object.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// `assure report merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The report folders (or report.json files) of shards 1/N to N/N, in any order.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged reports.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `assure report annotations`.
#[derive(Debug, Args)]
pub struct AnnotationsArgs {
    /// The report folder (or its report.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output format: GitHub workflow commands (text), or a JSON array.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// `assure report verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The report folder (the `--out` of a run).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Where FHIR definitions come from (for validation).
#[derive(Debug, Args, Clone, Default)]
pub struct DefinitionArgs {
    /// FHIR package to load: name@version from the cache, a .tgz file, an unpacked package
    /// folder, or a folder of conformance resources as published (JSON or XML, at any depth,
    /// such as UK Core's source) (repeatable). When none holds the R4 base, it comes from the cache's
    /// hl7.fhir.r4.core, else from the R4 core definitions built into assure.
    #[arg(long = "package", value_name = "NAME@VERSION|PATH", value_parser = PackageSpec::parse)]
    pub packages: Vec<PackageSpec>,
    /// Package cache folder (default: $FHIR_PACKAGE_CACHE, else ~/.fhir/packages).
    #[arg(long = "package-dir", value_name = "DIR")]
    pub package_dir: Option<PathBuf>,
    /// Do not fall back on the R4 core definitions built into assure: the R4 base must come
    /// from --package or the cache.
    #[arg(long = "no-builtin-core")]
    pub no_builtin_core: bool,
}

impl DefinitionArgs {
    /// The definition sources these options name.
    pub fn sources(&self) -> DefinitionSources {
        DefinitionSources {
            packages: self.packages.clone(),
            cache_dir: self.package_dir.clone(),
            builtin: !self.no_builtin_core,
        }
    }
}

/// How the validator is tuned, as the reference validator's command line tunes it
/// (`assure validate` and `assure run`). Flags override `--validator-config`.
#[derive(Debug, Clone, Args)]
pub struct ValidatorArgs {
    /// Extensions under this domain (host name or URL prefix) may be used without a
    /// definition: a warning instead of an error (repeatable).
    #[arg(long = "allow-extension-domain", value_name = "DOMAIN")]
    pub extension_domains: Vec<String>,
    /// Any extension may be used without a definition: a warning instead of an error
    /// [default: false for `validate`; true for `run`, which cannot know every package the
    /// server's data needs, so a definition it lacks is not the server's defect].
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub any_extensions: Option<bool>,
    /// Accept URLs in example domains (example.org, example.com, acme.com) in uri/url values
    /// and as extensions [default: true].
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub allow_example_urls: Option<bool>,
    /// String values that look like HTML markup are errors.
    #[arg(long)]
    pub security_checks: bool,
    /// How far references are checked: none, type (targets found are checked against the
    /// allowed types and profiles), exists (a target that cannot be found is an error)
    /// [default: type].
    #[arg(long, value_name = "WHAT", value_parser = parse_switch::<assure_validate::CheckReferences>)]
    pub check_references: Option<assure_validate::CheckReferences>,
    /// Severity of best-practice invariants (dom-6 ...): ignore, hint, warning, error
    /// [default: warning].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_switch::<assure_validate::BestPractice>)]
    pub best_practice: Option<assure_validate::BestPractice>,
    /// Severity of markdown values that embed HTML tags: ignore, warning, error
    /// [default: warning].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_switch::<assure_validate::HtmlInMarkdown>)]
    pub html_in_markdown: Option<assure_validate::HtmlInMarkdown>,
    /// Whether a reference whose element allows only `bundled` targets fails in a resource
    /// that is not in a Bundle, as R4 defines `bundled` [default: true for `validate`; false
    /// for `run`, where servers return resources on their own].
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub aggregation_outside_bundles: Option<bool>,
    /// Entries of a validated Bundle that must also conform to PROFILE (a canonical URL):
    /// RULE is a resource type (every entry of that type), an index (the entry at that
    /// 0-based index in Bundle.entry) or TYPE:INDEX (the INDEX-th entry of that type, from 0),
    /// as `--bundle Patient:0 URL` (repeatable).
    #[arg(long = "bundle", num_args = 2, value_names = ["RULE", "PROFILE"])]
    pub bundle: Vec<String>,
    /// Least severe issue shown: hint, warning, error [default: hint]; errors decide the
    /// verdict whatever the level.
    #[arg(long, value_name = "LEVEL", value_parser = parse_switch::<crate::validation::Level>)]
    pub level: Option<crate::validation::Level>,
    /// Validator settings from a TOML (.toml) or YAML file, keyed as in a `conforms`
    /// assertion's `options`.
    #[arg(long, value_name = "FILE", value_parser = read_validator_config)]
    pub validator_config: Option<ValidatorSettings>,
}

impl ValidatorArgs {
    /// The settings these flags give, over those of the config file; `Err` names a malformed
    /// `--bundle` rule.
    pub fn settings(&self) -> Result<ValidatorSettings, String> {
        // Each `--bundle` takes exactly two values, so they pair up in order.
        let bundle_rules = self
            .bundle
            .chunks(2)
            .map(|pair| match pair {
                [rule, profile] => assure_validate::BundleRule::new(rule, profile)
                    .map_err(|e| format!("--bundle: {e}")),
                _ => Err("--bundle takes a rule and a profile".to_owned()),
            })
            .collect::<Result<_, _>>()?;
        let flags = ValidatorSettings {
            extension_domains: self.extension_domains.clone(),
            bundle_rules,
            any_extensions: self.any_extensions,
            allow_example_urls: self.allow_example_urls,
            security_checks: self.security_checks.then_some(true),
            check_references: self.check_references,
            best_practice: self.best_practice,
            html_in_markdown: self.html_in_markdown,
            aggregation_outside_bundles: self.aggregation_outside_bundles,
            level: self.level,
        };
        Ok(flags.over(&self.validator_config.clone().unwrap_or_default()))
    }
}

fn parse_switch<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| e.to_string())
}

fn read_validator_config(path: &str) -> Result<ValidatorSettings, String> {
    crate::validation::read_config(std::path::Path::new(path))
}

/// `assure validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Resource files to validate (JSON or XML).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Profile (canonical URL) every resource must also conform to (repeatable).
    #[arg(long = "profile", value_name = "URL")]
    pub profiles: Vec<String>,
    #[command(flatten)]
    pub definitions: DefinitionArgs,
    #[command(flatten)]
    pub validator: ValidatorArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
    /// Largest file read, in MiB; a larger one is refused before it is read.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_file_mib: u64,
}

/// Format of `assure validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// One line per issue: file:line:col  severity  location  message  [rule].
    Text,
    /// A JSON array with one object (file, issues) per file.
    Json,
    /// One FHIR OperationOutcome per file (a collection Bundle of them for several files).
    #[value(name = "operationoutcome")]
    OperationOutcome,
}

/// `assure packages`.
#[derive(Debug, Subcommand)]
pub enum PackagesCommand {
    /// Download a package (and nothing else) from a FHIR package registry into the cache.
    Install(InstallArgs),
    /// Add package tarballs (.tgz), unpacked package folders, or source folders of
    /// conformance resources (JSON or XML, at any depth, e.g. UK Core's) to the cache.
    Import(ImportArgs),
    /// List the packages in the cache.
    List(CacheArgs),
}

/// The package cache a `packages` command works on.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Package cache folder (default: $FHIR_PACKAGE_CACHE, else ~/.fhir/packages).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

/// `assure packages install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The package as name@version (version may be `latest`).
    #[arg(value_name = "NAME@VERSION")]
    pub package: String,
    /// Base URL of an npm-compatible FHIR package registry.
    #[arg(long, value_name = "URL", env = "FHIR_PACKAGE_REGISTRY")]
    pub registry: Option<String>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// `assure packages import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Package tarballs, unpacked package folders (holding package/package.json), or source
    /// folders of conformance resources to add to the cache.
    #[arg(value_name = "FILE.tgz|DIR", required = true)]
    pub sources: Vec<PathBuf>,
    /// Package name for a source folder (default: its ImplementationGuide's packageId).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Package version for a source folder (default: its ImplementationGuide's version).
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Which suites and tests to use.
#[derive(Debug, Args, Clone, Default)]
pub struct PlanArgs {
    /// Suite file or directory to run instead of the built-in suites (repeatable).
    #[arg(long = "suite", value_name = "PATH")]
    pub suites: Vec<PathBuf>,
    /// Run only tests with this tag (repeatable; any tag matches).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Run only this test id; a trailing `*` matches a prefix (repeatable).
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// Set a suite variable, overriding the suite's default (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

/// `assure run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Base URL of the FHIR server under test, e.g. https://example.org/fhir.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Folder for report.html, junit.xml, report.json and testreport.json; reports of an
    /// earlier run there are removed when this one starts.
    #[arg(long, value_name = "DIR", default_value = "assure-report")]
    pub out: PathBuf,
    /// Maximum number of tests in flight.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Per-request timeout, e.g. 30s, 500ms, 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// The most values a `for_each` step repeats over (each is a request); a step given more
    /// (a server returning 100,000 ids, say) ends its test as an error.
    #[arg(long, value_name = "N", default_value_t = crate::runner::DEFAULT_MAX_FAN_OUT)]
    pub max_fan_out: usize,
    /// Stop the whole run after this long (e.g. 20m): unfinished tests end `error`, and the
    /// reports are written and say so.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
    /// Retries of a request that failed to connect (never after a response).
    #[arg(long, value_name = "N", default_value_t = crate::http::DEFAULT_RETRIES)]
    pub retries: u32,
    /// Extra request header sent with every request, e.g. 'Authorization: Bearer …'
    /// (repeatable; values are redacted in every report and log).
    #[arg(long = "header", value_name = "'NAME: VALUE'", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// PEM file of CA certificates to trust besides the platform's (e.g. the target's
    /// private CA).
    #[arg(long, value_name = "PEM", env = "ASSURE_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    /// PEM file of the client certificate (chain) for mutual TLS; needs --client-key.
    #[arg(
        long,
        value_name = "PEM",
        env = "ASSURE_CLIENT_CERT",
        requires = "client_key"
    )]
    pub client_cert: Option<PathBuf>,
    /// PEM file of the client certificate's private key; needs --client-cert.
    #[arg(
        long,
        value_name = "PEM",
        env = "ASSURE_CLIENT_KEY",
        requires = "client_cert"
    )]
    pub client_key: Option<PathBuf>,
    /// Accept any server certificate (no check of chain, dates or host name). Recorded in the
    /// reports; never for a certification.
    #[arg(long)]
    pub insecure: bool,
    /// TOML file of credentials for the target: token, client_id, client_secret,
    /// jwt_client_id, jwt_client_key, jwt_client_kid, token_signing_key, token_issuer,
    /// token_kid, scope, token_audience. The ASSURE_<KEY> environment variables (e.g.
    /// ASSURE_CLIENT_SECRET) override them. When they give a way to get a token, every
    /// request carries it.
    #[arg(long, value_name = "FILE")]
    pub auth_config: Option<PathBuf>,
    /// Exit 1 when a test of this level or stricter fails.
    #[arg(long, value_enum, default_value_t = FailOn::Shall)]
    pub fail_on: FailOn,
    /// Exit 1 when a SHALL test was skipped (not assessed: e.g. its test data is missing on
    /// the server, or a test it needs did not pass).
    #[arg(long)]
    pub require_complete: bool,
    /// Switch on a defect in the embedded reference server (only without --target; repeatable).
    #[arg(long = "defect", value_name = "NAME")]
    pub defects: Vec<String>,
    /// Plain output lines instead of a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// YAML file of known failures accepted until a date (id, reason, owner, expires): a
    /// waived failure is reported as waived and does not fail the run; an expired waiver does.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// An earlier run (report folder or report.json): only failures it did not have fail this
    /// run; the others are reported as pre-existing.
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,
    /// Run only part INDEX of COUNT of the plan (e.g. 2/4), for parallel jobs; `assure report
    /// merge` puts the parts' reports together.
    #[arg(long, value_name = "INDEX/COUNT", value_parser = crate::runner::Shard::parse)]
    pub shard: Option<crate::runner::Shard>,
    /// Keep every exchange of the run in DIR (may be the --out folder), for `assure replay`.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Definitions for `conforms` assertions (read only if a selected test uses one).
    #[command(flatten)]
    pub definitions: DefinitionArgs,
    /// Validator settings for every `conforms` assertion (each may override them).
    #[command(flatten)]
    pub validator: ValidatorArgs,
}

/// The strictest level whose failure fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only SHALL failures fail the run.
    Shall,
    /// SHALL and SHOULD failures fail the run.
    Should,
    /// Any failure fails the run.
    May,
}

/// `assure list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// List the variables and data items instead: default or where each is discovered from,
    /// and the checks that read it.
    #[arg(long = "vars")]
    pub list_vars: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Format of `assure list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// `assure serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Serve the fixtures in this folder instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Switch on a named defect (repeatable); see --list-defects.
    #[arg(long = "defect", value_name = "NAME")]
    pub defects: Vec<String>,
    /// Print the defects the server can switch on, and exit.
    #[arg(long)]
    pub list_defects: bool,
    /// Serve HTTPS with a test CA and certificates generated at start, and an OAuth 2.0
    /// authorization server (SMART Backend Services) guarding the FHIR API; plain HTTP on
    /// another port only redirects to HTTPS.
    #[arg(long)]
    pub secure: bool,
    /// With --secure, require a client certificate issued by the test CA.
    #[arg(long, requires = "secure")]
    pub mutual_tls: bool,
    /// With --secure, write the test CA, the client certificate and key (PEM) and the OAuth
    /// clients (`auth.toml`, for `assure run --auth-config`) here.
    #[arg(long, value_name = "DIR", requires = "secure")]
    pub credentials_out: Option<PathBuf>,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not a duration such as 30s or 500ms: {e}"))?;
    if duration.is_zero() {
        return Err("the timeout must be greater than zero".into());
    }
    Ok(duration)
}

fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        // The value is not echoed: header values are often secrets.
        .ok_or_else(|| "not a header: expected 'Name: value' (the text given is not shown, as it may hold a secret)".to_string())?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b))
    {
        return Err(
            "the header name before ':' is not a valid HTTP header name (not shown, as the text \
             may hold a secret)"
                .to_string(),
        );
    }
    Ok((name.to_string(), value.trim().to_string()))
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not a variable: expected NAME=VALUE"))?;
    if name.trim().is_empty() {
        return Err(format!("`{text}` has an empty variable name"));
    }
    Ok((name.trim().to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_split_on_the_first_colon() {
        assert_eq!(
            parse_header("Authorization: Bearer a:b").unwrap(),
            ("Authorization".into(), "Bearer a:b".into())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
    }

    #[test]
    fn durations_need_units_and_must_be_positive() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn variables_need_a_name() {
        assert_eq!(parse_var("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_var("=x").is_err());
        assert!(parse_var("x").is_err());
    }
}
