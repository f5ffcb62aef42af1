//! A hostile target: a small server speaking raw HTTP/1.1 whose behaviour is chosen by the
//! path — oversized and endless bodies, resets, stalls, a trickle, invalid UTF-8, HTML errors
//! with stack traces, redirect loops, cross-origin redirects, echoed credentials. Each check
//! of a suite written for it must end with the verdict below, within a bounded time, and every
//! report must be written.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "hostile-target-secret-7731";

/// The CapabilityStatement the target serves at `/fhir/metadata`.
const STATEMENT: &str = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1","rest":[{"mode":"server","resource":[{"type":"Patient","interaction":[{"code":"read"}]}]}]}"#;

/// One check per behaviour; each reads its path and expects a 200 FHIR JSON answer with no
/// internals, which none of them gives.
const SUITE: &str = r#"id: hostile
title: Hostile target
fhir_version: 4.0.1
tests:
  - { id: BIG, title: a 40 MiB body, level: SHALL, steps: [ { request: { method: GET, path: big }, expect: [ { status: 200 } ] } ] }
  - { id: ENDLESS, title: an endless body, level: SHALL, steps: [ { request: { method: GET, path: endless }, expect: [ { status: 200 } ] } ] }
  - { id: RESET, title: a reset connection, level: SHALL, steps: [ { request: { method: GET, path: reset }, expect: [ { status: 200 } ] } ] }
  - { id: STALL, title: no answer, level: SHALL, steps: [ { request: { method: GET, path: stall }, expect: [ { status: 200 } ] } ] }
  - { id: TRICKLE, title: a body one byte at a time, level: SHALL, steps: [ { request: { method: GET, path: trickle }, expect: [ { status: 200 } ] } ] }
  - { id: SHORT, title: a body shorter than its Content-Length, level: SHALL, steps: [ { request: { method: GET, path: short }, expect: [ { status: 200 } ] } ] }
  - { id: UTF8, title: a body that is not UTF-8, level: SHALL, steps: [ { request: { method: GET, path: utf8 }, expect: [ { status: 200 }, { resource_type: Patient } ] } ] }
  - { id: HTML500, title: an HTML 500 with a stack trace, level: SHALL, steps: [ { request: { method: GET, path: html500 }, expect: [ { no_internals: true } ] } ] }
  - { id: LOOP, title: a redirect to itself, level: SHALL, steps: [ { request: { method: GET, path: loop }, expect: [ { status: 200 } ] } ] }
  - { id: AWAY, title: a redirect to another origin, level: SHALL, steps: [ { request: { method: GET, path: away }, expect: [ { status: 200 } ] } ] }
  - { id: ECHO, title: credentials echoed back, level: SHALL, steps: [ { request: { method: GET, path: echo }, expect: [ { json: { path: echoed, equals: nothing } } ] } ] }
"#;

/// What each check must end as, and what its message must say.
const VERDICTS: &[(&str, &str, &str)] = &[
    ("BIG", "error", "larger than the 32 MiB the harness reads"),
    (
        "ENDLESS",
        "error",
        "larger than the 32 MiB the harness reads",
    ),
    ("RESET", "error", ""),
    ("STALL", "error", "timed out"),
    ("TRICKLE", "error", "timed out"),
    ("SHORT", "error", "incomplete"),
    ("UTF8", "fail", "not JSON"),
    ("HTML500", "fail", "Traceback"),
    ("LOOP", "fail", "got 302"),
    ("AWAY", "fail", "got 302"),
    ("ECHO", "fail", "[REDACTED]"),
];

async fn serve(listener: TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(answer(stream));
    }
}

