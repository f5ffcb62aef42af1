//! Switchable defects: each one makes the reference server misbehave in exactly one way, so the
//! test suite can prove that the checklist check aimed at that behaviour really fails.

use std::fmt;
use std::str::FromStr;

/// One deliberate misbehaviour of the reference server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    /// Every response carries `Content-Type: text/plain`.
    /// Breaks: the check that responses are `application/fhir+json`.
    WrongContentType,
    /// Search and history Bundles have no `type`.
    /// Breaks: the checks that a search answers a `searchset` Bundle and a history a `history`
    /// Bundle.
    MissingBundleType,
    /// 404 responses have an empty body instead of an OperationOutcome.
    /// Breaks: the check that errors carry an OperationOutcome.
    Bare404,
    /// The `gender` search parameter is ignored, so every gender is returned.
    /// Breaks: the check that every search result matches the search parameters.
    SearchIgnoresGender,
    /// The CapabilityStatement also advertises `Immunization` (read, search-type), which the
    /// server does not serve: its endpoints answer 404 unknown type.
    /// Breaks: the check that every advertised interaction works.
    CapabilityLies,
    /// Create answers 201 without a `Location` header.
    /// Breaks: the check that create returns the new resource's location.
    NoLocationOnCreate,
    /// Update keeps `meta.versionId` unchanged and records no new history entry.
    /// Breaks: the checks that update bumps the version and that history lists it.
    UpdateKeepsVersion,
    /// Delete answers 204 but the resource stays readable (200).
    /// Breaks: the check that a read after delete answers 410 Gone.
    DeleteNotEffective,
    /// `_count` is honoured but paged Bundles have no `next` link.
    /// Breaks: the check that paging reaches every result through `next` links.
    NoNextLink,
    /// `_format` is ignored: `_format=xml` answers JSON 200 instead of 406, and `_format=json`
    /// does not override an `Accept` asking for XML.
    /// Breaks: the check that `_format` overrides the Accept header.
    IgnoresFormat,
    /// Patients are served with `nickname`, an element FHIR R4 does not define.
    /// Breaks: the check that a read Patient conforms to the R4 Patient definition.
    NonconformantPatients,
    /// The `identifier` search parameter is silently ignored: every resource is returned, and
    /// the `self` link still lists it.
    /// Breaks: the checks that identifier search results match (precision).
    SearchIgnoresIdentifier,
    /// `:exact` on string parameters compares like the default (case- and accent-insensitive
    /// starts-with).
    /// Breaks: the checks that `:exact` results match the whole string exactly.
    ExactAsDefault,
    /// The date prefix `gt` behaves as `ge`: values equal to the search date also match.
    /// Breaks: the checks that `gt` results lie strictly after the search date.
    DateGtAsGe,
    /// A quantity search with a prefix ignores the unit asked for: `ge72|…|kg` also matches a
    /// height in cm.
    /// Breaks: the checks that quantity results are in the unit searched (search.html#quantity).
    QuantityIgnoresUnit,
    /// Following `next` serves the previous page again: every page after the first repeats the
    /// one before it, so the last page's entries are never served.
    /// Breaks: the checks that paging returns every match exactly once.
    NextRepeatsPage,
    /// `_count` is ignored: every search answers pages of the default size.
    /// Breaks: the check that a page holds at most `_count` entries.
    IgnoresCount,
    /// `_include` and `_revinclude` are accepted and echoed but add no resources.
    /// Breaks: the checks that included resources are returned with `search.mode = include`.
    IncludeMissing,
    /// `Prefer: handling=strict` is ignored: unknown search parameters are dropped silently.
    /// Breaks: the check that strict handling refuses unknown parameters with 400.
    StrictHandlingIgnored,
    /// A malformed date search value answers 500 with a plain-text stack trace instead of a
    /// 400 OperationOutcome.
    /// Breaks: the checks that bad search values are 400 with an OperationOutcome.
    MalformedDate500,
    /// Searches with criteria return one extra resource that does not match, as a match.
    /// Breaks: the checks that every returned match satisfies the criteria (precision).
    SearchAddsNonMatch,
    /// Searches with criteria leave out their first match that is a fixture (and count one
    /// fewer).
    /// Breaks: the checks that the resource a value came from is found (recall).
    SearchDropsMatch,
    /// `_sort` is accepted and echoed in the `self` link but results keep their default order.
    /// Breaks: the checks that results are ordered by `_sort`.
    SortIgnored,
    /// Search Bundles report a `total` one more than the number of matches.
    /// Breaks: the check that `total` equals the number of matches reached by paging.
    WrongTotal,
    /// Unknown search parameters are ignored but still listed in the `self` link, as if
    /// applied.
    /// Breaks: the check that the `self` link lists only the parameters used.
    SelfLinkClaimsIgnored,
    /// A modifier the server does not support is dropped and the parameter searched as if it had
    /// none, instead of the search being refused.
    /// Breaks: the check that an unsupported modifier is refused (search.html#modifiers).
    UnknownModifierIgnored,
    /// `_summary=count` is echoed in the `self` link but the matches are returned anyway, as if
    /// it had not been asked.
    /// Breaks: the check that `_summary=count` returns a total and no entries.
    SummaryCountIgnored,
    /// `_elements` is echoed in the `self` link but whole resources are returned, untagged.
    /// Breaks: the check that `_elements` returns only the asked elements, tagged `SUBSETTED`.
    ElementsIgnored,
    /// A search by `POST [type]/_search` leaves out the last match that the same search by `GET`
    /// returns (and counts one fewer).
    /// Breaks: the check that GET and POST searches give the same results.
    PostSearchDiffers,
    // UK Core: the profiles claimed and the data that should meet them.
    /// One Patient (priya-patel) has an NHS number whose Modulus-11 check digit is wrong.
    /// Breaks: the check that every instance conforms to its UK Core profile.
    UkcoreNhsNumberCheckDigit,
    /// No Patient has `telecom`, a must-support element of UKCore-Patient.
    /// Breaks: the check that every must-support element is populated in some instance.
    UkcoreMustSupportMissing,
    /// One Patient (sam-taylor) claiming UKCore-Patient has a second NHS number, where the
    /// profile's `nhsNumber` identifier slice allows one.
    /// Breaks: the check that every instance conforms to its UK Core profile.
    UkcoreProfileNotMet,
    /// No Practitioner carries `meta.profile`, so `_profile` finds none, while UKCore-Practitioner
    /// is still a supported profile.
    /// Breaks: the check that each claimed profile has instances.
    UkcoreNoInstances,
    /// One Patient's (eilidh-macdonald) `managingOrganization`, a must-support reference, points
    /// to `Organization/no-such-org`.
    /// Breaks: the check that references in must-support elements resolve.
    UkcoreDanglingReference,
    /// The CapabilityStatement also claims UKCore-Observation-Lab for Observation, which no
    /// Observation carries.
    /// Breaks: the check that each claimed profile has instances.
    UkcoreClaimsUnservedProfile,
    // Secure mode: TLS, transport and hardening.
    /// A ClientHello whose highest version is below TLS 1.2 (SSLv3, TLS 1.0, TLS 1.1) is answered
    /// with a ServerHello for that version and its first suite, as if the server spoke it.
    /// Breaks: the check that legacy protocol versions are refused.
    LegacyTlsAccepted,
    /// A TLS 1.2 ClientHello offering only suites the server does not support (the weak ones) is
    /// answered with a ServerHello choosing the first of them.
    /// Breaks: the check that weak cipher suites are refused.
    WeakCipherAccepted,
    /// The server certificate's validity ended yesterday.
    /// Breaks: the check that the certificate is in date.
    ExpiredCertificate,
    /// The server certificate names only `wrong.example`.
    /// Breaks: the check that the certificate matches the host name.
    WrongHostCertificate,
    /// The server certificate is self-signed instead of issued by the test CA.
    /// Breaks: the check that the certificate chains to a trusted root.
    UntrustedCertificate,
    /// The plain-HTTP listener serves the FHIR API instead of redirecting to HTTPS.
    /// Breaks: the check that plain HTTP carries no data.
    PlainHttpServed,
    /// Responses carry no `Strict-Transport-Security` header.
    /// Breaks: the check for HSTS.
    NoHsts,
    /// With mutual TLS, a client without a certificate is let in.
    /// Breaks: the check that mutual TLS requires a client certificate.
    MutualTlsNotEnforced,
    /// With mutual TLS, a client certificate from any CA (or self-signed) is let in.
    /// Breaks: the check that client certificates must come from the trusted CA.
    MutualTlsAnyCa,
    /// An id or search value containing `'`, `<`, `../` or `$` answers 500 with a plain-text
    /// stack trace.
    /// Breaks: the check that hostile input leaks no internals.
    LeaksStackTrace,
    /// Bodies over 1 MiB, or JSON nested deeper than 100, answer 500 instead of 413 or 400.
    /// Breaks: the checks that oversized and deeply nested bodies are refused cleanly.
    NoBodyLimit,
    /// Responses carry no `X-Content-Type-Options: nosniff`.
    /// Breaks: the check for `nosniff`.
    NoNosniff,
    /// Responses carry `Server: assure-reference/<version>` and `X-Powered-By: axum`.
    /// Breaks: the check that responses do not reveal the server software.
    ServerVersionLeak,
    /// Responses carry `Access-Control-Allow-Origin: *` together with
    /// `Access-Control-Allow-Credentials: true`.
    /// Breaks: the check that CORS never combines a wildcard origin with credentials.
    CorsWildcardCredentials,
    /// A FHIR request without a bearer token is served as if it had every scope.
    /// Breaks: the check that the API refuses requests without a token with 401.
    AcceptsMissingToken,
    /// A bearer token that is not a JWT is accepted, with every scope.
    /// Breaks: the check that a malformed token is refused with 401.
    AcceptsMalformedToken,
    /// Access tokens are accepted after their `exp`.
    /// Breaks: the check that an expired token is refused with 401.
    AcceptsExpiredToken,
    /// Access tokens are accepted before their `nbf`.
    /// Breaks: the check that a token not yet valid is refused with 401.
    AcceptsFutureToken,
    /// Token signatures are not verified: altered or unsigned tokens are accepted.
    /// Breaks: the check that a token with a wrong signature is refused with 401.
    SkipsSignatureCheck,
    /// Unsigned tokens (`alg: none`) are accepted; signed ones are still verified.
    /// Breaks: the check that an `alg: none` token is refused with 401.
    AcceptsAlgNone,
    /// The token's `iss` is not checked against the key that signed it.
    /// Breaks: the check that a token from another issuer is refused with 401.
    IgnoresIssuer,
    /// The token's `aud` is not checked against the FHIR base URL.
    /// Breaks: the check that a token for another audience is refused with 401.
    IgnoresAudience,
    /// A bearer token in the `access_token` query parameter is accepted.
    /// Breaks: the check that tokens are only taken from the Authorization header.
    TokenInQueryAccepted,
    /// Token endpoint responses lack `Cache-Control: no-store` and `Pragma: no-cache`.
    /// Breaks: the check that token responses forbid caching.
    TokenResponseCacheable,
    /// 401 (and 403) responses of the FHIR API carry no `WWW-Authenticate` challenge.
    /// Breaks: the check that a 401 names the Bearer scheme.
    NoWwwAuthenticate,
    /// Scopes are not enforced: any valid token may read and write every resource.
    /// Breaks: the checks that requests outside the token's scopes are refused with 403.
    IgnoresScopes,
    /// `patient/` scopes are treated as `system/` ones: other patients' data is served.
    /// Breaks: the checks that a patient-scoped token only reaches its patient's compartment.
    IgnoresPatientCompartment,
    /// Scopes allowing reads also allow create, update and delete.
    /// Breaks: the check that a write with a read-only token is refused with 403.
    WriteWithReadScope,
    /// The SMART configuration lacks `token_endpoint_auth_methods_supported` and
    /// `grant_types_supported`.
    /// Breaks: the check that the SMART configuration lists what SMART Backend Services require.
    DiscoveryIncomplete,
    /// A wrong client secret answers 400 `invalid_grant` instead of 401 `invalid_client`.
    /// Breaks: the check that failed client authentication answers 401 `invalid_client`.
    BadSecretWrongError,
    /// A client assertion may be used again: its `jti` is not remembered.
    /// Breaks: the check that a replayed client assertion is refused.
    AcceptsReusedAssertion,
    /// Client assertions are accepted after their `exp`.
    /// Breaks: the check that an expired client assertion is refused.
    AcceptsExpiredAssertion,
    /// Tokens from the trusted assurance issuer are accepted without the NHS claims
    /// (`reason_for_request`, `requesting_*`, ...) and with lifetimes over 300 seconds.
    /// Breaks: the checks that such tokens must carry the NHS claims and live at most 300 seconds.
    NhsClaimsNotRequired,
    /// Responses carry `Content-Type: application/fhir+json` without `charset=utf-8`.
    /// Breaks: the check that responses declare their character encoding.
    NoCharset,
    /// A search value holding CR LF followed by `Name: value` puts that header into the response.
    /// Breaks: the check that input cannot inject response headers.
    HeaderInjection,
    /// Only TLS 1.3 is spoken: a TLS 1.2 ClientHello is refused.
    /// Breaks: the check that TLS 1.2 is supported.
    Tls12Refused,
    /// Token responses say `token_type: mac` and leave out `expires_in`.
    /// Breaks: the checks that the client credentials grant issues a bearer token.
    TokenTypeNotBearer,
    /// Tokens signed by the trusted assurance issuer are refused, as if its key were not configured.
    /// Breaks: the checks that a well-formed minted token is accepted.
    DistrustsAssuranceIssuer,
    /// Reads (`GET [type]/[id]`) answer 401 `invalid_token` even with a valid token.
    /// Breaks: the checks that a valid token reads the test patient.
    RefusesValidReads,
}

