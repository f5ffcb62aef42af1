//! The embedded reference server a run without `--target` certifies: in secure mode (HTTPS
//! with a test CA, mutual TLS, an OAuth 2.0 authorization server), with the harness holding
//! exactly the credentials a supplier would hand an assurer: the CA to trust, a client
//! certificate, two OAuth clients and a trusted token issuer's key.

use std::net::{Ipv4Addr, SocketAddr};

use assure_reference::{Defect, RunningServer, SecureOptions, ServerOptions, start};

use crate::auth::{AuthConfig, JwtClient, Secret, SecretClient, SigningKey, TrustedIssuer};
use crate::cli::error::CliError;
use crate::http::TlsMaterial;

/// The scope of the run's own token on the embedded server: everything, so that the
/// checklist's reads and writes are allowed (the security checks ask for narrower ones).
const EMBEDDED_SCOPE: &str = "system/*.*";

/// A started embedded server and what a client needs for it.
pub struct Embedded {
    pub server: RunningServer,
    pub tls: TlsMaterial,
    pub auth: AuthConfig,
    /// Variables the run gets from the server: `plain_http_url`, and `nhs_jwt` (it takes
    /// NHS-style access tokens).
    pub variables: Vec<(String, String)>,
}

/// Starts the reference server with `defects` in secure mode.
pub async fn start_secure(defects: Vec<Defect>) -> Result<Embedded, CliError> {
    let server = start(ServerOptions {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        defects,
        secure: Some(SecureOptions { mutual_tls: true }),
        auth: true,
        ..ServerOptions::default()
    })
    .await
    .map_err(|e| CliError::target(format!("cannot start the embedded reference server: {e:#}")))?;
    let internal = |what: &str, reason: String| {
        CliError::internal(format!(
            "the embedded server's {what} cannot be used: {reason}"
        ))
    };
    let (Some(certificates), Some(credentials)) =
        (server.tls_credentials(), server.auth_credentials())
    else {
        return Err(CliError::internal(
            "the embedded server started without its secure-mode credentials",
        ));
    };
    let tls = TlsMaterial::from_pem(
        Some(&certificates.ca_cert_pem),
        Some((&certificates.client_cert_pem, &certificates.client_key_pem)),
    )
    .map_err(|e| internal("certificates", e.to_string()))?;
    let key = |pem: &str, kid: &str, origin: &str| {
        SigningKey::from_pem(pem, Some(kid.to_string()), origin)
            .map_err(|e| internal("keys", e.to_string()))
    };
    let auth = AuthConfig {
        secret_client: Some(SecretClient {
            id: credentials.secret_client_id.clone(),
            secret: Secret::new(credentials.secret_client_secret.clone()),
        }),
        jwt_client: Some(JwtClient {
            id: credentials.jwt_client_id.clone(),
            key: key(
                &credentials.jwt_client_key_pem,
                &credentials.jwt_client_kid,
                "the embedded JWT client's key",
            )?,
        }),
        issuer: Some(TrustedIssuer {
            issuer: credentials.issuer.clone(),
            key: key(
                &credentials.issuer_key_pem,
                &credentials.issuer_kid,
                "the embedded trusted issuer's key",
            )?,
        }),
        scope: EMBEDDED_SCOPE.to_string(),
        ..AuthConfig::default()
    };
    let mut variables = vec![("nhs_jwt".to_string(), "true".to_string())];
    if let Some(url) = server.plain_http_url() {
        variables.push(("plain_http_url".to_string(), url.to_string()));
    }
    Ok(Embedded {
        server,
        tls,
        auth,
        variables,
    })
}
