//! Reading an [`AuthConfig`] from the environment and an optional TOML file.
//!
//! Each setting has an environment variable and a file key; the environment wins. Key files
//! named in the file are relative to the file's folder. An empty variable counts as unset.
//! Secrets never need to be on the command line.
//!
//! | variable | file key | meaning |
//! |---|---|---|
//! | `ASSURE_TOKEN` | `token` | a static bearer token |
//! | `ASSURE_CLIENT_ID`, `ASSURE_CLIENT_SECRET` | `client_id`, `client_secret` | `client_secret_basic` client |
//! | `ASSURE_JWT_CLIENT_ID`, `ASSURE_JWT_CLIENT_KEY`, `ASSURE_JWT_CLIENT_KID` | `jwt_client_id`, `jwt_client_key`, `jwt_client_kid` | `private_key_jwt` client (key: PEM file) |
//! | `ASSURE_TOKEN_SIGNING_KEY`, `ASSURE_TOKEN_ISSUER`, `ASSURE_TOKEN_KID` | `token_signing_key`, `token_issuer`, `token_kid` | an issuer the target trusts (key: PEM file; kid optional) |
//! | `ASSURE_SCOPE` | `scope` | scope requested by default (`system/*.read`) |
//! | `ASSURE_TOKEN_AUDIENCE` | `token_audience` | `aud` of minted tokens (the FHIR base URL) |

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::config::{AuthConfig, DEFAULT_SCOPE, JwtClient, SecretClient, TrustedIssuer};
use super::error::AuthConfigError;
use super::key::SigningKey;
use super::secret::Secret;

/// The file's shape: every key optional, any other key an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    jwt_client_id: Option<String>,
    jwt_client_key: Option<String>,
    jwt_client_kid: Option<String>,
    token_signing_key: Option<String>,
    token_issuer: Option<String>,
    token_kid: Option<String>,
    scope: Option<String>,
    token_audience: Option<String>,
}

/// The settings of both sources, looked up by variable name.
struct Sources<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: FileSettings,
    /// The file, for naming it and resolving relative key paths.
    file_path: Option<PathBuf>,
}

/// One setting's value and where it came from.
struct Setting {
    value: String,
    from_file: bool,
}

impl AuthConfig {
    /// The configuration from the process environment and, when given, the TOML file `file`.
    pub fn load(file: Option<&Path>) -> Result<AuthConfig, AuthConfigError> {
        AuthConfig::load_with(file, &|name| std::env::var(name).ok())
    }

    /// The configuration from `env` (a variable lookup) and, when given, the TOML file `file`.
    pub fn load_with(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AuthConfig, AuthConfigError> {
        let settings = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| AuthConfigError::Read {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                toml::from_str(&text).map_err(|e| AuthConfigError::Parse {
                    path: path.display().to_string(),
                    reason: e.to_string().trim_end().to_string(),
                })?
            }
            None => FileSettings::default(),
        };
        let sources = Sources {
            env,
            file: settings,
            file_path: file.map(Path::to_path_buf),
        };
        sources.config()
    }
}

