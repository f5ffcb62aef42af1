//! SMART scopes (v1 `.read/.write/.*` and v2 `.cruds` forms) and what they let a token do.

use std::fmt;

/// A FHIR interaction, as far as scopes are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interaction {
    /// `GET [type]/[id]`.
    Read,
    /// `GET [type]/[id]/_history/[vid]`.
    VRead,
    /// `GET [type]/[id]/_history`.
    HistoryInstance,
    /// `GET [type]/_history` (or `GET /_history` system-wide).
    HistoryType,
    /// `GET [type]?..` or `POST [type]/_search` (or a system-wide search).
    Search,
    /// `POST [type]` (or a system-level batch).
    Create,
    /// `PUT`/`PATCH [type]/[id]`.
    Update,
    /// `DELETE [type]/[id]`.
    Delete,
}

impl Interaction {
    /// The SMART v2 permission letter the interaction needs.
    fn permission(self) -> Permission {
        match self {
            Self::Read | Self::VRead | Self::HistoryInstance => Permission::READ,
            Self::Search | Self::HistoryType => Permission::SEARCH,
            Self::Create => Permission::CREATE,
            Self::Update => Permission::UPDATE,
            Self::Delete => Permission::DELETE,
        }
    }

    /// Whether the interaction changes data.
    pub(crate) fn writes(self) -> bool {
        matches!(self, Self::Create | Self::Update | Self::Delete)
    }
}

impl fmt::Display for Interaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Read => "read",
            Self::VRead => "vread",
            Self::HistoryInstance => "history-instance",
            Self::HistoryType => "history",
            Self::Search => "search",
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        })
    }
}

/// A set of SMART v2 permission letters (`c r u d s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Permission(u8);

impl Permission {
    const CREATE: Self = Self(1);
    const READ: Self = Self(2);
    const UPDATE: Self = Self(4);
    const DELETE: Self = Self(8);
    const SEARCH: Self = Self(16);
    const LETTERS: [(char, Self); 5] = [
        ('c', Self::CREATE),
        ('r', Self::READ),
        ('u', Self::UPDATE),
        ('d', Self::DELETE),
        ('s', Self::SEARCH),
    ];

    /// `read`, `write`, `*` (v1) or letters of `cruds` in that order (v2).
    fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => return Some(Self(Self::READ.0 | Self::SEARCH.0)),
            "write" => return Some(Self(Self::CREATE.0 | Self::UPDATE.0 | Self::DELETE.0)),
            "*" => return Some(Self(31)),
            _ => {}
        }
        let mut letters = Self::LETTERS.iter();
        let mut found = 0;
        for letter in text.chars() {
            // Each letter at most once, in `cruds` order.
            let (_, permission) = letters.by_ref().find(|(known, _)| *known == letter)?;
            found |= permission.0;
        }
        (found != 0).then_some(Self(found))
    }

    fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    fn reads(self) -> bool {
        self.0 & (Self::READ.0 | Self::SEARCH.0) != 0
    }
}

/// Whose data a scope reaches: SMART's context prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// `patient/`: only the patient compartment of the token's patient.
    Patient,
    /// `user/`: what the user may see; this server restricts it no further than `system/`.
    User,
    /// `system/`: every resource.
    System,
}

/// One SMART resource scope, such as `system/Observation.rs` or `patient/*.read`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    context: Context,
    /// `None` for `*`.
    resource_type: Option<String>,
    permission: Permission,
}

impl Scope {
    /// Parses one scope; `None` for anything that is not a resource scope this server knows
    /// (`openid`, `launch`, granular `?` scopes, typos).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (context, rest) = text.split_once('/')?;
        let context = match context {
            "patient" => Context::Patient,
            "user" => Context::User,
            "system" => Context::System,
            _ => return None,
        };
        let (resource_type, permission) = rest.split_once('.')?;
        let resource_type = match resource_type {
            "*" => None,
            name if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some(name.to_owned())
            }
            _ => return None,
        };
        Some(Self {
            context,
            resource_type,
            permission: Permission::parse(permission)?,
        })
    }

    /// The scope's context prefix.
    pub(crate) fn context(&self) -> Context {
        self.context
    }

    /// Whether the scope allows `interaction` on `resource_type` (`None`: system-wide, which
    /// only a `*` scope allows). With `write_with_read`, any reading scope also allows writes.
    fn allows(
        &self,
        resource_type: Option<&str>,
        interaction: Interaction,
        write_with_read: bool,
    ) -> bool {
        let type_matches = match (&self.resource_type, resource_type) {
            (None, _) => true,
            (Some(scoped), Some(asked)) => scoped == asked,
            (Some(_), None) => false,
        };
        type_matches
            && (self.permission.contains(interaction.permission())
                || (write_with_read && interaction.writes() && self.permission.reads()))
    }
}