impl Defect {
    /// Every defect, in documentation order.
    pub fn all() -> &'static [Defect] {
        &[
            Self::WrongContentType,
            Self::MissingBundleType,
            Self::Bare404,
            Self::SearchIgnoresGender,
            Self::CapabilityLies,
            Self::NoLocationOnCreate,
            Self::UpdateKeepsVersion,
            Self::DeleteNotEffective,
            Self::NoNextLink,
            Self::IgnoresFormat,
            Self::NonconformantPatients,
            Self::SearchIgnoresIdentifier,
            Self::ExactAsDefault,
            Self::DateGtAsGe,
            Self::QuantityIgnoresUnit,
            Self::NextRepeatsPage,
            Self::IgnoresCount,
            Self::IncludeMissing,
            Self::StrictHandlingIgnored,
            Self::MalformedDate500,
            Self::SearchAddsNonMatch,
            Self::SearchDropsMatch,
            Self::SortIgnored,
            Self::WrongTotal,
            Self::SelfLinkClaimsIgnored,
            Self::UnknownModifierIgnored,
            Self::SummaryCountIgnored,
            Self::ElementsIgnored,
            Self::PostSearchDiffers,
            Self::UkcoreNhsNumberCheckDigit,
            Self::UkcoreMustSupportMissing,
            Self::UkcoreProfileNotMet,
            Self::UkcoreNoInstances,
            Self::UkcoreDanglingReference,
            Self::UkcoreClaimsUnservedProfile,
            Self::LegacyTlsAccepted,
            Self::WeakCipherAccepted,
            Self::ExpiredCertificate,
            Self::WrongHostCertificate,
            Self::UntrustedCertificate,
            Self::PlainHttpServed,
            Self::NoHsts,
            Self::MutualTlsNotEnforced,
            Self::MutualTlsAnyCa,
            Self::LeaksStackTrace,
            Self::NoBodyLimit,
            Self::NoNosniff,
            Self::ServerVersionLeak,
            Self::CorsWildcardCredentials,
            Self::AcceptsMissingToken,
            Self::AcceptsMalformedToken,
            Self::AcceptsExpiredToken,
            Self::AcceptsFutureToken,
            Self::SkipsSignatureCheck,
            Self::AcceptsAlgNone,
            Self::IgnoresIssuer,
            Self::IgnoresAudience,
            Self::TokenInQueryAccepted,
            Self::TokenResponseCacheable,
            Self::NoWwwAuthenticate,
            Self::IgnoresScopes,
            Self::IgnoresPatientCompartment,
            Self::WriteWithReadScope,
            Self::DiscoveryIncomplete,
            Self::BadSecretWrongError,
            Self::AcceptsReusedAssertion,
            Self::AcceptsExpiredAssertion,
            Self::NhsClaimsNotRequired,
            Self::NoCharset,
            Self::HeaderInjection,
            Self::Tls12Refused,
            Self::TokenTypeNotBearer,
            Self::DistrustsAssuranceIssuer,
            Self::RefusesValidReads,
        ]
    }

    /// The kebab-case name used on the command line and in suites.
    pub fn name(self) -> &'static str {
        match self {
            Self::WrongContentType => "wrong-content-type",
            Self::MissingBundleType => "missing-bundle-type",
            Self::Bare404 => "bare-404",
            Self::SearchIgnoresGender => "search-ignores-gender",
            Self::CapabilityLies => "capability-lies",
            Self::NoLocationOnCreate => "no-location-on-create",
            Self::UpdateKeepsVersion => "update-keeps-version",
            Self::DeleteNotEffective => "delete-not-effective",
            Self::NoNextLink => "no-next-link",
            Self::IgnoresFormat => "ignores-format",
            Self::NonconformantPatients => "nonconformant-patients",
            Self::SearchIgnoresIdentifier => "search-ignores-identifier",
            Self::ExactAsDefault => "exact-as-default",
            Self::DateGtAsGe => "date-gt-as-ge",
            Self::QuantityIgnoresUnit => "quantity-ignores-unit",
            Self::NextRepeatsPage => "next-repeats-page",
            Self::IgnoresCount => "ignores-count",
            Self::IncludeMissing => "include-missing",
            Self::StrictHandlingIgnored => "strict-handling-ignored",
            Self::MalformedDate500 => "malformed-date-500",
            Self::SearchAddsNonMatch => "search-adds-non-match",
            Self::SearchDropsMatch => "search-drops-match",
            Self::SortIgnored => "sort-ignored",
            Self::WrongTotal => "wrong-total",
            Self::SelfLinkClaimsIgnored => "self-link-claims-ignored",
            Self::UnknownModifierIgnored => "unknown-modifier-ignored",
            Self::SummaryCountIgnored => "summary-count-ignored",
            Self::ElementsIgnored => "elements-ignored",
            Self::PostSearchDiffers => "post-search-differs",
            Self::UkcoreNhsNumberCheckDigit => "ukcore-nhs-number-check-digit",
            Self::UkcoreMustSupportMissing => "ukcore-must-support-missing",
            Self::UkcoreProfileNotMet => "ukcore-profile-not-met",
            Self::UkcoreNoInstances => "ukcore-no-instances",
            Self::UkcoreDanglingReference => "ukcore-dangling-reference",
            Self::UkcoreClaimsUnservedProfile => "ukcore-claims-unserved-profile",
            Self::LegacyTlsAccepted => "legacy-tls-accepted",
            Self::WeakCipherAccepted => "weak-cipher-accepted",
            Self::ExpiredCertificate => "expired-certificate",
            Self::WrongHostCertificate => "wrong-host-certificate",
            Self::UntrustedCertificate => "untrusted-certificate",
            Self::PlainHttpServed => "plain-http-served",
            Self::NoHsts => "no-hsts",
            Self::MutualTlsNotEnforced => "mutual-tls-not-enforced",
            Self::MutualTlsAnyCa => "mutual-tls-any-ca",
            Self::LeaksStackTrace => "leaks-stack-trace",
            Self::NoBodyLimit => "no-body-limit",
            Self::NoNosniff => "no-nosniff",
            Self::ServerVersionLeak => "server-version-leak",
            Self::CorsWildcardCredentials => "cors-wildcard-credentials",
            Self::AcceptsMissingToken => "accepts-missing-token",
            Self::AcceptsMalformedToken => "accepts-malformed-token",
            Self::AcceptsExpiredToken => "accepts-expired-token",
            Self::AcceptsFutureToken => "accepts-future-token",
            Self::SkipsSignatureCheck => "skips-signature-check",
            Self::AcceptsAlgNone => "accepts-alg-none",
            Self::IgnoresIssuer => "ignores-issuer",
            Self::IgnoresAudience => "ignores-audience",
            Self::TokenInQueryAccepted => "token-in-query-accepted",
            Self::TokenResponseCacheable => "token-response-cacheable",
            Self::NoWwwAuthenticate => "no-www-authenticate",
            Self::IgnoresScopes => "ignores-scopes",
            Self::IgnoresPatientCompartment => "ignores-patient-compartment",
            Self::WriteWithReadScope => "write-with-read-scope",
            Self::DiscoveryIncomplete => "discovery-incomplete",
            Self::BadSecretWrongError => "bad-secret-wrong-error",
            Self::AcceptsReusedAssertion => "accepts-reused-assertion",
            Self::AcceptsExpiredAssertion => "accepts-expired-assertion",
            Self::NhsClaimsNotRequired => "nhs-claims-not-required",
            Self::NoCharset => "no-charset",
            Self::HeaderInjection => "header-injection",
            Self::Tls12Refused => "tls12-refused",
            Self::TokenTypeNotBearer => "token-type-not-bearer",
            Self::DistrustsAssuranceIssuer => "distrusts-assurance-issuer",
            Self::RefusesValidReads => "refuses-valid-reads",
        }
    }

    /// One sentence saying how the server misbehaves.
    pub fn description(self) -> &'static str {
        match self {
            Self::WrongContentType => {
                "every response's Content-Type is text/plain instead of application/fhir+json"
            }
            Self::MissingBundleType => "search and history Bundles have no type",
            Self::Bare404 => "404 responses have an empty body (no OperationOutcome)",
            Self::SearchIgnoresGender => {
                "the gender search parameter is ignored (all genders returned)"
            }
            Self::CapabilityLies => {
                "the CapabilityStatement advertises Immunization, which is not served"
            }
            Self::NoLocationOnCreate => "create returns 201 without a Location header",
            Self::UpdateKeepsVersion => {
                "update keeps meta.versionId and records no new history entry"
            }
            Self::DeleteNotEffective => "delete answers 204 but the resource remains readable",
            Self::NoNextLink => "_count is honoured but paged Bundles have no next link",
            Self::IgnoresFormat => "_format is ignored: _format=xml returns JSON 200, not 406",
            Self::NonconformantPatients => {
                "patients carry `nickname`, an element FHIR R4 does not define"
            }
            Self::SearchIgnoresIdentifier => {
                "the identifier search parameter is silently ignored (every resource returned)"
            }
            Self::ExactAsDefault => {
                ":exact behaves like the default string match (case-insensitive starts-with)"
            }
            Self::DateGtAsGe => "the date prefix gt behaves as ge (equal dates match too)",
            Self::QuantityIgnoresUnit => {
                "a quantity search with a prefix other than eq ignores the unit asked for"
            }
            Self::NextRepeatsPage => "each page reached by next repeats the page before it",
            Self::IgnoresCount => "_count is ignored; pages have the default size",
            Self::IncludeMissing => "_include and _revinclude add no resources",
            Self::StrictHandlingIgnored => {
                "Prefer: handling=strict is ignored (unknown parameters never refused)"
            }
            Self::MalformedDate500 => {
                "a malformed date search value answers 500 with a stack trace"
            }
            Self::SearchAddsNonMatch => "searches return one extra, non-matching resource",
            Self::SearchDropsMatch => "searches leave out their first match",
            Self::SortIgnored => "_sort is echoed but ignored",
            Self::WrongTotal => "search Bundle total is one more than the matches",
            Self::SelfLinkClaimsIgnored => {
                "the self link lists unknown parameters that were ignored"
            }
            Self::UnknownModifierIgnored => {
                "an unsupported modifier is dropped and the search answered without it"
            }
            Self::SummaryCountIgnored => {
                "_summary=count is echoed but the matches are returned anyway"
            }
            Self::ElementsIgnored => "_elements is echoed but whole resources are returned",
            Self::PostSearchDiffers => "a POST search leaves out the last match of the same GET",
            Self::UkcoreNhsNumberCheckDigit => {
                "one Patient's NHS number has a wrong Modulus-11 check digit"
            }
            Self::UkcoreMustSupportMissing => {
                "no Patient has telecom, a UKCore-Patient must-support element"
            }
            Self::UkcoreProfileNotMet => {
                "one Patient claiming UKCore-Patient has two NHS numbers (the profile allows one)"
            }
            Self::UkcoreNoInstances => {
                "no Practitioner carries meta.profile, though UKCore-Practitioner is claimed"
            }
            Self::UkcoreDanglingReference => {
                "one Patient's managingOrganization points to Organization/no-such-org"
            }
            Self::UkcoreClaimsUnservedProfile => {
                "the CapabilityStatement claims UKCore-Observation-Lab, which no Observation carries"
            }
            Self::LegacyTlsAccepted => {
                "(secure mode) SSLv3, TLS 1.0 and TLS 1.1 ClientHellos are answered with a ServerHello"
            }
            Self::WeakCipherAccepted => {
                "(secure mode) a TLS 1.2 ClientHello offering only weak suites is answered with one"
            }
            Self::ExpiredCertificate => "(secure mode) the server certificate has expired",
            Self::WrongHostCertificate => {
                "(secure mode) the server certificate names only wrong.example"
            }
            Self::UntrustedCertificate => {
                "(secure mode) the server certificate is self-signed, not from the test CA"
            }
            Self::PlainHttpServed => {
                "(secure mode) plain HTTP serves the FHIR API instead of redirecting to HTTPS"
            }
            Self::NoHsts => "(secure mode) no Strict-Transport-Security header",
            Self::MutualTlsNotEnforced => "(mutual TLS) clients without a certificate are let in",
            Self::MutualTlsAnyCa => "(mutual TLS) client certificates from any CA are let in",
            Self::LeaksStackTrace => {
                "ids or search values with ', <, ../ or $ answer 500 with a stack trace"
            }
            Self::NoBodyLimit => {
                "bodies over 1 MiB or JSON nested deeper than 100 answer 500, not 413 or 400"
            }
            Self::NoNosniff => "no X-Content-Type-Options: nosniff header",
            Self::ServerVersionLeak => {
                "Server and X-Powered-By headers name the software and version"
            }
            Self::CorsWildcardCredentials => {
                "Access-Control-Allow-Origin: * with Allow-Credentials: true"
            }
            Self::AcceptsMissingToken => {
                "a request without a bearer token is served as if fully authorized"
            }
            Self::AcceptsMalformedToken => {
                "a bearer token that is not a JWT is accepted with every scope"
            }
            Self::AcceptsExpiredToken => "expired access tokens are accepted",
            Self::AcceptsFutureToken => "access tokens are accepted before their nbf",
            Self::SkipsSignatureCheck => "token signatures are not verified",
            Self::AcceptsAlgNone => "unsigned tokens (alg none) are accepted",
            Self::IgnoresIssuer => "the token's iss is not checked",
            Self::IgnoresAudience => "the token's aud is not checked",
            Self::TokenInQueryAccepted => "a token in the access_token query parameter is accepted",
            Self::TokenResponseCacheable => {
                "token responses lack Cache-Control: no-store and Pragma: no-cache"
            }
            Self::NoWwwAuthenticate => {
                "401 and 403 responses of the FHIR API carry no WWW-Authenticate"
            }
            Self::IgnoresScopes => "scopes are not enforced: any valid token may do anything",
            Self::IgnoresPatientCompartment => "patient/ scopes reach every patient's data",
            Self::WriteWithReadScope => "read scopes also allow create, update and delete",
            Self::DiscoveryIncomplete => {
                "the SMART configuration lacks token_endpoint_auth_methods_supported and grant_types_supported"
            }
            Self::BadSecretWrongError => {
                "a wrong client secret answers 400 invalid_grant instead of 401 invalid_client"
            }
            Self::AcceptsReusedAssertion => "a client assertion's jti may be used again",
            Self::AcceptsExpiredAssertion => "expired client assertions are accepted",
            Self::NhsClaimsNotRequired => {
                "assurance-issuer tokens are accepted without the NHS claims or with a long lifetime"
            }
            Self::NoCharset => "FHIR JSON responses carry Content-Type without charset=utf-8",
            Self::HeaderInjection => {
                "a CR LF in a search value starts a response header of its own"
            }
            Self::Tls12Refused => {
                "(secure mode) only TLS 1.3 is spoken; TLS 1.2 handshakes are refused"
            }
            Self::TokenTypeNotBearer => {
                "token responses say token_type \"mac\" and give no expires_in"
            }
            Self::DistrustsAssuranceIssuer => {
                "tokens from the trusted assurance issuer are refused"
            }
            Self::RefusesValidReads => "reads (GET [type]/[id]) answer 401 even with a valid token",
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given matches no defect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown defect {name:?}; known defects: {known}")]
pub struct UnknownDefect {
    name: String,
    known: String,
}

impl FromStr for Defect {
    type Err = UnknownDefect;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::all()
            .iter()
            .copied()
            .find(|defect| defect.name() == name)
            .ok_or_else(|| UnknownDefect {
                name: name.to_owned(),
                known: Self::all()
                    .iter()
                    .map(|defect| defect.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<_> = Defect::all().iter().map(|d| d.name()).collect();
        for defect in Defect::all() {
            assert_eq!(defect.name().parse::<Defect>(), Ok(*defect));
            assert!(!defect.description().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Defect::all().len());
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let error = "no-such-defect".parse::<Defect>().unwrap_err();
        let message = error.to_string();
        assert!(message.contains("no-such-defect"), "{message}");
        assert!(message.contains("bare-404"), "{message}");
    }
}
