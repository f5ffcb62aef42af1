//! `assure run`: load, probe, run, report, gate.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::{AuthConfig, Session};
use crate::cli::args::{FailOn, ReplayArgs, RunArgs};
use crate::cli::embedded::start_secure;
use crate::cli::error::CliError;
use crate::cli::exit::{self, Exit};
use crate::cli::gate::render_gate;
use crate::cli::serve::parse_defects;
use crate::cli::signals::{SignalWatch, start_deadline};
use crate::cli::suites::{load_suites, overrides};
use crate::cli::waivers;
use crate::display::{TerminalDisplay, render_summary, terminal_line};
use crate::evidence::EvidenceStore;
use crate::http::{Client, ClientOptions, Recorder, RecordingHeader, Replay, TlsMaterial};
use crate::redact::Redactor;
use crate::report::read::read_run;
use crate::report::{clear_stale, write_all};
use crate::results::{
    BaselineRecord, RunOptions, RunResult, SCHEMA_VERSION, ShardRecord, Status, Summary,
    TargetInfo, ToolInfo, Waiver,
};
use crate::runner::{
    Cancellation, EventSink, Filter, RunConfig, plan, plan_shard, run as run_plan,
};
use crate::validation::{Validation, ValidatorSettings};
use assure_reference::RunningServer;

/// Runs the checklist; a finished run's exit code is its gate ([`exit::for_result`]).
pub async fn run(args: RunArgs) -> Result<Exit, CliError> {
    run_with(args, None).await
}

/// Runs the checklist against a recording ([`Replay`]).
pub async fn replay(args: ReplayArgs) -> Result<Exit, CliError> {
    let ReplayArgs { recording, run } = args;
    for (given, option) in [
        (run.target.is_some(), "--target"),
        (!run.defects.is_empty(), "--defect"),
        (run.record.is_some(), "--record"),
    ] {
        if given {
            return Err(CliError::usage(format!(
                "{option} cannot be used with replay: the recording is the target"
            )));
        }
    }
    let replay = Replay::load(&recording).map_err(CliError::usage)?;
    run_with(
        run,
        Some(Replayed {
            source: recording.display().to_string(),
            replay: Arc::new(replay),
        }),
    )
    .await
}

/// A recording a run is answered from, and where it was read.
struct Replayed {
    source: String,
    replay: Arc<Replay>,
}

async fn run_with(args: RunArgs, replayed: Option<Replayed>) -> Result<Exit, CliError> {
    // A malformed `--bundle` rule stops the run before anything starts.
    args.validator.settings().map_err(CliError::usage)?;
    let suites = load_suites(&args.plan)?;
    let filter = Filter {
        ids: args.plan.ids.clone(),
        tags: args.plan.tags.clone(),
    };
    let (plan, shard) = match args.shard {
        Some(shard) => {
            let (plan, record) = plan_shard(&suites, &filter, shard)?;
            (plan, Some(record))
        }
        None => (plan(&suites, &filter)?, None),
    };
    let today = OffsetDateTime::now_utc().date();
    let waivers = match &args.waivers {
        Some(path) => waivers::load(path, &suites, today)?,
        None => Vec::new(),
    };
    let baseline = args.baseline.as_deref().map(baseline).transpose()?;
    let gate = Gate {
        waivers,
        baseline,
        shard,
    };
    clear_stale(&args.out).map_err(|e| CliError::internal(format!("{e:#}")))?;
    let cancellation = Cancellation::new();
    let signals = SignalWatch::start(cancellation.clone());
    let deadline = args
        .deadline
        .map(|deadline| start_deadline(cancellation.clone(), deadline));
    let defects = parse_defects(&args.defects)?;
    if args.target.is_some() && !defects.is_empty() {
        return Err(CliError::usage(
            "--defect switches on defects of the embedded server; it cannot be used with --target",
        ));
    }

    let (server, base_url, tls, auth, variables) = match (&args.target, &replayed) {
        (_, Some(replayed)) => {
            let header = replayed.replay.header();
            let auth = AuthConfig::load(args.auth_config.as_deref()).map_err(CliError::usage)?;
            let tls = TlsMaterial::from_files(None, None)?;
            (
                None,
                header.base_url.clone(),
                tls,
                auth,
                header.variables.clone(),
            )
        }
        (Some(target), None) => {
            let tls = TlsMaterial::from_files(
                args.ca_cert.as_deref(),
                args.client_cert.as_deref().zip(args.client_key.as_deref()),
            )?;
            let auth = AuthConfig::load(args.auth_config.as_deref()).map_err(CliError::usage)?;
            (None, target.clone(), tls, auth, Vec::new())
        }
        (None, None) => {
            let embedded = start_secure(defects).await?;
            let base_url = embedded.server.base_url();
            (
                Some(embedded.server),
                base_url,
                embedded.tls,
                embedded.auth,
                embedded.variables,
            )
        }
    };

    let target = Target {
        base_url: &base_url,
        embedded: server.is_some(),
        tls,
        auth,
        variables,
        replayed,
    };
    let outcome = run_against(&args, plan, gate, target, cancellation).await;
    if let Some(deadline) = deadline {
        deadline.abort();
    }
    if let Some(server) = server {
        stop(server).await;
    }
    // A signal's exit code tells the caller the run did not finish, whatever it found.
    match (signals.stopped(), outcome) {
        (Some(stop), Ok(_)) => Ok(stop.exit()),
        (_, outcome) => outcome,
    }
}

