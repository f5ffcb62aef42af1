//! Installing a package over the npm-compatible protocol from a local test registry.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;

use assure_validate::package::{PackageCache, install};
use base64::Engine;
use sha2::Digest;

/// A gzip'd tarball holding `package/package.json` and one ValueSet.
fn build_tarball(name: &str, version: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let manifest = format!(r#"{{"name":"{name}","version":"{version}","dependencies":{{}}}}"#);
    let value_set =
        r#"{"resourceType":"ValueSet","id":"v","url":"http://example.org/vs","version":"1"}"#;
    for (path, body) in [
        ("package/package.json", manifest.as_str()),
        ("package/ValueSet-v.json", value_set),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, body.as_bytes())
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// Serves the routes that `routes` builds from the base URL, for exactly `requests` requests
/// on a loopback port.
fn serve(
    requests: usize,
    routes: impl FnOnce(&str) -> Vec<(String, Vec<u8>)>,
) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = routes(&base);
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_owned();
            let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body.clone()),
                None => ("404 Not Found", b"missing".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&body).unwrap();
        }
    });
    (base, handle)
}

fn metadata(
    base: &str,
    name: &str,
    version: &str,
    tarball: &[u8],
    shasum: Option<&str>,
) -> Vec<u8> {
    let sha1 = shasum
        .map(str::to_owned)
        .unwrap_or_else(|| hex::encode(sha1::Sha1::digest(tarball)));
    let sha512 = base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(tarball));
    serde_json::json!({
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {version: {"dist": {
            "tarball": format!("{base}/{name}/-/{name}-{version}.tgz"),
            "shasum": sha1,
            "integrity": format!("sha512-{sha512}"),
        }}}
    })
    .to_string()
    .into_bytes()
}

#[test]
fn installs_verifies_and_lists() {
    let tarball = build_tarball("example.pkg", "1.2.3");
    let (base, handle) = serve(2, |base| {
        vec![
            (
                "/example.pkg".to_owned(),
                metadata(base, "example.pkg", "1.2.3", &tarball, None),
            ),
            (
                "/example.pkg/-/example.pkg-1.2.3.tgz".to_owned(),
                tarball.clone(),
            ),
        ]
    });
    let cache_dir = tempfile::tempdir().unwrap();
    let folder = install("example.pkg", "latest", &base, cache_dir.path()).unwrap();
    handle.join().unwrap();
    assert!(folder.ends_with("example.pkg#1.2.3"));
    assert!(folder.join("package/.index.json").is_file());
    let cache = PackageCache::new(cache_dir.path());
    assert_eq!(
        cache.list().unwrap(),
        vec![("example.pkg".to_owned(), "1.2.3".to_owned())]
    );
    let package = cache.load("example.pkg", "1.2.3").unwrap();
    assert_eq!(package.resources.len(), 1);
    assert_eq!(package.resources[0].url(), Some("http://example.org/vs"));
    // Already cached: no network needed.
    install(
        "example.pkg",
        "1.2.3",
        "http://127.0.0.1:9",
        cache_dir.path(),
    )
    .unwrap();
}

#[test]
fn refuses_a_tarball_with_a_wrong_digest() {
    let tarball = build_tarball("bad.pkg", "1.0.0");
    let (base, handle) = serve(2, |base| {
        vec![
            (
                "/bad.pkg".to_owned(),
                metadata(base, "bad.pkg", "1.0.0", &tarball, Some("00")),
            ),
            ("/bad.pkg/-/bad.pkg-1.0.0.tgz".to_owned(), tarball.clone()),
        ]
    });
    let cache_dir = tempfile::tempdir().unwrap();
    let err = install("bad.pkg", "1.0.0", &base, cache_dir.path()).unwrap_err();
    handle.join().unwrap();
    assert!(err.to_string().contains("shasum mismatch"), "{err}");
    assert!(
        PackageCache::new(cache_dir.path())
            .list()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn rejects_unsafe_names_and_unknown_versions() {
    let cache_dir = tempfile::tempdir().unwrap();
    let err = install("../evil", "1.0.0", "http://127.0.0.1:9", cache_dir.path()).unwrap_err();
    assert!(err.to_string().contains("invalid package name"), "{err}");
    let tarball = build_tarball("some.pkg", "1.0.0");
    let (base, handle) = serve(1, |base| {
        vec![(
            "/some.pkg".to_owned(),
            metadata(base, "some.pkg", "1.0.0", &tarball, None),
        )]
    });
    let err = install("some.pkg", "9.9.9", &base, cache_dir.path()).unwrap_err();
    handle.join().unwrap();
    assert!(err.to_string().contains("no version 9.9.9"), "{err}");
}
