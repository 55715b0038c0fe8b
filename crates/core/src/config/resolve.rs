//! Layering of one profile: command-line flag > environment > config file > default.

use super::{ConfigError, ConfigFile, PROFILE_ENV, ProfileFile, S3Settings};
use crate::settings::FlagValues;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// Values given on the command line; they win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub path_style: Option<bool>,
    pub read_only: bool,
    /// Retry and timeout flags (`--max-attempts`, ...), by `[s3]` key.
    pub s3: FlagValues,
}

/// A secret string whose Debug and Display never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The real value, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// A masked form safe for output: first two characters and the length.
    pub fn masked(&self) -> String {
        let head: String = self.0.chars().take(2).collect();
        format!("{head}****** ({} chars)", self.0.chars().count())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(******)")
    }
}

/// Where the keys come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Credentials {
    /// Keys given in the profile, inline or through named environment variables.
    Static {
        access_key_id: String,
        secret_access_key: Secret,
        origin: String,
    },
    /// The standard AWS chain: env vars, ~/.aws files (aws_profile), SSO, IMDS...
    Chain,
}

/// One fully resolved profile: what the client factory needs.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// None: AWS's own endpoints.
    pub endpoint: Option<Url>,
    /// None: let the AWS chain decide (~/.aws/config), falling back to us-east-1.
    pub region: Option<String>,
    pub path_style: bool,
    pub aws_profile: Option<String>,
    pub credentials: Credentials,
    pub ca_bundle: Option<PathBuf>,
    pub read_only: bool,
    pub rgw_admin: bool,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_attempts: u32,
}

/// The printable view of a profile used by `config check`: secrets masked.
#[derive(Debug, Serialize)]
pub struct ProfileView {
    pub name: String,
    pub endpoint: String,
    pub region: String,
    pub path_style: bool,
    pub aws_profile: Option<String>,
    pub credentials: String,
    pub ca_bundle: Option<String>,
    pub read_only: bool,
    pub rgw_admin: bool,
    pub connect_timeout_secs: u64,
    pub read_timeout_secs: u64,
    pub max_attempts: u32,
}

impl Profile {
    /// What `config check` prints.
    pub fn view(&self) -> ProfileView {
        let credentials = match &self.credentials {
            Credentials::Static {
                access_key_id,
                secret_access_key,
                origin,
            } => format!(
                "access key {access_key_id}, secret {} (from {origin})",
                secret_access_key.masked()
            ),
            Credentials::Chain => "AWS default credential chain".to_string(),
        };
        ProfileView {
            name: self.name.clone(),
            endpoint: self
                .endpoint
                .as_ref()
                .map_or_else(|| "AWS".to_string(), Url::to_string),
            region: self
                .region
                .clone()
                .unwrap_or_else(|| "(from AWS config, else us-east-1)".into()),
            path_style: self.path_style,
            aws_profile: self.aws_profile.clone(),
            credentials,
            ca_bundle: self.ca_bundle.as_ref().map(|p| p.display().to_string()),
            read_only: self.read_only,
            rgw_admin: self.rgw_admin,
            connect_timeout_secs: self.connect_timeout.as_secs(),
            read_timeout_secs: self.read_timeout.as_secs(),
            max_attempts: self.max_attempts,
        }
    }

