//! The client: one base URL, default headers, a timeout, retries for connection failures.
//!
//! Retry policy: a request is retried only when the connection could not be established
//! (refused, reset during the handshake, DNS or TLS failure, connect timeout) — the server has
//! then certainly not seen it, so even a `POST` is safe to repeat. Once a request may have
//! reached the server (any response, a timeout while waiting for one, a connection dropped
//! mid-exchange) it is never repeated: the verdict must be about what the server did with that
//! one request. Retries wait `backoff`, then twice that, and so on.
//!
//! Redirects are not followed: the evidence shows exactly what the server answered.
//!
//! Credentials (the default headers, the default credential) go only to the target's base URL;
//! [`Client::send_to`] reaches other URLs (an authorization server's token endpoint) without
//! them.

use std::borrow::Cow;
use std::error::Error as _;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::body_budget::{LARGE_BODY_BYTES, admit_body};
use super::clock::ClockSamples;
use super::credential::DefaultCredential;
use super::error::{ClientError, InvalidRequest, NotSent};
use super::options::ClientOptions;
use super::recording::{Recorder, Replay};
use super::request::{RequestSpec, Target};
use super::tls::TlsMaterial;
use crate::evidence::{EvidenceStore, INLINE_BODY_LIMIT, KEPT_REQUEST_BODY_BYTES};
use crate::redact::Redactor;
use crate::results::{BodyFile, Exchange, RecordedRequest, RecordedResponse};

/// Wait before the first retry; doubled for each further one.
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_millis(200);
/// Without an evidence store, bodies recorded as evidence are cut to this many bytes.
pub const DEFAULT_EVIDENCE_LIMIT: usize = 256 * 1024;
/// A response body is read up to this many bytes; the rest is dropped (hostile servers).
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

const FHIR_JSON: &str = "application/fhir+json";

/// An HTTP client bound to the target's base URL. Cheap to clone. Its `Debug` output redacts
/// the default headers.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    timeout: Duration,
    default_headers: Vec<(String, String)>,
    retries: u32,
    backoff: Duration,
    evidence_limit: usize,
    /// Where bodies longer than [`INLINE_BODY_LIMIT`] are kept whole; without one they are
    /// kept inline, cut to `evidence_limit`.
    evidence: Option<Arc<EvidenceStore>>,
    /// The `Date` of every response, against the time it arrived.
    clock: Arc<ClockSamples>,
    /// Answers requests from a recording instead of the network (`assure replay`).
    replay: Option<Arc<Replay>>,
    /// Keeps every exchange in a recording (`run --record`).
    recorder: Option<Arc<Recorder>>,
    redactor: Redactor,
    tls: TlsMaterial,
    insecure: bool,
    credential: Option<Arc<dyn DefaultCredential>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "base_url",
                &self.redactor.redact_text(self.base_url.as_str()),
            )
            .field("timeout", &self.timeout)
            .field(
                "default_headers",
                &self.redactor.redact_headers(&self.default_headers),
            )
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("evidence_limit", &self.evidence_limit)
            .field("evidence", &self.evidence)
            .field("replay", &self.replay.is_some())
            .field("recorder", &self.recorder.is_some())
            .field("tls", &self.tls)
            .field("insecure", &self.insecure)
            .field("default_credential", &self.credential.is_some())
            .finish()
    }
}

/// The outcome of [`Client::send`]: the redacted evidence and, when a complete response
/// arrived, the response itself for assertions and captures.
#[derive(Debug, Clone)]
pub struct Sent {
    pub exchange: Exchange,
    pub response: Option<Response>,
}

