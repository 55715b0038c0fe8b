//! `s3scope demo`: the embedded S3 server over a seeded directory, then the TUI (or only the server).

use super::CliError;
use super::args::DemoArgs;
use s3scope_core::config::{Config, Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_store::seed::seed;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

const REGION: &str = "us-east-1";
const KEYS_FILE: &str = "demo-credentials.json";

pub async fn run(a: DemoArgs, config: Config) -> Result<(), CliError> {
    // A temporary directory lives as long as this guard: removed on every normal exit.
    let (dir, _guard) = match &a.dir {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| {
                CliError::Usage(format!("--dir {}: cannot create it: {e}", d.display()))
            })?;
            (d.clone(), None)
        }
        None => {
            let t = tempfile::Builder::new().prefix("s3scope-demo-").tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let (access_key, secret_key) = demo_keys(&dir)?;
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.clone(),
        port: a.port,
        access_key: access_key.clone(),
        secret_key: secret_key.clone(),
        region: REGION.to_string(),
    })
    .await
    .map_err(|e| CliError::Runtime(format!("demo server: {e}")))?;
    let store = server.store();
    let summary = tokio::task::spawn_blocking(move || {
        let summary = seed(&store)?;
        let today = chrono::Utc::now()
            .date_naive()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc();
        super::demo_inventory::seed(&store, today).map(|()| summary)
    })
    .await
    .map_err(|e| CliError::Runtime(format!("demo seeding stopped: {e}")))?
    .map_err(|e| CliError::Runtime(format!("demo seeding failed: {e}")))?;
    tracing::info!(?summary, endpoint = %server.endpoint, "demo ready");
    register_inventory(&server.endpoint, &access_key, &secret_key).await?;

    if a.serve {
        print_serve_banner(&server.endpoint, &access_key, &secret_key, &dir);
        tokio::signal::ctrl_c().await?;
        eprintln!("s3scope: demo server stopped");
        server.shutdown().await;
        return Ok(());
    }
    let profile = demo_profile(&server.endpoint, &access_key, &secret_key)?;
    let clients = Clients::new(&profile).await?;
    let banner = format!(
        "demo: embedded S3 at {} over {}",
        server.endpoint,
        dir.display()
    );
    let mut config = config;
    if config.file.segregate.rules.is_empty() {
        // The Segregate pane opens on the seed's example rule for the demo's CDR bucket.
        config
            .file
            .segregate
            .rules
            .push(s3scope_core::segregate::spec::demo_rule());
    }
    // The Usage pane reads the demo's access logs and writes its summary into the demo dir.
    let demo = config
        .file
        .profiles
        .entry(profile.name.clone())
        .or_default();
    demo.usage
        .get_or_insert_with(|| s3scope_core::config::UsageSection {
            source: Some("access-logs".into()),
            log_bucket: Some("demo-logs".into()),
            period: Some("7d".into()),
            results_dir: Some(dir.join("results")),
            backup_dir: Some(dir.join("backups")),
            ..Default::default()
        });
    let result = open_tui(clients, config, Some(banner)).await;
    server.shutdown().await;
    result
}

/// Opens the TUI; keymap errors in the config are configuration errors (exit 2).
pub async fn open_tui(
    clients: Clients,
    config: Config,
    banner: Option<String>,
) -> Result<(), CliError> {
    s3scope_tui::Keymap::from_config(&config.file.keymap)
        .map_err(|e| CliError::Usage(format!("[keymap] in the config file: {e}")))?;
    s3scope_tui::run(s3scope_tui::TuiContext {
        clients,
        config,
        banner,
    })
    .await
    .map_err(|e| CliError::Runtime(e.to_string()))
}

