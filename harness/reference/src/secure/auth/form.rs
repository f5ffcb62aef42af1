//! The form-encoded parameters of a token request.

use super::oauth_error::OAuthError;

/// Token request parameters, each present at most once (RFC 6749 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    /// Parses an `application/x-www-form-urlencoded` body; a repeated parameter is an
    /// `invalid_request`.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, OAuthError> {
        let mut params: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(body).into_owned() {
            if params.iter().any(|(seen, _)| *seen == name) {
                return Err(OAuthError::invalid_request(format!(
                    "the parameter {name} is repeated"
                )));
            }
            params.push((name, value));
        }
        Ok(Self(params))
    }

    /// The value of `name`, if given and not empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }
}
