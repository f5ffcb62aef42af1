//! Locating the shared FHIR test data (`<repo>/../shared`), shared by the integration tests.

use std::path::PathBuf;

/// `<repo>/../shared/<relative>` when it exists. Otherwise: under `CI=true` the test fails;
/// elsewhere it prints one `skipped:` line and the caller returns.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "test data missing under CI: {}",
        path.display()
    );
    println!("skipped: {} not found", path.display());
    None
}