    /// Endpoint as text for status bars ("AWS" when none).
    pub fn endpoint_label(&self) -> String {
        self.endpoint.as_ref().map_or_else(
            || "AWS".to_string(),
            |u| u.as_str().trim_end_matches('/').to_string(),
        )
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_bool(name: &str) -> Option<bool> {
    env(name).map(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
}

pub(super) fn resolve(
    file: &ConfigFile,
    ov: &Overrides,
) -> Result<(Profile, S3Settings), ConfigError> {
    let named = ov
        .profile
        .clone()
        .or_else(|| env(PROFILE_ENV))
        .or_else(|| file.default_profile.clone());
    let (name, pf) = match named {
        Some(name) => match file.profiles.get(&name) {
            Some(pf) => (name, pf.clone()),
            None => {
                let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                let known = if known.is_empty() {
                    "none (no config file or no [profiles.*] in it)".to_string()
                } else {
                    known.join(", ")
                };
                return Err(ConfigError::UnknownProfile { name, known });
            }
        },
        None => (
            "default".to_string(),
            file.profiles.get("default").cloned().unwrap_or_default(),
        ),
    };
    let settings = super::s3::resolve(&file.s3, &name, &pf, &ov.s3)?;
    Ok((build(name, &pf, ov, &settings)?, settings))
}

fn build(
    name: String,
    pf: &ProfileFile,
    ov: &Overrides,
    settings: &S3Settings,
) -> Result<Profile, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        profile: name.clone(),
        message,
    };
    // The S3SCOPE_* variables sit above the file; AWS_ENDPOINT_URL / AWS_REGION are the
    // standard AWS defaults and apply only when nothing above them says otherwise.
    let endpoint_text = ov
        .endpoint
        .clone()
        .or_else(|| env("S3SCOPE_ENDPOINT"))
        .or_else(|| pf.endpoint.clone())
        .or_else(|| env("AWS_ENDPOINT_URL_S3"))
        .or_else(|| env("AWS_ENDPOINT_URL"));
    let endpoint = match endpoint_text {
        Some(text) => Some(parse_endpoint(&text).map_err(invalid)?),
        None => None,
    };
    let region = ov
        .region
        .clone()
        .or_else(|| env("S3SCOPE_REGION"))
        .or_else(|| pf.region.clone())
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| endpoint.as_ref().map(|_| "us-east-1".to_string()));
    let path_style = ov
        .path_style
        .or_else(|| env_bool("S3SCOPE_PATH_STYLE"))
        .or(pf.path_style)
        .unwrap_or_else(|| endpoint.as_ref().is_some_and(is_local_or_ip));
    let read_only = ov.read_only
        || env_bool("S3SCOPE_READ_ONLY")
            .or(pf.read_only)
            .unwrap_or(false);
    let credentials = credentials(pf).map_err(invalid)?;
    if let Some(ca) = &pf.ca_bundle
        && !ca.is_file()
    {
        return Err(invalid(format!(
            "ca_bundle {} is not a readable file",
            ca.display()
        )));
    }
    Ok(Profile {
        name,
        endpoint,
        region,
        path_style,
        aws_profile: pf.aws_profile.clone().or_else(|| env("AWS_PROFILE")),
        credentials,
        ca_bundle: pf.ca_bundle.clone(),
        read_only,
        rgw_admin: pf.rgw_admin.unwrap_or(false),
        connect_timeout: settings.connect_timeout,
        read_timeout: settings.read_timeout,
        max_attempts: settings.max_attempts,
    })
}

fn parse_endpoint(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim())
        .map_err(|e| format!("endpoint `{text}` is not a URL ({e}); write it like https://s3.example.com or http://10.0.0.1:8080"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "endpoint `{text}` must be an http:// or https:// URL with a host"
        ));
    }
    Ok(url)
}

/// Path-style is the only style that works on an IP address or localhost.
fn is_local_or_ip(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        Some(url::Host::Domain(d)) => d == "localhost" || !d.contains('.'),
        None => false,
    }
}

