//! `assure validate`: validates resource files against the base definitions, their
//! `meta.profile`, `--profile` and (Bundle entries) `--bundle`, in parallel, and prints the
//! issues.

use std::collections::BTreeMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_model::Element;
use assure_validate::{
    Issue, KnownResources, OperationOutcome, Outcome, ReferenceResolver, Switches, Validator,
};
use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::cli::args::{ValidateArgs, ValidateFormat};
use crate::cli::error::CliError;
use crate::cli::exit::Exit;
use crate::display::terminal_line;
use crate::validation::{
    ParsedFile, issue_line, largest_first, remember_shared, summary, undefined_profile,
    unusable_bundle_rule,
};

/// The size of `path`, a regular file of at most `limit` bytes; anything else (a FIFO, a
/// device such as `/dev/zero`, a folder, a larger file) is refused.
fn file_size(path: &Path, limit: u64) -> Result<u64, CliError> {
    let metadata = std::fs::metadata(path).map_err(|e| refusal(path, e.to_string()))?;
    if !metadata.is_file() {
        return Err(refusal(path, "not a regular file".into()));
    }
    if metadata.len() > limit {
        return Err(too_large(path, limit));
    }
    Ok(metadata.len())
}

/// The bytes of `path`, refused as [`file_size`] refuses before it is read; a file that grows
/// past `limit` while it is read is refused too.
fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    use std::io::Read as _;
    let size = file_size(path, limit)?;
    let file = std::fs::File::open(path).map_err(|e| refusal(path, e.to_string()))?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refusal(path, e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit));
    }
    Ok(bytes)
}

/// The error for a file that cannot be read, and why.
fn refusal(path: &Path, why: String) -> CliError {
    CliError::usage(format!("cannot read {}: {why}", path.display()))
}

/// The error for a file larger than `limit` bytes.
fn too_large(path: &Path, limit: u64) -> CliError {
    refusal(
        path,
        format!("larger than {} MiB (--max-file-mib)", limit / (1024 * 1024)),
    )
}

/// One file's validation result.
struct FileOutcome {
    path: PathBuf,
    outcome: Outcome,
}

/// A file read and checked, waiting to be validated.
struct Prepared {
    path: PathBuf,
    /// Its size in bytes: larger files are validated first, so that every core stays busy.
    size: usize,
    /// Its parse; `None` for a file larger than [`MAX_REFERABLE_FILE`], read again and parsed
    /// when its turn comes, so that its bytes are not held meanwhile.
    parsed: Option<ParsedFile>,
    /// What other files' references may resolve to.
    referable: Option<Arc<Element>>,
}