/// Body text (lossy UTF-8), its secrets redacted, then cut to `limit` bytes on a character
/// boundary (redacting first, so that no secret is cut in two and half kept); `true` when cut.
/// A body that is UTF-8 and holds no secret is borrowed, not copied.
fn trim_evidence<'b>(body: &'b [u8], limit: usize, redactor: &Redactor) -> (Cow<'b, str>, bool) {
    // Only what may be kept is redacted, plus room for a secret across the cut.
    let window = limit.saturating_add(redactor.longest_secret());
    let read = &body[..body.len().min(window)];
    let text = match String::from_utf8_lossy(read) {
        Cow::Borrowed(text) => redactor.redact(text),
        Cow::Owned(text) => Cow::Owned(redactor.redact(&text).into_owned()),
    };
    let truncated = text.len() > limit || body.len() > read.len();
    if !truncated {
        return (text, false);
    }
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = match text {
        Cow::Borrowed(text) => Cow::Borrowed(&text[..end]),
        Cow::Owned(mut text) => {
            text.truncate(end);
            Cow::Owned(text)
        }
    };
    (cut, true)
}

/// Why an attempt got no response.
enum Failure {
    Http(reqwest::Error),
    /// No response (status and headers) within the timeout.
    TimedOut,
    /// A replay has no answer (or recorded a transport error).
    Replay(String),
}

/// A body as recorded: inline text, or the file that holds it; `cut` when shortened.
#[derive(Default)]
struct KeptBody {
    text: Option<String>,
    file: Option<BodyFile>,
    cut: bool,
}

/// A complete response, unredacted and untrimmed (up to [`MAX_BODY_BYTES`]).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// Shared, so handing the body to validation copies nothing.
    pub body: Bytes,
}

impl Response {
    /// Every value of header `name` (case-insensitive).
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }
}

impl Client {
    /// A client for the FHIR base URL `base_url` (`http` or `https`), set up as `options` say.
    pub fn new(base_url: &str, options: ClientOptions) -> Result<Client, ClientError> {
        let ClientOptions {
            timeout,
            default_headers,
            retries,
            tls,
            insecure,
        } = options;
        let base = Url::parse(base_url).map_err(|e| ClientError::BaseUrl {
            url: base_url.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(ClientError::BaseUrl {
                url: base_url.to_string(),
                reason: "expected an http:// or https:// URL".to_string(),
            });
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(ClientError::BaseUrl {
                url: base_url.to_string(),
                reason: "a base URL has no query or fragment".to_string(),
            });
        }
        for (name, value) in &default_headers {
            header_pair(name, value).map_err(|reason| ClientError::Header {
                name: name.clone(),
                reason,
            })?;
        }
        // The whole-exchange timeout is kept by `exchange`, which does not count the time a
        // large body waits for the run's large-body permit.
        let builder = reqwest::Client::builder()
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("assure/", env!("CARGO_PKG_VERSION")))
            .tls_danger_accept_invalid_certs(insecure);
        let http = tls
            .apply(builder)?
            .build()
            .map_err(|e| ClientError::Build(error_chain(&e)))?;
        let redactor = Redactor::new(&default_headers);
        if let Some(password) = base.password() {
            // As written in the URL, decoded, and as the `Basic` credentials sent from it.
            let decode = |text: &str| percent_decode_str(text).decode_utf8_lossy().into_owned();
            let (user, decoded) = (decode(base.username()), decode(password));
            redactor.add_secret(password);
            redactor.add_secret(&decoded);
            redactor.add_secret(&format!("{user}:{decoded}"));
        }
        if let Some(key) = tls.secret_pem() {
            redactor.add_secret(key);
        }
        Ok(Client {
            http,
            base_url: base,
            timeout,
            default_headers,
            retries,
            backoff: DEFAULT_RETRY_BACKOFF,
            evidence_limit: DEFAULT_EVIDENCE_LIMIT,
            evidence: None,
            clock: Arc::default(),
            replay: None,
            recorder: None,
            redactor,
            tls,
            insecure,
            credential: None,
        })
    }

    /// The same client sending `credential`'s `Authorization` with every request to the target
    /// that does not set one itself (and when no default header does).
    pub fn with_default_credential(mut self, credential: Arc<dyn DefaultCredential>) -> Client {
        self.credential = Some(credential);
        self
    }

