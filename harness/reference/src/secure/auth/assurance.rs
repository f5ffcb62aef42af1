//! The trusted assurance issuer: an outside token issuer whose ES256 key the server trusts, as
//! NHS national services trust tokens carrying the requester's identity and reason.

use super::compact::CompactJwt;

/// The `iss` of tokens from the assurance issuer.
pub(crate) const ASSURANCE_ISSUER: &str = "assure-test-issuer";

/// Longest lifetime (`exp - iat`) of an assurance-issuer token, in seconds.
pub(crate) const MAX_LIFETIME: i64 = 300;

/// The claims every assurance-issuer token must carry.
pub(crate) const REQUIRED_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "reason_for_request",
    "requested_scope",
    "requesting_device",
    "requesting_organization",
    "requesting_practitioner",
];

/// Checks the claims an assurance-issuer token must carry and its lifetime; the reason for
/// refusal otherwise.
pub(crate) fn check_claims(jwt: &CompactJwt<'_>) -> Result<(), String> {
    let missing: Vec<&str> = REQUIRED_CLAIMS
        .iter()
        .copied()
        .filter(|claim| {
            jwt.claims
                .get(*claim)
                .is_none_or(serde_json::Value::is_null)
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the token lacks the required claims {}",
            missing.join(", ")
        ));
    }
    match (jwt.seconds("iat"), jwt.seconds("exp")) {
        (Some(iat), Some(exp)) if exp - iat <= MAX_LIFETIME => Ok(()),
        (Some(_), Some(_)) => Err(format!(
            "the token lives longer than {MAX_LIFETIME} seconds"
        )),
        _ => Err("the token's iat and exp must be numeric dates".to_owned()),
    }
}

/// The scopes an assurance-issuer token grants: its `requested_scope` (or, lacking one, its
/// `scope`).
pub(crate) fn scope<'a>(jwt: &'a CompactJwt<'_>) -> &'a str {
    jwt.string("requested_scope")
        .or_else(|| jwt.string("scope"))
        .unwrap_or_default()
}
