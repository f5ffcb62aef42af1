//! The security checklist: every check passes on the embedded reference server in secure mode,
//! each security defect of that server fails exactly the checks it should, and no secret the
//! run holds ever reaches an output.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use assure_reference::{SecureOptions, ServerOptions, start};
use regex::Regex;
use serde_json::Value;

#[path = "support/report_files.rs"]
mod report_files;
use report_files::report_files;

/// A security defect, the extra arguments its run needs, the checks it fails and the checks
/// it leaves without a basis (skipped).
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// Checks no defect of the reference server can make fail, and why.
const UNPROVEN: &[(&str, &str)] = &[(
    "SEC-TLS-CERT-KEY",
    "the TLS library refuses to serve with an RSA key under 2048 bits or a curve under P-256; \
     the verdict is unit-tested in assure-tlsprobe (key strength)",
)];

/// Every security defect and what it does to the checklist.
const DEFECTS: &[Case] = &[
    (
        "legacy-tls-accepted",
        &[],
        &["SEC-TLS-SSL3", "SEC-TLS-10", "SEC-TLS-11"],
        &[],
    ),
    (
        "weak-cipher-accepted",
        &[],
        &["SEC-TLS-CIPHER-FORBIDDEN", "SEC-TLS-CIPHER-DISCOURAGED"],
        &[],
    ),
    // The client itself refuses such a certificate; --insecure lets the run go on so that the
    // certificate checks, which judge the chain on their own, can say what is wrong.
    (
        "expired-certificate",
        &["--insecure"],
        &["SEC-TLS-CERT-DATE"],
        &[],
    ),
    (
        "wrong-host-certificate",
        &["--insecure"],
        &["SEC-TLS-CERT-HOST"],
        &[],
    ),
    (
        "untrusted-certificate",
        &["--insecure"],
        &["SEC-TLS-CERT-TRUST"],
        &[],
    ),
    ("plain-http-served", &[], &["SEC-TLS-PLAIN-HTTP"], &[]),
    ("no-hsts", &[], &["SEC-TLS-HSTS"], &[]),
    ("mutual-tls-not-enforced", &[], &["SEC-MTLS-NO-CERT"], &[]),
    ("mutual-tls-any-ca", &[], &["SEC-MTLS-OTHER-CA"], &[]),
    (
        "leaks-stack-trace",
        &[],
        &[
            "SEC-INPUT-SQL",
            "SEC-INPUT-NOSQL",
            "SEC-INPUT-SCRIPT",
            "SEC-INPUT-TRAVERSAL",
            "SEC-INPUT-HEADER",
        ],
        &[],
    ),
    (
        "no-body-limit",
        &[],
        &["SEC-INPUT-DEEP-JSON", "SEC-INPUT-OVERSIZED"],
        &[],
    ),
    ("no-nosniff", &[], &["SEC-HDR-NOSNIFF"], &[]),
    (
        "server-version-leak",
        &[],
        &["SEC-HDR-POWERED-BY", "SEC-HDR-SERVER-VERSION"],
        &[],
    ),
    (
        "cors-wildcard-credentials",
        &[],
        &["SEC-HDR-CORS-CREDENTIALS"],
        &[],
    ),
    // Without a token every request is let in, so a token in the query is too.
    (
        "accepts-missing-token",
        &[],
        &["SEC-AUTHN-MISSING", "SEC-AUTHN-QUERY"],
        &[],
    ),
    (
        "accepts-malformed-token",
        &[],
        &["SEC-AUTHN-MALFORMED"],
        &[],
    ),
    ("accepts-expired-token", &[], &["SEC-AUTHN-EXPIRED"], &[]),
    (
        "accepts-future-token",
        &[],
        &["SEC-AUTHN-NOT-YET-VALID"],
        &[],
    ),
    // Unverified signatures let in altered and unsigned tokens alike.
    (
        "skips-signature-check",
        &[],
        &[
            "SEC-AUTHN-SIGNATURE",
            "SEC-AUTHN-ALG-NONE",
            "SEC-AUTHN-INVALID-401",
        ],
        &[],
    ),
    ("accepts-alg-none", &[], &["SEC-AUTHN-ALG-NONE"], &[]),
    ("ignores-issuer", &[], &["SEC-AUTHN-ISSUER"], &[]),
    ("ignores-audience", &[], &["SEC-AUTHN-AUDIENCE"], &[]),
    ("token-in-query-accepted", &[], &["SEC-AUTHN-QUERY"], &[]),
    (
        "token-response-cacheable",
        &[],
        &["SEC-SMART-NO-STORE", "SEC-SMART-PRAGMA"],
        &[],
    ),
    (
        "no-www-authenticate",
        &[],
        &["SEC-AUTHN-MISSING", "SEC-AUTHN-INVALID-401"],
        &[],
    ),
    (
        "ignores-scopes",
        &[],
        &[
            "SEC-AUTHZ-SCOPE",
            "SEC-AUTHZ-SCOPE-403",
            "SEC-AUTHZ-WRITE",
            "SEC-AUTHZ-PATIENT",
        ],
        &[],
    ),
    (
        "ignores-patient-compartment",
        &[],
        &["SEC-AUTHZ-PATIENT"],
        &[],
    ),
    ("write-with-read-scope", &[], &["SEC-AUTHZ-WRITE"], &[]),
    ("discovery-incomplete", &[], &["SEC-SMART-DISCOVERY"], &[]),
    (
        "bad-secret-wrong-error",
        &[],
        &["SEC-SMART-BAD-SECRET"],
        &[],
    ),
    (
        "accepts-reused-assertion",
        &[],
        &["SEC-SMART-REUSED-ASSERTION"],
        &[],
    ),
    (
        "accepts-expired-assertion",
        &[],
        &["SEC-SMART-EXPIRED-ASSERTION"],
        &[],
    ),
    (
        "nhs-claims-not-required",
        &[],
        &["SEC-NHS-CLAIMS", "SEC-NHS-LIFETIME"],
        &[],
    ),
    ("no-charset", &[], &["SEC-HDR-CHARSET"], &[]),
    ("header-injection", &[], &["SEC-INPUT-CRLF"], &[]),
    ("tls12-refused", &[], &["SEC-TLS-12"], &[]),
    (
        "token-type-not-bearer",
        &[],
        &["SEC-SMART-SECRET", "SEC-SMART-JWT"],
        &[],
    ),
    // The checks that need a minted token accepted first have nothing to compare with.
    (
        "distrusts-assurance-issuer",
        &[],
        &["SEC-AUTHN-MINTED-VALID", "SEC-NHS-VALID"],
        &[
            "SEC-AUTHN-EXPIRED",
            "SEC-AUTHN-NOT-YET-VALID",
            "SEC-AUTHN-ISSUER",
            "SEC-AUTHN-AUDIENCE",
            "SEC-AUTHZ-PATIENT",
            "SEC-NHS-CLAIMS",
            "SEC-NHS-LIFETIME",
        ],
    ),
    // Every check that first reads with a valid token fails there, or (in a setup step) is
    // skipped: a refusal proves nothing when valid tokens are refused too.
    (
        "refuses-valid-reads",
        &[],
        &[
            "SEC-AUTHN-VALID",
            "SEC-AUTHN-MINTED-VALID",
            "SEC-HDR-CHARSET",
            "SEC-HDR-NOSNIFF",
            "SEC-HDR-POWERED-BY",
            "SEC-HDR-SERVER-VERSION",
            "SEC-HDR-CORS-CREDENTIALS",
            "SEC-NHS-VALID",
        ],
        &[
            "SEC-AUTHN-MISSING",
            "SEC-AUTHN-MALFORMED",
            "SEC-AUTHN-SIGNATURE",
            "SEC-AUTHN-ALG-NONE",
            "SEC-AUTHN-INVALID-401",
            "SEC-AUTHN-QUERY",
            "SEC-AUTHN-EXPIRED",
            "SEC-AUTHN-NOT-YET-VALID",
            "SEC-AUTHN-ISSUER",
            "SEC-AUTHN-AUDIENCE",
            "SEC-AUTHZ-SCOPE",
            "SEC-AUTHZ-SCOPE-403",
            "SEC-AUTHZ-WRITE",
            "SEC-AUTHZ-PATIENT",
            "SEC-NHS-CLAIMS",
            "SEC-NHS-LIFETIME",
        ],
    ),
];

