//! `assure serve`: the embedded reference server on its own.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use crate::cli::args::ServeArgs;
use crate::cli::error::CliError;
use crate::cli::exit::Exit;
use assure_reference::{Defect, RunningServer, SecureOptions, ServerOptions, start};

/// Parses `--defect` names; the error (a usage error) lists the known ones.
pub fn parse_defects(names: &[String]) -> Result<Vec<Defect>, CliError> {
    Ok(names
        .iter()
        .map(|name| name.parse::<Defect>())
        .collect::<Result<_, _>>()?)
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

/// Serves until Ctrl-C, then stops the server.
pub async fn serve(args: ServeArgs) -> Result<Exit, CliError> {
    if args.list_defects {
        print!("{}", render_defects());
        return Ok(Exit::Passed);
    }
    let defects = parse_defects(&args.defects)?;
    let options = ServerOptions {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)),
        defects,
        fixtures_dir: args.fixtures,
        secure: args.secure.then_some(SecureOptions {
            mutual_tls: args.mutual_tls,
        }),
        auth: args.secure,
    };
    let server = start(options)
        .await
        .map_err(|e| CliError::target(format!("cannot start the reference server: {e:#}")))?;
    println!("FHIR R4 reference server at {}", server.base_url());
    if let Err(error) = describe_secure(&server, args.credentials_out.as_deref()) {
        // The server is up: stop it before reporting.
        let _ = server.shutdown().await;
        return Err(error);
    }
    println!("press Ctrl-C to stop");
    let waited = tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::internal(format!("cannot wait for Ctrl-C: {e}")));
    let stopped = server
        .shutdown()
        .await
        .map_err(|e| CliError::target(format!("{e:#}")));
    match (waited, stopped) {
        (Ok(()), Ok(())) => Ok(Exit::Passed),
        (Err(waiting), Err(stopping)) => Err(waiting.and(stopping)),
        (Err(error), Ok(())) | (Ok(()), Err(error)) => Err(error),
    }
}

/// In secure mode, prints the plain-HTTP URL and the token endpoint, and writes (and names)
/// the credentials a client needs: the test CA, the client certificate and key, and an
/// `auth.toml` for `assure run --auth-config` with the OAuth clients and the trusted issuer.
fn describe_secure(server: &RunningServer, credentials_out: Option<&Path>) -> Result<(), CliError> {
    let (Some(credentials), Some(plain_http_url)) =
        (server.tls_credentials(), server.plain_http_url())
    else {
        return Ok(());
    };
    println!("plain HTTP at {plain_http_url} (redirects to HTTPS)");
    if let Some(auth) = server.auth_credentials() {
        println!("OAuth 2.0 token endpoint at {}", auth.token_endpoint);
    }
    let Some(dir) = credentials_out else {
        println!(
            "the test CA, client identity and OAuth clients are generated anew: pass \
             --credentials-out DIR to save them"
        );
        return Ok(());
    };
    let unwritable = |e: std::io::Error| {
        CliError::internal(format!(
            "cannot write credentials to {}: {e}",
            dir.display()
        ))
    };
    let files = credentials.write_to(dir).map_err(unwritable)?;
    println!("test CA certificate: {}", files.ca_cert.display());
    println!("client certificate:  {}", files.client_cert.display());
    println!("client key:          {}", files.client_key.display());
    if let Some(auth) = server.auth_credentials() {
        let config = auth.write_to(dir).map_err(unwritable)?;
        println!("OAuth clients:       {}", config.display());
        println!(
            "\nassure run --target {} --ca-cert {} --client-cert {} --client-key {} \\\n    --auth-config {} --var plain_http_url={plain_http_url} --var nhs_jwt=true",
            server.base_url(),
            files.ca_cert.display(),
            files.client_cert.display(),
            files.client_key.display(),
            config.display()
        );
    }
    Ok(())
}
