//! A private key that signs JWTs: client assertions (`private_key_jwt`) and minted access
//! tokens. EC (P-256) keys sign with ES256, RSA keys with RS384 (the algorithms SMART Backend
//! Services names); both must be PEM, PKCS#8 (`BEGIN PRIVATE KEY`) or, for RSA, PKCS#1.

use std::fmt;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Value;

use super::error::{AuthConfigError, AuthError};
use super::secret::Secret;

/// A signing key with its algorithm and key id. Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct SigningKey {
    key: EncodingKey,
    algorithm: Algorithm,
    kid: Option<String>,
    pem: Secret,
}

impl SigningKey {
    /// The key in `pem`, announced as `kid` in the JWT header when given; `origin` names where
    /// the PEM came from in errors (a file path). The key is tried once so that an unusable
    /// one is reported now.
    pub fn from_pem(
        pem: &str,
        kid: Option<String>,
        origin: &str,
    ) -> Result<SigningKey, AuthConfigError> {
        let error = |reason: String| AuthConfigError::Key {
            origin: origin.to_string(),
            reason,
        };
        if pem.contains("BEGIN EC PRIVATE KEY") {
            return Err(error(
                "an EC key must be PKCS#8 (`BEGIN PRIVATE KEY`); convert it with \
                 `openssl pkcs8 -topk8 -nocrypt`"
                    .into(),
            ));
        }
        let (key, algorithm) = match EncodingKey::from_ec_pem(pem.as_bytes()) {
            Ok(key) => (key, Algorithm::ES256),
            Err(_) => match EncodingKey::from_rsa_pem(pem.as_bytes()) {
                Ok(key) => (key, Algorithm::RS384),
                Err(e) => return Err(error(format!("not a PEM EC or RSA private key ({e})"))),
            },
        };
        let signing_key = SigningKey {
            key,
            algorithm,
            kid,
            pem: Secret::new(pem),
        };
        signing_key
            .sign(&Value::Object(Default::default()))
            .map_err(|e| error(e.to_string()))?;
        Ok(signing_key)
    }

    /// The JWS algorithm it signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The key id announced in the JWT header.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The PEM text, a secret to redact.
    pub(super) fn pem(&self) -> &str {
        self.pem.expose()
    }

    /// A compact JWT of `claims`, header `{"typ":"JWT","alg":..,"kid":..}`.
    pub fn sign(&self, claims: &Value) -> Result<String, AuthError> {
        let mut header = Header::new(self.algorithm);
        header.kid = self.kid.clone();
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|e| AuthError::Signing(e.to_string()))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish()
    }
}
