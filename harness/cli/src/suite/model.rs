//! The in-memory form of a suite file: what checklist authors write, after loading.
//!
//! The loader (`load.rs`) turns YAML into these types and rejects anything malformed with a
//! `file:line:column` error; the runner executes them.

use indexmap::IndexMap;
use serde::Serialize;

pub use crate::auth::{ClientKind, ForgeKind, MintSpec, TokenCall, TokenFault};
pub use assure_tlsprobe::ProtocolVersion as TlsVersion;

/// One suite file: a checklist of tests against a FHIR API.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// Stable identifier, e.g. `core`.
    pub id: String,
    pub title: String,
    /// FHIR version the suite targets, e.g. `4.0.1`.
    pub fhir_version: String,
    pub description: Option<String>,
    /// Values for `{{ name }}` interpolation: the suite's defaults with `--var` overrides
    /// applied by the loader; captures add to them at run time.
    pub variables: IndexMap<String, String>,
    /// Values discovered from the server before any test runs; their names are variables of
    /// every loaded suite.
    pub data: Vec<DataItem>,
    pub tests: Vec<TestCase>,
    /// Checks the runner generates from the target (`generate`).
    pub generate: super::Generators,
    /// Where the suite came from and its content hash.
    pub source: SuiteSource,
}

/// Provenance of a loaded suite.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuiteSource {
    /// Path as given (or `suites/core/core.yaml` for built-in suites).
    pub path: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// The requirement level of a checklist item (RFC 2119 keywords, as in the FHIR spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Shall,
    Should,
    May,
}

impl Level {
    /// The keyword as written in suites and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Shall => "SHALL",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        }
    }
}

/// A value discovered from the server before any test runs (`data:` in a suite file): the
/// id of a record to read, a name to search by. Its `name` is a variable of every suite; a
/// `--var` of that name supplies the value instead.
#[derive(Debug, Clone, PartialEq)]
pub struct DataItem {
    /// The variable the value is bound to, unique across every loaded suite.
    pub name: String,
    pub description: String,
    /// Where to look, in order: the first source that yields a value wins.
    pub sources: Vec<DataSource>,
    /// Take every value, as a list, instead of the first.
    pub all: bool,
    /// Why the checks that use the item cannot be assessed when nothing is found
    /// (interpolated), e.g. `no AllergyIntolerance for the test patient`.
    pub missing: String,
}

/// One place a data item is looked for: a request and what to take from its response.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSource {
    /// `read`, `search` or a `GET` `request` (strings interpolated).
    pub action: Action,
    /// Dotted JSON path into the response body, as in captures (used as written).
    pub json: String,
    /// Optional regex: only values it matches count, narrowed to the first group (or the whole
    /// match).
    pub regex: Option<String>,
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// Stable identifier, unique across every loaded suite, e.g. `CC-PAT-READ-01`.
    pub id: String,
    pub title: String,
    pub level: Level,
    pub tags: Vec<String>,
    /// Traceability: requirement text or URL.
    pub requirement: Option<String>,
    pub description: Option<String>,
    /// Ids of tests that must pass first; if one does not, this test is skipped.
    pub needs: Vec<String>,
    pub steps: Vec<Step>,
}

/// One interaction with the target plus what is expected of the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Optional human label; the runner derives one from the action when absent.
    pub name: Option<String>,
    pub action: Action,
    /// Extra request headers (values interpolated).
    pub headers: IndexMap<String, String>,
    pub expect: Vec<Assertion>,
    /// Variables to set from the response, by variable name.
    pub capture: IndexMap<String, Capture>,
    /// Repeat the step once per value of a list variable (a capture with `all: true`).
    pub for_each: Option<ForEach>,
    /// The step only prepares what the test checks: when its expectations fail, the test is
    /// skipped ("setup failed"), not failed.
    pub setup: bool,
    /// A condition on the step's response without which the test does not apply (a feature
    /// the CapabilityStatement does not claim): when it does not hold, the test is skipped.
    pub skip_unless: Option<SkipUnless>,
    /// How the request is authenticated (`auth:`); the run's credentials by default.
    pub auth: StepAuth,
}

