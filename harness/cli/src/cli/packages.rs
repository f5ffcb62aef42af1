//! `assure packages install | import | list`: the local FHIR package cache.

use std::path::Path;

use assure_validate::package::{
    PackageCache, PackageError, REGISTRY_ENV, default_cache_dir, install,
};

use crate::cli::args::{CacheArgs, ImportArgs, InstallArgs, PackagesCommand};
use crate::cli::error::CliError;
use crate::cli::exit::Exit;

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
                "no package registry configured: pass --registry <URL> or set {REGISTRY_ENV}"
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

/// Imports every tarball it can; the errors of the others are reported together.
fn import(args: &ImportArgs) -> Result<Exit, CliError> {
    let cache = cache(&args.cache);
    let mut errors = Vec::new();
    for tarball in &args.tarballs {
        match cache.import_tarball(tarball) {
            Ok(folder) => println!(
                "imported {} into {}",
                folder_id(&folder),
                cache.dir().display()
            ),
            Err(e) => {
                let ours = matches!(&e, PackageError::Io { path, .. } if path != tarball);
                let exit = if ours { Exit::Internal } else { Exit::Usage };
                errors.push(CliError::new(
                    exit,
                    format!("cannot import {}: {e}", tarball.display()),
                ));
            }
        }
    }
    match errors.into_iter().reduce(CliError::and) {
        Some(error) => Err(error),
        None => Ok(Exit::Passed),
    }
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
