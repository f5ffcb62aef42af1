//! Errors of the credential layer.

use thiserror::Error;

use crate::http::NotSent;

/// The credentials configuration cannot be used.
#[derive(Debug, Error)]
pub enum AuthConfigError {
    /// The `--auth-config` file or a key file cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    /// The `--auth-config` file is not valid TOML of the expected shape (the message names an
    /// unknown key).
    #[error("invalid auth config {path}: {reason}")]
    Parse { path: String, reason: String },
    /// One setting of a group is given without another it needs.
    #[error("{present} is set but {missing} is not")]
    Incomplete { present: String, missing: String },
    /// A private key that is not a usable EC (P-256) or RSA key; `origin` names the file.
    #[error("cannot use {origin} as a signing key: {reason}")]
    Key { origin: String, reason: String },
}

/// A credential operation that could not be carried out.
#[derive(Debug, Error)]
pub enum AuthError {
    /// The credentials this needs are not configured (a check relying on it is skipped).
    #[error("{0}")]
    Unavailable(String),
    /// The target's SMART configuration could not be found or has no usable token endpoint.
    #[error("SMART discovery failed: {0}")]
    Discovery(String),
    /// The token endpoint did not issue a token.
    #[error("token request failed: {0}")]
    Token(String),
    /// A request for something that cannot be done (e.g. forging from a token that is not a
    /// JWT, omitting a claim a minted token does not have).
    #[error("{0}")]
    Invalid(String),
    /// Signing a JWT failed.
    #[error("cannot sign the JWT: {0}")]
    Signing(String),
    /// The request was not sent.
    #[error(transparent)]
    NotSent(#[from] NotSent),
}
