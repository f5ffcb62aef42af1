//! The defects that change the data served rather than the server's behaviour: each alters
//! the fixtures before they are loaded.

use serde_json::{Map, Value, json};

use super::defect::Defect;

/// The identifier system of NHS numbers.
const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// The Patient whose NHS number gets a wrong check digit (`ukcore-nhs-number-check-digit`);
/// no check searches by its number.
pub const WRONG_CHECK_DIGIT_PATIENT: &str = "priya-patel";
/// The Patient given a second NHS number (`ukcore-profile-not-met`).
pub const TWO_NHS_NUMBERS_PATIENT: &str = "sam-taylor";
/// The second NHS number: valid on its own, one too many for UKCore-Patient.
pub const SECOND_NHS_NUMBER: &str = "9990000093";
/// The Patient whose managing organization does not exist (`ukcore-dangling-reference`).
pub const DANGLING_REFERENCE_PATIENT: &str = "eilidh-macdonald";
/// Where that Patient's managing organization points.
pub const DANGLING_REFERENCE: &str = "Organization/no-such-org";

/// Alters `resource` (a fixture) as `defect` asks; defects that change no data leave it be.
pub fn apply(defect: Defect, resource: &mut Value) {
    let type_name = resource["resourceType"].as_str().unwrap_or_default();
    let id = resource["id"].as_str().unwrap_or_default();
    let is_patient = |wanted: &str| type_name == "Patient" && id == wanted;
    let changes = match defect {
        Defect::NonconformantPatients => type_name == "Patient",
        Defect::UkcoreNhsNumberCheckDigit => is_patient(WRONG_CHECK_DIGIT_PATIENT),
        Defect::UkcoreMustSupportMissing => type_name == "Patient",
        Defect::UkcoreProfileNotMet => is_patient(TWO_NHS_NUMBERS_PATIENT),
        Defect::UkcoreNoInstances => type_name == "Practitioner",
        Defect::UkcoreDanglingReference => is_patient(DANGLING_REFERENCE_PATIENT),
        _ => false,
    };
    let Some(fields) = resource.as_object_mut().filter(|_| changes) else {
        return;
    };
    match defect {
        Defect::NonconformantPatients => {
            fields.insert("nickname".into(), json!("Nonconformant"));
        }
        Defect::UkcoreNhsNumberCheckDigit => {
            for value in nhs_numbers(fields) {
                *value = json!(with_wrong_check_digit(value.as_str().unwrap_or_default()));
            }
        }
        Defect::UkcoreMustSupportMissing => {
            fields.remove("telecom");
        }
        Defect::UkcoreProfileNotMet => {
            if let Some(Value::Array(identifiers)) = fields.get_mut("identifier") {
                identifiers.push(json!({"system": NHS_NUMBER_SYSTEM, "value": SECOND_NHS_NUMBER}));
            }
        }
        Defect::UkcoreNoInstances => {
            if let Some(Value::Object(meta)) = fields.get_mut("meta") {
                meta.remove("profile");
            }
        }
        Defect::UkcoreDanglingReference => {
            fields.insert(
                "managingOrganization".into(),
                json!({"reference": DANGLING_REFERENCE}),
            );
        }
        _ => {}
    }
}

/// The values of the resource's NHS number identifiers.
fn nhs_numbers(fields: &mut Map<String, Value>) -> impl Iterator<Item = &mut Value> {
    fields
        .get_mut("identifier")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter(|identifier| identifier["system"] == NHS_NUMBER_SYSTEM)
        .filter_map(|identifier| identifier.get_mut("value"))
}

