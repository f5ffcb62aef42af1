//! A full TLS handshake that records the server's certificate chain and judges it, and
//! whether the server let in the client certificate presented (or its absence).

use std::sync::OnceLock;
use std::time::Instant;

use assure_tlsprobe::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;

use super::{Endpoint, Probed, probe_exchange, report_response};
use crate::http::Client;
use crate::runner::authorize::Unmet;
use crate::suite::{CertificateProbe, ClientCertificate};

/// Inspects the certificate of `endpoint`, presenting the client certificate `probe` names.
/// The report is the inspection: `connected`, `error`, `trusted`, `hostname`, `in_date`,
/// `key_strong` (each `{ok, reason}`), `key`, `chain`, `version`, `suite`.
///
/// Trust anchors: the platform's and `--ca-cert`. Presenting no certificate or one from an
/// unknown authority is a mutual-TLS check, skipped unless the run has a client certificate.
pub async fn inspect(
    probe: &CertificateProbe,
    endpoint: &Endpoint,
    client: &Client,
) -> Result<Probed, Unmet> {
    let material = client.tls_material();
    let identity = match probe.client {
        ClientCertificate::Run => material.identity(),
        ClientCertificate::None | ClientCertificate::OtherAuthority
            if material.identity().is_none() =>
        {
            return Err(Unmet::Skip(
                "the run has no client certificate (--client-cert, --client-key): mutual TLS \
                 is not assessed"
                    .into(),
            ));
        }
        ClientCertificate::None => None,
        ClientCertificate::OtherAuthority => Some(stranger(&endpoint.host)?),
    };
    let mut roots = platform_roots().to_vec();
    roots.extend(material.roots().iter().cloned());
    let started = Instant::now();
    let inspection = assure_tlsprobe::inspect(
        endpoint.addr,
        &endpoint.host,
        &roots,
        identity,
        client.timeout(),
    )
    .await;
    let offered = json!({
        "server_name": endpoint.host,
        "client_certificate": match probe.client {
            ClientCertificate::Run if material.identity().is_some() => "the run's (--client-cert)",
            ClientCertificate::Run | ClientCertificate::None => "none",
            ClientCertificate::OtherAuthority => "self-signed, from an authority the server does not know",
        },
        "trust_anchors": format!("the platform's and {} from --ca-cert", material.roots().len()),
    });
    let report = serde_json::to_value(&inspection).unwrap_or_default();
    Ok(Probed {
        label: format!("certificate of {}", endpoint.url()),
        exchanges: vec![probe_exchange(endpoint.url(), &offered, &report, started)],
        response: report_response(&report),
    })
}

/// The platform's trust anchors, read once per process.
fn platform_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// A client certificate and key from an authority made up on the spot.
fn stranger(host: &str) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), Unmet> {
    let unusable = |error: rcgen::Error| {
        Unmet::Error(format!(
            "cannot make a stranger's client certificate: {error}"
        ))
    };
    let key = rcgen::KeyPair::generate().map_err(unusable)?;
    let params =
        rcgen::CertificateParams::new(vec![format!("stranger.{host}")]).map_err(unusable)?;
    let certificate = params.self_signed(&key).map_err(unusable)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((vec![certificate.der().clone()], key))
}
