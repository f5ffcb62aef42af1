//! What a client needs to use the authorization server, handed to tests and the CLI.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::secure::private_file::write_private;

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

impl AuthCredentials {
    /// Writes `auth.toml` (the `--auth-config` file of `assure run`, scope `system/*.*`) and
    /// the two private keys it names into `dir`, each readable by its owner only; the path of
    /// `auth.toml`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        write_private(&dir.join("jwt-client-key.pem"), &self.jwt_client_key_pem)?;
        write_private(&dir.join("token-signing-key.pem"), &self.issuer_key_pem)?;
        let config = format!(
            "# OAuth clients of the assure reference server (assure run --auth-config)\n\
             client_id = {:?}\nclient_secret = {:?}\n\
             jwt_client_id = {:?}\njwt_client_key = \"jwt-client-key.pem\"\njwt_client_kid = {:?}\n\
             token_signing_key = \"token-signing-key.pem\"\ntoken_issuer = {:?}\ntoken_kid = {:?}\n\
             scope = \"system/*.*\"\n",
            self.secret_client_id,
            self.secret_client_secret,
            self.jwt_client_id,
            self.jwt_client_kid,
            self.issuer,
            self.issuer_kid,
        );
        let path = dir.join("auth.toml");
        write_private(&path, &config)?;
        Ok(path)
    }
}