    /// The same client without a default credential and without any default `Authorization`
    /// header (`--header`): requests carry only the credentials they set themselves.
    pub fn without_default_credential(&self) -> Client {
        Client {
            credential: None,
            default_headers: self
                .default_headers
                .iter()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("authorization"))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// How long a request may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The extra trust anchors and client identity the client uses, for TLS probes.
    pub fn tls_material(&self) -> &TlsMaterial {
        &self.tls
    }

    /// True when server certificates are not verified (`--insecure`).
    pub fn insecure(&self) -> bool {
        self.insecure
    }

    /// The same client with another wait before the first retry.
    pub fn with_retry_backoff(mut self, backoff: Duration) -> Client {
        self.backoff = backoff;
        self
    }

    /// The same client recording at most `limit` bytes of each body.
    pub fn with_evidence_limit(mut self, limit: usize) -> Client {
        self.evidence_limit = limit;
        self
    }

    /// The server's clock as its responses' `Date` headers show it (shared by every clone).
    pub fn clock(&self) -> Arc<ClockSamples> {
        Arc::clone(&self.clock)
    }

    /// Answers every request from `replay` instead of the network.
    pub fn with_replay(mut self, replay: Arc<Replay>) -> Client {
        self.replay = Some(replay);
        self
    }

    /// True when requests are answered from a recording: steps that talk to the server other
    /// than through this client (TLS handshakes, plain HTTP) cannot be repeated.
    pub fn is_replay(&self) -> bool {
        self.replay.is_some()
    }

    /// Keeps every exchange, as recorded in the reports, in `recorder`.
    pub fn with_recorder(mut self, recorder: Arc<Recorder>) -> Client {
        self.recorder = Some(recorder);
        self
    }

    /// Keeps bodies longer than [`INLINE_BODY_LIMIT`] whole in `store` instead of inline.
    pub fn with_evidence_store(mut self, store: Arc<EvidenceStore>) -> Client {
        self.evidence = Some(store);
        self
    }

    /// The base URL as configured.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The redactor applied to everything this client records.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The absolute URL of `target` with `query` appended.
    pub fn url_for(&self, target: &Target, query: &[(String, String)]) -> Result<Url, NotSent> {
        resolve(&self.base_url, target, query)
    }

    /// Sends `spec`, retrying connection failures, and records the exchange (redacted).
    ///
    /// A transport failure is not an `Err`: it is recorded in the exchange and
    /// [`Sent::response`] is `None`. `Err` means the request was not sent: it could not be
    /// built, it would have left the target's base URL, or the default credential could not be
    /// obtained.
    pub async fn send(&self, spec: &RequestSpec) -> Result<Sent, NotSent> {
        let url = self.url_for(&spec.target, &spec.query)?;
        let mut headers = self.request_headers(&spec.headers);
        if let Some(credential) = &self.credential
            && !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        {
            let value = credential
                .authorization()
                .await
                .map_err(|reason| NotSent::Credential(self.redactor.redact_text(&reason)))?;
            headers.push(("Authorization".to_string(), value));
        }
        let redactor = self.redactor.with_request_headers(&spec.headers);
        self.transmit(&spec.method, url, headers, spec.body.as_deref(), &redactor)
            .await
    }

    /// Sends `spec` to a URL outside the target's base, e.g. an authorization server's token
    /// endpoint that the target's SMART configuration named: `spec.target` and `spec.query`
    /// are resolved against `base` instead of the target's base URL. Neither the default
    /// headers nor the default credential are sent; only `spec`'s own headers. Recorded and
    /// redacted like [`Client::send`].
    pub async fn send_to(&self, base: &Url, spec: &RequestSpec) -> Result<Sent, NotSent> {
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(NotSent::NotHttp(self.redactor.redact_text(base.as_str())));
        }
        let url = resolve(base, &spec.target, &spec.query)?;
        let redactor = self.redactor.with_request_headers(&spec.headers);
        self.transmit(
            &spec.method,
            url,
            spec.headers.clone(),
            spec.body.as_deref(),
            &redactor,
        )
        .await
    }