/// How a step's request is authenticated.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum StepAuth {
    /// The run's credentials, if it has any (no `auth:`).
    #[default]
    Default,
    /// The run's credentials; the test is skipped when the run has none (`auth: run`).
    Run,
    /// No credentials at all (`auth: none`).
    None,
    /// The run's token altered so that a server must refuse it (`auth: { forge: ... }`).
    Forged(ForgeKind),
    /// A token signed with the key the target trusts, its claims set by the step
    /// (`auth: { mint: {...} }`); the test is skipped when no such key is configured.
    Minted(MintSpec),
    /// A token obtained through the real flow with exactly this scope (`auth: { scope: ... }`).
    Scope(String),
    /// The run's token sent as the `access_token` query parameter and not in a header
    /// (`auth: query`).
    InQuery,
}

/// The condition of a step's `skip_unless`.
#[derive(Debug, Clone, PartialEq)]
pub struct SkipUnless {
    /// Evaluated over the step's response; the test goes on only when it gives `true`.
    pub fhirpath: FhirPathCheck,
    /// Why the test does not apply otherwise, e.g. `history is not claimed`.
    pub reason: String,
}

/// Repetition of a step over the values of a list variable.
#[derive(Debug, Clone, PartialEq)]
pub struct ForEach {
    /// Name bound to the current value inside the step (`{{ type }}`).
    pub var: String,
    /// Name of the list variable to iterate.
    pub over: String,
}

/// The FHIR interaction a step performs. Every string field may contain `{{ var }}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `GET [base]/metadata`.
    Capabilities,
    /// `GET [base]/[type]/[id]`.
    Read { resource_type: String, id: String },
    /// `GET [base]/[type]/[id]/_history/[vid]`.
    Vread {
        resource_type: String,
        id: String,
        version: String,
    },
    /// `GET [base]/[type]?params` or `POST [base]/[type]/_search` (form-encoded).
    /// `resource_type: None` searches the whole system.
    Search {
        resource_type: Option<String>,
        params: Vec<(String, String)>,
        method: SearchMethod,
    },
    /// `POST [base]/[type]`.
    Create { resource_type: String, body: Body },
    /// `PUT [base]/[type]/[id]`.
    Update {
        resource_type: String,
        id: String,
        body: Body,
    },
    /// `DELETE [base]/[type]/[id]`.
    Delete { resource_type: String, id: String },
    /// `GET [base]/[type]/[id]/_history`, `[base]/[type]/_history` or `[base]/_history`.
    History {
        resource_type: Option<String>,
        id: Option<String>,
    },
    /// Any request; `path` is relative to the base URL (may carry a query string).
    Request {
        method: String,
        path: String,
        body: Option<Body>,
    },
    /// A request to the token endpoint the target's SMART configuration names.
    Token(TokenCall),
    /// A TLS handshake offering one protocol version and a set of cipher suites; the response
    /// is a JSON description of the handshake (`handshake`, `version`, `suite`, `reason`).
    TlsOffer(TlsOffer),
    /// A full TLS handshake recording the server's certificate chain; the response is a JSON
    /// description of it (`trusted`, `hostname`, `in_date`, `key_strong`, `chain`, ...).
    Certificate(CertificateProbe),
    /// `GET` over plain HTTP (no TLS) to the target's host, without credentials.
    PlainHttp {
        /// The plain-HTTP URL (interpolated); empty means the base URL with `http` and port 80.
        url: String,
    },
}

/// Which cipher suites a TLS probe offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteSet {
    /// Strong suites (ECDHE with AEAD).
    Strong,
    /// Suites no server may negotiate (RFC 9325 section 4.1 "MUST NOT"): NULL encryption,
    /// RC4, and under 112 bits of security (export grade, DES).
    Forbidden,
    /// Suites a server should not negotiate (RFC 9325 section 4.1 "SHOULD NOT"): under 128
    /// bits of security (3DES), static RSA key transport; and anonymous key exchange, which
    /// authenticates no server (RFC 5246 appendix F.1.1.1).
    Discouraged,
}

/// A TLS handshake probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsOffer {
    pub version: TlsVersion,
    pub suites: SuiteSet,
}

/// A certificate inspection, with the client certificate offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateProbe {
    pub client: ClientCertificate,
}

/// The client certificate a probe offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientCertificate {
    /// The one configured for the run (`--client-cert`), if any.
    #[default]
    Run,
    /// None.
    None,
    /// One from a certificate authority made up for the probe.
    OtherAuthority,
}

