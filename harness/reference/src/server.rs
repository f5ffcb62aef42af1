//! Starting and stopping the reference server on a TCP port.

use std::future::IntoFuture;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use futures::FutureExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::base_path::BASE_PATH;
use super::defect::Defect;
use super::fixtures::Fixtures;
use super::routes::router;
use super::secure::auth::{AuthCredentials, Authority};
use super::secure::tls::{
    Certificates, LegacyResponder, TlsCredentials, serve_https, server_config,
};
use super::secure::{SecureOptions, plain_http_app};
use super::state::ServerState;

/// How to start the reference server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOptions {
    /// Address to listen on; port 0 picks a free port. Default `127.0.0.1:0`.
    pub addr: SocketAddr,
    /// Misbehaviours to switch on.
    pub defects: Vec<Defect>,
    /// Fixtures to serve instead of the embedded ones (`<dir>/<Type>/<id>.json`).
    pub fixtures_dir: Option<PathBuf>,
    /// Serve HTTPS with certificates generated at start, and redirect plain HTTP from a second
    /// port; `None` (the default) serves plain HTTP only.
    pub secure: Option<SecureOptions>,
    /// Whether an OAuth 2.0 authorization server guards the FHIR API: every route but
    /// `GET /metadata` then needs a bearer token ([`RunningServer::auth_credentials`]).
    pub auth: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            defects: Vec::new(),
            fixtures_dir: None,
            secure: None,
            auth: false,
        }
    }
}

/// A reference server running in the background of the current tokio runtime.
#[derive(Debug)]
pub struct RunningServer {
    base_url: String,
    local_addr: SocketAddr,
    secure: Option<SecureEndpoints>,
    auth: Option<AuthCredentials>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

/// What a secure server adds: its credentials and its plain-HTTP side.
#[derive(Debug)]
struct SecureEndpoints {
    credentials: TlsCredentials,
    plain_http_url: String,
}

impl RunningServer {
    /// The FHIR base URL, `http://<addr>/fhir`, or `https://<addr>/fhir` in secure mode (no
    /// trailing slash).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The address actually listened on (for HTTPS in secure mode).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// In secure mode, the test CA and the mutual-TLS client identity; `None` otherwise.
    pub fn tls_credentials(&self) -> Option<&TlsCredentials> {
        self.secure.as_ref().map(|secure| &secure.credentials)
    }

    /// In secure mode, the FHIR base URL on the plain-HTTP listener
    /// (`http://<addr>:<other port>/fhir`), which redirects to HTTPS; `None` otherwise.
    pub fn plain_http_url(&self) -> Option<&str> {
        self.secure
            .as_ref()
            .map(|secure| secure.plain_http_url.as_str())
    }

    /// The credentials of the authorization server's clients and trusted issuer, when started
    /// with `auth`.
    pub fn auth_credentials(&self) -> Option<&AuthCredentials> {
        self.auth.as_ref()
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the end.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        // The server task may already have ended, dropping the receiver; that is fine.
        let _ = self.stop.send(());
        self.task
            .await
            .context("reference server task failed")?
            .context("reference server stopped with an error")
    }
}

/// Loads the fixtures, binds `options.addr` and serves in a background task with fresh
/// state. In secure mode it also generates the certificates and binds a plain-HTTP listener
/// on another free port of the same address.
pub async fn start(options: ServerOptions) -> anyhow::Result<RunningServer> {
    let fixtures = match &options.fixtures_dir {
        Some(dir) => Fixtures::from_dir(dir)?,
        None => Fixtures::embedded()?,
    };
    let listener = TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("binding reference server to {}", options.addr))?;
    let local_addr = listener.local_addr()?;
    let scheme = if options.secure.is_some() {
        "https"
    } else {
        "http"
    };
    let origin = format!("{scheme}://{local_addr}");
    let base_url = format!("{origin}{BASE_PATH}");
    let state = ServerState::new(base_url.clone(), &options.defects, &fixtures)?;
    let mut auth = None;
    let mut authority = None;
    if options.auth {
        let issuer = origin.clone();
        let audience = base_url.clone();
        let generated =
            tokio::task::spawn_blocking(move || Authority::generate(&issuer, &audience))
                .await
                .context("generating the authorization server's keys")??;
        auth = Some(generated.credentials());
        authority = Some(Arc::new(generated));
    }
    let (stop, stopped) = oneshot::channel::<()>();
    // A dropped sender also means stop.
    let stopped = stopped.map(drop).shared();
    let Some(secure) = options.secure else {
        let task = tokio::spawn(
            axum::serve(listener, router(state, authority))
                .with_graceful_shutdown(stopped)
                .into_future(),
        );
        return Ok(RunningServer {
            base_url,
            local_addr,
            secure: None,
            auth,
            stop,
            task,
        });
    };
    let certificates = Certificates::generate(&state)?;
    let acceptor = TlsAcceptor::from(server_config(&certificates, secure.mutual_tls, &state)?);
    let plain_listener = TcpListener::bind((local_addr.ip(), 0))
        .await
        .with_context(|| format!("binding the plain-HTTP listener on {}", local_addr.ip()))?;
    let plain_http_url = format!("http://{}{BASE_PATH}", plain_listener.local_addr()?);
    let app = router(state.clone(), authority.clone());
    let https = serve_https(
        listener,
        acceptor,
        app,
        LegacyResponder::new(&state),
        stopped.clone(),
    );
    let plain = axum::serve(plain_listener, plain_http_app(origin, state, authority))
        .with_graceful_shutdown(stopped)
        .into_future();
    let task = tokio::spawn(async move {
        let (https, plain) = tokio::join!(https, plain);
        https.and(plain)
    });
    Ok(RunningServer {
        base_url,
        local_addr,
        secure: Some(SecureEndpoints {
            credentials: certificates.credentials,
            plain_http_url,
        }),
        auth,
        stop,
        task,
    })
}