    /// Sends one request (`headers` as they go out), retrying connection failures, and
    /// records the exchange redacted by `redactor`.
    async fn transmit(
        &self,
        method: &str,
        url: Url,
        headers: Vec<(String, String)>,
        body: Option<&str>,
        redactor: &Redactor,
    ) -> Result<Sent, NotSent> {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| InvalidRequest(format!("invalid HTTP method `{method}`")))?;
        let mut header_map = HeaderMap::new();
        for (name, value) in &headers {
            let (name, value) = header_pair(name, value).map_err(InvalidRequest)?;
            header_map.append(name, value);
        }
        let request_body = body.map_or_else(KeptBody::default, |body| {
            self.keep_body(body.as_bytes(), KEPT_REQUEST_BODY_BYTES, redactor)
        });
        let recorded_request = RecordedRequest {
            method: method.to_string(),
            url: url.to_string(),
            headers,
            body: request_body.text,
            body_file: request_body.file,
            body_truncated: request_body.cut,
        };

        let mut attempt = 1;
        let (recorded_response, response, error, duration_ms) = loop {
            let started = Instant::now();
            let outcome = match &self.replay {
                Some(replay) => replay
                    .answer(method.as_str(), url.as_str())
                    .map(|answer| {
                        Received::Complete(Response {
                            status: answer.status,
                            headers: answer.headers,
                            body: answer.body.into(),
                        })
                    })
                    .map_err(Failure::Replay),
                None => {
                    let mut request = self
                        .http
                        .request(method.clone(), url.clone())
                        .headers(header_map.clone());
                    if let Some(body) = body {
                        request = request.body(body.to_string());
                    }
                    self.exchange(request).await
                }
            };
            let duration_ms = started.elapsed().as_millis() as u64;
            let (recorded_response, response, error) = match outcome {
                Err(Failure::Http(error)) if error.is_connect() && attempt <= self.retries => {
                    tokio::time::sleep(self.backoff * 2u32.saturating_pow(attempt - 1)).await;
                    attempt += 1;
                    continue;
                }
                Err(Failure::Http(error)) => (None, None, Some(self.describe(&error))),
                Err(Failure::TimedOut) => (None, None, Some(self.timed_out())),
                Err(Failure::Replay(error)) => (None, None, Some(error)),
                Ok(Received::Complete(response)) => (
                    Some(self.record_response(&response, false, redactor)),
                    Some(response),
                    None,
                ),
                Ok(Received::TooLarge(partial)) => (
                    Some(self.record_response(&partial, true, redactor)),
                    None,
                    Some(format!(
                        "the response body is larger than the {} MiB the harness reads, so it \
                         is not judged",
                        MAX_BODY_BYTES / (1024 * 1024)
                    )),
                ),
                Ok(Received::Broken(partial, error)) => (
                    Some(self.record_response(&partial, true, redactor)),
                    None,
                    Some(format!(
                        "response body incomplete: {}",
                        self.describe(&error)
                    )),
                ),
                Ok(Received::Stalled(partial)) => (
                    Some(self.record_response(&partial, true, redactor)),
                    None,
                    Some(format!("response body incomplete: {}", self.timed_out())),
                ),
            };
            break (recorded_response, response, error, duration_ms);
        };
        let exchange = redactor.redact_exchange(Exchange {
            request: recorded_request,
            response: recorded_response,
            error,
            duration_ms,
            attempt,
        });
        if let Some(recorder) = &self.recorder {
            recorder.record(&exchange);
        }
        Ok(Sent { exchange, response })
    }
    /// Defaults, an `Accept: application/fhir+json` unless one is set, then `overrides`
    /// replacing defaults of the same name.
    fn request_headers(&self, overrides: &[(String, String)]) -> Vec<(String, String)> {
        let overridden = |name: &str| overrides.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        let mut headers: Vec<(String, String)> = self
            .default_headers
            .iter()
            .filter(|(name, _)| !overridden(name))
            .cloned()
            .collect();
        let has_accept = headers
            .iter()
            .chain(overrides)
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"));
        if !has_accept {
            headers.push(("Accept".to_string(), FHIR_JSON.to_string()));
        }
        headers.extend(overrides.iter().cloned());
        headers
    }

    /// One attempt: send and read the body up to [`MAX_BODY_BYTES`], all within the timeout.
    /// A body past [`LARGE_BODY_BYTES`] waits for the run's large-body permit before more of
    /// it is read (the server is held back by the connection meanwhile); the wait does not
    /// count against the timeout.
    async fn exchange(&self, request: reqwest::RequestBuilder) -> Result<Received, Failure> {
        let mut deadline = tokio::time::Instant::now() + self.timeout;
        let mut response = match tokio::time::timeout_at(deadline, request.send()).await {
            Ok(sent) => sent.map_err(Failure::Http)?,
            Err(_) => return Err(Failure::TimedOut),
        };
        if let Some(date) = response.headers().get(reqwest::header::DATE)
            && let Ok(date) = date.to_str()
        {
            self.clock.observe(date, std::time::SystemTime::now());
        }
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let announced = response
            .content_length()
            .map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
        let mut body = Vec::new();
        let mut admitted = false;
        if announced > LARGE_BODY_BYTES {
            admit_large_body(announced, &mut deadline).await;
            admitted = true;
            body.reserve_exact(announced.min(MAX_BODY_BYTES));
        }
        let finish = |body: Vec<u8>| Response {
            status,
            headers,
            body: body.into(),
        };
        loop {
            let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
                Ok(Ok(Some(chunk))) => chunk,
                Ok(Ok(None)) => return Ok(Received::Complete(finish(body))),
                Ok(Err(error)) => return Ok(Received::Broken(finish(body), error)),
                Err(_) => return Ok(Received::Stalled(finish(body))),
            };
            if !admitted && body.len() + chunk.len() > LARGE_BODY_BYTES {
                admit_large_body(body.len() + chunk.len(), &mut deadline).await;
                admitted = true;
            }
            let room = MAX_BODY_BYTES - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() > room {
                return Ok(Received::TooLarge(finish(body)));
            }
        }
    }

    /// The evidence of `response`; `cut` when the body received is not the whole body (too
    /// large to read, or the connection broke).
    fn record_response(
        &self,
        response: &Response,
        cut: bool,
        redactor: &Redactor,
    ) -> RecordedResponse {
        let kept = if response.body.is_empty() {
            KeptBody::default()
        } else {
            self.keep_body(&response.body, MAX_BODY_BYTES, redactor)
        };
        RecordedResponse {
            status: response.status,
            headers: response.headers.clone(),
            body: kept.text,
            body_file: kept.file,
            body_truncated: cut || kept.cut,
        }
    }

    /// A body as evidence, redacted: inline when short or when there is no evidence store,
    /// else in the store, up to `kept_bytes`. Should the store fail to write, the body is
    /// kept inline, cut to the evidence limit, and a warning printed.
    fn keep_body(&self, body: &[u8], kept_bytes: usize, redactor: &Redactor) -> KeptBody {
        if let Some(store) = &self.evidence
            && body.len() > INLINE_BODY_LIMIT
        {
            let (text, cut) = trim_evidence(body, kept_bytes, redactor);
            match store.put(&text) {
                Ok(file) => {
                    return KeptBody {
                        text: None,
                        file: Some(file),
                        cut,
                    };
                }
                Err(error) => eprintln!(
                    "warning: cannot keep a {} byte body in the evidence folder ({error}); it is \
                     kept in the report, cut to {} bytes",
                    body.len(),
                    self.evidence_limit
                ),
            }
        }
        let (text, cut) = trim_evidence(body, self.evidence_limit, redactor);
        KeptBody {
            text: Some(text.into_owned()),
            file: None,
            cut,
        }
    }

    /// What a request that ran out of time says.
    fn timed_out(&self) -> String {
        format!(
            "timed out after {}",
            humantime::format_duration(self.timeout)
        )
    }

    /// A one-line description of a transport error.
    pub(super) fn describe(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            self.timed_out()
        } else if error.is_connect() {
            format!("connection failed: {}", root_cause(error))
        } else {
            format!("request failed: {}", root_cause(error))
        }
    }
}

