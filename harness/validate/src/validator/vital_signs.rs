//! Vital signs (R4 observation-vitalsigns.html): an Observation that records one of the vital
//! signs the specification lists SHALL conform to the profile for that vital sign, whether or
//! not its `meta.profile` claims it. Each vital sign profile of the core package names its own
//! code (a `code.coding` slice with a fixed `system` and `code`); an Observation whose code
//! carries that coding is checked against the profile.

use assure_model::Element;

use super::Validator;
use crate::definitions::CORE_SD_BASE;

/// The core profiles of the vital signs table, by the last segment of their canonical URL.
const PROFILES: &[&str] = &[
    "vitalspanel",
    "resprate",
    "heartrate",
    "oxygensat",
    "bodytemp",
    "bodyheight",
    "headcircum",
    "bodyweight",
    "bmi",
    "bp",
];

/// The coding that makes an Observation a vital sign, and the profile it must then meet.
#[derive(Debug, Clone)]
pub struct VitalSign {
    system: String,
    code: String,
    /// Canonical URL of the vital sign's profile.
    pub profile: String,
}

/// The vital signs whose profiles are loaded, each with the coding its profile fixes.
pub fn table(validator: &Validator) -> Vec<VitalSign> {
    PROFILES
        .iter()
        .filter_map(|name| {
            let url = format!("{CORE_SD_BASE}{name}");
            let profile = validator.profile(&url)?;
            // The profile's coding slice: `Observation.code.coding:<slice>.code`, fixed.
            let code_def = profile
                .elements
                .iter()
                .find(|e| e.path == "Observation.code.coding.code" && e.fixed.is_some())?;
            let code = code_def.fixed.as_ref()?.as_str()?.to_owned();
            let system_id = format!("{}.system", code_def.id.strip_suffix(".code")?);
            let system_def = &profile.elements[profile.by_id(&system_id)?];
            let system = system_def.fixed.as_ref()?.as_str()?.to_owned();
            Some(VitalSign {
                system,
                code,
                profile: url,
            })
        })
        .collect()
}

/// The vital signs `resource` records, when it is an Observation: those whose coding is
/// among the codings of its `code` (the table is built for the first Observation).
pub fn recorded<'v>(validator: &'v Validator, resource: &Element) -> Vec<&'v VitalSign> {
    if resource.resource_type.as_deref() != Some("Observation") {
        return Vec::new();
    }
    let table = validator.vital_signs();
    let codings: Vec<(&str, &str)> = resource
        .child("code")
        .into_iter()
        .flat_map(|code| code.children_named("coding"))
        .filter_map(|coding| {
            Some((
                coding.child("system")?.text()?,
                coding.child("code")?.text()?,
            ))
        })
        .collect();
    table
        .iter()
        .filter(|sign| codings.contains(&(sign.system.as_str(), sign.code.as_str())))
        .collect()
}

impl VitalSign {
    /// Says why the resource is checked against the profile.
    pub fn reason(&self) -> String {
        format!(
            "The Observation records a vital sign ({}#{}), so it must conform to the vital \
             signs profile {} (R4 observation-vitalsigns.html)",
            self.system, self.code, self.profile
        )
    }
}
