//! How a [`Client`](super::Client) is set up.

use std::time::Duration;

use super::tls::TlsMaterial;

/// Retries of a connection failure unless configured otherwise.
pub const DEFAULT_RETRIES: u32 = 2;

/// Per-attempt timeout unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings of a [`Client`](super::Client) besides its base URL.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Bounds each attempt (connect, send, and reading the whole body).
    pub timeout: Duration,
    /// Headers sent with every request to the target (they are also secrets to redact).
    pub default_headers: Vec<(String, String)>,
    /// How many times a connection failure is retried.
    pub retries: u32,
    /// Extra trust anchors and the client identity for mutual TLS.
    pub tls: TlsMaterial,
    /// Accept any server certificate (`--insecure`): no verification of chain or host name.
    pub insecure: bool,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            timeout: DEFAULT_TIMEOUT,
            default_headers: Vec::new(),
            retries: DEFAULT_RETRIES,
            tls: TlsMaterial::default(),
            insecure: false,
        }
    }
}
