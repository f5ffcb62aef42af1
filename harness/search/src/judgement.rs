//! The answer of the judge, and the verdicts it is built from.

/// How many reasons a judgement lists before it says how many more there are.
const REASONS_SHOWN: usize = 4;

/// Whether a resource satisfies a search criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// The resource satisfies the criterion.
    Matches,
    /// It does not: `reason` names the values found and the rule of the specification applied.
    DoesNotMatch { reason: String },
    /// The harness cannot decide offline (terminology, chained searches, server-chosen
    /// tolerances, unknown time zones …); `reason` says what is missing.
    Undecided { reason: String },
}

impl Judgement {
    /// Whether this is [`Judgement::Matches`].
    pub fn is_match(&self) -> bool {
        matches!(self, Judgement::Matches)
    }

    /// Whether this is [`Judgement::DoesNotMatch`].
    pub fn is_mismatch(&self) -> bool {
        matches!(self, Judgement::DoesNotMatch { .. })
    }

    /// Whether this is [`Judgement::Undecided`].
    pub fn is_undecided(&self) -> bool {
        matches!(self, Judgement::Undecided { .. })
    }

    /// The reason, when there is one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Judgement::Matches => None,
            Judgement::DoesNotMatch { reason } | Judgement::Undecided { reason } => Some(reason),
        }
    }
}

/// One parameter value against one value found in the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Yes,
    /// Why the value does not match.
    No(String),
    /// Why it cannot be told.
    Unknown(String),
}

impl Verdict {
    /// `Yes` when `holds`, else `No(reason())`.
    pub(crate) fn from_bool(holds: bool, reason: impl FnOnce() -> String) -> Verdict {
        if holds {
            Verdict::Yes
        } else {
            Verdict::No(reason())
        }
    }

    /// The verdict of a value when any of its parts may match (a CodeableConcept's codings,
    /// a HumanName's strings): `Yes` if one does, else `Unknown` if one is, else `No`.
    pub(crate) fn any(
        verdicts: impl IntoIterator<Item = Verdict>,
        none: impl FnOnce() -> String,
    ) -> Verdict {
        let mut unknown = None;
        let mut no = Vec::new();
        for verdict in verdicts {
            match verdict {
                Verdict::Yes => return Verdict::Yes,
                Verdict::Unknown(why) => unknown = unknown.or(Some(why)),
                Verdict::No(why) => no.push(why),
            }
        }
        match unknown {
            Some(why) => Verdict::Unknown(why),
            None if no.is_empty() => Verdict::No(none()),
            None => Verdict::No(no.join("; ")),
        }
    }
}

/// Lists reasons, at most [`REASONS_SHOWN`] of them.
pub(crate) fn listed(reasons: &[String]) -> String {
    let mut unique: Vec<&String> = Vec::new();
    for reason in reasons {
        if !unique.contains(&reason) {
            unique.push(reason);
        }
    }
    let mut text = unique
        .iter()
        .take(REASONS_SHOWN)
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    if unique.len() > REASONS_SHOWN {
        text.push_str(&format!("; and {} more", unique.len() - REASONS_SHOWN));
    }
    text
}
