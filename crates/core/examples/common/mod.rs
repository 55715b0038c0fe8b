//! Shared by the examples: the embedded S3 store, seeded with the demo data, and a profile for it.

use s3scope_core::config::{self, Config, Overrides};
use s3scope_core::s3::client::Clients;
use s3scope_store::{EmbeddedServer, ServerOptions, seed};
use std::error::Error;

/// The demo store on 127.0.0.1 over `dir`, seeded, and the clients of a profile that points at
/// it, resolved from TOML as `config.toml` would give it.
pub async fn demo_store(
    dir: &std::path::Path,
) -> Result<(EmbeddedServer, Clients), Box<dyn Error>> {
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.to_path_buf(),
        port: 0,
        access_key: "example".into(),
        secret_key: "example-secret".into(),
        region: "us-east-1".into(),
    })
    .await?;
    let store = server.store();
    tokio::task::spawn_blocking(move || seed(&store)).await??;
    let toml = format!(
        "default_profile = \"demo\"\n[profiles.demo]\nendpoint = \"{}\"\nregion = \"us-east-1\"\n\
         access_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
        server.endpoint, server.access_key, server.secret_key
    );
    let file = config::parse(&toml).map_err(|(line, msg)| format!("line {line}: {msg}"))?;
    let config = Config { path: None, file };
    let profile = config.profile(&Overrides::default())?;
    let clients = Clients::new(&profile).await?;
    Ok((server, clients))
}
