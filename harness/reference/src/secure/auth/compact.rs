//! Reading a compact JWS (`header.payload.signature`) without trusting it yet.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};

/// A JWT split into its parts, header and claims decoded but nothing verified.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompactJwt<'a> {
    /// The JOSE header.
    pub(crate) header: Map<String, Value>,
    /// The claims.
    pub(crate) claims: Map<String, Value>,
    /// `header.payload`, the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    /// The base64url signature (empty for `alg: none`).
    pub(crate) signature: &'a str,
}

/// What the header's `alg` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alg {
    /// `none`: an unsigned token.
    None,
    /// A signing algorithm this server verifies.
    Signed(Algorithm),
    /// Anything else (HS256, unknown names, missing).
    Unsupported,
}

impl<'a> CompactJwt<'a> {
    /// Splits and decodes `token`; `None` unless it has three parts whose first two are
    /// base64url JSON objects.
    pub(crate) fn parse(token: &'a str) -> Option<Self> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let signing_input = &token[..header.len() + 1 + payload.len()];
        Some(Self {
            header: decode_object(header)?,
            claims: decode_object(payload)?,
            signing_input,
            signature,
        })
    }

    /// The header's algorithm.
    pub(crate) fn alg(&self) -> Alg {
        match self.header.get("alg").and_then(Value::as_str) {
            Some(name) if name.eq_ignore_ascii_case("none") => Alg::None,
            Some("RS256") => Alg::Signed(Algorithm::RS256),
            Some("ES256") => Alg::Signed(Algorithm::ES256),
            _ => Alg::Unsupported,
        }
    }

    /// The header's `kid`.
    pub(crate) fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// A string claim.
    pub(crate) fn string(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A numeric date claim, in seconds since the epoch.
    pub(crate) fn seconds(&self, name: &str) -> Option<i64> {
        let value = self.claims.get(name)?;
        value
            .as_i64()
            .or_else(|| value.as_f64().map(|seconds| seconds as i64))
    }

    /// Whether the `aud` claim (a string or an array of strings) names `audience`.
    pub(crate) fn has_audience(&self, audience: &str) -> bool {
        let names = |value: &Value| {
            value
                .as_str()
                .map(|name| name.trim_end_matches('/') == audience)
        };
        match self.claims.get("aud") {
            Some(Value::Array(values)) => values.iter().any(|value| names(value) == Some(true)),
            Some(value) => names(value) == Some(true),
            None => false,
        }
    }
}

fn decode_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub(crate) const LEEWAY: i64 = 30;

/// Seconds since the Unix epoch, now.
pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    #[test]
    fn reads_parts_without_verifying() {
        let token = format!(
            "{}.{}.sig",
            encode(&serde_json::json!({"alg": "none"})),
            encode(&serde_json::json!({"aud": ["x", "http://a/fhir/"], "exp": 5}))
        );
        let jwt = CompactJwt::parse(&token).unwrap();
        assert_eq!(jwt.alg(), Alg::None);
        assert_eq!(jwt.seconds("exp"), Some(5));
        assert!(jwt.has_audience("http://a/fhir"));
        assert!(!jwt.has_audience("http://b/fhir"));
        assert_eq!(jwt.signature, "sig");
        assert!(token.starts_with(jwt.signing_input));
    }

    #[test]
    fn refuses_what_is_not_a_jwt() {
        for token in ["", "abc", "a.b", "a.b.c.d", "e30.bm90IGpzb24.x"] {
            assert_eq!(CompactJwt::parse(token), None, "{token}");
        }
    }
}