/// The absolute URL of `target` under `base`, with `query` appended.
fn resolve(base: &Url, target: &Target, query: &[(String, String)]) -> Result<Url, NotSent> {
    let mut url = match target {
        Target::Segments(segments) => {
            let mut url = base.clone();
            url.path_segments_mut()
                .map_err(|()| {
                    NotSent::from(InvalidRequest("the base URL cannot take a path".into()))
                })?
                .pop_if_empty()
                .extend(segments);
            url
        }
        Target::Path(path) => match Url::parse(path) {
            Ok(absolute) => under_base(base, absolute)?,
            Err(_) => {
                let joined = format!(
                    "{}/{}",
                    base.as_str().trim_end_matches('/'),
                    path.trim_start_matches('/')
                );
                let url = Url::parse(&joined).map_err(|e| {
                    NotSent::from(InvalidRequest(format!("invalid path `{path}`: {e}")))
                })?;
                // `..` in a path (a captured value, say) must not climb out of the base.
                under_base(base, url)?
            }
        },
    };
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// `url` when it is under `base` (same origin, path below the base's): a URL the server handed
/// out (a paging link, a `Location`) may be followed, but nothing, least of all the
/// credentials, is sent anywhere else.
fn under_base(base: &Url, url: Url) -> Result<Url, NotSent> {
    let base_path = base.path().trim_end_matches('/');
    let path = url.path();
    let below = path == base_path
        || path
            .strip_prefix(base_path)
            .is_some_and(|rest| rest.starts_with('/'));
    if url.origin() == base.origin() && below {
        Ok(url)
    } else {
        Err(NotSent::OutsideBase {
            url: url.to_string(),
            base: base.as_str().trim_end_matches('/').to_string(),
        })
    }
}

/// What one attempt produced once the server answered.
enum Received {
    Complete(Response),
    /// Status and headers arrived, then reading the body failed.
    Broken(Response, reqwest::Error),
    /// The body goes on past [`MAX_BODY_BYTES`]; what was read up to there.
    TooLarge(Response),
    /// The body did not arrive within the timeout; what was read by then.
    Stalled(Response),
}

/// Waits for the large-body permit for a body of `bytes`, moving `deadline` on by the wait.
async fn admit_large_body(bytes: usize, deadline: &mut tokio::time::Instant) {
    let waiting = tokio::time::Instant::now();
    admit_body(bytes).await;
    *deadline += waiting.elapsed();
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let header_value = HeaderValue::from_str(value).map_err(|_| {
        format!("the value of `{name}` contains characters not allowed in a header")
    })?;
    Ok((header_name, header_value))
}

/// The innermost cause of an error, which names what really happened.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Every message in an error's chain, joined.
fn error_chain(error: &reqwest::Error) -> String {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    messages.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::new(
            "http://example.org:8080/fhir/",
            ClientOptions {
                timeout: Duration::from_secs(1),
                retries: 0,
                ..ClientOptions::default()
            },
        )
        .unwrap()
    }

    fn url(target: Target, query: &[(&str, &str)]) -> Result<String, String> {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        client()
            .url_for(&target, &query)
            .map(|url| url.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn segments_are_encoded_and_queries_appended() {
        let segments = Target::Segments(vec!["Patient".into(), "a/b?c".into()]);
        assert_eq!(
            url(segments, &[("name:exact", "Ann Lee")]).unwrap(),
            "http://example.org:8080/fhir/Patient/a%2Fb%3Fc?name%3Aexact=Ann+Lee"
        );
        assert_eq!(
            url(Target::Segments(vec![]), &[]).unwrap(),
            "http://example.org:8080/fhir"
        );
    }

    #[test]
    fn paths_are_relative_to_the_base_unless_absolute_under_it() {
        assert_eq!(
            url(Target::Path("/Patient?_count=2".into()), &[]).unwrap(),
            "http://example.org:8080/fhir/Patient?_count=2"
        );
        assert_eq!(
            url(
                Target::Path("http://example.org:8080/fhir?_page=2".into()),
                &[]
            )
            .unwrap(),
            "http://example.org:8080/fhir?_page=2"
        );
        let elsewhere = url(Target::Path("http://evil.example/steal".into()), &[]).unwrap_err();
        assert_eq!(
            elsewhere,
            "link http://evil.example/steal is not under the server's base \
             http://example.org:8080/fhir; not followed (R4 http.html: links are absolute URLs \
             of the server)"
        );
        let other_port = url(Target::Path("http://example.org:9090/fhir".into()), &[]);
        assert!(other_port.is_err());
        let other_path = url(
            Target::Path("http://example.org:8080/fhirx/Patient".into()),
            &[],
        );
        assert!(
            other_path.is_err(),
            "a path beside the base is not under it"
        );
        let root = url(Target::Path("http://example.org:8080/?page=2".into()), &[]);
        assert!(root.is_err(), "the server root is above the base");
    }

    #[test]
    fn bad_base_urls_and_headers_are_refused() {
        let new = |base: &str, headers: Vec<(String, String)>| {
            Client::new(
                base,
                ClientOptions {
                    timeout: Duration::from_secs(1),
                    default_headers: headers,
                    retries: 0,
                    ..ClientOptions::default()
                },
            )
            .map(|_| ())
        };
        assert!(matches!(
            new("example.org/fhir", vec![]),
            Err(ClientError::BaseUrl { .. })
        ));
        assert!(matches!(
            new("ftp://example.org", vec![]),
            Err(ClientError::BaseUrl { .. })
        ));
        assert!(matches!(
            new("http://example.org/fhir?x=1", vec![]),
            Err(ClientError::BaseUrl { .. })
        ));
        assert!(matches!(
            new("http://example.org", vec![("Bad Name".into(), "v".into())]),
            Err(ClientError::Header { .. })
        ));
        assert!(matches!(
            new(
                "http://example.org",
                vec![("X-Ok".into(), "line\nbreak".into())]
            ),
            Err(ClientError::Header { .. })
        ));
    }

    #[test]
    fn debug_output_redacts_default_headers() {
        let client = Client::new(
            "http://example.org/fhir",
            ClientOptions {
                timeout: Duration::from_secs(1),
                default_headers: vec![("Authorization".into(), "Bearer abc-secret".into())],
                retries: 0,
                ..ClientOptions::default()
            },
        )
        .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("abc-secret"), "{debug}");
        assert!(debug.contains("[REDACTED]"), "{debug}");
    }

    #[test]
    fn a_password_in_the_base_url_is_a_secret() {
        let client = Client::new(
            "https://user:pa55word@example.org/fhir",
            ClientOptions {
                timeout: Duration::from_secs(1),
                retries: 0,
                ..ClientOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            client.redactor().redact_text(client.base_url().as_str()),
            "https://[REDACTED]@example.org/fhir"
        );
    }

    #[test]
    fn no_path_leaves_the_base_url() {
        let base = Url::parse("http://h.test/fhir").unwrap();
        for path in [
            "Patient/../../admin",
            "../admin",
            "%2e%2e/admin",
            "Patient/../..",
        ] {
            let target = Target::Path(path.to_string());
            assert!(
                matches!(
                    resolve(&base, &target, &[]),
                    Err(NotSent::OutsideBase { .. })
                ),
                "{path}"
            );
        }
        let climbing = Target::Segments(vec!["..".into(), "..".into(), "admin".into()]);
        let url = resolve(&base, &climbing, &[]).unwrap();
        assert!(url.path().starts_with("/fhir/"), "{url}");
        let inside = resolve(&base, &Target::Path("Patient/../Observation".into()), &[]).unwrap();
        assert_eq!(inside.as_str(), "http://h.test/fhir/Observation");
    }

    #[test]
    fn a_secret_across_the_evidence_cut_is_redacted_whole() {
        let redactor = Redactor::default();
        redactor.add_secret("token-0123456789");
        let (text, truncated) = trim_evidence(b"id: token-0123456789 and more", 12, &redactor);
        assert!(truncated);
        assert_eq!(text, "id: [REDACTE");
        assert!(!text.contains("tok"));
    }

    #[test]
    fn evidence_is_cut_on_a_character_boundary() {
        let cut = |text: &str| {
            let (kept, cut) = trim_evidence(text.as_bytes(), 4, &Redactor::default());
            (kept.into_owned(), cut)
        };
        assert_eq!(cut("abcdef"), ("abcd".into(), true));
        assert_eq!(cut("aé€"), ("aé".into(), true));
        assert_eq!(cut("abc"), ("abc".into(), false));
    }
}
