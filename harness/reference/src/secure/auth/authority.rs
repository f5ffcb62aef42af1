//! The authorization server's identity: its URLs, signing keys, clients and trusted issuer.

use serde_json::{Value, json};

use super::assurance::ASSURANCE_ISSUER;
use super::clients::{Clients, JWT_CLIENT_ID, SECRET_CLIENT_ID};
use super::credentials::AuthCredentials;
use super::keys::SigningKey;
use super::replay::ReplayCache;

/// Path of the token endpoint, under the origin.
pub(crate) const TOKEN_PATH: &str = "/auth/token";
/// Path of the JSON Web Key Set, under the origin.
pub(crate) const JWKS_PATH: &str = "/auth/jwks";
/// Path of the SMART configuration, under the origin and under the FHIR base.
pub(crate) const SMART_CONFIGURATION_PATH: &str = "/.well-known/smart-configuration";

/// An OAuth 2.0 authorization server for SMART Backend Services, generated afresh at each start:
/// RS256 and ES256 signing keys, the clients `secret-client` and `jwt-client`, and the key of the
/// trusted assurance issuer.
#[derive(Debug)]
pub struct Authority {
    origin: String,
    audience: String,
    rsa: SigningKey,
    ec: SigningKey,
    assurance: SigningKey,
    clients: Clients,
    replay: ReplayCache,
}

impl Authority {
    /// A new authority for a server at `origin` (`http://127.0.0.1:8080`, no trailing slash)
    /// whose FHIR base URL, the tokens' audience, is `fhir_base_url`. Generates every key, so
    /// call it off the async runtime's worker threads when that matters.
    pub fn generate(origin: &str, fhir_base_url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            origin: origin.trim_end_matches('/').to_owned(),
            audience: fhir_base_url.trim_end_matches('/').to_owned(),
            rsa: SigningKey::rsa()?,
            ec: SigningKey::ec()?,
            assurance: SigningKey::ec()?,
            clients: Clients::generate()?,
            replay: ReplayCache::default(),
        })
    }

    /// The credentials clients use to obtain and mint tokens.
    pub fn credentials(&self) -> AuthCredentials {
        AuthCredentials {
            token_endpoint: self.token_endpoint(),
            secret_client_id: SECRET_CLIENT_ID.to_owned(),
            secret_client_secret: self.clients.secret().to_owned(),
            jwt_client_id: JWT_CLIENT_ID.to_owned(),
            jwt_client_key_pem: self.clients.jwt_key().private_pem().to_owned(),
            jwt_client_kid: self.clients.jwt_key().kid().to_owned(),
            issuer: ASSURANCE_ISSUER.to_owned(),
            issuer_key_pem: self.assurance.private_pem().to_owned(),
            issuer_kid: self.assurance.kid().to_owned(),
        }
    }

    /// The `iss` of the access tokens this server issues: `<origin>/auth`.
    pub(crate) fn issuer(&self) -> String {
        format!("{}/auth", self.origin)
    }

    /// The audience of access tokens: the FHIR base URL.
    pub(crate) fn audience(&self) -> &str {
        &self.audience
    }

    /// The token endpoint URL, also the audience of client assertions.
    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}{TOKEN_PATH}", self.origin)
    }

    /// The JWKS URL.
    pub(crate) fn jwks_uri(&self) -> String {
        format!("{}{JWKS_PATH}", self.origin)
    }

    /// The key access tokens are signed with.
    pub(crate) fn access_key(&self) -> &SigningKey {
        &self.rsa
    }

    /// The server's own verification keys, both published in the JWKS.
    pub(crate) fn own_keys(&self) -> [&SigningKey; 2] {
        [&self.rsa, &self.ec]
    }

    /// The trusted assurance issuer's key.
    pub(crate) fn assurance_key(&self) -> &SigningKey {
        &self.assurance
    }

    /// The registered clients.
    pub(crate) fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The client assertion ids already used.
    pub(crate) fn replay(&self) -> &ReplayCache {
        &self.replay
    }

    /// The JSON Web Key Set of the server's own keys.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": self.own_keys().map(SigningKey::jwk) })
    }
}
