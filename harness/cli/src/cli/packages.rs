//! `assure packages install | import | list`: the local FHIR package cache.

use std::path::{Path, PathBuf};

use assure_validate::package::{
    Package, PackageCache, PackageError, REGISTRY_ENV, default_cache_dir, install,
};

use crate::cli::args::{CacheArgs, ImportArgs, InstallArgs, PackagesCommand};
use crate::cli::error::CliError;
use crate::cli::exit::Exit;
use crate::validation::{DefinitionSources, PackageSpec};

/// Runs a `packages` subcommand. Errors: bad arguments or an unusable tarball are usage
/// errors, a failing registry a target error, a cache that cannot be read or written an
/// internal error.
pub fn packages(command: PackagesCommand) -> Result<Exit, CliError> {
    match command {
        PackagesCommand::Install(args) => install_package(&args),
        PackagesCommand::Import(args) => import(&args),
        PackagesCommand::List(args) => list(&args),
    }
}

fn cache(args: &CacheArgs) -> PackageCache {
    PackageCache::new(args.cache.clone().unwrap_or_else(default_cache_dir))
}

fn install_package(args: &InstallArgs) -> Result<Exit, CliError> {
    let (name, version) = args
        .package
        .split_once('@')
        .or_else(|| args.package.split_once('#'))
        .filter(|(name, version)| !name.is_empty() && !version.is_empty())
        .ok_or_else(|| {
            CliError::usage(format!(
                "`{}` is not name@version (e.g. hl7.fhir.r4.core@4.0.1)",
                args.package
            ))
        })?;
    let registry = args
        .registry
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| {
            CliError::usage(format!(
                "no package registry configured: pass --registry <URL> or set {REGISTRY_ENV}.\n\
                 Offline, UK Core comes from its source folder: `assure packages import \
                 path/to/ukcore --name fhir.r4.ukcore.stu3.currentbuild --version <VERSION>`, \
                 or pass the folder itself with `--package path/to/ukcore`"
            ))
        })?;
    let cache = cache(&args.cache);
    let folder = install(name, version, registry.trim(), cache.dir()).map_err(|e| {
        let exit = match e {
            PackageError::Io { .. } => Exit::Internal,
            _ => Exit::TargetError,
        };
        CliError::new(exit, format!("cannot install {}: {e}", args.package))
    })?;
    println!(
        "installed {} in {}",
        folder_id(&folder),
        cache.dir().display()
    );
    Ok(Exit::Passed)
}

/// Imports every tarball, package folder and source folder it can; the errors of the others
/// are reported together.
fn import(args: &ImportArgs) -> Result<Exit, CliError> {
    let cache = cache(&args.cache);
    let naming = args.name.is_some() || args.version.is_some();
    let folders = args
        .sources
        .iter()
        .filter(|s| PackageSpec::Path(s.to_path_buf()).is_source_folder())
        .count();
    if naming && (folders != 1 || args.sources.len() != 1) {
        return Err(CliError::usage(
            "--name and --version name one source folder: import it on its own",
        ));
    }
    let mut errors = Vec::new();
    for source in &args.sources {
        let imported = if PackageSpec::Path(source.clone()).is_source_folder() {
            import_source_folder(args, &cache, source)
        } else {
            let added = if source.is_dir() {
                Package::from_dir(source).and_then(|package| cache.add_package(&package))
            } else {
                cache.import_tarball(source)
            };
            added.map_err(|e| {
                let ours = matches!(&e, PackageError::Io { path, .. } if !path.starts_with(source));
                let exit = if ours { Exit::Internal } else { Exit::Usage };
                CliError::new(exit, format!("cannot import {}: {e}", source.display()))
            })
        };
        match imported {
            Ok(folder) => println!(
                "imported {} into {}",
                folder_id(&folder),
                cache.dir().display()
            ),
            Err(error) => errors.push(error),
        }
    }
    match errors.into_iter().reduce(CliError::and) {
        Some(error) => Err(error),
        None => Ok(Exit::Passed),
    }
}

/// Reads a source folder (its XML converted with the R4 base of the cache or the built-in
/// bundle) and writes it into the cache under `--name`/`--version`, or its
/// ImplementationGuide's packageId and version.
fn import_source_folder(
    args: &ImportArgs,
    cache: &PackageCache,
    dir: &Path,
) -> Result<PathBuf, CliError> {
    let sources = DefinitionSources {
        cache_dir: Some(cache.dir().to_owned()),
        ..DefinitionSources::default()
    };
    let folder = sources.read_source_folder(dir)?;
    let guide = folder.guide_id();
    let name = args.name.clone().or_else(|| guide.clone().map(|(n, _)| n));
    let version = args.version.clone().or_else(|| guide.map(|(_, v)| v));
    let (Some(name), Some(version)) = (name, version) else {
        return Err(CliError::usage(format!(
            "cannot import {}: no ImplementationGuide in it gives the package name and \
             version; pass --name NAME --version VERSION",
            dir.display()
        )));
    };
    let count = folder.resources.len();
    let ignored = folder.ignored;
    let package = folder.into_package(&name, &version);
    let written = cache.add_package(&package).map_err(|e| {
        let exit = match e {
            PackageError::Io { .. } => Exit::Internal,
            _ => Exit::Usage,
        };
        CliError::new(exit, format!("cannot import {}: {e}", dir.display()))
    })?;
    eprintln!(
        "{}: {count} conformance resources imported, {ignored} other resources (examples) left out",
        dir.display()
    );
    Ok(written)
}

fn list(args: &CacheArgs) -> Result<Exit, CliError> {
    let cache = cache(args);
    let packages = cache
        .list()
        .map_err(|e| CliError::internal(format!("cannot list the package cache: {e}")))?;
    for (name, version) in &packages {
        println!("{name}#{version}");
    }
    eprintln!("{} packages in {}", packages.len(), cache.dir().display());
    Ok(Exit::Passed)
}

/// `name#version`: the name of a cache folder.
fn folder_id(folder: &Path) -> String {
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| folder.display().to_string())
}
