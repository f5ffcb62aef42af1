//! The credential session of a run: discovery, token requests, the token cache, forged and
//! minted tokens. Every secret it learns goes to the client's shared redactor at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use tokio::sync::OnceCell;

use super::assertion::{ASSERTION_LIFETIME, client_assertion};
use super::config::AuthConfig;
use super::discovery::{Discovery, SmartConfiguration, discover};
use super::error::AuthError;
use super::forge::{ForgeKind, forge};
use super::mint::{MintDefaults, MintSpec, claims};
use super::random::random_id;
use super::token::{ClientKind, TokenCall, TokenExchange, TokenFault, TokenResponse};
use crate::http::{Client, RequestSpec, Target};

/// Seconds by which an expired assertion's `exp` has passed.
const EXPIRED_BY: i64 = 600;

/// A cached token is renewed this long before it expires (at most half its lifetime).
const RENEWAL_MARGIN: Duration = Duration::from_secs(30);

/// The credentials of a run and what was obtained with them. Cheap to clone; clones share the
/// discovery result and the token cache.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    /// Bound to the target, without a default credential (the session is where it comes
    /// from); its redactor is shared with every clone of the run's client.
    client: Client,
    config: AuthConfig,
    /// `aud` of minted tokens.
    audience: String,
    discovery: OnceCell<Discovery>,
    /// One slot per (client, scope); a slot's lock is held while its token is requested, so
    /// concurrent tests wait for one request rather than each making their own.
    tokens: Mutex<HashMap<(ClientKind, String), Slot>>,
}

/// Where the token of one (client, scope) is kept once obtained.
type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

/// A token and when to stop using it.
struct Cached {
    token: String,
    renew_at: Option<Instant>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.inner.config)
            .field("audience", &self.inner.audience)
            .finish()
    }
}

