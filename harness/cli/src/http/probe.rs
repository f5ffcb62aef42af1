//! The up-front probe: `GET [base]/metadata` once, so an unreachable target is reported once
//! rather than as a failure of every test.

use serde_json::Value;

use super::client::Client;
use super::error::TargetUnreachable;
use super::request::{RequestSpec, Target};
use crate::results::TargetInfo;

impl Client {
    /// Fetches the CapabilityStatement. Any HTTP response means the target is reachable; what
    /// the body says (FHIR version, software) is filled in when it parses.
    pub async fn probe(&self) -> Result<TargetInfo, TargetUnreachable> {
        let spec = RequestSpec::new("GET", Target::Segments(vec!["metadata".to_string()]));
        let unreachable = |cause: String| TargetUnreachable {
            url: self.redactor().redact_text(self.base_url().as_str()),
            cause,
        };
        let sent = self
            .send(&spec)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let Some(response) = sent.response else {
            let cause = sent
                .exchange
                .error
                .unwrap_or_else(|| "no response".to_string());
            return Err(unreachable(cause));
        };
        let capabilities: Option<Value> = serde_json::from_slice(&response.body).ok();
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
        let fhir_version = capabilities
            .as_ref()
            .and_then(|c| text(c.get("fhirVersion")));
        let software = capabilities.as_ref().and_then(|c| {
            let software = c.get("software")?;
            let name = text(software.get("name"))?;
            Some(match text(software.get("version")) {
                Some(version) => format!("{name} {version}"),
                None => name,
            })
        });
        Ok(TargetInfo {
            base_url: self.redactor().redact_text(self.base_url().as_str()),
            embedded: false,
            fhir_version,
            software,
        })
    }
}