/// Validates the files and prints the issues: [`Exit::ChecksFailed`] when some file has an
/// error-level issue, else [`Exit::Passed`].
pub fn validate(args: ValidateArgs) -> Result<Exit, CliError> {
    let settings = args.validator.settings().map_err(CliError::usage)?;
    let limit = args.max_file_mib.saturating_mul(1024 * 1024);
    let several = args.files.len() > 1;
    // The files are read and parsed while the definitions load.
    let (prepared, loaded) = rayon::join(
        || -> Vec<Result<Prepared, CliError>> {
            args.files
                .par_iter()
                .map(|path| prepare(path, limit, several))
                .collect()
        },
        || args.definitions.sources().load(),
    );
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for result in prepared {
        match result {
            Ok(file) => files.push(file),
            Err(error) => unreadable.push(error),
        }
    }
    if let Some(error) = unreadable.into_iter().reduce(CliError::and) {
        return Err(error);
    }

    let loaded = loaded?;
    for id in &loaded.missing {
        eprintln!(
            "warning: dependency {id} is not in the package cache; its definitions are not loaded"
        );
    }
    let validator = loaded.into_validator();
    if let Some(error) = args
        .profiles
        .iter()
        .filter_map(|url| undefined_profile(&validator, url))
        .chain(
            settings
                .bundle_rules
                .iter()
                .filter_map(|rule| unusable_bundle_rule(&validator, rule)),
        )
        .map(CliError::usage)
        .reduce(CliError::and)
    {
        return Err(error);
    }

    let switches = settings.switches();
    let resolver = cross_file_resolver(&mut files);
    let sized = files.into_iter().map(|file| (file.size, file)).collect();
    let results = largest_first(sized, rayon::current_num_threads(), |file| {
        let run = (&validator, &args.profiles[..], &switches);
        validate_one(run, resolver.clone(), file, limit)
    });
    let mut outcomes = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let failed = outcomes.iter().any(|o| o.outcome.has_errors());
    // `--level` limits what is printed; the exit code counts every error.
    let level = settings.level();
    for file in &mut outcomes {
        file.outcome
            .issues
            .retain(|issue| level.shows(issue.severity));
    }

    // The results are written as they are serialized: a large Bundle's can run to millions
    // of issues, and no copy of them (as text or as a JSON tree) is built first.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ValidateFormat::Text => write_text(&mut out, &outcomes),
        ValidateFormat::Json => write_pretty(&mut out, &JsonResults(&outcomes)),
        ValidateFormat::OperationOutcome => write_pretty(&mut out, &OperationOutcomes(&outcomes)),
    }
    .and_then(|()| out.flush())
    .map_err(|e| CliError::internal(format!("cannot write the results: {e}")))?;
    Ok(if failed {
        Exit::ChecksFailed
    } else {
        Exit::Passed
    })
}

/// Files larger than this are not parsed before their turn, nor serve other files' references.
const MAX_REFERABLE_FILE: usize = 1 << 20;

/// Checks `path` as [`read_file`] does and, when it is at most [`MAX_REFERABLE_FILE`], reads
/// and parses it, and with `several` files keeps what other files' references may resolve to.
/// A larger file is read only when its turn comes. The bytes are dropped.
fn prepare(path: &Path, limit: u64, several: bool) -> Result<Prepared, CliError> {
    let size = file_size(path, limit)? as usize;
    let mut file = Prepared {
        path: path.to_owned(),
        size,
        parsed: None,
        referable: None,
    };
    if size <= MAX_REFERABLE_FILE {
        let bytes = read_file(path, limit)?;
        let parsed = ParsedFile::parse(&path.to_string_lossy(), &bytes);
        file.referable = several.then(|| parsed.referable(&bytes)).flatten();
        file.parsed = Some(parsed);
    }
    Ok(file)
}

/// With several files, references between them resolve: the resources of each file (up to
/// [`MAX_REFERABLE_FILE`]), a Bundle's entries included, are known to the others; a later
/// file's resource replaces an earlier one's with the same type and id.
fn cross_file_resolver(files: &mut [Prepared]) -> Option<Arc<dyn ReferenceResolver>> {
    let mut known = KnownResources::new();
    for resource in files.iter_mut().filter_map(|file| file.referable.take()) {
        remember_shared(&mut known, resource);
    }
    (!known.is_empty()).then(|| Arc::new(known) as Arc<dyn ReferenceResolver>)
}

/// Validates one file with a validator, its profiles and switches, reading and parsing a
/// large file first; a validator panic becomes an internal error naming the file.
fn validate_one(
    (validator, profiles, switches): (&Validator, &[String], &Switches),
    resolver: Option<Arc<dyn ReferenceResolver>>,
    file: Prepared,
    limit: u64,
) -> Result<FileOutcome, CliError> {
    let Prepared { path, parsed, .. } = file;
    let bytes = match parsed {
        Some(_) => Vec::new(),
        None => read_file(&path, limit)?,
    };
    catch_unwind(AssertUnwindSafe(|| {
        // A large file's bytes go as soon as it is parsed.
        let parsed = parsed.unwrap_or_else(|| ParsedFile::parse(&path.to_string_lossy(), &bytes));
        drop(bytes);
        parsed.validate(validator, profiles, resolver, switches)
    }))
    .map(|outcome| FileOutcome {
        path: path.clone(),
        outcome,
    })
    .map_err(|_| {
        CliError::internal(format!(
            "internal error while validating {}",
            path.display()
        ))
    })
}