/// The profile pointing at the embedded server.
pub fn demo_profile(
    endpoint: &str,
    access_key: &str,
    secret_key: &str,
) -> Result<Profile, CliError> {
    let endpoint = url::Url::parse(endpoint).map_err(|e| CliError::Runtime(e.to_string()))?;
    Ok(Profile {
        name: "demo".into(),
        endpoint: Some(endpoint),
        region: Some(REGION.into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: access_key.into(),
            secret_access_key: Secret::new(secret_key),
            origin: "demo".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: false,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(30),
        max_attempts: 2,
    })
}

/// Keys of a demo directory: random on first use, kept in the directory (mode 0600) so a
/// reused `--dir` keeps working with profiles pasted earlier.
fn demo_keys(dir: &Path) -> Result<(String, String), CliError> {
    let path: PathBuf = dir.join(KEYS_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            CliError::Runtime(format!(
                "{}: {e}; delete it to get new keys",
                path.display()
            ))
        })?;
        if let (Some(a), Some(s)) = (v["access_key"].as_str(), v["secret_key"].as_str()) {
            return Ok((a.to_string(), s.to_string()));
        }
    }
    use rand::Rng;
    use rand::distr::Alphanumeric;
    let mut rng = rand::rng();
    let mut word = |n: usize| -> String {
        (&mut rng)
            .sample_iter(Alphanumeric)
            .take(n)
            .map(char::from)
            .collect()
    };
    let access = format!("DEMO{}", word(16).to_ascii_uppercase());
    let secret = word(40);
    let body = serde_json::json!({"access_key": access, "secret_key": secret}).to_string();
    s3scope_core::fsutil::write_atomic(&path, body.as_bytes(), Some(0o600))?;
    Ok((access, secret))
}

fn print_serve_banner(endpoint: &str, ak: &str, sk: &str, dir: &Path) {
    println!("# s3scope demo: embedded S3 server over {}", dir.display());
    println!("# paste into a shell, then use s3scope, aws, rclone or s3cmd against it:");
    println!("export AWS_ENDPOINT_URL={endpoint}");
    println!("export AWS_ACCESS_KEY_ID={ak}");
    println!("export AWS_SECRET_ACCESS_KEY={sk}");
    println!("export AWS_REGION={REGION}");
    println!();
    println!("# or as a profile in ~/.config/s3scope/config.toml:");
    println!("[profiles.demo]");
    println!("endpoint = \"{endpoint}\"");
    println!("region = \"{REGION}\"");
    println!("path_style = true");
    println!("access_key_id = \"{ak}\"");
    println!("secret_access_key = \"{sk}\"");
    println!();
    println!("# serving until Ctrl-C");
    use std::io::Write;
    let _ = std::io::stdout().flush();
}

/// Declares demo-archive's daily inventory configuration (PutBucketInventoryConfiguration; the
/// embedded server keeps it in memory), so that its report is found as on AWS.
async fn register_inventory(
    endpoint: &str,
    access_key: &str,
    secret_key: &str,
) -> Result<(), CliError> {
    use super::demo_inventory::{CONFIG_ID, DESTINATION, PREFIX, SOURCE};
    use aws_sdk_s3::types::{
        InventoryConfiguration, InventoryDestination, InventoryFormat, InventoryFrequency,
        InventoryIncludedObjectVersions, InventoryS3BucketDestination, InventorySchedule,
    };
    let profile = demo_profile(endpoint, access_key, secret_key)?;
    let clients = Clients::new(&profile).await?;
    let build = |e: aws_sdk_s3::error::BuildError| {
        CliError::Runtime(format!("demo inventory configuration: {e}"))
    };
    let destination = InventoryS3BucketDestination::builder()
        .bucket(format!("arn:aws:s3:::{DESTINATION}"))
        .prefix(PREFIX.trim_end_matches('/'))
        .format(InventoryFormat::Parquet)
        .build()
        .map_err(build)?;
    let config = InventoryConfiguration::builder()
        .id(CONFIG_ID)
        .is_enabled(true)
        .included_object_versions(InventoryIncludedObjectVersions::Current)
        .destination(
            InventoryDestination::builder()
                .s3_bucket_destination(destination)
                .build(),
        )
        .schedule(
            InventorySchedule::builder()
                .frequency(InventoryFrequency::Daily)
                .build()
                .map_err(build)?,
        )
        .build()
        .map_err(build)?;
    clients
        .s3()
        .put_bucket_inventory_configuration()
        .bucket(SOURCE)
        .id(CONFIG_ID)
        .inventory_configuration(config)
        .send()
        .await
        .map_err(|e| {
            s3scope_core::s3::error::S3Error::classify(
                &e,
                endpoint,
                "PutBucketInventoryConfiguration",
                SOURCE,
            )
        })?;
    Ok(())
}
