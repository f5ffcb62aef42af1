//! `assure serve`: the embedded reference server on its own.

use std::net::{Ipv4Addr, SocketAddr};

use crate::cli::args::ServeArgs;
use crate::cli::exit;
use assure_reference::{Defect, ServerOptions, start};

/// Parses `--defect` names; the error lists the known ones.
pub fn parse_defects(names: &[String]) -> Result<Vec<Defect>, String> {
    names
        .iter()
        .map(|name| name.parse::<Defect>().map_err(|e| e.to_string()))
        .collect()
}

/// The defects, one per line, as `--list-defects` prints them.
pub fn render_defects() -> String {
    let width = Defect::all()
        .iter()
        .map(|d| d.name().len())
        .max()
        .unwrap_or(0);
    Defect::all()
        .iter()
        .map(|d| format!("{:width$}  {}\n", d.name(), d.description()))
        .collect()
}

/// Serves until Ctrl-C and returns the exit code.
pub async fn serve(args: ServeArgs) -> u8 {
    if args.list_defects {
        print!("{}", render_defects());
        return exit::PASSED;
    }
    let defects = match parse_defects(&args.defects) {
        Ok(defects) => defects,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE_ERROR;
        }
    };
    let options = ServerOptions {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)),
        defects,
        fixtures_dir: args.fixtures,
    };
    let server = match start(options).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot start the reference server: {e:#}");
            return exit::TARGET_ERROR;
        }
    };
    println!("FHIR R4 reference server at {}", server.base_url());
    println!("press Ctrl-C to stop");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    match server.shutdown().await {
        Ok(()) => exit::PASSED,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::TARGET_ERROR
        }
    }
}
