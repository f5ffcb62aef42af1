//! Steps that are not FHIR requests: TLS handshakes, certificate inspections and plain-HTTP
//! requests. Each is recorded as an exchange, and what it found is a small JSON document that
//! the step's assertions read like a response body.
//!
//! A TLS probe's exchange has the method `TLS`, a `tls://host:port` URL, what was offered as
//! the request body and status 0 (no HTTP status: the body is the probe's report).

mod certificate;
mod plain_http;
mod tls;

use std::net::SocketAddr;
use std::time::Instant;

use reqwest::Url;
use serde_json::Value;

use super::authorize::Unmet;
use super::template;
use super::variables::Lookup;
use crate::http::{Client, Response};
use crate::results::{Exchange, RecordedRequest, RecordedResponse};
use crate::suite::Action;

/// What a probe step did: its evidence and the report its assertions read.
pub struct Probed {
    /// The step's label, e.g. `tls TLSv1.0 strong`.
    pub label: String,
    pub exchanges: Vec<Exchange>,
    /// Status 0 and the JSON report as body (or, for plain HTTP, the report too).
    pub response: Response,
}

/// Runs the probe `action` against the target of `client`; `None` when `action` is a FHIR
/// request, not a probe.
pub async fn run(
    action: &Action,
    client: &Client,
    lookup: &Lookup<'_>,
) -> Option<Result<Probed, Unmet>> {
    let is_probe = matches!(
        action,
        Action::TlsOffer(_) | Action::Certificate(_) | Action::PlainHttp { .. }
    );
    if is_probe && client.is_replay() {
        return Some(Err(Unmet::Skip(
            "a replay answers FHIR requests from its recording; TLS handshakes, certificate \
             inspections and plain-HTTP requests are judged only against a live server"
                .into(),
        )));
    }
    Some(match action {
        Action::TlsOffer(offer) => match endpoint(client).await {
            Ok(endpoint) => tls::offer(offer, &endpoint, client).await,
            Err(unmet) => Err(unmet),
        },
        Action::Certificate(probe) => match endpoint(client).await {
            Ok(endpoint) => certificate::inspect(probe, &endpoint, client).await,
            Err(unmet) => Err(unmet),
        },
        Action::PlainHttp { url } => match template::text(url, lookup) {
            Ok(url) => plain_http::request(&url, client).await,
            Err(error) => Err(Unmet::Error(error)),
        },
        _ => return None,
    })
}

/// The target's TLS endpoint.
pub struct Endpoint {
    /// The host name (or address) as the base URL gives it: the TLS server name.
    pub host: String,
    pub port: u16,
    pub addr: SocketAddr,
}

impl Endpoint {
    /// `tls://host:port`, the URL probe exchanges are recorded under.
    fn url(&self) -> String {
        format!("tls://{}:{}", self.host, self.port)
    }
}

/// The TLS endpoint of the target; a skip when the target is not served over HTTPS.
async fn endpoint(client: &Client) -> Result<Endpoint, Unmet> {
    let base = client.base_url();
    if base.scheme() != "https" {
        return Err(Unmet::Skip(format!(
            "the target is served over {}://, not HTTPS: there is no TLS to assess \
             (SEC-TLS-PLAIN-HTTP judges plain HTTP)",
            base.scheme()
        )));
    }
    let host = host_of(base)?;
    let port = base.port_or_known_default().unwrap_or(443);
    let lookup_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addr = tokio::net::lookup_host((lookup_host.as_str(), port))
        .await
        .map_err(|error| Unmet::Error(format!("cannot resolve {host}: {error}")))?
        .next()
        .ok_or_else(|| Unmet::Error(format!("{host} resolves to no address")))?;
    Ok(Endpoint { host, port, addr })
}

fn host_of(url: &Url) -> Result<String, Unmet> {
    url.host_str()
        .map(str::to_string)
        .ok_or_else(|| Unmet::Error(format!("{url} has no host")))
}

/// A probe's exchange: `offered` as the request body, `report` as a status-0 response.
fn probe_exchange(url: String, offered: &Value, report: &Value, started: Instant) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: "TLS".to_string(),
            url,
            headers: Vec::new(),
            body: Some(pretty(offered)),
            body_file: None,
            body_truncated: false,
        },
        response: Some(RecordedResponse {
            status: 0,
            headers: json_headers(),
            body: Some(pretty(report)),
            body_file: None,
            body_truncated: false,
        }),
        error: None,
        duration_ms: started.elapsed().as_millis() as u64,
        attempt: 1,
    }
}

/// `report` as the response the step's assertions read.
fn report_response(report: &Value) -> Response {
    Response {
        status: 0,
        headers: json_headers(),
        body: pretty(report).into_bytes().into(),
    }
}

fn json_headers() -> Vec<(String, String)> {
    vec![("content-type".to_string(), "application/json".to_string())]
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
