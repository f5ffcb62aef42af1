//! Token requests: which client asks, what deliberate fault a call carries, and what came back.

use std::fmt;

use serde::Deserialize;

use crate::http::Response;
use crate::results::Exchange;

/// How a client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// `client_secret_basic`: id and secret in an HTTP Basic `Authorization` header.
    Secret,
    /// `private_key_jwt`: a signed client assertion in the form body.
    Jwt,
}

impl fmt::Display for ClientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClientKind::Secret => "secret",
            ClientKind::Jwt => "jwt",
        })
    }
}

/// Something deliberately wrong with a token request, which the target must refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenFault {
    /// The secret client with a secret that is not its own.
    WrongSecret,
    /// The JWT client sending the same assertion (same `jti`) twice; the second answer counts.
    ReusedAssertion,
    /// The JWT client with an assertion whose `exp` has passed.
    ExpiredAssertion,
}

impl TokenFault {
    /// The client kind the fault applies to.
    pub fn client(self) -> ClientKind {
        match self {
            TokenFault::WrongSecret => ClientKind::Secret,
            TokenFault::ReusedAssertion | TokenFault::ExpiredAssertion => ClientKind::Jwt,
        }
    }
}

/// One `client_credentials` token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCall {
    /// The client that asks.
    pub client: ClientKind,
    /// The scope asked for; the configured default scope when `None`.
    pub scope: Option<String>,
    /// A deliberate fault; it must apply to `client`.
    pub fault: Option<TokenFault>,
}

/// What a token request did: the recorded exchanges (two for a reused assertion), the last
/// response, and the token response parsed from it when it is one.
#[derive(Debug, Clone)]
pub struct TokenExchange {
    /// Evidence, redacted (the issued token included).
    pub exchanges: Vec<Exchange>,
    /// The last response as received, for assertions (unredacted: never record it as is).
    pub response: Option<Response>,
    /// The parsed token response when the last answer was a 2xx JSON with `access_token`.
    pub token: Option<TokenResponse>,
}

/// A successful token response (RFC 6749 §5.1). Its `Debug` output hides the token.
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// `Bearer`, normally.
    pub token_type: String,
    /// Lifetime in seconds, when given.
    pub expires_in: Option<u64>,
    /// The scope granted, when given.
    pub scope: Option<String>,
}

impl TokenResponse {
    /// The token response in a 2xx `response`, if it is one.
    pub(super) fn parse(response: &Response) -> Option<TokenResponse> {
        if !(200..300).contains(&response.status) {
            return None;
        }
        serde_json::from_slice(&response.body).ok()
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &crate::redact::REDACTED)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}