/// How a search is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchMethod {
    #[default]
    Get,
    /// `POST [type]/_search` with `application/x-www-form-urlencoded` parameters.
    Post,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Inline JSON (strings inside are interpolated).
    Json(serde_json::Value),
    /// Raw text sent as is (after interpolation), e.g. deliberately broken JSON or XML.
    Raw(String),
    /// A JSON resource of the action's type whose narrative pads it to at least this many
    /// bytes, for checks of how a server takes oversized requests.
    Padded(usize),
}

/// What is expected of a response. New kinds (FHIRPath, profile conformance) are added here.
#[derive(Debug, Clone, PartialEq)]
pub enum Assertion {
    /// The HTTP status is one of the accepted ones.
    Status(StatusMatch),
    /// A response header's presence or value.
    Header(HeaderMatch),
    /// The media type of `Content-Type` (parameters such as charset ignored), e.g.
    /// `application/fhir+json`.
    ContentType(String),
    /// The body is a resource of this type.
    ResourceType(String),
    /// The body is a Bundle of this `type` (searchset, history, ...).
    BundleType(String),
    /// Bounds on the number of `Bundle.entry` (optionally only those with `search.mode = match`).
    EntryCount(CountBounds),
    /// The body is an OperationOutcome with at least one issue.
    OperationOutcome,
    /// A JSON value at a dotted path (`entry.0.resource.id`).
    Json(JsonMatch),
    /// A FHIRPath expression over the body that must evaluate to `true`.
    FhirPath(FhirPathCheck),
    /// The body validates against FHIR definitions (see [`ConformsTo`]).
    Conforms(ConformsTo),
    /// Neither body nor headers show internals: stack traces, exception names, database
    /// errors, file paths of the server's code.
    NoInternals,
}

/// Profile conformance of the body: with `profile`, the resource (every `entry.resource` of a
/// Bundle) must conform to it; without, the resource must conform to its base type and its own
/// `meta.profile`. `options` tune the validator for this assertion, over the run's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConformsTo {
    /// Canonical URL of a StructureDefinition (interpolated).
    pub profile: Option<String>,
    /// Validator settings for this assertion (`conforms: { options: {...} }`).
    pub options: crate::validation::ValidatorSettings,
}

/// Accepted statuses: a set of codes and/or inclusive ranges (`2xx` is 200..=299).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMatch {
    pub codes: Vec<u16>,
    pub ranges: Vec<(u16, u16)>,
}

/// Expectation on one response header (name matched case-insensitively).
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMatch {
    pub name: String,
    /// `false` asserts the header is absent.
    pub present: bool,
    pub equals: Option<String>,
    /// A regular expression the value must match (checked at load time).
    pub matches: Option<String>,
    /// A regular expression no value may match; the header may be absent (checked at load
    /// time).
    pub not_matches: Option<String>,
}

/// Inclusive bounds on a count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountBounds {
    pub min: Option<usize>,
    pub max: Option<usize>,
    /// Count only entries whose `search.mode` is `match` (leave out `include`/`outcome`).
    pub matches_only: bool,
}

/// Expectation on the JSON value at `path`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonMatch {
    /// Dotted path; numeric segments index arrays; `*` means "any item" of an array.
    pub path: String,
    pub check: JsonCheck,
}

/// What is checked at a JSON path.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonCheck {
    /// The path resolves (`true`) or does not (`false`).
    Exists(bool),
    /// The value equals this JSON value (strings interpolated).
    Equals(serde_json::Value),
    /// The value is a string matching this regular expression.
    Matches(String),
    /// The value is an array containing this JSON value, or a string containing this text.
    Contains(serde_json::Value),
}

/// A FHIRPath expression, parsed when the suite loads, evaluated over the response body.
#[derive(Debug, Clone, PartialEq)]
pub struct FhirPathCheck {
    pub expression: assure_fhirpath::Expr,
    /// Values of the `%name` constants it reads, bound from the variables in scope when the
    /// step runs (empty in a loaded suite); a list variable binds a collection.
    pub variables: Vec<(String, Vec<String>)>,
}

/// Where a captured variable's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub source: CaptureSource,
    /// Optional regex; the first capture group (or the whole match) becomes the value.
    pub regex: Option<String>,
    /// Capture every value the JSON path resolves to, as a list (for `for_each`).
    pub all: bool,
}

/// The part of the response a capture reads.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureSource {
    /// A dotted JSON path into the body.
    Json(String),
    /// A response header.
    Header(String),
    /// The first of these captures (each with its own source and regex) that finds a value,
    /// e.g. a created resource's id from `Location`, else from the body's `id`.
    FirstOf(Vec<Capture>),
}
