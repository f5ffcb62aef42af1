//! The up-front probe: `GET [base]/metadata` once, so an unreachable target is reported once
//! rather than as a failure of every test. The CapabilityStatement it receives is kept for the
//! run (generated search checks, the claims table), which so never fetches it again.

use serde_json::Value;

use super::client::Client;
use super::error::TargetUnreachable;
use super::request::{RequestSpec, Target};
use crate::resource_head;
use crate::results::TargetInfo;

/// What the probe learnt of a reachable target.
#[derive(Debug, Clone)]
pub struct Probed {
    /// The target as the reports describe it.
    pub target: TargetInfo,
    /// The CapabilityStatement `/metadata` answered with, or why the answer is not one.
    pub capability_statement: Result<Value, String>,
}

impl Client {
    /// Fetches the CapabilityStatement. Any HTTP response means the target is reachable; what
    /// the body says (FHIR version, software) is filled in when it parses.
    pub async fn probe(&self) -> Result<Probed, TargetUnreachable> {
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
        let parsed: Result<Value, String> = if response.status == 200 {
            // The statement is kept for the whole run; anything else is not parsed whole.
            match resource_head::resource_type(&response.body) {
                Ok(Some(found)) if found == "CapabilityStatement" => {
                    serde_json::from_slice(&response.body)
                        .map_err(|e| format!("the body of /metadata is not JSON: {e}"))
                }
                Ok(_) => Err("the body of /metadata is not a CapabilityStatement".to_owned()),
                Err(e) => Err(format!("the body of /metadata is not JSON: {e}")),
            }
        } else {
            Err(format!("/metadata answered status {}", response.status))
        };
        let capabilities = parsed.as_ref().ok();
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
        let fhir_version = capabilities.and_then(|c| text(c.get("fhirVersion")));
        let software = capabilities.and_then(|c| {
            let software = c.get("software")?;
            let name = text(software.get("name"))?;
            Some(match text(software.get("version")) {
                Some(version) => format!("{name} {version}"),
                None => name,
            })
        });
        let target = TargetInfo {
            base_url: self.redactor().redact_text(self.base_url().as_str()),
            embedded: false,
            insecure: self.insecure(),
            fhir_version,
            software,
            clock: None,
        };
        Ok(Probed {
            target,
            capability_statement: parsed,
        })
    }
}