/// `number` with its last digit changed: nine leading digits admit one check digit only.
fn with_wrong_check_digit(number: &str) -> String {
    let Some((at, last)) = number.char_indices().last() else {
        return number.to_owned();
    };
    let wrong = last.to_digit(10).map_or(0, |digit| (digit + 1) % 10);
    format!("{}{wrong}", &number[..at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::Fixtures;
    use assure_validate::nhs::{NhsNumberError, check_nhs_number as validate};

    fn fixtures(defects: &[Defect]) -> Vec<Value> {
        Fixtures::embedded()
            .unwrap()
            .with_defects(defects)
            .resources()
            .to_vec()
    }

    fn find<'a>(resources: &'a [Value], type_name: &str, id: &str) -> &'a Value {
        resources
            .iter()
            .find(|r| r["resourceType"] == type_name && r["id"] == id)
            .unwrap()
    }

    fn nhs_numbers_of(patient: &Value) -> Vec<&str> {
        patient["identifier"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|identifier| identifier["system"] == NHS_NUMBER_SYSTEM)
            .map(|identifier| identifier["value"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn no_defect_changes_nothing() {
        let plain = fixtures(&[]);
        assert_eq!(plain, Fixtures::embedded().unwrap().resources());
        assert_eq!(fixtures(&[Defect::Bare404, Defect::CapabilityLies]), plain);
    }

    #[test]
    fn wrong_check_digit_on_one_patient_only() {
        let plain = fixtures(&[]);
        let broken = fixtures(&[Defect::UkcoreNhsNumberCheckDigit]);
        let patient = find(&broken, "Patient", WRONG_CHECK_DIGIT_PATIENT);
        let [number] = nhs_numbers_of(patient)[..] else {
            panic!("one NHS number expected");
        };
        assert!(matches!(
            validate(number),
            Err(NhsNumberError::WrongCheckDigit { .. })
        ));
        let original = find(&plain, "Patient", WRONG_CHECK_DIGIT_PATIENT);
        assert_eq!(number[..9], nhs_numbers_of(original)[0][..9]);
        let changed = plain.iter().zip(&broken).filter(|(a, b)| a != b).count();
        assert_eq!(changed, 1);
        assert_eq!(
            nhs_numbers_of(find(&broken, "Patient", "amelia-jones")),
            ["9990000018"]
        );
    }

    #[test]
    fn must_support_telecom_removed_from_every_patient() {
        let broken = fixtures(&[Defect::UkcoreMustSupportMissing]);
        for resource in &broken {
            let has_telecom = resource.get("telecom").is_some();
            match resource["resourceType"].as_str() {
                Some("Patient") => assert!(!has_telecom, "{}", resource["id"]),
                Some("Practitioner") => assert!(has_telecom, "{}", resource["id"]),
                _ => {}
            }
        }
    }

    #[test]
    fn profile_not_met_by_a_second_nhs_number() {
        assert_eq!(validate(SECOND_NHS_NUMBER), Ok(()));
        let broken = fixtures(&[Defect::UkcoreProfileNotMet]);
        let patient = find(&broken, "Patient", TWO_NHS_NUMBERS_PATIENT);
        let numbers = nhs_numbers_of(patient);
        assert_eq!(numbers.len(), 2);
        assert_eq!(numbers[1], SECOND_NHS_NUMBER);
        assert_ne!(numbers[0], SECOND_NHS_NUMBER);
        assert_eq!(
            patient["meta"]["profile"][0],
            "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
        );
    }

    #[test]
    fn no_instances_strips_practitioner_profiles_only() {
        let broken = fixtures(&[Defect::UkcoreNoInstances]);
        for resource in &broken {
            let claims = resource["meta"].get("profile").is_some();
            assert_eq!(
                claims,
                resource["resourceType"] != "Practitioner",
                "{}",
                resource["id"]
            );
        }
    }

    #[test]
    fn dangling_reference_on_one_patient() {
        let plain = fixtures(&[]);
        let broken = fixtures(&[Defect::UkcoreDanglingReference]);
        let patient = find(&broken, "Patient", DANGLING_REFERENCE_PATIENT);
        assert_eq!(
            patient["managingOrganization"]["reference"],
            DANGLING_REFERENCE
        );
        assert!(!plain.iter().any(|r| format!(
            "{}/{}",
            r["resourceType"].as_str().unwrap(),
            r["id"].as_str().unwrap()
        ) == DANGLING_REFERENCE));
        let changed = plain.iter().zip(&broken).filter(|(a, b)| a != b).count();
        assert_eq!(changed, 1);
    }

    #[test]
    fn nonconformant_patients_get_a_nickname() {
        let broken = fixtures(&[Defect::NonconformantPatients]);
        assert_eq!(
            find(&broken, "Patient", "amelia-jones")["nickname"],
            "Nonconformant"
        );
        assert!(
            find(&broken, "Practitioner", "emma-wilson")
                .get("nickname")
                .is_none()
        );
    }
}
