//! `GET /.well-known/smart-configuration` and `GET /auth/jwks`: what clients discover about
//! the authorization server.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::context::AuthContext;
use crate::defect::Defect;

/// The scopes advertised: system-wide and patient-compartment access in SMART v1 and v2 forms.
const SCOPES_SUPPORTED: &[&str] = &[
    "system/*.read",
    "system/*.write",
    "system/*.*",
    "system/*.rs",
    "system/*.cruds",
    "patient/*.read",
    "patient/*.rs",
];

/// `GET /.well-known/smart-configuration` (also under the FHIR base).
pub(crate) async fn smart_configuration(State(context): State<AuthContext>) -> Json<Value> {
    let authority = &context.authority;
    let mut configuration = json!({
        "issuer": authority.issuer(),
        "jwks_uri": authority.jwks_uri(),
        "token_endpoint": authority.token_endpoint(),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt",
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
        "scopes_supported": SCOPES_SUPPORTED,
        "capabilities": [
            "client-confidential-symmetric",
            "client-confidential-asymmetric",
            "permission-v1",
            "permission-v2",
            "permission-patient",
        ],
    });
    if context.server.has(Defect::DiscoveryIncomplete)
        && let Some(fields) = configuration.as_object_mut()
    {
        fields.remove("token_endpoint_auth_methods_supported");
        fields.remove("grant_types_supported");
    }
    Json(configuration)
}

/// `GET /auth/jwks`: the public keys access tokens are signed with.
pub(crate) async fn jwks(State(context): State<AuthContext>) -> Json<Value> {
    Json(context.authority.jwks())
}
