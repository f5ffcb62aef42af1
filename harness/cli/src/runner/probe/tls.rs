//! A TLS handshake offering one protocol version and one set of cipher suites.

use std::time::Instant;

use assure_tlsprobe::{
    CipherSuite, HandshakeOutcome, ProtocolVersion, strong_tls12_suites, tls13_suites, weak_suites,
};
use serde_json::json;

use super::{Endpoint, Probed, probe_exchange, report_response};
use crate::http::Client;
use crate::runner::authorize::Unmet;
use crate::suite::{SuiteSet, TlsOffer};

/// Offers `offer` to `endpoint`. The report is the handshake outcome
/// (`{"handshake": "accepted", "version": ..., "suite": ..., "suite_grade": ...}` or
/// `{"handshake": "refused", "reason": ...}`); an endpoint that cannot be reached at all is an
/// error, not a refusal.
pub async fn offer(
    offer: &TlsOffer,
    endpoint: &Endpoint,
    client: &Client,
) -> Result<Probed, Unmet> {
    let suites = offered(offer.version, offer.suites);
    let ids: Vec<u16> = suites.iter().map(|suite| suite.id).collect();
    let started = Instant::now();
    let outcome = assure_tlsprobe::offer(
        endpoint.addr,
        &endpoint.host,
        offer.version,
        &ids,
        client.timeout(),
    )
    .await;
    if let HandshakeOutcome::Unreachable { reason } = &outcome {
        return Err(Unmet::Error(format!(
            "cannot reach the TLS endpoint {}: {reason}",
            endpoint.url()
        )));
    }
    let offered = json!({
        "version": offer.version,
        "suites": suites.iter().map(|suite| suite.name).collect::<Vec<_>>(),
    });
    let mut report = serde_json::to_value(&outcome).unwrap_or_default();
    if let HandshakeOutcome::Accepted { suite, .. } = &outcome
        && let Some(fields) = report.as_object_mut()
    {
        fields.insert("suite_grade".to_string(), grade(suite).into());
    }
    Ok(Probed {
        label: format!("tls {} {}", offer.version.name(), set_name(offer.suites)),
        exchanges: vec![probe_exchange(endpoint.url(), &offered, &report, started)],
        response: report_response(&report),
    })
}

/// The suites offered for `set` with `version`. For the strong set below TLS 1.2, which has
/// no AEAD suites, every suite that is not forbidden: the check there is the version alone.
fn offered(version: ProtocolVersion, set: SuiteSet) -> Vec<&'static CipherSuite> {
    match set {
        SuiteSet::Strong if version == ProtocolVersion::Tls13 => tls13_suites().collect(),
        SuiteSet::Strong if version == ProtocolVersion::Tls12 => strong_tls12_suites().collect(),
        SuiteSet::Strong => strong_tls12_suites()
            .chain(weak_suites().filter(|suite| !forbidden(suite)))
            .collect(),
        SuiteSet::Forbidden => weak_suites().filter(|suite| forbidden(suite)).collect(),
        SuiteSet::Discouraged => weak_suites().filter(|suite| discouraged(suite)).collect(),
    }
}

/// How good the suite a server chose is: `strong` (TLS 1.3, or ECDHE with AEAD on 1.2),
/// `forbidden: <why>` or `discouraged: <why>` as the suite sets are drawn, else `acceptable`
/// (with the suite's known weakness, if any).
fn grade(name: &str) -> String {
    let strong = tls13_suites()
        .chain(strong_tls12_suites())
        .any(|suite| suite.name == name);
    if strong {
        return "strong".to_string();
    }
    match weak_suites().find(|suite| suite.name == name) {
        Some(suite) if forbidden(suite) => {
            format!("forbidden: {}", suite.weakness.unwrap_or("weak"))
        }
        Some(suite) if discouraged(suite) => {
            let why = suite
                .weakness
                .filter(|weakness| matches!(*weakness, "3DES" | "anonymous"))
                .unwrap_or("static RSA key transport");
            format!("discouraged: {why}")
        }
        Some(suite) => format!(
            "acceptable: {} (RFC 9325 recommends AEAD suites)",
            suite.weakness.unwrap_or("not AEAD")
        ),
        None => "acceptable".to_string(),
    }
}

/// RFC 9325 section 4.1 "MUST NOT": NULL encryption, RC4, under 112 bits (export, DES).
fn forbidden(suite: &CipherSuite) -> bool {
    matches!(suite.weakness, Some("NULL" | "EXPORT" | "RC4" | "DES"))
}

/// RFC 9325 section 4.1 "SHOULD NOT": under 128 bits (3DES) and static RSA key transport;
/// and anonymous key exchange.
fn discouraged(suite: &CipherSuite) -> bool {
    !forbidden(suite)
        && (matches!(suite.weakness, Some("3DES" | "anonymous"))
            || suite.name.starts_with("TLS_RSA_WITH_"))
}

fn set_name(set: SuiteSet) -> &'static str {
    match set {
        SuiteSet::Strong => "strong suites",
        SuiteSet::Forbidden => "forbidden suites",
        SuiteSet::Discouraged => "discouraged suites",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sets_do_not_overlap_and_are_not_empty() {
        let forbidden = offered(ProtocolVersion::Tls12, SuiteSet::Forbidden);
        let discouraged = offered(ProtocolVersion::Tls12, SuiteSet::Discouraged);
        assert!(!forbidden.is_empty() && !discouraged.is_empty());
        assert!(forbidden.iter().all(|suite| !discouraged.contains(suite)));
        assert!(
            forbidden
                .iter()
                .any(|suite| suite.name == "TLS_RSA_WITH_RC4_128_SHA")
        );
        assert!(
            discouraged
                .iter()
                .any(|suite| suite.name == "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
        );
        assert_eq!(grade("TLS_AES_128_GCM_SHA256"), "strong");
        assert_eq!(grade("TLS_RSA_WITH_RC4_128_SHA"), "forbidden: RC4");
        assert_eq!(grade("TLS_RSA_WITH_3DES_EDE_CBC_SHA"), "discouraged: 3DES");
        assert_eq!(
            grade("TLS_RSA_WITH_AES_128_CBC_SHA"),
            "discouraged: static RSA key transport"
        );
        assert_eq!(
            grade("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            "acceptable: CBC with SHA-1 (RFC 9325 recommends AEAD suites)"
        );
        let legacy = offered(ProtocolVersion::Tls10, SuiteSet::Strong);
        assert!(legacy.iter().all(|suite| !forbidden.contains(suite)));
        assert!(legacy.iter().any(|suite| suite.name.contains("CBC")));
    }
}
