//! NHS numbers: ten digits, the tenth a Modulus 11 check digit (NHS Data Dictionary, "NHS
//! Number"): the first nine digits are weighted 10 down to 2, the weighted sum is divided by
//! 11, and the check digit is 11 minus the remainder; 11 becomes 0, and 10 means no valid NHS
//! number starts with those nine digits.

use std::fmt;

/// The Identifier system of NHS numbers.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// Why a value is not a valid NHS number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NhsNumberError {
    /// Not ten characters long (the count of characters found).
    Length(usize),
    /// Ten characters, but this one is not a digit.
    NotDigit(char),
    /// The first nine digits give a check value of 10: no NHS number starts with them.
    NoCheckDigit,
    /// The tenth digit is not the check digit of the first nine.
    WrongCheckDigit { found: u8, expected: u8 },
}

impl fmt::Display for NhsNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(n) => write!(f, "an NHS number is exactly 10 digits, not {n} characters"),
            Self::NotDigit(c) => write!(f, "an NHS number is digits only, and {c:?} is not one"),
            Self::NoCheckDigit => write!(
                f,
                "its first nine digits give a Modulus 11 check value of 10, so no valid NHS \
                 number starts with them"
            ),
            Self::WrongCheckDigit { found, expected } => write!(
                f,
                "its check digit is {found}, but the Modulus 11 check digit of its first nine \
                 digits is {expected}"
            ),
        }
    }
}

impl std::error::Error for NhsNumberError {}

/// The Modulus 11 check digit of nine leading digits (each 0–9), or `None` when the check
/// value is 10 (those digits start no valid NHS number).
pub fn nhs_check_digit(leading: [u8; 9]) -> Option<u8> {
    let sum: u32 = leading
        .iter()
        .zip((2..=10u32).rev())
        .map(|(&digit, weight)| u32::from(digit) * weight)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => u8::try_from(check).ok(),
    }
}

/// Checks that `value` is an NHS number: exactly ten ASCII digits whose last is the Modulus 11
/// check digit of the first nine.
pub fn check_nhs_number(value: &str) -> Result<(), NhsNumberError> {
    let count = value.chars().count();
    if count != 10 {
        return Err(NhsNumberError::Length(count));
    }
    if let Some(c) = value.chars().find(|c| !c.is_ascii_digit()) {
        return Err(NhsNumberError::NotDigit(c));
    }
    let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
    let mut leading = [0u8; 9];
    leading.copy_from_slice(&digits[..9]);
    let found = digits[9];
    match nhs_check_digit(leading) {
        None => Err(NhsNumberError::NoCheckDigit),
        Some(expected) if expected != found => {
            Err(NhsNumberError::WrongCheckDigit { found, expected })
        }
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_number_passes() {
        assert_eq!(check_nhs_number("9000000009"), Ok(()));
        // Remainder 0: check value 11 becomes 0.
        assert_eq!(check_nhs_number("9000000130"), Ok(()));
    }

    #[test]
    fn a_wrong_check_digit_names_the_right_one() {
        let error = check_nhs_number("9000000008").unwrap_err();
        assert_eq!(
            error,
            NhsNumberError::WrongCheckDigit {
                found: 8,
                expected: 9
            }
        );
        assert!(
            error
                .to_string()
                .contains("check digit of its first nine digits is 9")
        );
    }

    #[test]
    fn nine_digits_that_give_ten_start_no_number() {
        // 9×10 + 5×2 = 100 = 9×11 + 1: the check value would be 11 − 1 = 10.
        assert_eq!(nhs_check_digit([9, 0, 0, 0, 0, 0, 0, 0, 5]), None);
        assert_eq!(
            check_nhs_number("9000000050"),
            Err(NhsNumberError::NoCheckDigit)
        );
    }

    #[test]
    fn length_and_characters_are_checked_first() {
        assert_eq!(
            check_nhs_number("900000000"),
            Err(NhsNumberError::Length(9))
        );
        assert_eq!(
            check_nhs_number("90000000091"),
            Err(NhsNumberError::Length(11))
        );
        assert_eq!(
            check_nhs_number("900000000A"),
            Err(NhsNumberError::NotDigit('A'))
        );
        assert_eq!(
            check_nhs_number("900 000 00"),
            Err(NhsNumberError::NotDigit(' '))
        );
        assert_eq!(check_nhs_number(""), Err(NhsNumberError::Length(0)));
    }
}
