//! The session as the client's default credential: every request of the run carries the
//! run's bearer token, obtained when first needed and renewed when it expires.

use crate::http::{Authorization, DefaultCredential};

use super::session::Session;

impl DefaultCredential for Session {
    fn authorization(&self) -> Authorization<'_> {
        Box::pin(async move {
            self.default_bearer()
                .await
                .map(|token| format!("Bearer {token}"))
                .map_err(|e| e.to_string())
        })
    }
}
