//! A full TLS handshake that records the server's certificate chain and judges it.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rustls::ClientConfig;
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::version::{TLS12, TLS13};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};
use tokio_rustls::TlsConnector;

use crate::alert::alert_name;
use crate::chain::{Assessment, assess};
use crate::inspection::Inspection;
use crate::recorder::ChainRecorder;
use crate::suites::suite_name;
use crate::version::ProtocolVersion;

/// Connects to `addr`, completes a TLS 1.2 or 1.3 handshake as `server_name` and sends
/// `GET / HTTP/1.1`, recording the server's certificate chain whatever it is worth.
///
/// The chain is then judged against `roots`: trusted, valid for `server_name`, in date, key
/// strength, each its own [`crate::Verdict`]. `client_identity` (a certificate chain and
/// its key) is presented when the server asks for a client certificate; a server that
/// refuses the certificate (or its absence) shows as `connected: false` with the alert in
/// `error` (with TLS 1.3 that alert only arrives after the handshake, in answer to the
/// request). `timeout` bounds the whole exchange.
pub async fn inspect(
    addr: SocketAddr,
    server_name: &str,
    roots: &[CertificateDer<'static>],
    client_identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
    timeout: Duration,
) -> Inspection {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let Ok(name) = ServerName::try_from(server_name.to_owned()) else {
        return unconnected(format!("{server_name:?} is not a valid server name"));
    };
    let recorder = Arc::new(ChainRecorder::new(algorithms));
    let builder = match ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&TLS13, &TLS12])
    {
        Ok(builder) => builder
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone()),
        Err(error) => return unconnected(format!("TLS configuration failed: {error}")),
    };
    let config = match client_identity {
        Some((chain, key)) => match builder.with_client_auth_cert(chain, key) {
            Ok(config) => config,
            Err(error) => {
                return unconnected(format!("the client certificate cannot be used: {error}"));
            }
        },
        None => builder.with_no_client_auth(),
    };
    let session = converse(addr, name.clone(), Arc::new(config), timeout).await;
    let assessment = assess(
        &recorder.chain(),
        roots,
        &name,
        &algorithms,
        OffsetDateTime::now_utc(),
    );
    Inspection {
        connected: session.error.is_none(),
        error: session.error,
        version: session.version,
        suite: session.suite,
        trusted: assessment.trusted,
        hostname: assessment.hostname,
        in_date: assessment.in_date,
        key: assessment.key,
        key_strong: assessment.key_strong,
        chain: assessment.chain,
    }
}

/// What happened on the connection.
#[derive(Default)]
struct Session {
    error: Option<String>,
    version: Option<ProtocolVersion>,
    suite: Option<String>,
}

impl Session {
    fn failed(error: String) -> Session {
        Session {
            error: Some(error),
            ..Session::default()
        }
    }
}

async fn converse(
    addr: SocketAddr,
    name: ServerName<'static>,
    config: Arc<ClientConfig>,
    timeout: Duration,
) -> Session {
    let deadline = Instant::now() + timeout;
    let late = || format!("no answer within {timeout:?}");
    let tcp = match timeout_at(deadline, TcpStream::connect(addr)).await {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(error)) => return Session::failed(format!("cannot connect: {error}")),
        Err(_) => return Session::failed(late()),
    };
    let host = host_header(&name, addr.port());
    let mut tls = match timeout_at(deadline, TlsConnector::from(config).connect(name, tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(error)) => return Session::failed(describe(&error)),
        Err(_) => return Session::failed(late()),
    };
    let connection = tls.get_ref().1;
    let mut session = Session {
        error: None,
        version: connection
            .protocol_version()
            .and_then(|version| ProtocolVersion::from_wire(u16::from(version))),
        suite: connection
            .negotiated_cipher_suite()
            .map(|suite| suite_name(u16::from(suite.suite()))),
    };
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let exchange = async {
        tls.write_all(request.as_bytes()).await?;
        tls.flush().await?;
        let mut first = [0u8; 1];
        tls.read(&mut first).await
    };
    session.error = match timeout_at(deadline, exchange).await {
        Ok(Ok(0)) => Some("connection closed without an HTTP response".to_owned()),
        Ok(Ok(_)) => None,
        Ok(Err(error)) => Some(describe(&error)),
        Err(_) => Some(late()),
    };
    session
}

/// The Host header for `name` on `port`.
fn host_header(name: &ServerName<'_>, port: u16) -> String {
    match name {
        ServerName::IpAddress(address) if IpAddr::from(*address).is_ipv6() => {
            format!("[{}]:{port}", IpAddr::from(*address))
        }
        other => format!("{}:{port}", other.to_str()),
    }
}

/// A connection error as a report shows it: `alert: <name>` for an alert from the server.
fn describe(error: &io::Error) -> String {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::AlertReceived(alert)) => {
            format!("alert: {}", alert_name(u8::from(*alert)))
        }
        Some(other) => other.to_string(),
        None => match error.kind() {
            io::ErrorKind::UnexpectedEof => "connection closed".to_owned(),
            io::ErrorKind::ConnectionReset => "connection reset".to_owned(),
            _ => error.to_string(),
        },
    }
}

fn unconnected(error: String) -> Inspection {
    let assessment = Assessment::no_certificate();
    Inspection {
        connected: false,
        error: Some(error),
        version: None,
        suite: None,
        trusted: assessment.trusted,
        hostname: assessment.hostname,
        in_date: assessment.in_date,
        key: assessment.key,
        key_strong: assessment.key_strong,
        chain: assessment.chain,
    }
}
