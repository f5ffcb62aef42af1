//! The search itself: the first page and the `next` pages, bounded, on the target's origin.

use serde_json::Value;

use crate::http::admit_body;
use crate::http::{Client, RequestSpec, Target};
use crate::results::Exchange;

/// At most this many pages are read (the first and up to nine `next` links).
pub(crate) const MAX_PAGES: usize = 10;

/// No `next` link is followed once the pages read hold this much (32 MiB): parsed, they cost
/// ~20 times as much in memory.
pub(crate) const MAX_PAGES_BYTES: usize = 32 * 1024 * 1024;

/// What the search returned.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    /// Every exchange, in order.
    pub(crate) exchanges: Vec<Exchange>,
    /// The status of each page received.
    pub(crate) statuses: Vec<u16>,
    /// The JSON bodies of the 200 pages, in order (`None` for one that is not JSON).
    pub(crate) bodies: Vec<Option<Value>>,
    /// A transport failure, when one stopped the search.
    pub(crate) transport_error: Option<String>,
    /// Why the search stopped while a `next` link remained (the bound, another origin).
    pub(crate) unfollowed: Option<String>,
}

/// `GET [type]?query`, then every `next` page up to [`MAX_PAGES`] pages or [`MAX_PAGES_BYTES`].
pub(crate) async fn search(
    client: &Client,
    resource_type: &str,
    query: Vec<(String, String)>,
) -> Pages {
    let mut pages = Pages::default();
    let mut spec = RequestSpec::new("GET", Target::Segments(vec![resource_type.to_owned()]));
    spec.query = query;
    let mut bytes_read = 0;
    loop {
        let sent = match client.send(&spec).await {
            Ok(sent) => sent,
            Err(invalid) => {
                pages.unfollowed = Some(invalid.to_string());
                return pages;
            }
        };
        pages.exchanges.push(sent.exchange.clone());
        let Some(response) = sent.response else {
            pages.transport_error =
                Some(sent.exchange.error.unwrap_or_else(|| "no response".into()));
            return pages;
        };
        pages.statuses.push(response.status);
        if response.status != 200 {
            return pages;
        }
        bytes_read += response.body.len();
        admit_body(response.body.len()).await;
        let body: Option<Value> = serde_json::from_slice(&response.body).ok();
        let next = body.as_ref().and_then(next_link);
        pages.bodies.push(body);
        let Some(next) = next else {
            return pages;
        };
        if pages.bodies.len() >= MAX_PAGES {
            pages.unfollowed = Some(format!("only the first {MAX_PAGES} pages are read"));
            return pages;
        }
        if bytes_read >= MAX_PAGES_BYTES {
            pages.unfollowed = Some(format!(
                "the {} pages read hold {} MiB, and no more are read past {} MiB",
                pages.bodies.len(),
                bytes_read / (1024 * 1024),
                MAX_PAGES_BYTES / (1024 * 1024)
            ));
            return pages;
        }
        match client.url_for(&Target::Path(next.clone()), &[]) {
            Ok(_) => spec = RequestSpec::new("GET", Target::Path(next)),
            Err(_) => {
                pages.unfollowed = Some(format!(
                    "the next link {next} is not on the target's origin, so it is not followed"
                ));
                return pages;
            }
        }
    }
}

/// The `next` link of a Bundle.
fn next_link(bundle: &Value) -> Option<String> {
    bundle
        .get("link")?
        .as_array()?
        .iter()
        .find(|link| link.get("relation").and_then(Value::as_str) == Some("next"))?
        .get("url")?
        .as_str()
        .map(str::to_owned)
}