/// Runs the security checks against the embedded server with `defects` on.
fn run_embedded(defects: &[&str], args: &[&str], out: &Path) -> Output {
    let mut command = Command::cargo_bin("assure").expect("assure binary");
    command.args(["run", "--no-progress", "--tag", "security", "--out"]);
    command.arg(out).args(args);
    for defect in defects {
        command.args(["--defect", defect]);
    }
    command.output().expect("assure runs")
}

/// Test ids by status from a report.json: (failed, skipped, errored, all).
fn statuses(out: &Path) -> [BTreeSet<String>; 4] {
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("report.json is JSON");
    let mut sets: [BTreeSet<String>; 4] = Default::default();
    for test in report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests").iter())
    {
        let id = test["id"].as_str().expect("id").to_string();
        match test["status"].as_str().expect("status") {
            "fail" => sets[0].insert(id.clone()),
            "skip" => sets[1].insert(id.clone()),
            "pass" => false,
            _ => sets[2].insert(id.clone()),
        };
        sets[3].insert(id);
    }
    sets
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|id| id.to_string()).collect()
}

#[test]
fn the_secure_reference_server_passes_every_security_check() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_embedded(&[], &[], out.path());
    let [failed, skipped, errored, all] = statuses(out.path());
    assert!(
        failed.is_empty() && skipped.is_empty() && errored.is_empty(),
        "failed {failed:?} skipped {skipped:?} errored {errored:?}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(all.len() >= 50, "{} security checks", all.len());
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn every_security_defect_fails_exactly_its_checks() {
    let mut caught = BTreeSet::new();
    for (defect, args, failing, skips) in DEFECTS {
        let out = tempfile::tempdir().expect("temp dir");
        let output = run_embedded(&[defect], args, out.path());
        let stdout = String::from_utf8_lossy(&output.stdout);
        let [failed, skipped, errored, _] = statuses(out.path());
        assert_eq!(
            failed,
            ids(failing),
            "failing checks with {defect}\n{stdout}"
        );
        assert_eq!(
            skipped,
            ids(skips),
            "skipped checks with {defect}\n{stdout}"
        );
        assert!(errored.is_empty(), "{defect}: errored {errored:?}");
        for id in *failing {
            assert!(stdout.contains(id), "the summary names {id}\n{stdout}");
        }
        caught.extend(failed);
    }
    // Every check of the suite is made to fail by at least one defect.
    let out = tempfile::tempdir().expect("temp dir");
    run_embedded(&[], &[], out.path());
    let [_, _, _, all] = statuses(out.path());
    caught.extend(UNPROVEN.iter().map(|(id, _)| id.to_string()));
    let never: Vec<&String> = all.difference(&caught).collect();
    assert!(never.is_empty(), "no defect fails {never:?}");
}

#[test]
fn a_certificate_the_client_cannot_verify_is_one_clear_error() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_embedded(&["expired-certificate"], &[], out.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("certificate expired"), "{stderr}");
    assert!(stderr.contains("--insecure"), "{stderr}");
    assert!(
        out.path().join("report.json").exists(),
        "a report is written"
    );
}

