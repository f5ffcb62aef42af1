//! `auth:` of a step: how its request is authenticated.

use super::keys::Keys;
use super::scalars::Typed;
use super::values::{Any, Text, any, invalid_type, list, mapping};
use super::{Problem, Result};
use crate::suite::model::{ForgeKind, MintSpec, StepAuth};
use crate::suite::yaml::Node;

const EXPECTED: &str =
    "`run`, `none`, `query`, or a mapping with one of `forge`, `mint` or `scope`";

#[derive(Debug, Clone, Copy, PartialEq)]
enum AuthKey {
    Forge,
    Mint,
    Scope,
}

fn one_way(_: &str, first: &str, second: &str) -> String {
    format!("`auth` takes one of `forge`, `mint` or `scope`, found `{first}` and `{second}`")
}

const AUTH_KEYS: Keys<AuthKey> = Keys::new(
    "auth",
    &[
        ("forge", AuthKey::Forge),
        ("mint", AuthKey::Mint),
        ("scope", AuthKey::Scope),
    ],
)
.exclusive(&[AuthKey::Forge, AuthKey::Mint, AuthKey::Scope], one_way);

/// Reads a step's `auth`.
pub(crate) fn step_auth(node: &Node) -> Result<StepAuth> {
    if let Any::Scalar(Typed::Str(word)) = any(node, EXPECTED)? {
        return match word {
            "run" => Ok(StepAuth::Run),
            "none" => Ok(StepAuth::None),
            "query" => Ok(StepAuth::InQuery),
            other => Err(Problem::at(
                node,
                format!("unknown auth `{other}`, expected {EXPECTED}"),
            )),
        };
    }
    let mut seen = Vec::new();
    let mut auth = None;
    for (key, value) in mapping(node, EXPECTED)? {
        auth = Some(match AUTH_KEYS.check(key, &mut seen)? {
            AuthKey::Forge => StepAuth::Forged(forgery(value)?),
            AuthKey::Mint => StepAuth::Minted(mint(value)?),
            AuthKey::Scope => StepAuth::Scope(Text::non_empty("a scope").read(value)?),
        });
    }
    auth.ok_or_else(|| Problem::at(node, format!("expected {EXPECTED}, found an empty mapping")))
}

fn forgery(node: &Node) -> Result<ForgeKind> {
    let expected = "`malformed`, `alg-none` or `wrong-signature`";
    let word = Text::non_empty(expected).read(node)?;
    [
        ("malformed", ForgeKind::Malformed),
        ("alg-none", ForgeKind::AlgNone),
        ("wrong-signature", ForgeKind::WrongSignature),
    ]
    .into_iter()
    .find_map(|(name, kind)| (name == word).then_some(kind))
    .ok_or_else(|| {
        Problem::at(
            node,
            format!("unknown forgery `{word}`, expected {expected}"),
        )
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MintKey {
    Scope,
    Patient,
    Issuer,
    Audience,
    ExpiresIn,
    IssuedIn,
    NotBeforeIn,
    Omit,
}

const MINT_KEYS: Keys<MintKey> = Keys::new(
    "mint",
    &[
        ("scope", MintKey::Scope),
        ("patient", MintKey::Patient),
        ("iss", MintKey::Issuer),
        ("aud", MintKey::Audience),
        ("exp_in", MintKey::ExpiresIn),
        ("iat_in", MintKey::IssuedIn),
        ("nbf_in", MintKey::NotBeforeIn),
        ("omit", MintKey::Omit),
    ],
);

fn mint(node: &Node) -> Result<MintSpec> {
    let mut seen = Vec::new();
    let mut spec = MintSpec::default();
    for (key, value) in mapping(node, "a mapping of the claims to set")? {
        match MINT_KEYS.check(key, &mut seen)? {
            MintKey::Scope => spec.scope = Some(Text::non_empty("a scope").read(value)?),
            MintKey::Patient => spec.patient = Some(Text::non_empty("a Patient id").read(value)?),
            MintKey::Issuer => spec.issuer = Some(Text::non_empty("an issuer").read(value)?),
            MintKey::Audience => spec.audience = Some(Text::non_empty("an audience").read(value)?),
            MintKey::ExpiresIn => spec.lifetime = Some(seconds(value)?),
            MintKey::IssuedIn => spec.issued_at_offset = Some(seconds(value)?),
            MintKey::NotBeforeIn => spec.not_before_offset = Some(seconds(value)?),
            MintKey::Omit => {
                spec.omit = list(value, "a list of claim names", false, |item| {
                    Text::non_empty("a claim name").read(item)
                })?
            }
        }
    }
    Ok(spec)
}

/// Seconds from now: an integer, negative for the past.
fn seconds(node: &Node) -> Result<i64> {
    let expected = "seconds from now (an integer, negative for the past)";
    match any(node, expected)? {
        Any::Scalar(Typed::Unsigned(value)) => {
            i64::try_from(value).map_err(|_| invalid_type(node, expected))
        }
        Any::Scalar(Typed::Signed(value)) => Ok(value),
        _ => Err(invalid_type(node, expected)),
    }
}
