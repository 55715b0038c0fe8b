//! The embedded S3 server: the store behind SigV4-checked s3s, served by hyper on 127.0.0.1.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

use super::Store;
use super::s3::DemoS3;
use crate::DemoError;

/// How to start an [`EmbeddedServer`].
#[derive(Clone)]
pub struct ServerOptions {
    /// Where the store keeps its data (created if missing; reopened with its data if not).
    pub dir: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    pub access_key: String,
    pub secret_key: String,
    /// Reported by GetBucketLocation; clients must sign for it.
    pub region: String,
}

impl fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerOptions")
            .field("dir", &self.dir)
            .field("port", &self.port)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("region", &self.region)
            .finish()
    }
}

/// A running S3 server on 127.0.0.1, stopped by [`EmbeddedServer::shutdown`] or on drop.
/// Only `shutdown` waits until the store directory is released for another server.
pub struct EmbeddedServer {
    /// `http://127.0.0.1:PORT`, for path-style clients.
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    pub region: String,
    store: Arc<Store>,
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for EmbeddedServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedServer")
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("region", &self.region)
            .field("dir", &self.store.dir())
            .finish()
    }
}

impl EmbeddedServer {
    /// Opens the store in `opts.dir` and serves it on `127.0.0.1:opts.port` until shut down.
    pub async fn start(opts: ServerOptions) -> Result<EmbeddedServer, DemoError> {
        let dir = opts.dir.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(dir))
            .await
            .map_err(|err| DemoError::io("open", &opts.dir)(std::io::Error::other(err)))??;
        let store = Arc::new(store);
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port)))
            .await
            .map_err(|source| DemoError::Bind {
                port: opts.port,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| DemoError::Bind {
            port: opts.port,
            source,
        })?;

        let mut builder =
            S3ServiceBuilder::new(DemoS3::new(Arc::clone(&store), opts.region.clone()));
        builder.set_auth(SimpleAuth::from_single(
            opts.access_key.clone(),
            opts.secret_key.clone(),
        ));
        let service = builder.build();
        let stop = CancellationToken::new();
        let task = tokio::spawn(serve(listener, service, stop.clone()));
        tracing::info!(%address, dir = %opts.dir.display(), "embedded S3 server listening");
        Ok(EmbeddedServer {
            endpoint: format!("http://{address}"),
            access_key: opts.access_key,
            secret_key: opts.secret_key,
            region: opts.region,
            store,
            stop,
            task: Some(task),
        })
    }

    /// The store behind the server, for seeding and inspection without HTTP. The store
    /// directory stays locked until the server is shut down and every such handle dropped.
    pub fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store)
    }

    /// Stops accepting requests, ends open connections, flushes the store to disk and
    /// releases its directory.
    pub async fn shutdown(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take()
            && let Err(err) = task.await
        {
            tracing::warn!(%err, "the embedded S3 server task failed");
        }
        if let Err(err) = self.store.sync() {
            tracing::warn!(%err, "cannot flush the demo store to disk");
        }
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Accepts connections until `stop`, then closes them all and waits until they are gone.
async fn serve(listener: TcpListener, service: S3Service, stop: CancellationToken) {
    let http = ConnectionBuilder::new(TokioExecutor::new());
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            () = stop.cancelled() => break,
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) => {
                tracing::warn!(%err, "cannot accept a connection");
                continue;
            }
        };
        let connection = http
            .serve_connection(TokioIo::new(stream), service.clone())
            .into_owned();
        connections.spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection ended with an error");
            }
        });
    }
    connections.shutdown().await;
}
