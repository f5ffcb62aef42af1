//! `assure run --shard i/n` and `assure report merge`: four shards merged give the report of
//! the unsharded run, modulo what differs between any two runs.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn assure() -> Command {
    Command::cargo_bin("assure").expect("assure binary")
}

fn suite(name: &str) -> String {
    format!("{}/../../suites/core/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A small plan with a `needs` pair (capabilities), written checks that read data items, and
/// the generated Patient search checks. No check writes, so every shard's embedded server
/// holds the same records as the unsharded run's.
fn run(out: &Path, shard: Option<&str>) {
    let mut command = assure();
    command.arg("run");
    for name in [
        "data.yaml",
        "capabilities.yaml",
        "read.yaml",
        "search-generated.yaml",
    ] {
        command.args(["--suite", &suite(name)]);
    }
    command.args([
        "--id",
        "CORE-*",
        "--id",
        "SRCH-Patient-*",
        "--no-progress",
        "--out",
    ]);
    command.arg(out);
    if let Some(shard) = shard {
        command.args(["--shard", shard]);
    }
    command.assert().code(0);
}

/// `report.json`, each body kept in `evidence/` read back in place, without what differs
/// between two runs of the same plan: start times, durations and clock offsets, the embedded
/// server's port
/// (also URL-encoded inside search values), timestamps the server stamps (`Date`,
/// `meta.lastUpdated`, the CapabilityStatement's `date`), and the `Content-Length` that varies
/// with them. Every evidence file the report names must be in the folder.
fn normalized(dir: &Path) -> Value {
    let mut report: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    inline_bodies(dir, &mut report);
    let text = report.to_string();
    let port = regex::Regex::new(r"127\.0\.0\.1(:|%3A)\d+").unwrap();
    let iso = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z").unwrap();
    let http_date = regex::Regex::new(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT").unwrap();
    let text = port.replace_all(&text, "127.0.0.1${1}PORT");
    let text = iso.replace_all(&text, "TIME");
    let text = http_date.replace_all(&text, "DATE");
    let mut value: Value = serde_json::from_str(&text).unwrap();
    strip(&mut value);
    value
}

/// Replaces each `body_file` with the `body` it holds.
fn inline_bodies(dir: &Path, value: &mut Value) {
    match value {
        Value::Object(fields) => {
            if let Some(file) = fields.remove("body_file") {
                let path = dir.join(file["path"].as_str().unwrap());
                let body =
                    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                fields.insert("body".into(), Value::String(body));
            }
            fields.values_mut().for_each(|v| inline_bodies(dir, v));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| inline_bodies(dir, v)),
        _ => {}
    }
}

fn strip(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.remove("duration_ms");
            fields.remove("started_at");
            // The server's clock is measured per run (the merged target is the first shard's).
            fields.remove("clock");
            fields.values_mut().for_each(strip);
        }
        Value::Array(items) => {
            if let [Value::String(name), Value::String(header)] = items.as_mut_slice()
                && name.eq_ignore_ascii_case("content-length")
            {
                header.clear();
            }
            items.iter_mut().for_each(strip);
        }
        _ => {}
    }
}

#[test]
fn four_shards_merged_equal_the_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    run(&dir.path().join("whole"), None);
    let shards: Vec<_> = (1..=4)
        .map(|i| dir.path().join(format!("shard{i}")))
        .collect();
    for (index, out) in shards.iter().enumerate() {
        run(out, Some(&format!("{}/4", index + 1)));
    }
    // Each shard ran part of the plan, and recorded the whole plan's order.
    let counts: Vec<u64> = shards
        .iter()
        .map(|out| {
            let report: Value =
                serde_json::from_str(&fs::read_to_string(out.join("report.json")).unwrap())
                    .unwrap();
            assert_eq!(report["options"]["shard"]["count"], 4);
            report["summary"]["overall"]["total"].as_u64().unwrap()
        })
        .collect();
    let whole = normalized(&dir.path().join("whole"));
    assert_eq!(
        counts.iter().sum::<u64>(),
        whole["summary"]["overall"]["total"].as_u64().unwrap()
    );
    assert!(counts.iter().all(|count| *count > 0), "{counts:?}");

    let merged = dir.path().join("merged");
    let mut merge = assure();
    merge.args(["report", "merge"]);
    // Any order.
    for index in [2, 0, 3, 1] {
        merge.arg(&shards[index]);
    }
    merge.arg("--out").arg(&merged).assert().code(0);
    assert_eq!(normalized(&merged), whole);
    for file in [
        "junit.xml",
        "report.html",
        "testreport.json",
        "checklist.csv",
    ] {
        assert!(merged.join(file).is_file(), "{file}");
    }
    assure()
        .args(["report", "verify"])
        .arg(&merged)
        .assert()
        .code(0);

    // A missing shard is a usage error that names it.
    let incomplete = assure()
        .args(["report", "merge"])
        .args(&shards[..3])
        .arg("--out")
        .arg(dir.path().join("incomplete"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&incomplete.get_output().stderr).into_owned();
    assert!(stderr.contains("missing shard 4/4"), "{stderr}");
}

#[test]
fn a_shard_that_is_not_one_is_a_usage_error() {
    for bad in ["0/4", "5/4", "2", "a/b"] {
        assure()
            .args(["run", "--shard", bad, "--target", "http://127.0.0.1:9"])
            .assert()
            .code(2);
    }
}
