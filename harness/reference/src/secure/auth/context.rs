//! What the authorization server's handlers and the enforcement layer share.

use std::sync::Arc;

use super::authority::Authority;
use crate::state::ServerState;

/// The server state together with its (present) authority.
#[derive(Debug, Clone)]
pub(crate) struct AuthContext {
    /// The FHIR server's state, for its defects, store and base URL.
    pub(crate) server: ServerState,
    /// The authorization server.
    pub(crate) authority: Arc<Authority>,
}
