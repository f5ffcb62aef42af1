//! The reference server's OAuth 2.0 authorization server (SMART Backend Services: client
//! credentials with a client secret or a signed client assertion) and the enforcement of
//! bearer tokens and their scopes on the FHIR API.
//!
//! Routes, on the server's origin: `GET /.well-known/smart-configuration` (also under the FHIR
//! base), `GET /auth/jwks`, `POST /auth/token`. Every FHIR route but `GET /metadata` then needs
//! `Authorization: Bearer` with a token issued here or by the trusted assurance issuer.

mod access_token;
mod assertion;
mod assurance;
mod authority;
mod clients;
mod compact;
mod compartment;
mod context;
mod credentials;
mod discovery;
mod enforce;
mod form;
mod keys;
mod oauth_error;
mod patient_access;
mod refusal;
mod replay;
mod scope;
mod target;
mod token_endpoint;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

pub use authority::Authority;
pub(crate) use context::AuthContext;
pub use credentials::AuthCredentials;

use crate::base_path::BASE_PATH;
use crate::state::ServerState;
use authority::{JWKS_PATH, SMART_CONFIGURATION_PATH, TOKEN_PATH};

/// `router` with the authorization server's routes added and every FHIR route protected.
pub(crate) fn protect(router: Router<ServerState>, context: AuthContext) -> Router<ServerState> {
    let auth_routes = Router::new()
        .route(
            SMART_CONFIGURATION_PATH,
            get(discovery::smart_configuration),
        )
        .route(
            &format!("{BASE_PATH}{SMART_CONFIGURATION_PATH}"),
            get(discovery::smart_configuration),
        )
        .route(JWKS_PATH, get(discovery::jwks))
        .route(TOKEN_PATH, post(token_endpoint::token))
        .with_state(context.clone());
    router
        .merge(auth_routes)
        .layer(from_fn_with_state(context, enforce::enforce))
}
