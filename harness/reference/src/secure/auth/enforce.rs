//! The layer in front of the FHIR API: a valid bearer token is required on every route but
//! `GET /metadata` and the SMART configuration, and its scopes must cover the request.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use super::access_token::{self, Grant};
use super::authority::SMART_CONFIGURATION_PATH;
use super::context::AuthContext;
use super::patient_access;
use super::refusal::{Unauthenticated, forbidden, unauthorized};
use super::scope::{Coverage, Interaction};
use super::target::Target;
use crate::base_path::BASE_PATH;
use crate::defect::Defect;
use crate::state::ServerState;

/// What a request may do.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    /// Everything it asks.
    Full,
    /// What lies in this patient's compartment.
    Compartment(String),
    /// Nothing; why.
    Denied(String),
}

/// Middleware: authenticates and authorizes requests under the FHIR base path.
pub(crate) async fn enforce(
    State(context): State<AuthContext>,
    request: Request,
    next: Next,
) -> Response {
    let Some(relative) = fhir_relative_path(request.uri().path()) else {
        return next.run(request).await;
    };
    if is_public(request.method(), relative) {
        return next.run(request).await;
    }
    let target = Target::of(request.method(), relative);
    let state = &context.server;
    let grant = match bearer_token(&request, state) {
        None if state.has(Defect::AcceptsMissingToken) => Grant::Unlimited,
        None => {
            return unauthorized(
                state,
                Unauthenticated::NoToken,
                "a bearer token is required in the Authorization header",
            );
        }
        Some(token) => match access_token::verify(state, &context.authority, &token) {
            Ok(grant) => grant,
            Err(reason) => return unauthorized(state, Unauthenticated::InvalidToken, &reason),
        },
    };
    if state.has(Defect::RefusesValidReads) && target.interaction == Interaction::Read {
        return unauthorized(
            state,
            Unauthenticated::InvalidToken,
            "the token is not accepted for reads",
        );
    }
    match access(state, &grant, &target) {
        Access::Full => next.run(request).await,
        Access::Denied(reason) => forbidden(state, &reason),
        Access::Compartment(patient) => {
            patient_access::guard(state, &patient, &target, request, next).await
        }
    }
}

/// The path relative to the FHIR base (`""` for the base itself); `None` outside it.
fn fhir_relative_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(BASE_PATH)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Whether the request needs no token: the CapabilityStatement and the SMART configuration.
fn is_public(method: &Method, relative_path: &str) -> bool {
    let reading = method == Method::GET || method == Method::HEAD;
    reading && (relative_path == "/metadata" || relative_path == SMART_CONFIGURATION_PATH)
}

/// The bearer token from the `Authorization` header (or, with `token-in-query-accepted`,
/// from an `access_token` query parameter).
fn bearer_token(request: &Request, state: &ServerState) -> Option<String> {
    let from_header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .map(str::to_owned);
    if from_header.is_some() || !state.has(Defect::TokenInQueryAccepted) {
        return from_header;
    }
    form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(name, _)| name == "access_token")
        .map(|(_, token)| token.into_owned())
}

/// What `grant` allows for `target`.
fn access(state: &ServerState, grant: &Grant, target: &Target) -> Access {
    let Grant::Scoped { scopes, patient } = grant else {
        return Access::Full;
    };
    if state.has(Defect::IgnoresScopes) {
        return Access::Full;
    }
    let coverage = scopes.coverage(
        target.resource_type.as_deref(),
        target.interaction,
        state.has(Defect::WriteWithReadScope),
    );
    match coverage {
        Coverage::Full => Access::Full,
        Coverage::None => Access::Denied(format!(
            "the token's scopes do not allow {} on {}",
            target.interaction,
            target
                .resource_type
                .as_deref()
                .unwrap_or("the whole system")
        )),
        Coverage::Compartment if state.has(Defect::IgnoresPatientCompartment) => Access::Full,
        Coverage::Compartment => match patient {
            Some(patient) => Access::Compartment(patient.clone()),
            None => Access::Denied(
                "patient/ scopes need a patient in context, and the token has no patient claim"
                    .to_owned(),
            ),
        },
    }
}
