//! The embedded reference FHIR R4 server: an in-memory, JSON-only server over the project's
//! fixtures, with switchable [`Defect`]s so tests can prove that each check can fail.
//!
//! The FHIR base URL is `http://<addr>/fhir`, or `https://<addr>/fhir` in secure mode
//! ([`ServerOptions::secure`]). Every start loads the fixtures afresh; writes live only as long
//! as the server.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use assure_reference::{Defect, ServerOptions, start};
//! let server = start(ServerOptions {
//!     defects: vec![Defect::NoNextLink],
//!     ..ServerOptions::default()
//! })
//! .await?;
//! println!("FHIR base: {}", server.base_url());
//! server.shutdown().await?;
//! # Ok(())
//! # }
//! ```

mod abandon;
mod base_path;
mod bundle;
mod capability;
mod data_defect;
mod defect;
mod fixtures;
mod history;
mod interactions;
mod negotiation;
mod outcome;
mod page;
mod resource_types;
mod response;
mod routes;
mod scan_limit;
mod search;
mod secure;
mod server;
mod state;
mod store;
mod ukcore;

pub use base_path::BASE_PATH;
pub use capability::SOFTWARE_NAME;
pub use defect::{Defect, UnknownDefect};
pub use fixtures::Fixtures;
pub use page::{DEFAULT_COUNT, MAX_COUNT};
pub use routes::router;
pub use secure::SecureOptions;
pub use secure::auth::{AuthCredentials, Authority};
pub use secure::tls::{TlsCredentialFiles, TlsCredentials};
pub use server::{RunningServer, ServerOptions, start};
pub use state::ServerState;
