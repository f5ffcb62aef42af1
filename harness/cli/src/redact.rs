//! Redaction of secrets from recorded evidence.
//!
//! A [`Redactor`] knows which header names carry credentials and which values are secret (the
//! credentials the user passed with `--header`, and every credential obtained during the run).
//! It is applied when an exchange is recorded, so no report, log or terminal line ever sees a
//! secret.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use crate::results::{AssertionResult, Exchange, RecordedRequest, RecordedResponse};

/// What a secret is replaced by.
pub const REDACTED: &str = "[REDACTED]";

/// Values shorter than this are redacted in headers only: replacing a two-letter value in every
/// body would destroy the evidence without protecting anything.
const MIN_SECRET_LEN: usize = 4;

/// Headers the user may pass that never carry credentials; any other user header is secret.
const PUBLIC_HEADERS: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "cache-control",
    "content-type",
    "if-match",
    "if-modified-since",
    "if-none-exist",
    "if-none-match",
    "prefer",
    "user-agent",
];

/// Fragments of header names that always mark a credential-bearing header.
const SECRET_NAME_FRAGMENTS: &[&str] = &[
    "authorization",
    "cookie",
    "api-key",
    "apikey",
    "token",
    "secret",
    "password",
    "session",
];

/// Replaces secret header values and every occurrence of a secret value by [`REDACTED`].
/// Its `Debug` output shows the secret header names and how many secret values there are,
/// never the values.
///
/// Clones share one set of secret values: a secret added through any clone (a token obtained
/// mid-run) is redacted by all of them from then on.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Lower-cased names of user headers whose values are secret.
    secret_header_names: Vec<String>,
    /// Secret values, longest first so that a whole value is replaced before its parts.
    secret_values: Arc<RwLock<Vec<String>>>,
}

impl Redactor {
    /// Builds a redactor from the headers the user passed (`--header Name: value`).
    ///
    /// Every user header except well-known public ones (`Accept`, `Prefer`, ...) is treated as
    /// secret, as is any header whose name looks like a credential (`Authorization`, `Cookie`,
    /// `X-Api-Key`, ...).
    pub fn new(user_headers: &[(String, String)]) -> Redactor {
        let mut secret_header_names = Vec::new();
        let mut values = Vec::new();
        for (name, value) in user_headers {
            let lower = name.to_ascii_lowercase();
            if is_credential_header(&lower) || !PUBLIC_HEADERS.contains(&lower.as_str()) {
                secret_header_names.push(lower);
                add_secret_value(&mut values, value);
            }
        }
        sort_values(&mut values);
        Redactor {
            secret_header_names,
            secret_values: Arc::new(RwLock::new(values)),
        }
    }

    /// A detached copy that also treats the values of credential headers among `headers` as
    /// secret (e.g. an `Authorization` header a step sets itself); secrets added to it are not
    /// seen by this redactor, nor later ones added here by it.
    pub fn with_request_headers(&self, headers: &[(String, String)]) -> Redactor {
        let mut values = self.values().clone();
        for (name, value) in headers {
            if is_credential_header(&name.to_ascii_lowercase()) {
                add_secret_value(&mut values, value);
            }
        }
        sort_values(&mut values);
        Redactor {
            secret_header_names: self.secret_header_names.clone(),
            secret_values: Arc::new(RwLock::new(values)),
        }
    }

    /// Treats `value` as secret too (e.g. the password of a base URL's `user:password@`, a
    /// token obtained during the run), in this redactor and every clone of it.
    pub fn add_secret(&self, value: &str) {
        let mut values = self
            .secret_values
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        add_secret_value(&mut values, value);
        sort_values(&mut values);
    }

    /// True when the value of header `name` must never be recorded.
    pub fn is_secret_header(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        is_credential_header(&lower) || self.secret_header_names.contains(&lower)
    }

    /// Headers with secret values replaced.
    pub fn redact_headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let value = if self.is_secret_header(name) {
                    REDACTED.to_string()
                } else {
                    self.redact_text(value)
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// An assertion result with secrets removed from what it quotes of the response.
    pub fn redact_assertion(&self, assertion: &mut AssertionResult) {
        assertion.description = self.redact_text(&assertion.description);
        assertion.expected = self.redact_text(&assertion.expected);
        assertion.actual = self.redact_text(&assertion.actual);
    }

    /// Text with every occurrence of a secret value replaced.
    pub fn redact_text(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }

    /// [`Redactor::redact_text`] that borrows `text` when it holds no secret (long bodies are
    /// then not copied).
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut redacted = Cow::Borrowed(text);
        for secret in self.values().iter() {
            if redacted.contains(secret.as_str()) {
                redacted = Cow::Owned(redacted.replace(secret.as_str(), REDACTED));
            }
            if let Some(cut) = redact_cut_short(&redacted, secret) {
                redacted = Cow::Owned(cut);
            }
        }
        redacted
    }

