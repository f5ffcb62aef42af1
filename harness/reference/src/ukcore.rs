//! The UK Core profiles the server's data claims: every served type's fixtures carry
//! `meta.profile` `https://fhir.hl7.org.uk/StructureDefinition/UKCore-<Type>` and conform to it.

/// The canonical URL prefix shared by UK Core profiles.
pub const PROFILE_PREFIX: &str = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-";

/// The UK Core laboratory result profile, which no fixture claims.
pub const OBSERVATION_LAB: &str =
    "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation-Lab";

/// The UK Core profile for `resource_type` (`UKCore-<Type>`).
pub fn profile(resource_type: &str) -> String {
    format!("{PROFILE_PREFIX}{resource_type}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_named_after_the_type() {
        assert_eq!(
            profile("Patient"),
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
        );
        assert!(OBSERVATION_LAB.starts_with(&profile("Observation")));
    }
}