/// Issue lines, then one summary line per file, then the codes that could not be checked
/// offline by code system (when there are any); whatever the files hold, each stays one line
/// with no control characters.
fn write_text(out: &mut impl Write, outcomes: &[FileOutcome]) -> std::io::Result<()> {
    let mut unchecked: BTreeMap<String, usize> = BTreeMap::new();
    for file in outcomes {
        let name = file.path.display().to_string();
        for issue in &file.outcome.issues {
            writeln!(out, "{}", terminal_line(&issue_line(&name, issue)))?;
        }
        let summary_line = format!("{name}: {}", summary(&file.outcome.issues));
        writeln!(out, "{}", terminal_line(&summary_line))?;
        for (system, count) in file.outcome.unchecked_codes() {
            *unchecked.entry(system).or_default() += count;
        }
    }
    if !unchecked.is_empty() {
        let counts: Vec<String> = unchecked
            .iter()
            .map(|(system, count)| format!("{system} {count}"))
            .collect();
        let line = format!("unchecked codes: {}", counts.join(", "));
        writeln!(out, "{}", terminal_line(&line))?;
    }
    Ok(())
}

/// `[{"file", "valid", "issues": [{severity, location, line, col, message, rule}],
/// "unchecked_codes": {system: count}}]`.
struct JsonResults<'a>(&'a [FileOutcome]);

impl Serialize for JsonResults<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(JsonFile))
    }
}

/// One file's entry in [`JsonResults`].
struct JsonFile<'a>(&'a FileOutcome);

impl Serialize for JsonFile<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let outcome = &self.0.outcome;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("file", &self.0.path.display().to_string())?;
        map.serialize_entry("valid", &!outcome.has_errors())?;
        map.serialize_entry("issues", &JsonIssues(&outcome.issues))?;
        map.serialize_entry("unchecked_codes", &outcome.unchecked_codes())?;
        map.end()
    }
}

/// The issues of one file in [`JsonResults`].
struct JsonIssues<'a>(&'a [Issue]);

impl Serialize for JsonIssues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|issue| JsonIssue {
            severity: issue.severity.code(),
            location: &issue.location,
            line: issue.line,
            col: issue.col,
            message: &issue.message,
            rule: &issue.rule,
        }))
    }
}

/// One issue in [`JsonResults`].
#[derive(Serialize)]
struct JsonIssue<'a> {
    severity: &'static str,
    location: &'a str,
    line: u32,
    col: u32,
    message: &'a str,
    rule: &'a str,
}

/// One file: its OperationOutcome. Several: a `collection` Bundle with one OperationOutcome
/// per file, each entry's `fullUrl` the file's `file:` URL.
struct OperationOutcomes<'a>(&'a [FileOutcome]);

impl Serialize for OperationOutcomes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let [single] = self.0 {
            return single.outcome.operation_outcome().serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("resourceType", "Bundle")?;
        map.serialize_entry("type", "collection")?;
        map.serialize_entry("entry", &OutcomeEntries(self.0))?;
        map.end()
    }
}

/// The entries of the Bundle of [`OperationOutcomes`].
struct OutcomeEntries<'a>(&'a [FileOutcome]);

impl Serialize for OutcomeEntries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|file| OutcomeEntry {
            full_url: file_url(&file.path),
            resource: file.outcome.operation_outcome(),
        }))
    }
}

/// One entry of the Bundle of [`OperationOutcomes`].
#[derive(Serialize)]
struct OutcomeEntry<'a> {
    #[serde(rename = "fullUrl")]
    full_url: String,
    resource: OperationOutcome<'a>,
}

/// The `file:` URL of a path (made absolute first).
fn file_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    reqwest::Url::from_file_path(&absolute)
        .map(String::from)
        .unwrap_or_else(|()| format!("file://{}", absolute.display()))
}

/// `value` as indented JSON, and a line break.
fn write_pretty(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}
