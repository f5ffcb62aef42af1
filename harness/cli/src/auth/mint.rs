//! Access tokens minted with a key the target trusts, as an external issuer would issue them.
//!
//! Default claims: `iss`, `sub`, `aud`, `exp` (now + 300 s), `iat`, `nbf`, `jti`, `scope`, and
//! the claims of the NHS England JWT for user-restricted access to national services (the
//! GP Connect / Spine access-token profile): `reason_for_request` (`directcare`),
//! `requested_scope` (the scope), and the requester as small FHIR resources:
//! `requesting_device` (a Device identified by this harness), `requesting_organization` (an
//! Organization with an ODS code) and `requesting_practitioner` (a Practitioner with an SDS
//! user id and role profile id, whose id is the token's `sub`). The identifiers are test
//! values, not real ones. `patient` is added when a patient is named.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::AuthError;
use super::random::random_id;

/// Seconds a minted token is valid for unless asked otherwise.
const DEFAULT_LIFETIME: i64 = 300;

/// The `sub` of minted tokens: the requesting practitioner's id.
const PRACTITIONER_ID: &str = "assure-practitioner";

/// What to change in a minted token; all default to a well-formed token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MintSpec {
    /// `scope` and `requested_scope` (default: the configured scope).
    pub scope: Option<String>,
    /// Adds a `patient` claim with this Patient id.
    pub patient: Option<String>,
    /// Seconds from now to `exp` (default 300; negative for an expired token).
    pub lifetime: Option<i64>,
    /// Seconds from now to `nbf` (default 0; positive for a token not yet valid).
    pub not_before_offset: Option<i64>,
    /// Seconds from now to `iat` (default 0).
    pub issued_at_offset: Option<i64>,
    /// `iss` (default: the trusted issuer).
    pub issuer: Option<String>,
    /// `aud` (default: the configured audience, else the FHIR base URL).
    pub audience: Option<String>,
    /// Claims left out, by name.
    pub omit: Vec<String>,
}

/// What a minted token says unless the spec overrides it.
pub(super) struct MintDefaults<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub scope: &'a str,
}

/// The claims of a token minted per `spec` at `now` (Unix seconds).
pub(super) fn claims(
    spec: &MintSpec,
    defaults: &MintDefaults<'_>,
    now: i64,
) -> Result<Map<String, Value>, AuthError> {
    let scope = spec.scope.as_deref().unwrap_or(defaults.scope);
    let mut claims = Map::new();
    let mut set = |name: &str, value: Value| {
        claims.insert(name.to_string(), value);
    };
    set(
        "iss",
        json!(spec.issuer.as_deref().unwrap_or(defaults.issuer)),
    );
    set("sub", json!(PRACTITIONER_ID));
    set(
        "aud",
        json!(spec.audience.as_deref().unwrap_or(defaults.audience)),
    );
    set(
        "exp",
        json!(now + spec.lifetime.unwrap_or(DEFAULT_LIFETIME)),
    );
    set("iat", json!(now + spec.issued_at_offset.unwrap_or(0)));
    set("nbf", json!(now + spec.not_before_offset.unwrap_or(0)));
    set("jti", json!(random_id()));
    set("scope", json!(scope));
    set("reason_for_request", json!("directcare"));
    set("requested_scope", json!(scope));
    set(
        "requesting_device",
        json!({
            "resourceType": "Device",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/assure-device", "value": "assure"}],
            "model": "assure",
            "version": env!("CARGO_PKG_VERSION"),
        }),
    );
    set(
        "requesting_organization",
        json!({
            "resourceType": "Organization",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "X99999"}],
            "name": "Assurance test organisation",
        }),
    );
    set(
        "requesting_practitioner",
        json!({
            "resourceType": "Practitioner",
            "id": PRACTITIONER_ID,
            "identifier": [
                {"system": "https://fhir.nhs.uk/Id/sds-user-id", "value": "999999999999"},
                {"system": "https://fhir.nhs.uk/Id/sds-role-profile-id", "value": "999999999999"},
            ],
            "name": [{"family": "Assurance", "given": ["Test"], "prefix": ["Dr"]}],
        }),
    );
    if let Some(patient) = &spec.patient {
        set("patient", json!(patient));
    }
    for name in &spec.omit {
        if claims.remove(name).is_none() {
            return Err(AuthError::Invalid(format!(
                "cannot omit `{name}`: a minted token has no such claim"
            )));
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: MintDefaults<'static> = MintDefaults {
        issuer: "assure-test-issuer",
        audience: "https://example.org/fhir",
        scope: "system/*.read",
    };

    #[test]
    fn default_claims_are_the_registered_ones_and_the_nhs_set() {
        let claims = claims(&MintSpec::default(), &DEFAULTS, 1_000).unwrap();
        let names: Vec<&str> = claims.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "iss",
                "sub",
                "aud",
                "exp",
                "iat",
                "nbf",
                "jti",
                "scope",
                "reason_for_request",
                "requested_scope",
                "requesting_device",
                "requesting_organization",
                "requesting_practitioner"
            ]
        );
        assert_eq!(claims["iss"], "assure-test-issuer");
        assert_eq!(claims["aud"], "https://example.org/fhir");
        assert_eq!(claims["exp"], 1_300);
        assert_eq!(claims["iat"], 1_000);
        assert_eq!(claims["nbf"], 1_000);
        assert_eq!(claims["scope"], "system/*.read");
        assert_eq!(claims["requested_scope"], "system/*.read");
        assert_eq!(claims["reason_for_request"], "directcare");
        assert_eq!(claims["sub"], claims["requesting_practitioner"]["id"]);
        assert_eq!(claims["requesting_device"]["resourceType"], "Device");
        assert_eq!(
            claims["requesting_organization"]["resourceType"],
            "Organization"
        );
        assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
    }

    #[test]
    fn overrides_and_omissions_apply() {
        let spec = MintSpec {
            scope: Some("patient/Observation.read".into()),
            patient: Some("p1".into()),
            lifetime: Some(-60),
            not_before_offset: Some(120),
            issued_at_offset: Some(-30),
            issuer: Some("someone-else".into()),
            audience: Some("https://other.example/fhir".into()),
            omit: vec!["reason_for_request".into(), "jti".into()],
        };
        let claims = claims(&spec, &DEFAULTS, 1_000).unwrap();
        assert_eq!(claims["scope"], "patient/Observation.read");
        assert_eq!(claims["requested_scope"], "patient/Observation.read");
        assert_eq!(claims["patient"], "p1");
        assert_eq!(claims["exp"], 940);
        assert_eq!(claims["nbf"], 1_120);
        assert_eq!(claims["iat"], 970);
        assert_eq!(claims["iss"], "someone-else");
        assert_eq!(claims["aud"], "https://other.example/fhir");
        assert!(!claims.contains_key("reason_for_request"));
        assert!(!claims.contains_key("jti"));
    }

    #[test]
    fn omitting_an_unknown_claim_is_an_error() {
        let spec = MintSpec {
            omit: vec!["patient".into()],
            ..MintSpec::default()
        };
        assert!(matches!(
            claims(&spec, &DEFAULTS, 0),
            Err(AuthError::Invalid(_))
        ));
    }
}