/// Reads the request head (and ignores any body), then behaves as its path says; one request
/// per connection (`connection: close`), as a server that closes its connections must say.
async fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let authorization = head
        .lines()
        .find_map(|line| line.strip_prefix("x-api-key: "))
        .unwrap_or("")
        .to_string();
    let ok = |content_type: &str, body: &[u8]| {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body);
        response
    };
    let _ = match path.trim_start_matches("/fhir/") {
        "metadata" => stream.write_all(&ok("application/fhir+json", STATEMENT.as_bytes())).await,
        "big" => {
            let body = vec![b' '; 40 * 1024 * 1024];
            stream.write_all(&ok("application/fhir+json", &body)).await
        }
        "endless" => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\nconnection: close\r\ncontent-type: application/fhir+json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("100000\r\n{}\r\n", " ".repeat(0x100000));
            loop {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    break Ok(());
                }
            }
        }
        "reset" => {
            let _ = stream.set_zero_linger();
            drop(stream);
            return;
        }
        "stall" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        }
        "trickle" => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\nconnection: close\r\ncontent-type: application/fhir+json\r\ncontent-length: 100\r\n\r\n")
                .await;
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if stream.write_all(b" ").await.is_err() {
                    break;
                }
            }
            Ok(())
        }
        "short" => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\nconnection: close\r\ncontent-type: application/fhir+json\r\ncontent-length: 1000\r\n\r\n{\"resourceType\":")
                .await;
            return;
        }
        "utf8" => stream.write_all(&ok("application/fhir+json", b"\xff\xfe{\"resourceType\":\"Patient\"}")).await,
        "html500" => {
            let body = "<html><body><pre>Traceback (most recent call last):\n  File \"app.py\", line 3, in read\nKeyError: 'id'</pre></body></html>";
            let response = format!(
                "HTTP/1.1 500 Internal Server Error\r\nconnection: close\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).await
        }
        "loop" => stream.write_all(b"HTTP/1.1 302 Found\r\nconnection: close\r\nlocation: /fhir/loop\r\ncontent-length: 0\r\n\r\n").await,
        "away" => stream.write_all(b"HTTP/1.1 302 Found\r\nconnection: close\r\nlocation: http://198.51.100.1/steal\r\ncontent-length: 0\r\n\r\n").await,
        "echo" => {
            let body = format!(r#"{{"resourceType":"Basic","echoed":"{authorization}"}}"#);
            let response = format!(
                "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/fhir+json\r\nx-echo: {authorization}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).await
        }
        _ => stream.write_all(b"HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n").await,
    };
    let _ = stream.shutdown().await;
}

fn statuses(out: &Path) -> BTreeMap<String, (String, String)> {
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("JSON");
    report["suites"]
        .as_array()
        .expect("suites")
        .iter()
        .flat_map(|suite| suite["tests"].as_array().expect("tests"))
        .map(|test| {
            (
                test["id"].as_str().expect("id").to_string(),
                (
                    test["status"].as_str().expect("status").to_string(),
                    test["message"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn every_hostile_behaviour_gets_its_verdict_in_bounded_time() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
    runtime.spawn(serve(listener));
    let dir = tempfile::tempdir().expect("temp dir");
    let suite = dir.path().join("hostile.yaml");
    std::fs::write(&suite, SUITE).expect("suite");
    let out = dir.path().join("out");
    let started = Instant::now();
    let output = Command::cargo_bin("assure")
        .expect("assure binary")
        .args(["run", "--no-progress", "--target", &base, "--timeout", "2s"])
        .args([
            "--retries",
            "0",
            "--header",
            &format!("X-Api-Key: {SECRET}"),
        ])
        .arg("--suite")
        .arg(&suite)
        .arg("--out")
        .arg(&out)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("assure runs");
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(took < Duration::from_secs(60), "the run took {took:?}");
    let statuses = statuses(&out);
    for (id, status, says) in VERDICTS {
        let (got, message) = &statuses[*id];
        assert_eq!(got, status, "{id}: {message}");
        assert!(message.contains(says), "{id}: {message}");
    }
    for name in ["report.json", "junit.xml", "report.html", "testreport.json"] {
        let text = std::fs::read_to_string(out.join(name)).expect("every report is written");
        assert!(!text.contains(SECRET), "{name} holds the secret");
    }
}