#[test]
fn insecure_runs_say_so_in_every_report() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_embedded(&[], &["--insecure", "--id", "SEC-TLS-12"], out.path());
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--insecure"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--insecure"));
    let report = std::fs::read_to_string(out.path().join("report.json")).expect("json");
    assert!(report.contains("\"insecure\": true"), "{report}");
    let html = std::fs::read_to_string(out.path().join("report.html")).expect("html");
    assert!(html.contains("id=\"insecure\""));
}

/// A run against a secure server given only through files and the environment, as a
/// supplier's server would be: every credential comes back redacted, nowhere in clear.
#[test]
fn no_secret_reaches_any_output() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(start(ServerOptions {
            secure: Some(SecureOptions { mutual_tls: true }),
            auth: true,
            ..ServerOptions::default()
        }))
        .expect("reference server starts");
    let files = tempfile::tempdir().expect("temp dir");
    let tls = server.tls_credentials().expect("tls credentials").clone();
    let tls_files = tls.write_to(files.path()).expect("tls files");
    let auth = server.auth_credentials().expect("auth credentials").clone();
    // The secret is in the file and, overriding it, in the environment.
    let config_path = auth.write_to(files.path()).expect("auth config");
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--target", &server.base_url()])
        .args(["--var", "nhs_jwt=true"])
        .args([
            "--var",
            &format!("plain_http_url={}", server.plain_http_url().expect("plain")),
        ])
        .arg("--ca-cert")
        .arg(&tls_files.ca_cert)
        .arg("--client-cert")
        .arg(&tls_files.client_cert)
        .arg("--client-key")
        .arg(&tls_files.client_key)
        .arg("--auth-config")
        .arg(&config_path)
        .env("ASSURE_CLIENT_SECRET", &auth.secret_client_secret)
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("assure runs");
    runtime.block_on(server.shutdown()).expect("server stops");
    let [failed, skipped, errored, all] = statuses(out.path());
    let security: BTreeSet<&String> = all.iter().filter(|id| id.starts_with("SEC-")).collect();
    assert!(security.len() >= 50);
    assert!(
        failed.is_empty() && errored.is_empty(),
        "failed {failed:?} errored {errored:?}"
    );
    assert!(
        skipped.iter().all(|id| !id.starts_with("SEC-")),
        "security checks skipped: {skipped:?}"
    );

    let mut outputs = vec![
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ];
    for path in report_files(out.path()) {
        outputs.push(std::fs::read_to_string(&path).expect("report text"));
    }
    let key_lines = |pem: &str| -> Vec<String> {
        pem.lines()
            .filter(|line| !line.starts_with("-----") && line.len() >= 16)
            .map(str::to_string)
            .collect()
    };
    let mut secrets = vec![auth.secret_client_secret.clone()];
    secrets.extend(key_lines(&auth.jwt_client_key_pem));
    secrets.extend(key_lines(&auth.issuer_key_pem));
    secrets.extend(key_lines(&tls.client_key_pem));
    // Any JWT (access tokens, client assertions, minted and forged tokens).
    let jwt = Regex::new(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}").expect("regex");
    for text in &outputs {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret leaked");
        }
        if let Some(found) = jwt.find(text) {
            let test = text[..found.start()]
                .rfind("test-id")
                .map_or("", |at| &text[at..text.floor_char_boundary(at + 40)]);
            panic!("a token leaked ({test}): {}", found.as_str());
        }
    }
    assert!(
        outputs.iter().any(|text| text.contains("REDACTED")),
        "the evidence shows where secrets were"
    );
}
