//! Client assertions for `private_key_jwt` (RFC 7523; SMART Backend Services): `iss` = `sub` =
//! the client id, `aud` = the token endpoint, `exp` at most five minutes ahead, a fresh `jti`.

use serde_json::json;

use super::config::JwtClient;
use super::error::AuthError;
use super::random::random_id;

/// Seconds an assertion is valid for.
pub(super) const ASSERTION_LIFETIME: i64 = 300;

/// A signed assertion of `client` for `token_endpoint`, issued at `now` (Unix seconds) and
/// expiring `lifetime` seconds after `now` (negative: already expired).
pub(super) fn client_assertion(
    client: &JwtClient,
    token_endpoint: &str,
    now: i64,
    lifetime: i64,
) -> Result<String, AuthError> {
    let issued_at = now.min(now + lifetime - ASSERTION_LIFETIME);
    client.key.sign(&json!({
        "iss": client.id,
        "sub": client.id,
        "aud": token_endpoint,
        "exp": now + lifetime,
        "iat": issued_at,
        "jti": random_id(),
    }))
}