impl Sources<'_> {
    fn config(&self) -> Result<AuthConfig, AuthConfigError> {
        let secret_client = match self.pair("ASSURE_CLIENT_ID", "ASSURE_CLIENT_SECRET")? {
            Some((id, secret)) => Some(SecretClient {
                id: id.value,
                secret: Secret::new(secret.value),
            }),
            None => None,
        };
        let jwt_client = match self.pair("ASSURE_JWT_CLIENT_ID", "ASSURE_JWT_CLIENT_KEY")? {
            Some((id, key)) => {
                let kid = self.get("ASSURE_JWT_CLIENT_KID").ok_or_else(|| {
                    self.incomplete("ASSURE_JWT_CLIENT_ID", "ASSURE_JWT_CLIENT_KID")
                })?;
                Some(JwtClient {
                    id: id.value,
                    key: self.key(&key, Some(kid.value))?,
                })
            }
            None => None,
        };
        let issuer = match self.pair("ASSURE_TOKEN_SIGNING_KEY", "ASSURE_TOKEN_ISSUER")? {
            Some((key, issuer)) => Some(TrustedIssuer {
                issuer: issuer.value,
                key: self.key(&key, self.get("ASSURE_TOKEN_KID").map(|kid| kid.value))?,
            }),
            None => None,
        };
        Ok(AuthConfig {
            token: self
                .get("ASSURE_TOKEN")
                .map(|token| Secret::new(token.value)),
            secret_client,
            jwt_client,
            issuer,
            scope: self
                .get("ASSURE_SCOPE")
                .map_or_else(|| DEFAULT_SCOPE.to_string(), |scope| scope.value),
            audience: self
                .get("ASSURE_TOKEN_AUDIENCE")
                .map(|audience| audience.value),
        })
    }

    /// The setting of variable `name` (or its file key); the environment wins.
    fn get(&self, name: &str) -> Option<Setting> {
        let from_env = (self.env)(name).filter(|value| !value.trim().is_empty());
        if let Some(value) = from_env {
            return Some(Setting {
                value,
                from_file: false,
            });
        }
        self.file_value(name)
            .filter(|value| !value.trim().is_empty())
            .map(|value| Setting {
                value: value.clone(),
                from_file: true,
            })
    }

    fn file_value(&self, name: &str) -> Option<&String> {
        let file = &self.file;
        match name {
            "ASSURE_TOKEN" => file.token.as_ref(),
            "ASSURE_CLIENT_ID" => file.client_id.as_ref(),
            "ASSURE_CLIENT_SECRET" => file.client_secret.as_ref(),
            "ASSURE_JWT_CLIENT_ID" => file.jwt_client_id.as_ref(),
            "ASSURE_JWT_CLIENT_KEY" => file.jwt_client_key.as_ref(),
            "ASSURE_JWT_CLIENT_KID" => file.jwt_client_kid.as_ref(),
            "ASSURE_TOKEN_SIGNING_KEY" => file.token_signing_key.as_ref(),
            "ASSURE_TOKEN_ISSUER" => file.token_issuer.as_ref(),
            "ASSURE_TOKEN_KID" => file.token_kid.as_ref(),
            "ASSURE_SCOPE" => file.scope.as_ref(),
            "ASSURE_TOKEN_AUDIENCE" => file.token_audience.as_ref(),
            _ => None,
        }
    }

    /// Both settings of a group, neither, or an error naming the missing one.
    fn pair(
        &self,
        first: &str,
        second: &str,
    ) -> Result<Option<(Setting, Setting)>, AuthConfigError> {
        match (self.get(first), self.get(second)) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(self.incomplete(first, second)),
            (None, Some(_)) => Err(self.incomplete(second, first)),
        }
    }

    fn incomplete(&self, present: &str, missing: &str) -> AuthConfigError {
        AuthConfigError::Incomplete {
            present: self.describe(present),
            missing: self.describe(missing),
        }
    }

    /// `NAME` or `NAME (file_key in FILE)`, for messages.
    fn describe(&self, name: &str) -> String {
        match &self.file_path {
            Some(path) => format!(
                "{name} (`{}` in {})",
                name.trim_start_matches("ASSURE_").to_ascii_lowercase(),
                path.display()
            ),
            None => name.to_string(),
        }
    }

    /// The signing key in the PEM file `path` (relative to the config file's folder when it
    /// came from the file).
    fn key(&self, path: &Setting, kid: Option<String>) -> Result<SigningKey, AuthConfigError> {
        let path = match (&self.file_path, path.from_file) {
            (Some(file), true) => file.parent().unwrap_or(Path::new("")).join(&path.value),
            _ => PathBuf::from(&path.value),
        };
        let pem = std::fs::read_to_string(&path).map_err(|e| AuthConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        SigningKey::from_pem(&pem, kid, &path.display().to_string())
    }
}