impl Session {
    /// A session for the target `client` is bound to. The configured secrets are added to the
    /// client's redactor now.
    pub fn new(client: &Client, config: AuthConfig) -> Session {
        let redactor = client.redactor();
        for secret in config.secrets() {
            redactor.add_secret(secret);
            for line in secret.lines().map(str::trim) {
                if line.len() >= 16 && !line.starts_with("-----") {
                    redactor.add_secret(line);
                }
            }
        }
        if let Some(secret_client) = &config.secret_client {
            redactor.add_secret(&basic_credentials(
                &secret_client.id,
                secret_client.secret.expose(),
            ));
        }
        let audience = config
            .audience
            .clone()
            .unwrap_or_else(|| client.base_url().as_str().trim_end_matches('/').to_string());
        Session {
            inner: Arc::new(Inner {
                client: client.without_default_credential(),
                config,
                audience,
                discovery: OnceCell::new(),
                tokens: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The credentials configured.
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// The `aud` of minted tokens: the configured audience, else the FHIR base URL.
    pub fn audience(&self) -> &str {
        &self.inner.audience
    }

    /// `client` sending a bearer token for the default scope with every request, when the
    /// credentials can give one (see [`Session::default_bearer`]); else `client` unchanged.
    pub fn attach(&self, client: Client) -> Client {
        if self.inner.config.can_obtain_token() {
            client.with_default_credential(Arc::new(self.clone()))
        } else {
            client
        }
    }

    /// The target's SMART configuration, discovered once per session.
    pub async fn discover(&self) -> &Discovery {
        self.inner
            .discovery
            .get_or_init(|| discover(&self.inner.client))
            .await
    }

    /// The discovered configuration, or why there is none.
    async fn configuration(&self) -> Result<&SmartConfiguration, AuthError> {
        self.discover()
            .await
            .configuration
            .as_ref()
            .map_err(|reason| AuthError::Discovery(reason.clone()))
    }

    /// The clients configured, secret first.
    pub fn clients(&self) -> Vec<ClientKind> {
        let config = &self.inner.config;
        let mut kinds = Vec::new();
        if config.secret_client.is_some() {
            kinds.push(ClientKind::Secret);
        }
        if config.jwt_client.is_some() {
            kinds.push(ClientKind::Jwt);
        }
        kinds
    }

    /// The bearer token of the run: the static token when configured, else one for the
    /// default scope ([`Session::bearer_for`]).
    pub async fn default_bearer(&self) -> Result<String, AuthError> {
        match &self.inner.config.token {
            Some(token) => Ok(token.expose().to_string()),
            None => self.bearer_for(&self.inner.config.scope).await,
        }
    }

    /// A token for `scope` from the first configured client (secret, then JWT), cached;
    /// the static token when no client is configured.
    pub async fn bearer_for(&self, scope: &str) -> Result<String, AuthError> {
        match self.clients().first() {
            Some(kind) => self.bearer(*kind, scope).await,
            None => match &self.inner.config.token {
                Some(token) => Ok(token.expose().to_string()),
                None => Err(AuthError::Unavailable(
                    "no credentials that give an access token are configured".into(),
                )),
            },
        }
    }

    /// A token for `scope` from client `kind`: the cached one while it is valid, else a new
    /// one.
    pub async fn bearer(&self, kind: ClientKind, scope: &str) -> Result<String, AuthError> {
        let slot = self
            .inner
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((kind, scope.to_string()))
            .or_default()
            .clone();
        let mut cached = slot.lock().await;
        if let Some(token) = cached.as_ref()
            && token.renew_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(token.token.clone());
        }
        let call = TokenCall {
            client: kind,
            scope: Some(scope.to_string()),
            fault: None,
        };
        let requested = self.token_request(&call).await?;
        let Some(token) = requested.token else {
            return Err(AuthError::Token(refusal(&requested, &self.inner.client)));
        };
        let renew_at = token.expires_in.map(|seconds| {
            let lifetime = Duration::from_secs(seconds);
            Instant::now() + lifetime - RENEWAL_MARGIN.min(lifetime / 2)
        });
        *cached = Some(Cached {
            token: token.access_token.clone(),
            renew_at,
        });
        Ok(token.access_token)
    }

    /// One token request as `call` says, uncached, faults included: recorded, with the issued
    /// token (if any) redacted. `Err` when the client is not configured, the fault does not
    /// apply to it, discovery failed or the request could not be sent.
    pub async fn token_request(&self, call: &TokenCall) -> Result<TokenExchange, AuthError> {
        if let Some(fault) = call.fault
            && fault.client() != call.client
        {
            return Err(AuthError::Invalid(format!(
                "the {fault:?} fault applies to the {} client, not the {} client",
                fault.client(),
                call.client
            )));
        }
        let config = &self.inner.config;
        let scope = call.scope.as_deref().unwrap_or(&config.scope);
        let unavailable = |what: &str| {
            AuthError::Unavailable(format!(
                "no {what} client is configured (see `assure run --help`)"
            ))
        };
        let endpoint = match call.client {
            ClientKind::Secret if config.secret_client.is_none() => {
                return Err(unavailable("client-secret"));
            }
            ClientKind::Jwt if config.jwt_client.is_none() => {
                return Err(unavailable("private-key JWT"));
            }
            _ => self.configuration().await?.token_endpoint.clone(),
        };
        let mut form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("scope", scope.to_string()),
        ];
        let mut headers = vec![
            ("Accept".to_string(), "application/json".to_string()),
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            ),
        ];
        let mut sends = 1;
        match (call.client, &config.secret_client, &config.jwt_client) {
            (ClientKind::Secret, Some(client), _) => {
                let secret = match call.fault {
                    Some(TokenFault::WrongSecret) => random_id(),
                    _ => client.secret.expose().to_string(),
                };
                headers.push((
                    "Authorization".to_string(),
                    format!("Basic {}", basic_credentials(&client.id, &secret)),
                ));
            }
            (ClientKind::Jwt, _, Some(client)) => {
                let lifetime = match call.fault {
                    Some(TokenFault::ExpiredAssertion) => -EXPIRED_BY,
                    _ => ASSERTION_LIFETIME,
                };
                if call.fault == Some(TokenFault::ReusedAssertion) {
                    sends = 2;
                }
                let assertion = client_assertion(client, endpoint.as_str(), unix_now(), lifetime)?;
                self.inner.client.redactor().add_secret(&assertion);
                form.push((
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_string(),
                ));
                form.push(("client_assertion", assertion));
            }
            _ => unreachable!("the client's configuration was checked above"),
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&form)
            .finish();
        let spec = RequestSpec {
            method: "POST".to_string(),
            target: Target::Segments(Vec::new()),
            query: Vec::new(),
            headers,
            body: Some(body),
        };
        let mut exchanges = Vec::new();
        let mut last = None;
        for _ in 0..sends {
            let sent = self.inner.client.send_to(&endpoint, &spec).await?;
            if let Some(response) = &sent.response {
                self.remember_tokens(response);
            }
            exchanges.push(sent.exchange);
            last = sent.response;
        }
        Ok(self.received(exchanges, last))
    }

    /// Every token in a token endpoint's `response` becomes a secret of the run.
    fn remember_tokens(&self, response: &crate::http::Response) {
        if let Ok(Value::Object(body)) = serde_json::from_slice(&response.body) {
            for name in ["access_token", "refresh_token", "id_token"] {
                if let Some(Value::String(value)) = body.get(name) {
                    self.inner.client.redactor().add_secret(value);
                }
            }
        }
    }

    /// The outcome of token request(s), the evidence redacted again now that the tokens
    /// issued are known secrets.
    fn received(
        &self,
        exchanges: Vec<crate::results::Exchange>,
        response: Option<crate::http::Response>,
    ) -> TokenExchange {
        let redactor = self.inner.client.redactor();
        let token = response.as_ref().and_then(TokenResponse::parse);
        TokenExchange {
            exchanges: exchanges
                .into_iter()
                .map(|exchange| redactor.redact_exchange(exchange))
                .collect(),
            response,
            token,
        }
    }

    /// `valid_token` forged as `kind` says (see [`forge`]); the result is treated as secret.
    pub fn forge(&self, kind: ForgeKind, valid_token: &str) -> Result<String, AuthError> {
        let forged = forge(kind, valid_token)?;
        self.inner.client.redactor().add_secret(&forged);
        Ok(forged)
    }

    /// A token signed with the trusted issuer's key, with the claims `spec` asks for (see
    /// [`MintSpec`]); treated as secret. [`AuthError::Unavailable`] when no trusted key is
    /// configured.
    pub fn mint(&self, spec: &MintSpec) -> Result<String, AuthError> {
        let Some(issuer) = &self.inner.config.issuer else {
            return Err(AuthError::Unavailable(
                "no token signing key the target trusts is configured \
                 (ASSURE_TOKEN_SIGNING_KEY, ASSURE_TOKEN_ISSUER)"
                    .into(),
            ));
        };
        let defaults = MintDefaults {
            issuer: &issuer.issuer,
            audience: &self.inner.audience,
            scope: &self.inner.config.scope,
        };
        let claims = claims(spec, &defaults, unix_now())?;
        let token = issuer.key.sign(&Value::Object(claims))?;
        self.inner.client.redactor().add_secret(&token);
        Ok(token)
    }
}

/// `base64(urlencode(id) ":" urlencode(secret))`, as RFC 6749 §2.3.1 has it.
fn basic_credentials(id: &str, secret: &str) -> String {
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    STANDARD.encode(format!("{}:{}", encode(id), encode(secret)))
}

/// Why a token request gave no token, in one line: the status and the start of the body.
fn refusal(requested: &TokenExchange, client: &Client) -> String {
    let Some(exchange) = requested.exchanges.last() else {
        return "no request was made".into();
    };
    match (&exchange.response, &exchange.error) {
        (Some(response), _) => {
            let body: String = response
                .body
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect();
            client.redactor().redact_text(&format!(
                "{} answered {}: {}",
                exchange.request.url, response.status, body
            ))
        }
        (None, Some(error)) => format!("{}: {error}", exchange.request.url),
        (None, None) => format!("{}: no response", exchange.request.url),
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
