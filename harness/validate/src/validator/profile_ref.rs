//! A compiled profile in hand, borrowed where it lives for as long as the validator does, or
//! shared: the walk looks one up for nearly every node, and a shared count that every core
//! increments and decrements for the same popular types (`string`, `Extension`) costs more
//! than the look-up.

use std::ops::Deref;
use std::sync::Arc;

use super::profile::Profile;

/// A profile borrowed for `'p`, or a shared handle on one.
pub enum ProfileRef<'p> {
    /// Borrowed from the walk or from the validator's table of core types.
    Borrowed(&'p Arc<Profile>),
    /// A handle of its own (profiles found by canonical URL under a lock).
    Shared(Arc<Profile>),
}

impl Deref for ProfileRef<'_> {
    type Target = Arc<Profile>;

    fn deref(&self) -> &Arc<Profile> {
        match self {
            ProfileRef::Borrowed(profile) => profile,
            ProfileRef::Shared(profile) => profile,
        }
    }
}
