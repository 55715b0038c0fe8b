//! One request through the proxy: counted, delayed, held, failed or forwarded unchanged (method,
//! path, every header, a streamed body) and its answer streamed back.

use crate::conn::Conn;
use crate::faults::Fate;
use crate::op::classify;
use crate::state::{Gate, Shared};
use bytes::Bytes;
use http::{Request, Response, StatusCode, Uri, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use std::convert::Infallible;
use std::sync::Arc;

/// Bodies of the proxy's answers: streamed from the upstream, or made here.
pub type Body = BoxBody<Bytes, hyper::Error>;

/// Reserved paths, answered by the proxy itself and never forwarded.
pub const RESERVED: &str = "/__faultproxy/";

/// What every connection shares.
pub struct Ctx {
    pub shared: Arc<Shared>,
    pub client: Client<HttpConnector, Incoming>,
    /// `http://host:port` of the upstream.
    pub upstream: String,
}

fn fixed(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()).map_err(|e| match e {}).boxed());
    *response.status_mut() = status;
    if let Ok(v) = header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

/// An S3 error answer.
fn s3_error(
    status: StatusCode,
    code: &str,
    message: &str,
    resource: &str,
    id: u64,
) -> Response<Body> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><Resource>{}</Resource><RequestId>faultproxy-{id}</RequestId></Error>",
        xml_escape(resource)
    );
    let mut response = fixed(status, "application/xml", body);
    if let Ok(v) = header::HeaderValue::from_str(&format!("faultproxy-{id}")) {
        response.headers_mut().insert("x-amz-request-id", v);
    }
    response
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The proxy's own endpoints: `GET /__faultproxy/counts`, `POST /__faultproxy/reset`.
fn reserved(shared: &Shared, req: &Request<Incoming>) -> Response<Body> {
    let what = req.uri().path().trim_start_matches(RESERVED);
    match (req.method().as_str(), what) {
        ("GET", "counts") => {
            let counts = shared.lock().counts.clone();
            match serde_json::to_vec(&counts) {
                Ok(json) => fixed(StatusCode::OK, "application/json", json),
                Err(e) => fixed(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/plain",
                    e.to_string(),
                ),
            }
        }
        ("POST", "reset") => {
            shared.counted(|c| *c = Default::default());
            fixed(StatusCode::NO_CONTENT, "text/plain", Bytes::new())
        }
        _ => fixed(
            StatusCode::NOT_FOUND,
            "text/plain",
            "faultproxy: use GET /__faultproxy/counts or POST /__faultproxy/reset\n",
        ),
    }
}

/// Holds a request until hold `hold` is released: true, or until its client is gone: false.
async fn held(ctx: &Ctx, conn: &Conn, hold: u64) -> bool {
    tokio::select! {
        () = ctx.shared.wait_released(hold) => true,
        () = conn.client_gone() => false,
    }
}

/// Handles one request of connection `conn`.
pub async fn handle(
    ctx: Arc<Ctx>,
    conn: Arc<Conn>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    if req.uri().path().starts_with(RESERVED) {
        return Ok(reserved(&ctx.shared, &req));
    }
    let op = classify(req.method(), req.uri(), req.headers());
    let (fate, delay, id) = ctx.shared.arrive(op);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let forwards = matches!(fate, Fate::Forward | Fate::ErrorAfter | Fate::ResetAfter);
    let upstream = loop {
        match ctx.shared.gate_before(op, forwards) {
            Gate::Held(hold) => {
                if !held(&ctx, &conn, hold).await {
                    return Ok(conn.close().await);
                }
            }
            Gate::Go(upstream) => break upstream,
        }
    };
    let path = req.uri().path().to_string();
    let Some(upstream) = upstream else {
        return Ok(match fate {
            Fate::Reset => {
                ctx.shared.counted(|c| c.resets += 1);
                conn.reset().await
            }
            _ => {
                ctx.shared.counted(|c| c.slowdowns += 1);
                s3_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "SlowDown",
                    "Please reduce your request rate.",
                    &path,
                    id,
                )
            }
        });
    };
    ctx.shared.counted(|c| c.forwarded += 1);
    let (mut parts, body) = req.into_parts();
    let target = format!(
        "{}{}",
        ctx.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    parts.uri = match target.parse::<Uri>() {
        Ok(uri) => uri,
        Err(e) => {
            return Ok(fixed(
                StatusCode::BAD_REQUEST,
                "text/plain",
                format!("faultproxy: bad request target: {e}\n"),
            ));
        }
    };
    let answer = match ctx.client.request(Request::from_parts(parts, body)).await {
        Ok(answer) => answer,
        Err(e) => {
            drop(upstream);
            return Ok(fixed(
                StatusCode::BAD_GATEWAY,
                "text/plain",
                format!(
                    "faultproxy: the upstream {} did not answer: {e}\n",
                    ctx.upstream
                ),
            ));
        }
    };
    let (head, body) = answer.into_parts();
    let body: Body = match fate {
        // The whole answer is read: the upstream finished the work before the fault.
        Fate::ErrorAfter | Fate::ResetAfter => match body.collect().await {
            Ok(all) => Full::new(all.to_bytes()).map_err(|e| match e {}).boxed(),
            Err(e) => {
                drop(upstream);
                return Ok(fixed(
                    StatusCode::BAD_GATEWAY,
                    "text/plain",
                    format!("faultproxy: the upstream answer broke off: {e}\n"),
                ));
            }
        },
        _ => body.boxed(),
    };
    if let Some(hold) = upstream.finish()
        && !held(&ctx, &conn, hold).await
    {
        return Ok(conn.close().await);
    }
    Ok(match fate {
        Fate::ErrorAfter => {
            ctx.shared.counted(|c| c.errors_after += 1);
            s3_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "We encountered an internal error. Please try again.",
                &path,
                id,
            )
        }
        Fate::ResetAfter => {
            ctx.shared.counted(|c| c.resets_after += 1);
            conn.reset().await
        }
        _ => Response::from_parts(head, body),
    })
}
