//! NHS numbers: ten digits whose last digit is a Modulus-11 check digit.
//!
//! The check digit is computed from the first nine digits weighted 10 down to 2: the weighted
//! sum is divided by 11 and the check digit is 11 minus the remainder, where 11 becomes 0 and 10
//! means no valid number exists for those nine digits. Numbers starting `999` are reserved for
//! testing and never issued to real people.

use std::fmt;

/// Identifier system URI under which NHS numbers are exchanged in FHIR.
pub const SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// Why a string is not a valid NHS number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NhsNumberError {
    /// The string is not exactly ten characters long.
    WrongLength(usize),
    /// A character is not an ASCII digit.
    NotADigit(char),
    /// The first nine digits give a check digit of 10, which no valid number has.
    NoValidCheckDigit,
    /// The last digit differs from the computed check digit.
    WrongCheckDigit { expected: u8, found: u8 },
}

impl fmt::Display for NhsNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongLength(len) => write!(f, "an NHS number has 10 digits, not {len}"),
            Self::NotADigit(c) => write!(f, "an NHS number has only digits, found {c:?}"),
            Self::NoValidCheckDigit => {
                write!(f, "the first nine digits admit no valid check digit")
            }
            Self::WrongCheckDigit { expected, found } => {
                write!(f, "check digit is {found}, expected {expected}")
            }
        }
    }
}

impl std::error::Error for NhsNumberError {}

/// Computes the Modulus-11 check digit for nine leading digits (each 0-9), or `None` when the
/// digits admit no valid NHS number.
pub fn check_digit(leading: [u8; 9]) -> Option<u8> {
    let weighted: u32 = leading
        .iter()
        .zip((2..=10u32).rev())
        .map(|(digit, weight)| u32::from(*digit) * weight)
        .sum();
    match 11 - weighted % 11 {
        11 => Some(0),
        10 => None,
        digit => Some(digit as u8),
    }
}

/// Checks that `candidate` is ten digits with a correct check digit.
pub fn validate(candidate: &str) -> Result<(), NhsNumberError> {
    let length = candidate.chars().count();
    if length != 10 {
        return Err(NhsNumberError::WrongLength(length));
    }
    let mut digits = [0u8; 10];
    for (slot, c) in digits.iter_mut().zip(candidate.chars()) {
        *slot = c.to_digit(10).ok_or(NhsNumberError::NotADigit(c))? as u8;
    }
    let mut leading = [0u8; 9];
    leading.copy_from_slice(&digits[..9]);
    let expected = check_digit(leading).ok_or(NhsNumberError::NoValidCheckDigit)?;
    match digits[9] {
        found if found == expected => Ok(()),
        found => Err(NhsNumberError::WrongCheckDigit { expected, found }),
    }
}

/// True when `candidate` is a valid NHS number in the `999` range reserved for testing.
pub fn is_valid_test_number(candidate: &str) -> bool {
    candidate.starts_with("999") && validate(candidate).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_numbers_with_correct_check_digit() {
        for number in ["9434765919", "9990000018", "9990000107", "4010232137"] {
            assert_eq!(validate(number), Ok(()), "{number}");
        }
    }

    #[test]
    fn check_digit_eleven_becomes_zero() {
        assert_eq!(check_digit([9, 9, 9, 0, 0, 0, 0, 0, 5]), Some(0));
        assert_eq!(validate("9990000050"), Ok(()));
    }

    #[test]
    fn rejects_wrong_check_digit() {
        assert_eq!(
            validate("9990000019"),
            Err(NhsNumberError::WrongCheckDigit {
                expected: 8,
                found: 9
            })
        );
    }

    #[test]
    fn rejects_leading_digits_whose_check_digit_would_be_ten() {
        let leading = (0..1000u32)
            .map(|n| {
                let mut digits = [9, 9, 9, 0, 0, 0, 0, 0, 0];
                digits[6] = (n / 100) as u8;
                digits[7] = (n / 10 % 10) as u8;
                digits[8] = (n % 10) as u8;
                digits
            })
            .find(|digits| check_digit(*digits).is_none())
            .expect("some leading digits have no check digit");
        let text: String = leading.iter().map(|d| char::from(b'0' + d)).collect();
        for last in '0'..='9' {
            assert_eq!(
                validate(&format!("{text}{last}")),
                Err(NhsNumberError::NoValidCheckDigit)
            );
        }
    }

    #[test]
    fn rejects_wrong_length_and_non_digits() {
        assert_eq!(validate(""), Err(NhsNumberError::WrongLength(0)));
        assert_eq!(validate("999000001"), Err(NhsNumberError::WrongLength(9)));
        assert_eq!(
            validate("999 000 0018"),
            Err(NhsNumberError::WrongLength(12))
        );
        assert_eq!(validate("99900000l8"), Err(NhsNumberError::NotADigit('l')));
        assert_eq!(validate("99900000١8"), Err(NhsNumberError::NotADigit('١')));
    }

    #[test]
    fn test_range_requires_999_prefix() {
        assert!(is_valid_test_number("9990000018"));
        assert!(!is_valid_test_number("9434765919"));
        assert!(!is_valid_test_number("9990000019"));
    }
}
