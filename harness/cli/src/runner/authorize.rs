//! How a step's request is authenticated: its `auth:` turned into what goes on the wire, or
//! the reason the step cannot be carried out on this run (no credentials, no trusted key).

use super::template;
use super::variables::Lookup;
use crate::auth::{AuthError, MintSpec, Session};
use crate::http::{Client, RequestSpec};
use crate::suite::StepAuth;

/// What a step's request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Whatever the run's client sends by default (its bearer token, if any).
    Default,
    /// No `Authorization` header at all.
    Absent,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// The token in the `access_token` query parameter, no `Authorization` header.
    Query(String),
}

/// Why a step's credential could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    /// The run lacks what the step needs: the test is skipped with this reason.
    Skip(String),
    /// The step itself is unusable (e.g. an undefined variable).
    Error(String),
}

/// The credential `auth` asks for, made with the run's `session`.
pub async fn credential(
    auth: &StepAuth,
    session: Option<&Session>,
    lookup: &Lookup<'_>,
) -> Result<Credential, Unmet> {
    match auth {
        StepAuth::Default => Ok(Credential::Default),
        StepAuth::None => Ok(Credential::Absent),
        StepAuth::Run => {
            if required(session)?.config().can_obtain_token() {
                Ok(Credential::Default)
            } else {
                Err(Unmet::Skip(
                    "the run's credentials give no access token".into(),
                ))
            }
        }
        StepAuth::Forged(kind) => {
            let session = required(session)?;
            let valid = run_token(session).await?;
            session
                .forge(*kind, &valid)
                .map(Credential::Bearer)
                .map_err(|error| Unmet::Skip(format!("cannot forge from the run's token: {error}")))
        }
        StepAuth::Minted(spec) => {
            let session = required(session)?;
            let spec = interpolated(spec, lookup).map_err(Unmet::Error)?;
            session
                .mint(&spec)
                .map(Credential::Bearer)
                .map_err(|error| match error {
                    AuthError::Unavailable(reason) => Unmet::Skip(reason),
                    other => Unmet::Error(other.to_string()),
                })
        }
        StepAuth::Scope(scope) => {
            let session = required(session)?;
            let scope = template::text(scope, lookup).map_err(Unmet::Error)?;
            session
                .bearer_for(&scope)
                .await
                .map(Credential::Bearer)
                .map_err(|error| {
                    Unmet::Skip(format!("no access token for scope `{scope}`: {error}"))
                })
        }
        StepAuth::InQuery => run_token(required(session)?).await.map(Credential::Query),
    }
}

/// The run's session, or the skip of a step that needs credentials the run does not have.
fn required(session: Option<&Session>) -> Result<&Session, Unmet> {
    session.ok_or_else(|| {
        Unmet::Skip(
            "the run has no credentials for the target (set ASSURE_TOKEN, a client in \
             ASSURE_CLIENT_ID/ASSURE_CLIENT_SECRET or --auth-config)"
                .into(),
        )
    })
}

/// The run's own token, or why there is none (a skip: the token checks show why).
async fn run_token(session: &Session) -> Result<String, Unmet> {
    session
        .default_bearer()
        .await
        .map_err(|error| Unmet::Skip(format!("no access token for the run: {error}")))
}

/// `spec` with its strings interpolated.
fn interpolated(spec: &MintSpec, lookup: &Lookup<'_>) -> Result<MintSpec, String> {
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(|value| template::text(value, lookup))
            .transpose()
    };
    Ok(MintSpec {
        scope: text(&spec.scope)?,
        patient: text(&spec.patient)?,
        issuer: text(&spec.issuer)?,
        audience: text(&spec.audience)?,
        ..spec.clone()
    })
}

/// The client and request that carry `credential`.
pub fn apply(
    credential: Credential,
    client: &Client,
    mut spec: RequestSpec,
) -> (Client, RequestSpec) {
    match credential {
        Credential::Default => (client.clone(), spec),
        Credential::Absent => (client.without_default_credential(), spec),
        Credential::Bearer(token) => {
            spec.headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
            spec.headers
                .push(("Authorization".to_string(), format!("Bearer {token}")));
            (client.without_default_credential(), spec)
        }
        Credential::Query(token) => {
            spec.query.push(("access_token".to_string(), token));
            (client.without_default_credential(), spec)
        }
    }
}
