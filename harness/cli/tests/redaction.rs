//! The redactor against random secrets echoed back in every encoding a server could use: as
//! is, URL-encoded, JSON-escaped, base64; and a password given in the target URL.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;

use assure::http::{Client, ClientOptions};
use assure::redact::Redactor;

/// `secret` as an echoing server might send it back.
fn echoes(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let form: String = form_urlencoded::byte_serialize(bytes).collect();
    let json = serde_json::to_string(secret).expect("JSON");
    vec![
        secret.to_string(),
        form.replace('+', "%20"),
        form,
        json[1..json.len() - 1].to_string(),
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
    ]
}

proptest! {
    #[test]
    fn no_echo_of_a_secret_survives(
        secret in "[ -~]{8,40}",
        before in "[a-z ]{0,20}",
        after in "[a-z ]{0,20}",
    ) {
        let redactor = Redactor::default();
        redactor.add_secret(&secret);
        let trimmed = secret.trim();
        prop_assume!(trimmed.len() >= 8);
        for echo in echoes(trimmed) {
            let text = format!("{before}{echo}{after}");
            let redacted = redactor.redact_text(&text);
            prop_assert!(!redacted.contains(&echo), "{echo:?} survived in {redacted:?}");
        }
    }
}

#[test]
fn a_password_in_the_target_url_is_redacted_in_every_form() {
    let client = Client::new(
        "https://alice:s3cr%21t-pass@example.org/fhir",
        ClientOptions::default(),
    )
    .expect("client");
    let redactor = client.redactor();
    for text in [
        "s3cr%21t-pass",
        "s3cr!t-pass",
        &STANDARD.encode("alice:s3cr!t-pass"),
        "{\"auth\":\"Basic YWxpY2U6czNjciF0LXBhc3M=\"}",
    ] {
        let redacted = redactor.redact_text(text);
        assert!(
            !redacted.contains("s3cr") && !redacted.contains("YWxpY2U6czNjciF0LXBhc3M"),
            "{text} -> {redacted}"
        );
    }
}
