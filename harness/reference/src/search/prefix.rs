//! The comparison prefixes of ordered search values (dates, numbers, quantities).

/// A search prefix; no prefix means [`Prefix::Eq`].
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
    /// Splits a leading prefix off `value`. A value starting with two letters that are no
    /// prefix is an error: no date, number or quantity starts with a letter.
    pub fn split(value: &str) -> Result<(Self, &str), String> {
        let Some(head) = value
            .get(..2)
            .filter(|head| head.bytes().all(|b| b.is_ascii_alphabetic()))
        else {
            return Ok((Self::Eq, value));
        };
        let prefix = match head {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "gt" => Self::Gt,
            "lt" => Self::Lt,
            "ge" => Self::Ge,
            "le" => Self::Le,
            "sa" => Self::Sa,
            "eb" => Self::Eb,
            "ap" => Self::Ap,
            _ => {
                return Err(format!(
                    "unknown prefix {head:?} (eq ne gt lt ge le sa eb ap)"
                ));
            }
        };
        Ok((prefix, &value[2..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_prefixes_and_bare_values() {
        assert_eq!(Prefix::split("ge1990"), Ok((Prefix::Ge, "1990")));
        assert_eq!(Prefix::split("ap5.4"), Ok((Prefix::Ap, "5.4")));
        assert_eq!(Prefix::split("1990"), Ok((Prefix::Eq, "1990")));
        assert_eq!(Prefix::split("-5"), Ok((Prefix::Eq, "-5")));
        assert!(Prefix::split("xx1990").is_err());
        assert!(Prefix::split("GT1990").is_err());
    }
}
