//! ODS codes: the codes the NHS Organisation Data Service (ODS) gives organisations and their
//! sites.
//!
//! The rule applied is the NHS ODS code format as this validator reads it: a short code of 3 to
//! 10 characters, each an upper-case letter `A`–`Z` or a digit `0`–`9` (e.g. `RR8`, `X26`,
//! `RR813`). Lower case, spaces, punctuation and other lengths are refused.

use std::fmt;

/// The Identifier system of ODS organisation codes.
pub const ODS_ORGANIZATION_CODE_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";

/// The Identifier system of ODS site codes.
pub const ODS_SITE_CODE_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-site-code";

/// Shortest ODS code accepted.
const MIN_LENGTH: usize = 3;
/// Longest ODS code accepted.
const MAX_LENGTH: usize = 10;

/// Why a value is not a well-formed ODS code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OdsCodeError {
    /// Outside 3 to 10 characters (the count found).
    Length(usize),
    /// A character other than `A`–`Z` and `0`–`9`.
    Character(char),
}

impl fmt::Display for OdsCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(n) => write!(
                f,
                "an ODS code is {MIN_LENGTH} to {MAX_LENGTH} characters long, not {n}"
            ),
            Self::Character(c) if c.is_ascii_lowercase() => write!(
                f,
                "an ODS code is upper case, and {c:?} is a lower-case letter"
            ),
            Self::Character(c) => write!(
                f,
                "an ODS code holds only the letters A-Z and the digits 0-9, and {c:?} is \
                 neither"
            ),
        }
    }
}

impl std::error::Error for OdsCodeError {}

/// Checks that `value` is a well-formed ODS code (see the module documentation).
pub fn check_ods_code(value: &str) -> Result<(), OdsCodeError> {
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return Err(OdsCodeError::Character(c));
    }
    let count = value.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&count) {
        return Err(OdsCodeError::Length(count));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_codes_pass() {
        for code in ["RR8", "X26", "ABC12", "RR813", "Y0123ABCDE"] {
            assert_eq!(check_ods_code(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn malformed_codes_say_what_is_wrong() {
        assert_eq!(check_ods_code("rr8"), Err(OdsCodeError::Character('r')));
        assert!(
            check_ods_code("rr8")
                .unwrap_err()
                .to_string()
                .contains("lower-case")
        );
        assert_eq!(check_ods_code("RR 8"), Err(OdsCodeError::Character(' ')));
        assert_eq!(check_ods_code("RR-8"), Err(OdsCodeError::Character('-')));
        assert_eq!(check_ods_code("ABCDEFGHIJK"), Err(OdsCodeError::Length(11)));
        assert_eq!(check_ods_code("R8"), Err(OdsCodeError::Length(2)));
        assert_eq!(check_ods_code(""), Err(OdsCodeError::Length(0)));
    }
}
