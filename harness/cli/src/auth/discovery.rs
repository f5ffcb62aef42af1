//! SMART discovery: `GET {base}/.well-known/smart-configuration`, falling back to the same path
//! at the origin's root, for the token endpoint (SMART App Launch 2.x, "Conformance").

use reqwest::Url;
use serde_json::Value;

use crate::http::{Client, RequestSpec, Target};
use crate::results::Exchange;

/// Where the configuration is published, relative to a base.
const WELL_KNOWN: [&str; 2] = [".well-known", "smart-configuration"];

/// What discovery did: the exchanges (one or two) and the configuration found, or why none.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// Evidence, redacted.
    pub exchanges: Vec<Exchange>,
    /// The configuration, or why none was usable.
    pub configuration: Result<SmartConfiguration, String>,
}

/// A usable SMART configuration.
#[derive(Debug, Clone)]
pub struct SmartConfiguration {
    /// Where it was found.
    pub url: Url,
    /// Its `token_endpoint`, absolute; `https` whenever the target is.
    pub token_endpoint: Url,
    /// The whole document, for checks of its other fields.
    pub document: Value,
}

/// Discovers the configuration of the target `client` is bound to. Neither its default
/// headers nor its default credential are sent (a credential may be what is being sought).
pub(super) async fn discover(client: &Client) -> Discovery {
    let base = client.base_url().clone();
    let mut candidates = vec![well_known(&base)];
    if !base.path().trim_matches('/').is_empty() {
        let mut root = base.clone();
        root.set_path("/");
        candidates.push(well_known(&root));
    }
    let mut exchanges = Vec::new();
    let mut reasons = Vec::new();
    for url in candidates.into_iter().flatten() {
        let mut spec = RequestSpec::new("GET", Target::Segments(Vec::new()));
        spec.headers = vec![("Accept".into(), "application/json".into())];
        let sent = match client.send_to(&url, &spec).await {
            Ok(sent) => sent,
            Err(e) => {
                reasons.push(format!("{url}: {e}"));
                continue;
            }
        };
        exchanges.push(sent.exchange.clone());
        let outcome = match sent.response {
            None => Err(sent.exchange.error.unwrap_or_else(|| "no response".into())),
            Some(response) if response.status != 200 => {
                Err(format!("answered status {}", response.status))
            }
            Some(response) => serde_json::from_slice::<Value>(&response.body)
                .map_err(|e| format!("not JSON: {e}"))
                .and_then(|document| configuration(&base, url.clone(), document)),
        };
        match outcome {
            Ok(configuration) => {
                return Discovery {
                    exchanges,
                    configuration: Ok(configuration),
                };
            }
            Err(reason) => reasons.push(format!("{url}: {reason}")),
        }
    }
    Discovery {
        exchanges,
        configuration: Err(client.redactor().redact_text(&reasons.join("; "))),
    }
}

/// `{base}/.well-known/smart-configuration`; `None` for a base that cannot take a path.
fn well_known(base: &Url) -> Option<Url> {
    let mut url = base.clone();
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(WELL_KNOWN);
    Some(url)
}

/// The configuration in `document`, found at `url`, if its token endpoint is usable.
fn configuration(base: &Url, url: Url, document: Value) -> Result<SmartConfiguration, String> {
    let endpoint = document
        .get("token_endpoint")
        .and_then(Value::as_str)
        .ok_or("no token_endpoint")?;
    let token_endpoint = Url::parse(endpoint)
        .map_err(|e| format!("token_endpoint `{endpoint}` is not an absolute URL: {e}"))?;
    match token_endpoint.scheme() {
        "https" => {}
        "http" if base.scheme() == "http" => {}
        _ => {
            return Err(format!(
                "token_endpoint `{endpoint}` is not https; credentials are not sent there"
            ));
        }
    }
    Ok(SmartConfiguration {
        url,
        token_endpoint,
        document,
    })
}
