//! The sample: resources of the searched type to take a value from — the one `sample` names,
//! else the first page of `GET [type]?_count=10`.

use serde_json::Value;

use crate::http::admit_body;
use crate::http::{Client, RequestSpec, Target};
use crate::results::Exchange;
use crate::runner::searchset::matches_of_type;

/// Resources asked for when no sample is named.
pub(crate) const SAMPLE_PAGE: usize = 10;

/// The candidates, with the exchange that fetched them, or why there are none.
pub(crate) struct Sampled {
    pub(crate) exchange: Option<Exchange>,
    /// Resources of the type, in the order received; empty with `reason`.
    pub(crate) resources: Vec<Value>,
    /// Why there is nothing to take a value from; `transport` when no response came.
    pub(crate) reason: Option<String>,
    pub(crate) transport: bool,
}

/// Reads the sample `id`, or searches the type for a few resources.
pub(crate) async fn sample(client: &Client, resource_type: &str, id: Option<&str>) -> Sampled {
    let mut spec = match id {
        Some(id) => RequestSpec::new(
            "GET",
            Target::Segments(vec![resource_type.to_owned(), id.to_owned()]),
        ),
        None => RequestSpec::new("GET", Target::Segments(vec![resource_type.to_owned()])),
    };
    if id.is_none() {
        spec.query = vec![("_count".into(), SAMPLE_PAGE.to_string())];
    }
    let what = match id {
        Some(id) => format!("the sample {resource_type}/{id}"),
        None => format!("a {resource_type} to take a value from"),
    };
    let nothing = |exchange, reason: String, transport| Sampled {
        exchange,
        resources: Vec::new(),
        reason: Some(reason),
        transport,
    };
    let sent = match client.send(&spec).await {
        Ok(sent) => sent,
        Err(invalid) => return nothing(None, invalid.to_string(), true),
    };
    let exchange = Some(sent.exchange.clone());
    let Some(response) = sent.response else {
        let error = sent.exchange.error.unwrap_or_else(|| "no response".into());
        return nothing(exchange, format!("cannot fetch {what}: {error}"), true);
    };
    if response.status != 200 {
        return nothing(
            exchange,
            format!("cannot fetch {what}: status {}", response.status),
            false,
        );
    }
    admit_body(response.body.len()).await;
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    let of_type = |r: &Value| r.get("resourceType").and_then(Value::as_str) == Some(resource_type);
    let resources: Vec<Value> = match (id, body) {
        (Some(_), Some(resource)) if of_type(&resource) => vec![resource],
        (None, Some(bundle)) => matches_of_type(&bundle, resource_type),
        _ => Vec::new(),
    };
    if resources.is_empty() {
        let reason = match id {
            Some(id) => {
                format!("the sample {resource_type}/{id} is not a readable {resource_type}")
            }
            None => format!("no {resource_type} on the server to take a value from"),
        };
        return nothing(exchange, reason, false);
    }
    Sampled {
        exchange,
        resources,
        reason: None,
        transport: false,
    }
}
