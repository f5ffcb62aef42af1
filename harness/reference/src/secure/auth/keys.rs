//! Signing keys generated at start: RS256 and ES256, with their JWKs and PKCS#8 PEM forms.

use anyhow::{Context, anyhow};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};

/// A private key the server signs with (or hands out), with what verifies its signatures.
pub(crate) struct SigningKey {
    kid: String,
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
    private_pem: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key never appears in debug output.
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh 2048-bit RSA key for RS256.
    pub(crate) fn rsa() -> anyhow::Result<Self> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| anyhow!("generating an RSA key failed"))?;
        let pkcs8 = pair
            .as_der()
            .map_err(|_| anyhow!("encoding the RSA key failed"))?;
        let private_pem = pem("PRIVATE KEY", pkcs8.as_ref());
        let public = pair.public_key();
        let modulus = public.modulus();
        let exponent = public.exponent();
        let n = modulus.big_endian_without_leading_zero();
        let e = exponent.big_endian_without_leading_zero();
        let kid = random_id("rs")?;
        Ok(Self {
            encoding: EncodingKey::from_rsa_pem(private_pem.as_bytes())
                .context("loading the generated RSA key")?,
            decoding: DecodingKey::from_rsa_raw_components(n, e),
            jwk: json!({
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": kid,
                "n": URL_SAFE_NO_PAD.encode(n),
                "e": URL_SAFE_NO_PAD.encode(e),
            }),
            kid,
            algorithm: Algorithm::RS256,
            private_pem,
        })
    }

    /// A fresh P-256 key for ES256.
    pub(crate) fn ec() -> anyhow::Result<Self> {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| anyhow!("generating a P-256 key failed"))?;
        let pkcs8 = pair
            .to_pkcs8v1()
            .map_err(|_| anyhow!("encoding the P-256 key failed"))?;
        let private_pem = pem("PRIVATE KEY", pkcs8.as_ref());
        // Uncompressed point: 0x04 || x || y.
        let point = pair.public_key().as_ref();
        let (x, y) = point
            .get(1..)
            .filter(|coordinates| point.first() == Some(&4) && coordinates.len() == 64)
            .map(|coordinates| coordinates.split_at(32))
            .context("the P-256 public key is not an uncompressed point")?;
        let (x, y) = (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y));
        let kid = random_id("ec")?;
        Ok(Self {
            encoding: EncodingKey::from_ec_pem(private_pem.as_bytes())
                .context("loading the generated P-256 key")?,
            decoding: DecodingKey::from_ec_components(&x, &y)
                .context("loading the generated P-256 public key")?,
            jwk: json!({
                "kty": "EC",
                "use": "sig",
                "alg": "ES256",
                "crv": "P-256",
                "kid": kid,
                "x": x,
                "y": y,
            }),
            kid,
            algorithm: Algorithm::ES256,
            private_pem,
        })
    }

    /// The key id, as `kid` in JWT headers and the JWKS.
    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK.
    pub(crate) fn jwk(&self) -> &Value {
        &self.jwk
    }

    /// The private key, PKCS#8 PEM.
    pub(crate) fn private_pem(&self) -> &str {
        &self.private_pem
    }

    /// A compact JWS of `claims`, with `typ: JWT` and this key's `kid`.
    pub(crate) fn sign(&self, claims: &impl Serialize) -> anyhow::Result<String> {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).context("signing a token")
    }

    /// Whether `signature` (base64url) is this key's signature of `message` under `algorithm`.
    pub(crate) fn verifies(&self, algorithm: Algorithm, message: &[u8], signature: &str) -> bool {
        algorithm == self.algorithm
            && jsonwebtoken::crypto::verify(signature, message, &self.decoding, algorithm)
                .unwrap_or(false)
    }
}

/// `bytes` as a PEM block labelled `label`.
fn pem(label: &str, bytes: &[u8]) -> String {
    let body = STANDARD.encode(bytes);
    let mut text = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str(&format!("-----END {label}-----\n"));
    text
}

/// `prefix-` followed by 16 random hex digits.
pub(crate) fn random_id(prefix: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 8];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| anyhow!("the random source failed"))?;
    Ok(format!("{prefix}-{}", hex(&bytes)))
}

/// `bytes` as lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
