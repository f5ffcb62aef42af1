//! How the server runs in secure mode.

/// Secure-mode settings: with them the server speaks HTTPS (TLS 1.2 and 1.3) with certificates
/// generated at start, and redirects plain HTTP to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecureOptions {
    /// Require a client certificate issued by the test CA (mutual TLS).
    pub mutual_tls: bool,
}
