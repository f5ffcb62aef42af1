//! What credentials the harness has for the target. Built from the environment and an
//! optional file ([`AuthConfig::load`]), or directly (e.g. from a test server's credentials).

use super::key::SigningKey;
use super::secret::Secret;

/// The scope requested when nothing else is asked for.
pub const DEFAULT_SCOPE: &str = "system/*.read";

/// Every credential for the target; any may be missing.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// A static bearer token (`ASSURE_TOKEN`).
    pub token: Option<Secret>,
    /// A client authenticating with `client_secret_basic`.
    pub secret_client: Option<SecretClient>,
    /// A client authenticating with `private_key_jwt`.
    pub jwt_client: Option<JwtClient>,
    /// A key the target trusts as an access-token issuer, for minted tokens.
    pub issuer: Option<TrustedIssuer>,
    /// The scope requested by default (`ASSURE_SCOPE`, default [`DEFAULT_SCOPE`]).
    pub scope: String,
    /// The `aud` of minted tokens (`ASSURE_TOKEN_AUDIENCE`; default: the FHIR base URL).
    pub audience: Option<String>,
}

/// An OAuth2 client with a shared secret (`ASSURE_CLIENT_ID`, `ASSURE_CLIENT_SECRET`).
#[derive(Debug, Clone)]
pub struct SecretClient {
    /// The client id.
    pub id: String,
    /// The client secret.
    pub secret: Secret,
}

/// An OAuth2 client authenticating with a signed assertion (`ASSURE_JWT_CLIENT_ID`,
/// `ASSURE_JWT_CLIENT_KEY`, `ASSURE_JWT_CLIENT_KID`).
#[derive(Debug, Clone)]
pub struct JwtClient {
    /// The client id (`iss` and `sub` of its assertions).
    pub id: String,
    /// Its private key, with the key id the target knows it by.
    pub key: SigningKey,
}

/// A token issuer the target trusts (`ASSURE_TOKEN_SIGNING_KEY`, `ASSURE_TOKEN_ISSUER`,
/// `ASSURE_TOKEN_KID`).
#[derive(Debug, Clone)]
pub struct TrustedIssuer {
    /// The `iss` of minted tokens.
    pub issuer: String,
    /// The key that signs them.
    pub key: SigningKey,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            token: None,
            secret_client: None,
            jwt_client: None,
            issuer: None,
            scope: DEFAULT_SCOPE.to_string(),
            audience: None,
        }
    }
}

impl AuthConfig {
    /// True when there is no credential of any kind.
    pub fn is_empty(&self) -> bool {
        self.token.is_none()
            && self.secret_client.is_none()
            && self.jwt_client.is_none()
            && self.issuer.is_none()
    }

    /// True when a bearer token for the run can be had: a static token or a client.
    pub fn can_obtain_token(&self) -> bool {
        self.token.is_some() || self.secret_client.is_some() || self.jwt_client.is_some()
    }

    /// Every secret value: the static token, the client secret, the private keys' PEM text.
    pub(super) fn secrets(&self) -> Vec<&str> {
        let mut secrets = Vec::new();
        if let Some(token) = &self.token {
            secrets.push(token.expose());
        }
        if let Some(client) = &self.secret_client {
            secrets.push(client.secret.expose());
        }
        if let Some(client) = &self.jwt_client {
            secrets.push(client.key.pem());
        }
        if let Some(issuer) = &self.issuer {
            secrets.push(issuer.key.pem());
        }
        secrets
    }
}
