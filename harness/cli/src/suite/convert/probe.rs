//! The actions that are not FHIR interactions: `token`, `tls`, `certificate` and
//! `plain_http`.

use super::keys::Keys;
use super::values::{Text, mapping};
use super::{Problem, Result};
use crate::suite::model::{
    Action, CertificateProbe, ClientCertificate, ClientKind, SuiteSet, TlsOffer, TlsVersion,
    TokenCall, TokenFault,
};
use crate::suite::yaml::Node;

/// A word of a closed set, or an error listing the set.
fn word<T: Copy>(node: &Node, what: &str, choices: &[(&str, T)]) -> Result<T> {
    let names: Vec<String> = choices
        .iter()
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    let expected = format!("{what}: {}", names.join(", "));
    let text = Text::any("a word").read(node)?;
    choices
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value)
        .ok_or_else(|| {
            Problem::at(
                node,
                format!("unknown {what} `{text}`, expected {expected}"),
            )
        })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TokenKey {
    Client,
    Scope,
    Fault,
}

const TOKEN_KEYS: Keys<TokenKey> = Keys::new(
    "token",
    &[
        ("client", TokenKey::Client),
        ("scope", TokenKey::Scope),
        ("fault", TokenKey::Fault),
    ],
);

/// Reads `token: { client, scope, fault }`.
pub(crate) fn token(node: &Node) -> Result<Action> {
    let mut seen = Vec::new();
    let (mut client, mut scope, mut fault) = (None, None, None);
    for (key, value) in mapping(
        node,
        "a mapping with `client` and optional `scope` and `fault`",
    )? {
        match TOKEN_KEYS.check(key, &mut seen)? {
            TokenKey::Client => {
                client = Some(word(
                    value,
                    "client",
                    &[("secret", ClientKind::Secret), ("jwt", ClientKind::Jwt)],
                )?)
            }
            TokenKey::Scope => scope = Some(Text::non_empty("a scope").read(value)?),
            TokenKey::Fault => {
                fault = Some(word(
                    value,
                    "fault",
                    &[
                        ("wrong-secret", TokenFault::WrongSecret),
                        ("reused-assertion", TokenFault::ReusedAssertion),
                        ("expired-assertion", TokenFault::ExpiredAssertion),
                    ],
                )?)
            }
        }
    }
    let client = TOKEN_KEYS.required(client, TokenKey::Client, node)?;
    match (client, fault) {
        (ClientKind::Secret, Some(TokenFault::ReusedAssertion | TokenFault::ExpiredAssertion))
        | (ClientKind::Jwt, Some(TokenFault::WrongSecret)) => Err(Problem::at(
            node,
            "`wrong-secret` goes with `client: secret`; the assertion faults with `client: jwt`",
        )),
        _ => Ok(Action::Token(TokenCall {
            client,
            scope,
            fault,
        })),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TlsKey {
    Version,
    Suites,
}

const TLS_KEYS: Keys<TlsKey> = Keys::new(
    "tls",
    &[("version", TlsKey::Version), ("suites", TlsKey::Suites)],
);

/// Reads `tls: { version, suites }`.
pub(crate) fn tls(node: &Node) -> Result<Action> {
    let mut seen = Vec::new();
    let (mut version, mut suites) = (None, None);
    for (key, value) in mapping(node, "a mapping with `version` and `suites`")? {
        match TLS_KEYS.check(key, &mut seen)? {
            TlsKey::Version => {
                version = Some(word(
                    value,
                    "TLS version",
                    &[
                        ("ssl3", TlsVersion::Ssl3),
                        ("tls1.0", TlsVersion::Tls10),
                        ("tls1.1", TlsVersion::Tls11),
                        ("tls1.2", TlsVersion::Tls12),
                        ("tls1.3", TlsVersion::Tls13),
                    ],
                )?)
            }
            TlsKey::Suites => {
                suites = Some(word(
                    value,
                    "suite set",
                    &[
                        ("strong", SuiteSet::Strong),
                        ("forbidden", SuiteSet::Forbidden),
                        ("discouraged", SuiteSet::Discouraged),
                    ],
                )?)
            }
        }
    }
    Ok(Action::TlsOffer(TlsOffer {
        version: TLS_KEYS.required(version, TlsKey::Version, node)?,
        suites: suites.unwrap_or(SuiteSet::Strong),
    }))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CertificateKey {
    Client,
}

const CERTIFICATE_KEYS: Keys<CertificateKey> =
    Keys::new("certificate", &[("client", CertificateKey::Client)]);

/// Reads `certificate: { client }`.
pub(crate) fn certificate(node: &Node) -> Result<Action> {
    let mut seen = Vec::new();
    let mut client = ClientCertificate::default();
    for (key, value) in mapping(node, "a mapping with optional `client`")? {
        match CERTIFICATE_KEYS.check(key, &mut seen)? {
            CertificateKey::Client => {
                client = word(
                    value,
                    "client certificate",
                    &[
                        ("run", ClientCertificate::Run),
                        ("none", ClientCertificate::None),
                        ("other-authority", ClientCertificate::OtherAuthority),
                    ],
                )?
            }
        }
    }
    Ok(Action::Certificate(CertificateProbe { client }))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum PlainKey {
    Url,
}

const PLAIN_KEYS: Keys<PlainKey> = Keys::new("plain_http", &[("url", PlainKey::Url)]);

/// Reads `plain_http: { url }`.
pub(crate) fn plain_http(node: &Node) -> Result<Action> {
    let mut seen = Vec::new();
    let mut url = String::new();
    for (key, value) in mapping(node, "a mapping with optional `url`")? {
        match PLAIN_KEYS.check(key, &mut seen)? {
            PlainKey::Url => url = Text::any("an http:// URL").read(value)?,
        }
    }
    Ok(Action::PlainHttp { url })
}
