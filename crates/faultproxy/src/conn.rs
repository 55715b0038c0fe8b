//! Accepted connections: served by hyper, each with a duplicate of its socket kept aside so that
//! a fault can end it with a TCP RST (SO_LINGER 0, then every descriptor closed).

use crate::forward::{self, Body, Ctx};
use http::Response;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::Interest;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// One client connection, as the requests on it see it.
pub struct Conn {
    /// The same socket as hyper's (a dup of its descriptor).
    socket: std::net::TcpStream,
    kill: Notify,
}

impl Conn {
    /// Resets the connection: the requests on it never get an answer.
    pub async fn reset(&self) -> Response<Body> {
        if let Err(err) = socket2::SockRef::from(&self.socket).set_linger(Some(Duration::ZERO)) {
            eprintln!("faultproxy: cannot set SO_LINGER 0, the close will not be a reset: {err}");
        }
        self.close().await
    }

    /// Closes the connection (its client is gone): the requests on it are dropped.
    pub async fn close(&self) -> Response<Body> {
        self.kill.notify_one();
        std::future::pending().await
    }

    /// Resolves when the client closed its side of the connection, even while hyper has not
    /// read all it sent (a held request's body): the peer's FIN or RST is watched for on a
    /// duplicate of the socket. Never resolves when the socket cannot be watched.
    pub async fn client_gone(&self) {
        let watched = self.socket.try_clone().and_then(TcpStream::from_std);
        let Ok(dup) = watched else {
            return std::future::pending().await;
        };
        loop {
            let Ok(ready) = dup.ready(Interest::READABLE).await else {
                return std::future::pending().await;
            };
            if ready.is_read_closed() {
                return;
            }
            // Data for hyper, not ours to read: forget this readiness and wait for the next
            // event (edge-triggered).
            let _ = dup.try_io(Interest::READABLE, || {
                Err::<(), _>(std::io::ErrorKind::WouldBlock.into())
            });
        }
    }
}

/// Accepts connections until `stop` (or until the task is aborted); then ends every connection
/// and returns once they are all gone.
pub async fn serve(listener: TcpListener, ctx: Arc<Ctx>, stop: Arc<Notify>) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            () = stop.notified() => break,
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        match accepted {
            Ok((stream, _)) => {
                connections.spawn(connection(stream, Arc::clone(&ctx)));
            }
            Err(err) => {
                // Out of descriptors and the like: the next accept may work again.
                eprintln!("faultproxy: cannot accept a connection: {err}");
                tokio::task::yield_now().await;
            }
        }
    }
    connections.shutdown().await;
}

async fn connection(stream: TcpStream, ctx: Arc<Ctx>) {
    let _ = stream.set_nodelay(true);
    let (stream, socket) = match split(stream) {
        Ok(pair) => pair,
        Err(err) => {
            eprintln!("faultproxy: cannot duplicate a connection's socket: {err}");
            return;
        }
    };
    let conn = Arc::new(Conn {
        socket,
        kill: Notify::new(),
    });
    let service = {
        let conn = Arc::clone(&conn);
        service_fn(move |req| forward::handle(Arc::clone(&ctx), Arc::clone(&conn), req))
    };
    let served = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = served => {}
        () = conn.kill.notified() => {}
    }
    // hyper's descriptor is closed with `served`; closing the last one (ours) sends the RST.
    drop(conn);
}

/// The stream for hyper and a duplicate of its socket.
fn split(stream: TcpStream) -> std::io::Result<(TcpStream, std::net::TcpStream)> {
    let std = stream.into_std()?;
    let dup = std.try_clone()?;
    Ok((TcpStream::from_std(std)?, dup))
}
