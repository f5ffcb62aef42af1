//! Where the FHIR API sits on the reference server's origin.

/// The path under which the FHIR API is served: the base URL is `http(s)://<addr>/fhir`.
pub const BASE_PATH: &str = "/fhir";
