//! `assure report merge`: the runs of every shard of a plan (`assure run --shard i/n`) put
//! back together as the one run they split.
//!
//! Tests take their place in the whole plan, which every shard records (`options.shard`):
//! suites in plan order, written tests in plan order, then generated checks in the order they
//! were made. The counts are tallied again and each claim is judged again over the tests of
//! every shard (failed if one failed, proven if one passed). What cannot be the same as one
//! unsharded run: `started_at` is the earliest shard's, `duration_ms` runs from it to the
//! latest finish, the target is the first shard's (each embedded reference server has its own
//! port), a data item read by tests of several shards is the first such shard's, and the codes
//! left unchecked are summed. [`gather_evidence`] copies the shards' evidence files beside the
//! merged reports.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::evidence::{EVIDENCE_DIR, evidence_files};
use crate::results::{
    Claim, ClaimStatus, DataResult, RunResult, ShardRecord, Status, SuiteResult, Summary,
    TestResult,
};

/// Copies the evidence files of the shards reported in `shards` (report folders, or their
/// `report.json`) into `out/evidence`; a file already there (same name, so same content) is
/// not copied again. Returns how many were copied.
pub fn gather_evidence(shards: &[PathBuf], out: &Path) -> Result<usize> {
    let target = out.join(EVIDENCE_DIR);
    let mut copied = 0;
    for shard in shards {
        let folder = if shard.is_dir() {
            shard.as_path()
        } else {
            shard.parent().unwrap_or(Path::new("."))
        };
        let files = evidence_files(folder)
            .with_context(|| format!("cannot list {}", folder.join(EVIDENCE_DIR).display()))?;
        if !files.is_empty() {
            fs::create_dir_all(&target)
                .with_context(|| format!("cannot create {}", target.display()))?;
        }
        for file in files {
            let Some(name) = file.file_name() else {
                continue;
            };
            let destination = target.join(name);
            if !destination.exists() {
                fs::copy(&file, &destination).with_context(|| {
                    format!(
                        "cannot copy {} to {}",
                        file.display(),
                        destination.display()
                    )
                })?;
                copied += 1;
            }
        }
    }
    Ok(copied)
}

/// Merges the runs of shards `1/n` to `n/n` (any order, each exactly once) into one run.
pub fn merge(mut shards: Vec<RunResult>) -> Result<RunResult> {
    let records = check_complete(&shards)?;
    let order = Order::of(records[0]);
    shards.sort_by_key(|run| run.options.shard.as_ref().map(|shard| shard.index));
    let first = &shards[0];
    let mut options = first.options.clone();
    options.shard = None;
    for run in &shards[1..] {
        let mut other = run.options.clone();
        other.shard = None;
        if other != options {
            bail!(
                "shard {} was run with other options than shard 1 (--suite, --id, --tag, --var, \
                 --fail-on, --waivers … must be the same for every shard)",
                shard_label(run)
            );
        }
        if !run.target.embedded && run.target.base_url != first.target.base_url {
            bail!(
                "shard {} ran against {}, shard 1 against {}",
                shard_label(run),
                run.target.base_url,
                first.target.base_url
            );
        }
    }
    let (started_at, duration_ms) = span(&shards)?;
    let suites = merged_suites(&shards, &order);
    let claims = merged_claims(&shards, &suites);
    let mut unchecked_codes = BTreeMap::new();
    for (system, count) in shards.iter().flat_map(|run| &run.unchecked_codes) {
        *unchecked_codes.entry(system.clone()).or_insert(0) += count;
    }
    let aborted: Vec<String> = shards
        .iter()
        .filter_map(|run| {
            Some(format!(
                "shard {}: {}",
                shard_label(run),
                run.aborted.as_ref()?
            ))
        })
        .collect();
    Ok(RunResult {
        schema_version: first.schema_version,
        tool: first.tool.clone(),
        started_at,
        duration_ms,
        target: first.target.clone(),
        options,
        aborted: (!aborted.is_empty()).then(|| aborted.join("; ")),
        data: merged_data(&shards, &order),
        summary: Summary::of(&suites),
        suites,
        claims,
        unchecked_codes,
    })
}

/// The shard records, after checking that they are the parts `1..=n` of one plan.
fn check_complete(shards: &[RunResult]) -> Result<Vec<&ShardRecord>> {
    let Some(first) = shards.first() else {
        bail!("no report to merge");
    };
    let mut records = Vec::new();
    for run in shards {
        let Some(record) = &run.options.shard else {
            bail!(
                "a report to merge was not made with --shard (its run started {})",
                run.started_at
            );
        };
        records.push(record);
    }
    let count = records[0].count;
    let mut seen = vec![false; count as usize];
    for record in &records {
        if record.count != count {
            bail!(
                "shard {}/{} does not belong with shard {}/{count}",
                record.index,
                record.count,
                records[0].index
            );
        }
        if record.index == 0 || record.index > count {
            bail!("shard {}/{count} is not a part of {count}", record.index);
        }
        if record.suites != records[0].suites || record.data != records[0].data {
            bail!(
                "shard {}/{count} was planned from other suites or filters than shard {}/{count}",
                record.index,
                records[0].index
            );
        }
        let slot = &mut seen[record.index as usize - 1];
        if *slot {
            bail!("shard {}/{count} is given twice", record.index);
        }
        *slot = true;
    }
    let missing: Vec<String> = (1..=count)
        .filter(|index| !seen[*index as usize - 1])
        .map(|index| format!("{index}/{count}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard{} {} (merging the runs started {} and after)",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            first.started_at
        );
    }
    Ok(records)
}

