//! `assure packages install | import | list`: the local FHIR package cache.

use std::path::Path;

use assure_validate::package::{
    PackageCache, PackageError, REGISTRY_ENV, default_cache_dir, install,
};

use crate::cli::args::{CacheArgs, ImportArgs, InstallArgs, PackagesCommand};
use crate::cli::exit;

/// Runs a `packages` subcommand and returns the exit code: 0 done, 2 bad arguments or an
/// unusable tarball, 3 the registry or the cache failed.
pub fn packages(command: PackagesCommand) -> u8 {
    match command {
        PackagesCommand::Install(args) => install_package(&args),
        PackagesCommand::Import(args) => import(&args),
        PackagesCommand::List(args) => list(&args),
    }
}

fn cache(args: &CacheArgs) -> PackageCache {
    PackageCache::new(args.cache.clone().unwrap_or_else(default_cache_dir))
}

fn install_package(args: &InstallArgs) -> u8 {
    let Some((name, version)) = args
        .package
        .split_once('@')
        .or_else(|| args.package.split_once('#'))
        .filter(|(name, version)| !name.is_empty() && !version.is_empty())
    else {
        eprintln!(
            "error: `{}` is not name@version (e.g. hl7.fhir.r4.core@4.0.1)",
            args.package
        );
        return exit::USAGE_ERROR;
    };
    let Some(registry) = args.registry.as_deref().filter(|r| !r.trim().is_empty()) else {
        eprintln!(
            "error: no package registry configured: pass --registry <URL> or set {REGISTRY_ENV}"
        );
        return exit::USAGE_ERROR;
    };
    let cache = cache(&args.cache);
    match install(name, version, registry.trim(), cache.dir()) {
        Ok(folder) => {
            println!(
                "installed {} in {}",
                folder_id(&folder),
                cache.dir().display()
            );
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: cannot install {}: {e}", args.package);
            exit::TARGET_ERROR
        }
    }
}

fn import(args: &ImportArgs) -> u8 {
    let cache = cache(&args.cache);
    let mut code = exit::PASSED;
    for tarball in &args.tarballs {
        match cache.import_tarball(tarball) {
            Ok(folder) => println!(
                "imported {} into {}",
                folder_id(&folder),
                cache.dir().display()
            ),
            Err(e) => {
                eprintln!("error: cannot import {}: {e}", tarball.display());
                let ours = matches!(&e, PackageError::Io { path, .. } if path != tarball);
                code = code.max(if ours {
                    exit::TARGET_ERROR
                } else {
                    exit::USAGE_ERROR
                });
            }
        }
    }
    code
}

fn list(args: &CacheArgs) -> u8 {
    let cache = cache(args);
    match cache.list() {
        Ok(packages) => {
            for (name, version) in &packages {
                println!("{name}#{version}");
            }
            eprintln!("{} packages in {}", packages.len(), cache.dir().display());
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: cannot list the package cache: {e}");
            exit::TARGET_ERROR
        }
    }
}

/// `name#version`: the name of a cache folder.
fn folder_id(folder: &Path) -> String {
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| folder.display().to_string())
}
