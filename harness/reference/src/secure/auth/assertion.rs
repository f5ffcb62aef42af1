//! `private_key_jwt` client authentication: a client assertion (RFC 7523) signed with the
//! client's registered key, as SMART Backend Services require.

use super::clients::JWT_CLIENT_ID;
use super::compact::{Alg, CompactJwt, LEEWAY, now};
use super::context::AuthContext;
use super::form::Form;
use super::oauth_error::OAuthError;
use crate::defect::Defect;

/// The only `client_assertion_type` accepted.
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Longest time an assertion may still be valid for, in seconds.
const MAX_AHEAD: i64 = 300;

/// Authenticates the client from `client_assertion`; its client id.
pub(crate) fn authenticate(context: &AuthContext, form: &Form) -> Result<String, OAuthError> {
    let reject = |reason: &str| OAuthError::invalid_client(reason, false);
    if form.get("client_assertion_type") != Some(JWT_BEARER) {
        return Err(OAuthError::invalid_request(format!(
            "client_assertion_type must be {JWT_BEARER}"
        )));
    }
    let assertion = form.get("client_assertion").unwrap_or_default();
    let jwt =
        CompactJwt::parse(assertion).ok_or_else(|| reject("the client assertion is not a JWT"))?;
    let client_id = jwt.string("iss").unwrap_or_default();
    if client_id != JWT_CLIENT_ID {
        return Err(reject(
            "the assertion's iss is not a client registered for private_key_jwt",
        ));
    }
    if jwt.string("sub") != Some(client_id) {
        return Err(reject("the assertion's sub must equal its iss"));
    }
    if form.get("client_id").is_some_and(|id| id != client_id) {
        return Err(reject("client_id differs from the assertion's iss"));
    }
    let key = context.authority.clients().jwt_key();
    let signed = match jwt.alg() {
        Alg::Signed(algorithm) => {
            jwt.kid().is_none_or(|kid| kid == key.kid())
                && key.verifies(algorithm, jwt.signing_input.as_bytes(), jwt.signature)
        }
        Alg::None | Alg::Unsupported => false,
    };
    if !signed {
        return Err(reject(
            "the assertion's signature does not verify with the client's key",
        ));
    }
    let endpoint = context.authority.token_endpoint();
    if !jwt.has_audience(&endpoint) {
        return Err(reject("the assertion's aud must be the token endpoint URL"));
    }
    let now = now();
    let exp = jwt
        .seconds("exp")
        .ok_or_else(|| reject("the assertion has no exp"))?;
    if exp + LEEWAY < now && !context.server.has(Defect::AcceptsExpiredAssertion) {
        return Err(reject("the assertion has expired"));
    }
    if exp > now + MAX_AHEAD + LEEWAY {
        return Err(reject("the assertion's exp is more than 5 minutes ahead"));
    }
    let jti = jwt
        .string("jti")
        .ok_or_else(|| reject("the assertion has no jti"))?;
    if !context.server.has(Defect::AcceptsReusedAssertion)
        && !context
            .authority
            .replay()
            .first_use(client_id, jti, exp, now)
    {
        return Err(reject("the assertion's jti has been used before"));
    }
    Ok(client_id.to_owned())
}
