//! UCUM (`http://unitsofmeasure.org`): a code system defined by a grammar rather than a list,
//! so its codes are judged by parsing them (case-sensitive form) instead of by lookup.

/// The UCUM code system URL.
pub const UCUM: &str = "http://unitsofmeasure.org";

/// What is wrong with `code` as a UCUM unit expression; `None` when it is valid.
pub fn problem(code: &str) -> Option<String> {
    ::ucum::validate(code).err().map(|error| error.to_string())
}

/// Whether `code` is a valid UCUM unit expression.
pub fn is_valid(code: &str) -> bool {
    problem(code).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_judged_by_the_grammar() {
        assert!(is_valid("mg/dL"));
        assert!(is_valid("10*3/uL"));
        assert!(!is_valid("mg/dl/"));
        assert!(problem("kgg").is_some_and(|why| why.contains("kgg")));
    }
}