/// What a run is pointed at: the base URL and the credentials and variables that go with it.
struct Target<'a> {
    base_url: &'a str,
    embedded: bool,
    tls: TlsMaterial,
    auth: AuthConfig,
    /// Variables the embedded server (or the recording) supplies; `--var` overrides them.
    variables: Vec<(String, String)>,
    /// The recording that answers instead of a server.
    replayed: Option<Replayed>,
}

/// What the run is gated by besides its options, and the shard it is, for its reports.
struct Gate {
    waivers: Vec<Waiver>,
    baseline: Option<BaselineRecord>,
    shard: Option<ShardRecord>,
}

/// The failures of the run at `path` (`--baseline`).
fn baseline(path: &Path) -> Result<BaselineRecord, CliError> {
    let run = read_run(path).map_err(|e| CliError::usage(format!("--baseline: {e:#}")))?;
    if run.suites.iter().all(|suite| suite.tests.is_empty()) {
        return Err(CliError::usage(format!(
            "--baseline {}: that run has no tests (it was aborted: {})",
            path.display(),
            run.aborted.as_deref().unwrap_or("no reason recorded")
        )));
    }
    Ok(BaselineRecord {
        source: path.display().to_string(),
        started_at: run.started_at,
        failing: run
            .suites
            .iter()
            .flat_map(|suite| &suite.tests)
            .filter(|test| test.status == Status::Fail)
            .map(|test| test.id.clone())
            .collect(),
    })
}

async fn run_against(
    args: &RunArgs,
    plan: crate::runner::Plan,
    gate: Gate,
    target: Target<'_>,
    cancellation: Cancellation,
) -> Result<Exit, CliError> {
    let Target {
        base_url,
        embedded,
        tls,
        auth,
        variables,
        replayed,
    } = target;
    if args.insecure {
        eprintln!(
            "warning: --insecure: the server's certificate is not verified (recorded in the reports)"
        );
    }
    let client = Client::new(
        base_url,
        ClientOptions {
            timeout: args.timeout,
            default_headers: args.headers.clone(),
            retries: args.retries,
            tls,
            insecure: args.insecure,
        },
    )?;
    let store = EvidenceStore::create(&args.out).map_err(|e| {
        CliError::internal(format!(
            "cannot create the evidence folder in {}: {e}",
            args.out.display()
        ))
    })?;
    let mut client = client.with_evidence_store(Arc::new(store));
    if let Some(replayed) = &replayed {
        client = client.with_replay(Arc::clone(&replayed.replay));
    }
    if let Some(dir) = &args.record {
        let header = RecordingHeader::new(
            &client.redactor().redact_text(base_url),
            variables
                .iter()
                .chain(&args.plan.vars)
                .map(|(name, value)| (name.clone(), client.redactor().redact_text(value)))
                .collect(),
            OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
        );
        let recorder = Recorder::create(dir, &args.out, &header).map_err(|e| {
            CliError::internal(format!(
                "cannot start the recording in {}: {e}",
                dir.display()
            ))
        })?;
        client = client.with_recorder(Arc::new(recorder));
    }
    let session = (!auth.is_empty()).then(|| Session::new(&client, auth));
    let client = match &session {
        Some(session) => session.attach(client),
        None => client,
    };
    let mut options = run_options(args, client.redactor());
    options.replay = replayed.as_ref().map(|r| r.source.clone());
    options.waivers = gate.waivers;
    options.baseline = gate.baseline;
    options.shard = gate.shard;
    let started = Instant::now();
    let started_at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    let probed = match client.probe().await {
        Ok(mut probed) => {
            probed.target.embedded = embedded;
            probed
        }
        Err(unreachable) => {
            let mut message = client.redactor().redact_text(&unreachable.to_string());
            if message.contains("invalid peer certificate") && !args.insecure {
                message.push_str(
                    " (to trust a private CA give --ca-cert; to run the checklist anyway, \
                     certificate checks included, give --insecure)",
                );
            }
            let target = TargetInfo {
                base_url: client.redactor().redact_text(base_url),
                embedded,
                insecure: args.insecure,
                fhir_version: None,
                software: None,
                clock: None,
            };
            let result = aborted_run(target, options, started_at, started, message.clone());
            let error = CliError::target(message);
            return Err(match write_reports(&result, &args.out) {
                Ok(()) => error,
                Err(unwritten) => error.and(unwritten),
            });
        }
    };
    let generated = if plan.suites.iter().any(|s| !s.generate.is_empty()) {
        " and the generated checks"
    } else {
        ""
    };
    let shard = match args.shard {
        Some(shard) => format!(" (shard {shard})"),
        None => String::new(),
    };
    eprintln!(
        "running {} tests{generated}{shard} against {}{}",
        plan.len(),
        probed.target.base_url,
        if embedded {
            " (embedded reference server)"
        } else {
            ""
        }
    );

    let clock = client.clock();
    let mut config = RunConfig::new(client, probed.target.clone());
    config.capability_statement = probed.capability_statement;
    config.concurrency = usize::from(args.concurrency);
    config.variables = variables.into_iter().collect();
    config.variables.extend(overrides(&args.plan));
    config.validation = Arc::new(
        Validation::new(args.definitions.sources())
            .with_settings(
                args.validator
                    .settings()
                    .map_err(CliError::usage)?
                    .over(&ValidatorSettings::run_defaults()),
            )
            .with_time_limit(args.timeout),
    );
    config.auth = session;
    config.cancellation = cancellation;
    config.max_fan_out = args.max_fan_out;
    let display: Arc<dyn EventSink> = if args.no_progress {
        Arc::new(TerminalDisplay::lines(Box::new(std::io::stderr())))
    } else {
        Arc::new(TerminalDisplay::stderr())
    };
    let selection = plan.filter.clone();
    let mut result = run_plan(plan, config, display).await;
    result.options = options;
    result.target.clock = clock.estimate();
    if let Some(shard) = &mut result.options.shard {
        shard.generated = selection.made();
    }

    print!("{}{}", render_summary(&result), render_gate(&result));
    write_reports(&result, &args.out)?;
    for waiver in result.options.waivers.iter().filter(|w| w.expired) {
        eprintln!(
            "error: {}: the waiver of {} (owner: {}) expired after {}: the run fails until it \
             is renewed or removed",
            terminal_line(&waiver.source),
            terminal_line(&waiver.id),
            terminal_line(&waiver.owner),
            waiver.expires
        );
    }
    Ok(exit::for_result(&result))
}

