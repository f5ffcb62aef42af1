//! Starting and stopping the reference server on a TCP port.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::defect::Defect;
use super::fixtures::Fixtures;
use super::routes::{BASE_PATH, router};
use super::secure::auth::{AuthCredentials, Authority};
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
            auth: false,
        }
    }
}

/// A reference server running in the background of the current tokio runtime.
#[derive(Debug)]
pub struct RunningServer {
    base_url: String,
    local_addr: SocketAddr,
    auth: Option<AuthCredentials>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// The FHIR base URL, `http://<addr>/fhir` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The address actually listened on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
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
/// state.
pub async fn start(options: ServerOptions) -> anyhow::Result<RunningServer> {
    let fixtures = match &options.fixtures_dir {
        Some(dir) => Fixtures::from_dir(dir)?,
        None => Fixtures::embedded()?,
    };
    let listener = TcpListener::bind(options.addr)
        .await
        .with_context(|| format!("binding reference server to {}", options.addr))?;
    let local_addr = listener.local_addr()?;
    let base_url = format!("http://{local_addr}{BASE_PATH}");
    let mut state = ServerState::new(base_url.clone(), &options.defects, &fixtures)?;
    let mut auth = None;
    if options.auth {
        let origin = format!("http://{local_addr}");
        let audience = base_url.clone();
        let authority =
            tokio::task::spawn_blocking(move || Authority::generate(&origin, &audience))
                .await
                .context("generating the authorization server's keys")??;
        auth = Some(authority.credentials());
        state = state.with_authority(Arc::new(authority));
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                // A dropped sender also means stop.
                let _ = stopped.await;
            })
            .await
    });
    Ok(RunningServer {
        base_url,
        local_addr,
        auth,
        stop,
        task,
    })
}