    /// An exchange with secrets removed from URL, headers, bodies and error text.
    pub fn redact_exchange(&self, exchange: Exchange) -> Exchange {
        let request = RecordedRequest {
            method: exchange.request.method,
            url: self.redact_text(&exchange.request.url),
            headers: self.redact_headers(&exchange.request.headers),
            body: exchange.request.body.map(|body| self.redact_text(&body)),
            body_file: exchange.request.body_file,
            body_truncated: exchange.request.body_truncated,
        };
        let response = exchange.response.map(|response| RecordedResponse {
            status: response.status,
            headers: self.redact_headers(&response.headers),
            body: response.body.map(|body| self.redact_text(&body)),
            body_file: response.body_file,
            body_truncated: response.body_truncated,
        });
        Exchange {
            request,
            response,
            error: exchange.error.map(|error| self.redact_text(&error)),
            duration_ms: exchange.duration_ms,
            attempt: exchange.attempt,
        }
    }

    /// The secret values, read-locked.
    /// The length in bytes of the longest secret form it replaces.
    pub fn longest_secret(&self) -> usize {
        self.values().iter().map(String::len).max().unwrap_or(0)
    }

    fn values(&self) -> std::sync::RwLockReadGuard<'_, Vec<String>> {
        self.secret_values
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secret_header_names", &self.secret_header_names)
            .field("secret_values", &self.values().len())
            .finish()
    }
}

/// Adds `value`, its credential part (after an auth scheme such as `Bearer`), the values of a
/// cookie list, and their URL-encoded forms to `values`.
fn add_secret_value(values: &mut Vec<String>, value: &str) {
    let value = value.trim();
    let mut candidates = vec![value.to_string()];
    if let Some((_scheme, credential)) = value.split_once(' ') {
        candidates.push(credential.trim().to_string());
    }
    for cookie in value.split(';') {
        if let Some((_name, cookie_value)) = cookie.split_once('=') {
            candidates.push(cookie_value.trim().to_string());
        }
    }
    for candidate in candidates {
        for secret in encodings(&candidate) {
            if secret.len() >= MIN_SECRET_LEN && !values.contains(&secret) {
                values.push(secret);
            }
        }
    }
}

/// `secret` as a server could echo it back: as is, URL-encoded (form and percent style),
/// JSON-escaped, and in base64 (standard and URL-safe, with and without padding).
fn encodings(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let bytes = secret.as_bytes();
    let form: String = form_urlencoded::byte_serialize(bytes).collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(&json)
        .to_string();
    let mut variants = vec![
        secret.to_string(),
        form.replace('+', "%20"),
        form,
        json,
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
    ];
    variants.dedup();
    variants
}

/// Longest first, so that a whole value is replaced before its parts.
fn sort_values(values: &mut [String]) {
    values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
}

/// True for header names that carry credentials whoever set them (`name` lower-cased).
fn is_credential_header(lower_name: &str) -> bool {
    SECRET_NAME_FRAGMENTS
        .iter()
        .any(|fragment| lower_name.contains(fragment))
}

/// Secrets this long are also recognised cut short (an excerpt that ends inside one).
const MIN_CUT_SECRET_LEN: usize = 24;

/// How much of a secret an excerpt must hold to be recognised as cut short.
const CUT_PREFIX_LEN: usize = 16;

