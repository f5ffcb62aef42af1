//! A request over plain HTTP (no TLS) to the target's host, without credentials: the API must
//! not be served there.

use reqwest::Url;
use serde_json::{Value, json};

use super::{Probed, report_response};
use crate::http::{Client, RequestSpec, Target};
use crate::runner::authorize::Unmet;

/// `GET <url>/metadata` over plain HTTP; `url` empty means the base URL with `http` on port
/// 80. The report: `served` (a 2xx, or a redirect that does not lead to HTTPS), `status`,
/// `location`, and `reason` when nothing answered. Skipped when the target itself is
/// `http://`: transport security is assessed only on an HTTPS target.
pub async fn request(url: &str, client: &Client) -> Result<Probed, Unmet> {
    let base = client.base_url();
    if base.scheme() != "https" {
        return Err(Unmet::Skip(format!(
            "the target was given as {}://, not HTTPS: transport security is not assessed",
            base.scheme()
        )));
    }
    let url = if url.is_empty() {
        let mut plain = base.clone();
        plain
            .set_scheme("http")
            .and_then(|()| plain.set_port(None))
            .map_err(|()| Unmet::Error(format!("cannot make a plain-HTTP URL of {base}")))?;
        plain
    } else {
        Url::parse(url).map_err(|error| Unmet::Error(format!("invalid URL `{url}`: {error}")))?
    };
    if url.scheme() != "http" {
        return Err(Unmet::Error(format!("`{url}` is not a plain http:// URL")));
    }
    let base = Url::parse(&format!("{}/", url.as_str().trim_end_matches('/')))
        .map_err(|error| Unmet::Error(format!("invalid URL `{url}`: {error}")))?;
    let spec = RequestSpec::new("GET", Target::Segments(vec!["metadata".to_string()]));
    let sent = client
        .send_to(&base, &spec)
        .await
        .map_err(|error| Unmet::Error(error.to_string()))?;
    let report = match &sent.response {
        Some(response) => {
            let location = response.header("location").map(str::to_string);
            let to_https = location
                .as_deref()
                .and_then(|location| base.join(location).ok())
                .is_some_and(|target| target.scheme() == "https");
            let served = (200..300).contains(&response.status)
                || ((300..400).contains(&response.status) && !to_https);
            json!({ "served": served, "status": response.status, "location": location })
        }
        None => json!({
            "served": false,
            "status": Value::Null,
            "reason": sent.exchange.error.clone().unwrap_or_else(|| "no answer".to_string()),
        }),
    };
    Ok(Probed {
        label: format!("plain HTTP GET {url}"),
        exchanges: vec![sent.exchange],
        response: report_response(&report),
    })
}
