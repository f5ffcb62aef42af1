//! Credentials for the target and the OAuth2 flows that use them: configuration (environment
//! and an optional TOML file), SMART discovery, token requests recorded as evidence, forged and
//! minted tokens for negative checks, and the bearer token every request of a run carries.
//!
//! Every secret (client secret, private keys, every token obtained, forged or minted) is added
//! to the client's shared redactor the moment it is known.

mod assertion;
mod bearer;
mod config;
mod discovery;
mod error;
mod forge;
mod key;
mod load;
mod mint;
mod random;
mod secret;
mod session;
mod token;

pub use config::{AuthConfig, DEFAULT_SCOPE, JwtClient, SecretClient, TrustedIssuer};
pub use discovery::{Discovery, SmartConfiguration};
pub use error::{AuthConfigError, AuthError};
pub use forge::{ForgeKind, forge};
pub use key::SigningKey;
pub use mint::MintSpec;
pub use secret::Secret;
pub use session::Session;
pub use token::{ClientKind, TokenCall, TokenExchange, TokenFault, TokenResponse};
