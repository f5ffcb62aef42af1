//! Forged tokens: a valid token made invalid in one precise way, for checks that the target
//! refuses it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::error::AuthError;

/// How a valid token is spoilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForgeKind {
    /// Not a JWT at all: the valid token's header, then a payload that is not JSON, and no
    /// signature.
    Malformed,
    /// The valid token's payload under the header `{"alg":"none","typ":"JWT"}` with an empty
    /// signature (RFC 7519 §6.1: an unsecured JWT).
    AlgNone,
    /// The valid token with every signature byte altered: header and payload unchanged.
    WrongSignature,
}

/// `valid_token` forged as `kind` says. `Err` when the token is not a compact JWS (three
/// base64url parts).
pub fn forge(kind: ForgeKind, valid_token: &str) -> Result<String, AuthError> {
    let parts: Vec<&str> = valid_token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(AuthError::Invalid(
            "cannot forge from a token that is not a JWT (three dot-separated parts)".into(),
        ));
    };
    Ok(match kind {
        ForgeKind::Malformed => format!("{header}.{}", URL_SAFE_NO_PAD.encode("not json")),
        ForgeKind::AlgNone => format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
        ),
        ForgeKind::WrongSignature => {
            let mut bytes = URL_SAFE_NO_PAD.decode(signature).map_err(|e| {
                AuthError::Invalid(format!("the token's signature is not base64url: {e}"))
            })?;
            if bytes.is_empty() {
                return Err(AuthError::Invalid(
                    "the token has no signature to alter".into(),
                ));
            }
            for byte in &mut bytes {
                *byte ^= 0x5a;
            }
            format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(bytes))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn valid() -> String {
        format!(
            "{}.{}.{}",
            segment(r#"{"alg":"ES256","typ":"JWT","kid":"k1"}"#),
            segment(r#"{"iss":"a","sub":"b","exp":1}"#),
            URL_SAFE_NO_PAD.encode([7u8; 64])
        )
    }

    fn decode(part: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(part).unwrap()
    }

    #[test]
    fn alg_none_keeps_the_payload_under_an_unsecured_header_with_an_empty_signature() {
        let valid = valid();
        let forged = forge(ForgeKind::AlgNone, &valid).unwrap();
        let parts: Vec<&str> = forged.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value = serde_json::from_slice(&decode(parts[0])).unwrap();
        assert_eq!(header, serde_json::json!({"alg": "none", "typ": "JWT"}));
        assert_eq!(parts[1], valid.split('.').nth(1).unwrap());
        assert_eq!(parts[2], "");
    }

    #[test]
    fn wrong_signature_differs_only_in_the_signature() {
        let valid = valid();
        let forged = forge(ForgeKind::WrongSignature, &valid).unwrap();
        let (valid_parts, forged_parts): (Vec<&str>, Vec<&str>) =
            (valid.split('.').collect(), forged.split('.').collect());
        assert_eq!(forged_parts[..2], valid_parts[..2]);
        let (original, altered) = (decode(valid_parts[2]), decode(forged_parts[2]));
        assert_eq!(original.len(), altered.len());
        assert!(original.iter().zip(&altered).all(|(a, b)| a != b));
    }

    #[test]
    fn malformed_is_not_a_jws() {
        let forged = forge(ForgeKind::Malformed, &valid()).unwrap();
        let parts: Vec<&str> = forged.split('.').collect();
        assert_eq!(parts.len(), 2);
        assert!(serde_json::from_slice::<serde_json::Value>(&decode(parts[1])).is_err());
    }

    #[test]
    fn a_token_that_is_not_a_jwt_cannot_be_forged() {
        assert!(forge(ForgeKind::AlgNone, "opaque-token").is_err());
        assert!(forge(ForgeKind::WrongSignature, "a.b.").is_err());
    }
}
