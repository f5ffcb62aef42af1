//! The comparison prefixes of number, date and quantity values (R4 search.html#prefix).

use std::fmt;

/// A comparison prefix; `eq` when none is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Sa,
    Eb,
    Ap,
}

impl Prefix {
    const ALL: [Prefix; 9] = [
        Prefix::Eq,
        Prefix::Ne,
        Prefix::Gt,
        Prefix::Lt,
        Prefix::Ge,
        Prefix::Le,
        Prefix::Sa,
        Prefix::Eb,
        Prefix::Ap,
    ];

    /// The two-letter code (`ge`).
    pub fn code(self) -> &'static str {
        match self {
            Prefix::Eq => "eq",
            Prefix::Ne => "ne",
            Prefix::Gt => "gt",
            Prefix::Lt => "lt",
            Prefix::Ge => "ge",
            Prefix::Le => "le",
            Prefix::Sa => "sa",
            Prefix::Eb => "eb",
            Prefix::Ap => "ap",
        }
    }

    /// The rule of search.html#prefix for ranges, in words, for judgement reasons.
    pub(crate) fn rule(self) -> &'static str {
        match self {
            Prefix::Eq => {
                "the range of the parameter value must fully contain the range of the value"
            }
            Prefix::Ne => {
                "the range of the parameter value must not fully contain the range of the value"
            }
            Prefix::Gt => "the range above the parameter value must overlap the range of the value",
            Prefix::Lt => "the range below the parameter value must overlap the range of the value",
            Prefix::Ge => {
                "the range above the parameter value must overlap the range of the value, or the parameter's range contain it"
            }
            Prefix::Le => {
                "the range below the parameter value must overlap the range of the value, or the parameter's range contain it"
            }
            Prefix::Sa => {
                "the range of the value must start after the range of the parameter value"
            }
            Prefix::Eb => "the range of the value must end before the range of the parameter value",
            Prefix::Ap => "the value must be approximately the parameter value",
        }
    }

    /// Splits a leading prefix off `text`: two ASCII letters at the start are a prefix, and
    /// must be one of the nine (`Err` names them otherwise); no letters mean `eq`.
    pub(crate) fn split(text: &str) -> Result<(Prefix, &str), String> {
        let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters == 0 {
            return Ok((Prefix::Eq, text));
        }
        let code = text.get(..2).unwrap_or(text);
        match Prefix::ALL.into_iter().find(|p| p.code() == code) {
            Some(prefix) if letters == 2 => Ok((prefix, &text[2..])),
            _ => Err(format!(
                "'{}' is not a search prefix (eq, ne, gt, lt, ge, le, sa, eb, ap)",
                &text[..letters]
            )),
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_known_prefixes_and_refuses_others() {
        assert_eq!(Prefix::split("ge2024"), Ok((Prefix::Ge, "2024")));
        assert_eq!(Prefix::split("2024"), Ok((Prefix::Eq, "2024")));
        assert_eq!(Prefix::split("-5"), Ok((Prefix::Eq, "-5")));
        assert!(Prefix::split("xx2024").unwrap_err().contains("'xx'"));
        assert!(Prefix::split("gte5").is_err());
        assert!(Prefix::split("g5").is_err());
    }
}
