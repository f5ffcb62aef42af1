//! The OAuth clients registered with the authorization server.

use anyhow::anyhow;

use super::keys::{SigningKey, hex};

/// Id of the client that authenticates with a shared secret.
pub(crate) const SECRET_CLIENT_ID: &str = "secret-client";
/// Id of the client that authenticates with a signed assertion (`private_key_jwt`).
pub(crate) const JWT_CLIENT_ID: &str = "jwt-client";

/// The registered clients and their credentials.
#[derive(Debug)]
pub(crate) struct Clients {
    secret: Secret,
    jwt_key: SigningKey,
}

/// A client secret; never shown by `Debug`.
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Clients {
    /// Registers both clients with fresh credentials: a random secret and an ES256 key pair.
    pub(crate) fn generate() -> anyhow::Result<Self> {
        let mut bytes = [0u8; 24];
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| anyhow!("the random source failed"))?;
        Ok(Self {
            secret: Secret(hex(&bytes)),
            jwt_key: SigningKey::ec()?,
        })
    }

    /// The secret client's secret.
    pub(crate) fn secret(&self) -> &str {
        &self.secret.0
    }

    /// The key pair whose public half verifies the JWT client's assertions.
    pub(crate) fn jwt_key(&self) -> &SigningKey {
        &self.jwt_key
    }

    /// Whether `client_id` and `secret` are the secret client's credentials (constant time).
    pub(crate) fn secret_matches(&self, client_id: &str, secret: &str) -> bool {
        let secret_ok = aws_lc_rs::constant_time::verify_slices_are_equal(
            secret.as_bytes(),
            self.secret().as_bytes(),
        )
        .is_ok();
        client_id == SECRET_CLIENT_ID && secret_ok
    }
}
