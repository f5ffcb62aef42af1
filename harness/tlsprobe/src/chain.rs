//! Judging a presented certificate chain: trust, host name, dates and key, each on its own.

use std::time::Duration;

use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, Error, RootCertStore};
use time::OffsetDateTime;

use crate::certificate::{CertificateInfo, certificate_info, rfc3339, subject, validity};
use crate::key::{KeyInfo, key_is_strong};
use crate::verdict::Verdict;

/// The verdicts on one presented chain.
#[derive(Debug)]
pub(crate) struct Assessment {
    /// Whether the chain leads to one of the roots (judged at a time the chain is valid, so
    /// that an expired certificate is reported by `in_date` alone).
    pub(crate) trusted: Verdict,
    /// Whether the end-entity certificate is valid for the server name.
    pub(crate) hostname: Verdict,
    /// Whether every presented certificate is valid now.
    pub(crate) in_date: Verdict,
    /// The end-entity certificate's key.
    pub(crate) key: Option<KeyInfo>,
    /// Whether that key is strong enough.
    pub(crate) key_strong: Verdict,
    /// What each readable certificate of the chain says, end-entity first.
    pub(crate) chain: Vec<CertificateInfo>,
}

impl Assessment {
    /// The assessment when no certificate arrived: every verdict fails saying so.
    pub(crate) fn no_certificate() -> Assessment {
        let none = || Verdict::fail("no certificate received");
        Assessment {
            trusted: none(),
            hostname: none(),
            in_date: none(),
            key: None,
            key_strong: none(),
            chain: Vec::new(),
        }
    }
}

/// Judges `chain` (end-entity first) against `roots` and `server_name` at time `now`, checking
/// certificate signatures with `algorithms`.
pub(crate) fn assess(
    chain: &[CertificateDer<'static>],
    roots: &[CertificateDer<'static>],
    server_name: &ServerName<'_>,
    algorithms: &WebPkiSupportedAlgorithms,
    now: OffsetDateTime,
) -> Assessment {
    let Some((end_entity, intermediates)) = chain.split_first() else {
        return Assessment::no_certificate();
    };
    let (key, key_strong) = match certificate_info(end_entity) {
        Ok(info) => {
            let strong = key_is_strong(&info.key);
            (Some(info.key), strong)
        }
        Err(error) => (None, Verdict::fail(error)),
    };
    let (trusted, hostname) = match ParsedCertificate::try_from(end_entity) {
        Ok(parsed) => {
            let trusted = trusted(
                &parsed,
                intermediates,
                roots,
                algorithms,
                trust_time(chain, now),
            );
            let hostname = match verify_server_name(&parsed, server_name) {
                Ok(()) => Verdict::pass(),
                Err(_) => Verdict::fail(wrong_name(end_entity, server_name)),
            };
            (trusted, hostname)
        }
        Err(error) => {
            let unreadable = format!("unreadable certificate: {error}");
            (Verdict::fail(unreadable.clone()), Verdict::fail(unreadable))
        }
    };
    Assessment {
        trusted,
        hostname,
        in_date: in_date(chain, now),
        key,
        key_strong,
        chain: chain
            .iter()
            .filter_map(|der| certificate_info(der).ok())
            .collect(),
    }
}

fn trusted(
    end_entity: &ParsedCertificate<'_>,
    intermediates: &[CertificateDer<'_>],
    roots: &[CertificateDer<'static>],
    algorithms: &WebPkiSupportedAlgorithms,
    time: UnixTime,
) -> Verdict {
    let mut store = RootCertStore::empty();
    let (added, _) = store.add_parsable_certificates(roots.iter().cloned());
    if added == 0 {
        return Verdict::fail("no usable trusted root certificate was given");
    }
    match verify_server_cert_signed_by_trust_anchor(
        end_entity,
        &store,
        intermediates,
        time,
        algorithms.all,
    ) {
        Ok(()) => Verdict::pass(),
        Err(error) => Verdict::fail(chain_problem(&error)),
    }
}

/// A time at which every presented certificate is valid: now when that is so, otherwise the
/// start of their common validity (now when they have none).
fn trust_time(chain: &[CertificateDer<'static>], now: OffsetDateTime) -> UnixTime {
    let periods: Vec<_> = chain.iter().filter_map(|der| validity(der).ok()).collect();
    let start = periods.iter().map(|(start, _)| *start).max();
    let end = periods.iter().map(|(_, end)| *end).min();
    let time = match (start, end) {
        (Some(start), Some(end)) if start <= end && (now < start || now > end) => start,
        _ => now,
    };
    let seconds = u64::try_from(time.unix_timestamp()).unwrap_or(0);
    UnixTime::since_unix_epoch(Duration::from_secs(seconds))
}

fn chain_problem(error: &Error) -> String {
    let Error::InvalidCertificate(problem) = error else {
        return error.to_string();
    };
    match problem {
        CertificateError::UnknownIssuer => "not issued by a trusted authority".to_owned(),
        CertificateError::BadSignature => "a signature in the chain does not verify".to_owned(),
        CertificateError::Revoked => "revoked".to_owned(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "not issued for server authentication".to_owned()
        }
        other => format!("the chain does not verify: {other:?}"),
    }
}

fn wrong_name(end_entity: &CertificateDer<'_>, server_name: &ServerName<'_>) -> String {
    let names = certificate_info(end_entity)
        .map(|info| info.subject_alt_names.join(", "))
        .unwrap_or_default();
    let name = server_name.to_str();
    if names.is_empty() {
        format!("the certificate is not valid for {name}; it has no subject alternative names")
    } else {
        format!("the certificate is not valid for {name}; it names {names}")
    }
}

fn in_date(chain: &[CertificateDer<'static>], now: OffsetDateTime) -> Verdict {
    for (index, der) in chain.iter().enumerate() {
        let which = if index == 0 {
            "the server certificate".to_owned()
        } else {
            format!("the chain certificate {}", subject(der))
        };
        match validity(der) {
            Err(error) => return Verdict::fail(format!("{which}: {error}")),
            Ok((_, end)) if now > end => {
                return Verdict::fail(format!("{which} expired on {}", rfc3339(end)));
            }
            Ok((start, _)) if now < start => {
                return Verdict::fail(format!("{which} is not valid before {}", rfc3339(start)));
            }
            Ok(_) => {}
        }
    }
    Verdict::pass()
}