/// A run that stopped before any test: the reports say why.
fn aborted_run(
    target: TargetInfo,
    options: RunOptions,
    started_at: String,
    started: Instant,
    reason: String,
) -> RunResult {
    RunResult {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "assure".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        target,
        options,
        aborted: Some(reason),
        data: Vec::new(),
        suites: Vec::new(),
        summary: Summary::default(),
        claims: Vec::new(),
        unchecked_codes: Default::default(),
    }
}

/// The options of this run as the reports record them, every value through `redactor`.
fn run_options(args: &RunArgs, redactor: &Redactor) -> RunOptions {
    let millis = |duration: std::time::Duration| duration.as_millis() as u64;
    RunOptions {
        suites: args
            .plan
            .suites
            .iter()
            .map(|path| path.display().to_string())
            .collect(),
        ids: args.plan.ids.clone(),
        tags: args.plan.tags.clone(),
        variables: args
            .plan
            .vars
            .iter()
            .map(|(name, value)| (name.clone(), redactor.redact_text(value)))
            .collect(),
        headers: args.headers.iter().map(|(name, _)| name.clone()).collect(),
        concurrency: u32::from(args.concurrency),
        timeout_ms: millis(args.timeout),
        retries: args.retries,
        max_fan_out: args.max_fan_out as u64,
        deadline_ms: args.deadline.map(millis),
        fail_on: match args.fail_on {
            FailOn::Shall => "shall",
            FailOn::Should => "should",
            FailOn::May => "may",
        }
        .to_owned(),
        require_complete: args.require_complete,
        defects: args.defects.clone(),
        waivers: Vec::new(),
        baseline: None,
        shard: None,
        record: args.record.as_ref().map(|dir| dir.display().to_string()),
        replay: None,
    }
}

/// Writes every report and prints where.
pub(super) fn write_reports(result: &RunResult, out: &Path) -> Result<(), CliError> {
    let paths = write_all(result, out).map_err(|e| {
        CliError::internal(format!(
            "cannot write the reports to {}: {e:#}",
            out.display()
        ))
    })?;
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    eprintln!("reports: {}", names.join(", "));
    Ok(())
}

async fn stop(server: RunningServer) {
    if let Err(e) = server.shutdown().await {
        eprintln!("warning: the embedded reference server did not stop cleanly: {e:#}");
    }
}