/// Where each suite, test and data item stands in the whole plan.
struct Order {
    suites: HashMap<String, usize>,
    /// Written tests by plan position, then generated checks after every written one.
    tests: HashMap<String, usize>,
    data: HashMap<String, usize>,
}

impl Order {
    fn of(record: &ShardRecord) -> Order {
        let written = record.suites.iter().flat_map(|suite| &suite.tests);
        let positions = |ids: &mut dyn Iterator<Item = &String>| -> HashMap<String, usize> {
            let mut map = HashMap::new();
            for id in ids {
                let next = map.len();
                map.entry(id.clone()).or_insert(next);
            }
            map
        };
        Order {
            suites: positions(&mut record.suites.iter().map(|suite| &suite.id)),
            tests: positions(&mut written.chain(&record.generated)),
            data: positions(&mut record.data.iter()),
        }
    }

    fn rank(map: &HashMap<String, usize>, key: &str) -> usize {
        map.get(key).copied().unwrap_or(usize::MAX)
    }
}

/// Every shard's suites as one list in plan order, each suite's tests in plan order.
fn merged_suites(shards: &[RunResult], order: &Order) -> Vec<SuiteResult> {
    let mut suites: Vec<SuiteResult> = Vec::new();
    for suite in shards.iter().flat_map(|run| &run.suites) {
        match suites.iter_mut().find(|merged| merged.id == suite.id) {
            Some(merged) => merged.tests.extend(suite.tests.iter().cloned()),
            None => suites.push(suite.clone()),
        }
    }
    // Stable sorts: what the plan does not place keeps the order it came in.
    suites.sort_by_key(|suite| Order::rank(&order.suites, &suite.id));
    for suite in &mut suites {
        suite
            .tests
            .sort_by_key(|test| Order::rank(&order.tests, &test.id));
    }
    suites
}

/// Every data item once (the first shard's, by index), in the order the whole plan settles
/// them.
fn merged_data(shards: &[RunResult], order: &Order) -> Vec<DataResult> {
    let mut data: Vec<DataResult> = Vec::new();
    for item in shards.iter().flat_map(|run| &run.data) {
        if !data.iter().any(|merged| merged.name == item.name) {
            data.push(item.clone());
        }
    }
    data.sort_by_key(|item| Order::rank(&order.data, &item.name));
    data
}

/// The claims (the first shard's list: every shard read the same CapabilityStatement), each
/// with the exercising tests of every shard and judged again over them.
fn merged_claims(shards: &[RunResult], suites: &[SuiteResult]) -> Vec<Claim> {
    let tests: Vec<&TestResult> = suites.iter().flat_map(|suite| &suite.tests).collect();
    let position: HashMap<&str, usize> = tests
        .iter()
        .enumerate()
        .map(|(index, test)| (test.id.as_str(), index))
        .collect();
    let mut claims: Vec<Claim> = Vec::new();
    for claim in shards.iter().flat_map(|run| &run.claims) {
        let same = |merged: &&mut Claim| {
            (&merged.resource_type, merged.kind, &merged.code)
                == (&claim.resource_type, claim.kind, &claim.code)
        };
        match claims.iter_mut().find(same) {
            Some(merged) => {
                for id in &claim.tests {
                    if !merged.tests.contains(id) {
                        merged.tests.push(id.clone());
                    }
                }
            }
            None => claims.push(claim.clone()),
        }
    }
    for claim in &mut claims {
        claim
            .tests
            .sort_by_key(|id| position.get(id.as_str()).copied().unwrap_or(usize::MAX));
        let statuses: Vec<Status> = claim
            .tests
            .iter()
            .filter_map(|id| Some(tests[*position.get(id.as_str())?].status))
            .collect();
        claim.status = if statuses.contains(&Status::Fail) {
            ClaimStatus::Failed
        } else if statuses.contains(&Status::Pass) {
            ClaimStatus::Proven
        } else {
            ClaimStatus::NotAssessed
        };
    }
    claims
}

/// The earliest start, and the milliseconds from it to the latest finish.
fn span(shards: &[RunResult]) -> Result<(String, u64)> {
    let mut earliest: Option<(OffsetDateTime, &str)> = None;
    let mut latest: Option<OffsetDateTime> = None;
    for run in shards {
        let Ok(start) = OffsetDateTime::parse(&run.started_at, &Rfc3339) else {
            bail!(
                "shard {} has a start time that is not RFC 3339: {:?}",
                shard_label(run),
                run.started_at
            );
        };
        let end = start + time::Duration::milliseconds(run.duration_ms as i64);
        if earliest.is_none_or(|(at, _)| start < at) {
            earliest = Some((start, &run.started_at));
        }
        latest = Some(latest.map_or(end, |at: OffsetDateTime| at.max(end)));
    }
    let (Some((start, text)), Some(end)) = (earliest, latest) else {
        bail!("no report to merge");
    };
    Ok((
        text.to_owned(),
        (end - start).whole_milliseconds().max(0) as u64,
    ))
}

fn shard_label(run: &RunResult) -> String {
    match &run.options.shard {
        Some(shard) => format!("{}/{}", shard.index, shard.count),
        None => "?".to_owned(),
    }
}