fn credentials(pf: &ProfileFile) -> Result<Credentials, String> {
    let from_env = |var: &String, key: &str| {
        env(var).ok_or_else(|| {
            format!("{key} names environment variable {var}, which is not set or empty")
        })
    };
    let key_id = match (&pf.access_key_id, &pf.access_key_id_env) {
        (Some(_), Some(_)) => {
            return Err("set access_key_id or access_key_id_env, not both".into());
        }
        (Some(k), None) => Some((k.clone(), "config file".to_string())),
        (None, Some(var)) => Some((from_env(var, "access_key_id_env")?, format!("${var}"))),
        (None, None) => None,
    };
    let secret = match (&pf.secret_access_key, &pf.secret_access_key_env) {
        (Some(_), Some(_)) => {
            return Err("set secret_access_key or secret_access_key_env, not both".into());
        }
        (Some(s), None) => Some((s.clone(), "config file".to_string())),
        (None, Some(var)) => Some((from_env(var, "secret_access_key_env")?, format!("${var}"))),
        (None, None) => None,
    };
    match (key_id, secret) {
        (Some((id, o1)), Some((secret, o2))) => Ok(Credentials::Static {
            access_key_id: id,
            secret_access_key: Secret::new(secret),
            origin: if o1 == o2 {
                o1
            } else {
                format!("{o1} and {o2}")
            },
        }),
        (None, None) => Ok(Credentials::Chain),
        (Some(_), None) => Err("an access key id is set but no secret access key".into()),
        (None, Some(_)) => Err("a secret access key is set but no access key id".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    fn profile(toml: &str, ov: &Overrides) -> Result<Profile, ConfigError> {
        resolve(&parse(toml).unwrap(), ov).map(|(p, _)| p)
    }

    #[test]
    fn flag_beats_file_and_ip_endpoint_defaults_to_path_style() {
        let toml = "[profiles.ceph]\nendpoint = \"https://rgw.example.com\"\nregion = \"eu\"\naccess_key_id = \"AK\"\nsecret_access_key = \"SECRET\"\n";
        let ov = Overrides {
            profile: Some("ceph".into()),
            endpoint: Some("http://10.0.0.1:8080".into()),
            ..Default::default()
        };
        let p = profile(toml, &ov).unwrap();
        assert_eq!(p.endpoint.unwrap().as_str(), "http://10.0.0.1:8080/");
        assert!(p.path_style);
        assert_eq!(p.region.as_deref(), Some("eu"));
        let ov = Overrides {
            profile: Some("ceph".into()),
            ..Default::default()
        };
        let p = profile(toml, &ov).unwrap();
        assert!(
            !p.path_style,
            "a DNS endpoint defaults to virtual-host style"
        );
        assert!(
            !format!("{p:?}").contains("SECRET"),
            "Debug leaks the secret"
        );
        assert!(!format!("{:?}", p.view()).contains("SECRET"));
    }

    #[test]
    fn s3_section_sets_attempts_and_timeouts_unless_the_profile_does() {
        let toml = "[s3]\nmax_attempts = 7\nread_timeout_secs = 9\n[profiles.a]\nmax_attempts = 4\n[profiles.b]\n";
        let file = parse(toml).unwrap();
        let ov = |name: &str| Overrides {
            profile: Some(name.into()),
            ..Default::default()
        };
        let (a, sa) = resolve(&file, &ov("a")).unwrap();
        assert_eq!((a.max_attempts, sa.max_attempts), (4, 4));
        assert_eq!(a.read_timeout, Duration::from_secs(9));
        let (b, _) = resolve(&file, &ov("b")).unwrap();
        assert_eq!(b.max_attempts, 7);
        let (d, sd) = resolve(&parse("").unwrap(), &Overrides::default()).unwrap();
        assert_eq!((d.max_attempts, sd), (10, S3Settings::default()));
    }

    #[test]
    fn unknown_profile_lists_known_ones() {
        let err = profile(
            "[profiles.a]\n[profiles.b]\n",
            &Overrides {
                profile: Some("zzz".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown profile `zzz`; known profiles: a, b (see `s3scope config check`)"
        );
    }

    #[test]
    fn half_credentials_and_bad_endpoint_are_refused() {
        let e = profile(
            "[profiles.default]\naccess_key_id = \"A\"\n",
            &Overrides::default(),
        );
        assert!(e.unwrap_err().to_string().contains("no secret access key"));
        let e = profile(
            "[profiles.default]\nendpoint = \"ftp://x\"\n",
            &Overrides::default(),
        );
        assert!(e.unwrap_err().to_string().contains("http:// or https://"));
    }
}
