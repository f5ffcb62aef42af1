//! Access tokens: issuing them (RS256 JWTs) and verifying the bearer tokens presented to the
//! FHIR API, whether issued here or by the trusted assurance issuer.

use serde::Serialize;

use super::assurance::{self, ASSURANCE_ISSUER};
use super::authority::Authority;
use super::compact::{Alg, CompactJwt, LEEWAY, now};
use super::keys::random_id;
use super::scope::Scopes;
use crate::defect::Defect;
use crate::state::ServerState;

/// Lifetime of the access tokens issued, in seconds.
pub(crate) const LIFETIME: i64 = 300;

#[derive(Serialize)]
struct Claims<'a> {
    iss: String,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    nbf: i64,
    jti: String,
    scope: &'a str,
}

/// A new access token for `client_id` granting `scope`.
pub(crate) fn issue(authority: &Authority, client_id: &str, scope: &str) -> anyhow::Result<String> {
    let now = now();
    authority.access_key().sign(&Claims {
        iss: authority.issuer(),
        sub: client_id,
        aud: authority.audience(),
        exp: now + LIFETIME,
        iat: now,
        nbf: now,
        jti: random_id("at")?,
        scope,
    })
}

/// What a bearer token lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Everything: a defect let a request through without a usable token.
    Unlimited,
    /// What the token's scopes allow, within `patient`'s compartment for `patient/` scopes.
    Scoped {
        /// The resource scopes granted.
        scopes: Scopes,
        /// The patient in context (`patient` claim), if any.
        patient: Option<String>,
    },
}

/// Who signed a token, and so what it must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signer {
    /// This authorization server.
    Authority,
    /// The trusted assurance issuer.
    Assurance,
}

/// Verifies `token` as the FHIR API's defects allow; the reason for refusal otherwise.
pub(crate) fn verify(
    state: &ServerState,
    authority: &Authority,
    token: &str,
) -> Result<Grant, String> {
    let Some(jwt) = CompactJwt::parse(token) else {
        return if state.has(Defect::AcceptsMalformedToken) {
            Ok(Grant::Unlimited)
        } else {
            Err("the bearer token is not a JWT".to_owned())
        };
    };
    let signer = check_signature(state, authority, &jwt)?;
    let expected_issuer = match signer {
        Signer::Authority => authority.issuer(),
        Signer::Assurance => ASSURANCE_ISSUER.to_owned(),
    };
    if jwt.string("iss") != Some(expected_issuer.as_str()) && !state.has(Defect::IgnoresIssuer) {
        return Err("the token's issuer is not trusted".to_owned());
    }
    if !jwt.has_audience(authority.audience()) && !state.has(Defect::IgnoresAudience) {
        return Err(format!(
            "the token's audience is not this server ({})",
            authority.audience()
        ));
    }
    check_times(state, &jwt)?;
    let scope = match signer {
        Signer::Authority => jwt.string("scope").unwrap_or_default(),
        Signer::Assurance => {
            if !state.has(Defect::NhsClaimsNotRequired) {
                assurance::check_claims(&jwt)?;
            }
            assurance::scope(&jwt)
        }
    };
    Ok(Grant::Scoped {
        scopes: Scopes::parse(scope),
        patient: jwt.string("patient").map(str::to_owned),
    })
}

/// Checks the signature against the server's keys and the assurance issuer's; who signed.
fn check_signature(
    state: &ServerState,
    authority: &Authority,
    jwt: &CompactJwt<'_>,
) -> Result<Signer, String> {
    let claimed = if jwt.string("iss") == Some(ASSURANCE_ISSUER) {
        Signer::Assurance
    } else {
        Signer::Authority
    };
    if state.has(Defect::SkipsSignatureCheck) {
        return Ok(claimed);
    }
    let algorithm = match jwt.alg() {
        Alg::None if state.has(Defect::AcceptsAlgNone) => return Ok(claimed),
        Alg::None => return Err("unsigned tokens (alg none) are refused".to_owned()),
        Alg::Unsupported => return Err("the token's alg is not RS256 or ES256".to_owned()),
        Alg::Signed(algorithm) => algorithm,
    };
    let assurance = (!state.has(Defect::DistrustsAssuranceIssuer))
        .then(|| (authority.assurance_key(), Signer::Assurance));
    let keys = authority
        .own_keys()
        .map(|key| (key, Signer::Authority))
        .into_iter()
        .chain(assurance);
    keys.filter(|(key, _)| jwt.kid().is_none_or(|kid| kid == key.kid()))
        .find(|(key, _)| key.verifies(algorithm, jwt.signing_input.as_bytes(), jwt.signature))
        .map(|(_, signer)| signer)
        .ok_or_else(|| "the token's signature does not verify with a trusted key".to_owned())
}

/// Checks `exp` (required) and `nbf` against the clock.
fn check_times(state: &ServerState, jwt: &CompactJwt<'_>) -> Result<(), String> {
    let now = now();
    match jwt.seconds("exp") {
        None => return Err("the token has no exp".to_owned()),
        Some(exp) if exp + LEEWAY < now && !state.has(Defect::AcceptsExpiredToken) => {
            return Err("the token has expired".to_owned());
        }
        Some(_) => {}
    }
    match jwt.seconds("nbf") {
        Some(nbf) if nbf - LEEWAY > now && !state.has(Defect::AcceptsFutureToken) => {
            Err("the token is not valid yet (nbf)".to_owned())
        }
        _ => Ok(()),
    }
}
