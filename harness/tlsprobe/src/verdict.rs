//! A pass/fail judgement with its reason.

use serde::Serialize;

/// Whether one property holds, and why not when it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Whether the property holds.
    pub ok: bool,
    /// Why it does not (or could not be checked); `None` when it holds.
    pub reason: Option<String>,
}

impl Verdict {
    /// The property holds.
    pub fn pass() -> Verdict {
        Verdict {
            ok: true,
            reason: None,
        }
    }

    /// The property does not hold, or could not be checked, because of `reason`.
    pub fn fail(reason: impl Into<String>) -> Verdict {
        Verdict {
            ok: false,
            reason: Some(reason.into()),
        }
    }
}