/// How far a token's scopes cover one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// A `system/` or `user/` scope allows it.
    Full,
    /// Only a `patient/` scope allows it: limited to the patient compartment.
    Compartment,
    /// No scope allows it.
    None,
}

/// The resource scopes a token carries (other scopes are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scopes(Vec<Scope>);

impl Scopes {
    /// The resource scopes in a space-separated `scope` string.
    pub(crate) fn parse(text: &str) -> Self {
        Self(text.split_whitespace().filter_map(Scope::parse).collect())
    }

    /// How far the scopes cover `interaction` on `resource_type` (`None`: system-wide).
    pub(crate) fn coverage(
        &self,
        resource_type: Option<&str>,
        interaction: Interaction,
        write_with_read: bool,
    ) -> Coverage {
        let allowing = || {
            self.0
                .iter()
                .filter(|scope| scope.allows(resource_type, interaction, write_with_read))
        };
        if allowing().any(|scope| scope.context() != Context::Patient) {
            Coverage::Full
        } else if allowing().next().is_some() {
            Coverage::Compartment
        } else {
            Coverage::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(scopes: &str, resource_type: &str, interaction: Interaction) -> Coverage {
        Scopes::parse(scopes).coverage(Some(resource_type), interaction, false)
    }

    #[test]
    fn v1_forms() {
        let read = "system/Observation.read";
        assert_eq!(
            coverage(read, "Observation", Interaction::Read),
            Coverage::Full
        );
        assert_eq!(
            coverage(read, "Observation", Interaction::Search),
            Coverage::Full
        );
        assert_eq!(
            coverage(read, "Observation", Interaction::Create),
            Coverage::None
        );
        assert_eq!(coverage(read, "Patient", Interaction::Read), Coverage::None);
        let write = "system/*.write";
        assert_eq!(
            coverage(write, "Patient", Interaction::Delete),
            Coverage::Full
        );
        assert_eq!(
            coverage(write, "Patient", Interaction::Read),
            Coverage::None
        );
        assert_eq!(
            coverage("system/*.*", "Patient", Interaction::Update),
            Coverage::Full
        );
    }

    #[test]
    fn v2_forms() {
        assert_eq!(
            coverage("system/Patient.rs", "Patient", Interaction::HistoryType),
            Coverage::Full
        );
        assert_eq!(
            coverage("system/Patient.r", "Patient", Interaction::Search),
            Coverage::None
        );
        assert_eq!(
            coverage("system/Patient.cud", "Patient", Interaction::Update),
            Coverage::Full
        );
        assert_eq!(Scope::parse("system/Patient.rc"), None, "out of order");
        assert_eq!(Scope::parse("system/Patient.rr"), None, "repeated");
        assert_eq!(Scope::parse("system/Patient.x"), None);
        assert_eq!(Scope::parse("openid"), None);
    }

    #[test]
    fn patient_scopes_cover_the_compartment_only() {
        assert_eq!(
            coverage("patient/*.read", "Observation", Interaction::Read),
            Coverage::Compartment
        );
        assert_eq!(
            coverage(
                "patient/*.read system/Observation.read",
                "Observation",
                Interaction::Read
            ),
            Coverage::Full
        );
    }

    #[test]
    fn system_wide_needs_a_wildcard_type() {
        let scopes = Scopes::parse("system/Patient.read");
        assert_eq!(
            scopes.coverage(None, Interaction::Search, false),
            Coverage::None
        );
        let scopes = Scopes::parse("system/*.read");
        assert_eq!(
            scopes.coverage(None, Interaction::Search, false),
            Coverage::Full
        );
    }

    #[test]
    fn write_with_read_lets_reading_scopes_write() {
        let scopes = Scopes::parse("system/Patient.read");
        assert_eq!(
            scopes.coverage(Some("Patient"), Interaction::Create, true),
            Coverage::Full
        );
    }
}
