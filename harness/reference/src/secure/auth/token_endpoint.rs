//! `POST /auth/token`: the client credentials grant, with the client authenticated by
//! `client_secret_basic`, `client_secret_post` or `private_key_jwt`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::access_token::{self, LIFETIME};
use super::assertion;
use super::context::AuthContext;
use super::form::Form;
use super::oauth_error::OAuthError;
use super::scope::{Context, Scope};
use crate::defect::Defect;

/// `POST /auth/token`.
pub(crate) async fn token(
    State(context): State<AuthContext>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut response = match grant(&context, &headers, &body) {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    };
    if !context.server.has(Defect::TokenResponseCacheable) {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    response
}

fn grant(context: &AuthContext, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_encoded {
        return Err(OAuthError::invalid_request(
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let form = Form::parse(body)?;
    match form.get("grant_type") {
        Some("client_credentials") => {}
        Some(other) => {
            return Err(OAuthError::unsupported_grant_type(format!(
                "grant_type {other:?} is not supported; use client_credentials"
            )));
        }
        None => return Err(OAuthError::invalid_request("grant_type is required")),
    }
    let client_id = authenticate(context, headers, &form)?;
    let scope = allowed_scope(&form)?;
    let access_token = access_token::issue(&context.authority, &client_id, &scope)
        .map_err(|_| OAuthError::server_error("the token could not be signed"))?;
    if context.server.has(Defect::TokenTypeNotBearer) {
        return Ok(json!({
            "access_token": access_token,
            "token_type": "mac",
            "scope": scope,
        }));
    }
    Ok(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": LIFETIME,
        "scope": scope,
    }))
}

/// Authenticates the client by exactly one method; its client id.
fn authenticate(
    context: &AuthContext,
    headers: &HeaderMap,
    form: &Form,
) -> Result<String, OAuthError> {
    let basic = basic_credentials(headers)?;
    let posted = form.get("client_secret");
    let asserted =
        form.get("client_assertion").is_some() || form.get("client_assertion_type").is_some();
    let methods = [basic.is_some(), posted.is_some(), asserted];
    if methods.iter().filter(|used| **used).count() > 1 {
        return Err(OAuthError::invalid_request(
            "use exactly one client authentication method",
        ));
    }
    if asserted {
        return assertion::authenticate(context, form);
    }
    let (client_id, secret, by_basic) = match (basic, posted) {
        (Some((client_id, secret)), _) => {
            if form.get("client_id").is_some_and(|id| id != client_id) {
                return Err(OAuthError::invalid_request(
                    "client_id differs from the Authorization header's",
                ));
            }
            (client_id, secret, true)
        }
        (None, Some(secret)) => (
            form.get("client_id").unwrap_or_default().to_owned(),
            secret.to_owned(),
            false,
        ),
        (None, None) => {
            return Err(OAuthError::invalid_client(
                "no client authentication: use client_secret_basic, client_secret_post or private_key_jwt",
                true,
            ));
        }
    };
    if context
        .authority
        .clients()
        .secret_matches(&client_id, &secret)
    {
        Ok(client_id)
    } else if context.server.has(Defect::BadSecretWrongError) {
        Err(OAuthError::invalid_grant("bad credentials"))
    } else {
        Err(OAuthError::invalid_client(
            "unknown client or wrong secret",
            by_basic,
        ))
    }
}

/// The `client_id` and `client_secret` of an `Authorization: Basic` header, each
/// form-urlencoded (RFC 6749 §2.3.1); `None` without such a header.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || {
        OAuthError::invalid_client(
            "the Authorization header is not valid Basic credentials",
            true,
        )
    };
    let text = value.to_str().map_err(|_| malformed())?;
    let (scheme, encoded) = text.split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (client_id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((form_decode(client_id), form_decode(secret))))
}

/// Undoes `application/x-www-form-urlencoded` encoding of one value.
fn form_decode(text: &str) -> String {
    form_urlencoded::parse(format!("v={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// The requested scopes, each a `system/` or `patient/` resource scope; normalised to single
/// spaces.
fn allowed_scope(form: &Form) -> Result<String, OAuthError> {
    let requested = form
        .get("scope")
        .ok_or_else(|| OAuthError::invalid_scope("scope is required"))?;
    let scopes: Vec<&str> = requested.split_whitespace().collect();
    if let Some(refused) = scopes
        .iter()
        .find(|scope| !Scope::parse(scope).is_some_and(|scope| scope.context() != Context::User))
    {
        return Err(OAuthError::invalid_scope(format!(
            "scope {refused:?} is not allowed; ask for system/ or patient/ resource scopes"
        )));
    }
    if scopes.is_empty() {
        return Err(OAuthError::invalid_scope("scope is required"));
    }
    Ok(scopes.join(" "))
}
