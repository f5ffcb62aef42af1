//! The client's default credential: an `Authorization` value obtained when first needed (and
//! again once it expires) by something the client does not know the workings of, such as an
//! OAuth2 token flow.

use std::future::Future;
use std::pin::Pin;

/// What [`DefaultCredential::authorization`] returns: the header value, or why there is none.
pub type Authorization<'a> = Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>>;

/// A source of the `Authorization` header every request carries unless it sets its own.
pub trait DefaultCredential: Send + Sync {
    /// The current `Authorization` header value (e.g. `Bearer <token>`). The implementation
    /// caches it, refreshes it when it expires, and adds it to the client's redactor.
    fn authorization(&self) -> Authorization<'_>;
}