/// `text` with every run of at least [`CUT_PREFIX_LEN`] characters that begins `secret`
/// replaced, for excerpts (quoted values, trimmed bodies) that end inside a secret.
fn redact_cut_short(text: &str, secret: &str) -> Option<String> {
    if secret.len() < MIN_CUT_SECRET_LEN || !secret.is_char_boundary(CUT_PREFIX_LEN) {
        return None;
    }
    let prefix = &secret[..CUT_PREFIX_LEN];
    if !text.contains(prefix) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let shared = tail
            .bytes()
            .zip(secret.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let mut end = shared;
        while !tail.is_char_boundary(end) {
            end -= 1;
        }
        // Cut short only where the excerpt ends: another token that merely begins alike
        // (JWTs share their header) goes on with token characters.
        let goes_on = tail[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || "-_.+/=".contains(c));
        if goes_on && end < secret.len() {
            out.push_str(&tail[..end]);
        } else {
            out.push_str(REDACTED);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn bearer_token_is_redacted_in_headers_urls_and_bodies() {
        let redactor = Redactor::new(&headers(&[("Authorization", "Bearer s3cr3t-t0ken")]));
        let redacted = redactor.redact_headers(&headers(&[
            ("authorization", "Bearer s3cr3t-t0ken"),
            ("accept", "application/fhir+json"),
        ]));
        assert_eq!(
            redacted,
            headers(&[
                ("authorization", REDACTED),
                ("accept", "application/fhir+json")
            ])
        );
        assert_eq!(
            redactor.redact_text("https://x/fhir?access_token=s3cr3t-t0ken&a=1"),
            "https://x/fhir?access_token=[REDACTED]&a=1"
        );
        assert_eq!(
            redactor.redact_text(r#"{"echo":"Bearer s3cr3t-t0ken"}"#),
            r#"{"echo":"[REDACTED]"}"#
        );
    }

    #[test]
    fn credential_headers_are_redacted_even_when_the_user_did_not_pass_them() {
        let redactor = Redactor::new(&[]);
        for name in [
            "Authorization",
            "Proxy-Authorization",
            "Cookie",
            "Set-Cookie",
            "X-Api-Key",
            "X-Auth-Token",
        ] {
            assert!(redactor.is_secret_header(name), "{name}");
        }
        assert!(!redactor.is_secret_header("ETag"));
    }

    #[test]
    fn custom_user_headers_are_secret_but_public_ones_are_not() {
        let redactor = Redactor::new(&headers(&[
            ("X-Tenant", "tenant-4711"),
            ("Prefer", "return=representation"),
        ]));
        assert!(redactor.is_secret_header("x-tenant"));
        assert!(!redactor.is_secret_header("Prefer"));
        assert_eq!(
            redactor.redact_text("tenant-4711 return=representation"),
            "[REDACTED] return=representation"
        );
    }

    #[test]
    fn url_encoded_and_cookie_values_are_redacted() {
        let redactor = Redactor::new(&headers(&[
            ("X-Api-Key", "a+b/c=d"),
            ("Cookie", "sid=abcdef123; lang=en"),
        ]));
        assert_eq!(
            redactor.redact_text("/x?key=a%2Bb%2Fc%3Dd"),
            "/x?key=[REDACTED]"
        );
        assert_eq!(
            redactor.redact_text("session abcdef123 lang en"),
            "session [REDACTED] lang en"
        );
    }

    #[test]
    fn step_credentials_are_added_per_request() {
        let base = Redactor::new(&[]);
        let redactor = base.with_request_headers(&headers(&[("Authorization", "Bearer forged-1")]));
        assert_eq!(redactor.redact_text("got forged-1"), "got [REDACTED]");
        assert_eq!(base.redact_text("got forged-1"), "got forged-1");
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let redactor = Redactor::new(&headers(&[("Authorization", "Bearer s3cr3t-t0ken")]));
        let debug = format!("{redactor:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("authorization"), "{debug}");
    }

    #[test]
    fn secrets_added_later_are_seen_by_every_clone() {
        let redactor = Redactor::new(&[]);
        let clone = redactor.clone();
        clone.add_secret("minted-token-1");
        assert_eq!(redactor.redact_text("got minted-token-1"), "got [REDACTED]");
        let detached = redactor.with_request_headers(&[]);
        redactor.add_secret("later-token-2");
        assert_eq!(clone.redact_text("later-token-2"), "[REDACTED]");
        assert_eq!(detached.redact_text("later-token-2"), "later-token-2");
    }

    #[test]
    fn short_values_are_left_in_text() {
        let redactor = Redactor::new(&headers(&[("X-Api-Key", "ab")]));
        assert_eq!(redactor.redact_text("about"), "about");
        assert_eq!(
            redactor.redact_headers(&headers(&[("x-api-key", "ab")])),
            headers(&[("x-api-key", REDACTED)])
        );
    }

    #[test]
    fn a_secret_cut_short_in_an_excerpt_is_still_redacted() {
        let redactor = Redactor::new(&[]);
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        redactor.add_secret(token);
        let excerpt = format!("got \"{}…\" and more", &token[..30]);
        assert_eq!(
            redactor.redact_text(&excerpt),
            "got \"[REDACTED]…\" and more"
        );
        assert_eq!(redactor.redact_text("eyJhbGciOiJ"), "eyJhbGciOiJ");
        let other = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.b3RoZXI";
        assert_eq!(redactor.redact_text(other), other);
    }
}
