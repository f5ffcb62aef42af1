//! What a client needs to use the authorization server, handed to tests and the CLI.

use std::fmt;

/// The credentials of the registered clients and of the trusted assurance issuer.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthCredentials {
    /// The token endpoint, `<origin>/auth/token`.
    pub token_endpoint: String,
    /// Id of the client using `client_secret_basic` or `client_secret_post`.
    pub secret_client_id: String,
    /// That client's secret.
    pub secret_client_secret: String,
    /// Id of the client using `private_key_jwt`.
    pub jwt_client_id: String,
    /// That client's ES256 private key, PKCS#8 PEM.
    pub jwt_client_key_pem: String,
    /// The `kid` to put in that client's assertions.
    pub jwt_client_kid: String,
    /// The `iss` of tokens from the trusted assurance issuer (`assure-test-issuer`).
    pub issuer: String,
    /// The assurance issuer's ES256 private key, PKCS#8 PEM.
    pub issuer_key_pem: String,
    /// The `kid` to put in the assurance issuer's tokens.
    pub issuer_kid: String,
}

impl fmt::Debug for AuthCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets and private keys are never shown.
        f.debug_struct("AuthCredentials")
            .field("token_endpoint", &self.token_endpoint)
            .field("secret_client_id", &self.secret_client_id)
            .field("jwt_client_id", &self.jwt_client_id)
            .field("jwt_client_kid", &self.jwt_client_kid)
            .field("issuer", &self.issuer)
            .field("issuer_kid", &self.issuer_kid)
            .finish_non_exhaustive()
    }
}
