//! Request handling: routing, bearer-token check in constant time, GET/HEAD only, request
//! logs without secrets. Bodies come ready-made from the cache; nothing here calls S3.

use super::cache::{Cache, TableFormat};
use super::metrics::Exposition;
use bytes::Bytes;
use http::header::{ACCEPT, ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use std::sync::Arc;
use std::time::Instant;
use subtle::ConstantTimeEq;

pub type Body = Full<Bytes>;

/// What every request needs: the cache and the expected token.
pub struct Handler {
    pub cache: Arc<Cache>,
    token: Vec<u8>,
}

impl Handler {
    pub fn new(cache: Arc<Cache>, token: &str) -> Self {
        Self {
            cache,
            token: token.as_bytes().to_vec(),
        }
    }

    /// Answers one request and logs method, path (never the query or headers) and status.
    pub fn handle<B>(&self, req: &Request<B>) -> Response<Body> {
        let started = Instant::now();
        let resp = self.route(req);
        tracing::info!(
            method = %req.method(),
            path = req.uri().path(),
            status = resp.status().as_u16(),
            micros = started.elapsed().as_micros() as u64,
            "serve request"
        );
        if req.method() == Method::HEAD {
            let (parts, _) = resp.into_parts();
            return Response::from_parts(parts, Body::default());
        }
        resp
    }

    fn route<B>(&self, req: &Request<B>) -> Response<Body> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            let mut r = status(StatusCode::METHOD_NOT_ALLOWED);
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        if has_body(req) {
            return status(StatusCode::PAYLOAD_TOO_LARGE);
        }
        let path = req.uri().path();
        if path == "/healthz" {
            return self.healthz();
        }
        if !self.authorized(req) {
            let mut r = status(StatusCode::UNAUTHORIZED);
            r.headers_mut()
                .insert("www-authenticate", HeaderValue::from_static("Bearer"));
            return r;
        }
        match path {
            "/metrics" => {
                let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
                let format = Exposition::negotiate(accept);
                let bodies = self.cache.get();
                let body = match format {
                    Exposition::Prometheus => bodies.prometheus.clone(),
                    Exposition::OpenMetrics => bodies.openmetrics.clone(),
                };
                ok(body, format.content_type())
            }
            "/api/buckets" => match table_format(req.uri().query()) {
                Some(f) => {
                    let ct = match f {
                        TableFormat::Json => "application/json",
                        TableFormat::Csv => "text/csv; charset=utf-8",
                        TableFormat::Tsv => "text/tab-separated-values; charset=utf-8",
                    };
                    ok(self.cache.get().table(f), ct)
                }
                None => text(
                    StatusCode::BAD_REQUEST,
                    "fmt must be json, csv or tsv (e.g. /api/buckets?fmt=csv)\n",
                ),
            },
            _ => status(StatusCode::NOT_FOUND),
        }
    }

    /// 200 when the last refresh succeeded; 503 before the first one and after a failure,
    /// saying since when the served data is. No error detail: this endpoint needs no token.
    fn healthz(&self) -> Response<Body> {
        let snap = &self.cache.get().snapshot;
        let since = snap
            .refreshed_at
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        match (snap.healthy(), since) {
            (true, Some(t)) => {
                // The bucket table is what health means; a usage summary that cannot be read
                // is said, not fatal (its reason is in s3scope's log, not on this open endpoint).
                let usage = match &snap.usage {
                    Some(u) if u.error.is_some() => {
                        "; usage summary not read, older counters served"
                    }
                    _ => "",
                };
                text(StatusCode::OK, &format!("ok: data from {t}{usage}\n"))
            }
            (_, None) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "starting: no data read yet\n",
            ),
            (false, Some(t)) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("stale: the last refresh failed; serving data from {t}\n"),
            ),
        }
    }

    fn authorized<B>(&self, req: &Request<B>) -> bool {
        let Some(value) = req.headers().get(AUTHORIZATION) else {
            return false;
        };
        let bytes = value.as_bytes();
        let Some(given) = bytes
            .strip_prefix(b"Bearer ")
            .or_else(|| bytes.strip_prefix(b"bearer "))
        else {
            return false;
        };
        // Equal lengths are compared without early exit; only the length can leak.
        given.ct_eq(&self.token).into()
    }
}

/// GET and HEAD carry no body here; one announced is refused without being read.
fn has_body<B>(req: &Request<B>) -> bool {
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0");
    announced || req.headers().contains_key(http::header::TRANSFER_ENCODING)
}

/// `fmt=json|csv|tsv` from the query; json when absent.
fn table_format(query: Option<&str>) -> Option<TableFormat> {
    let mut format = TableFormat::Json;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if k == "fmt" {
            format = match v.as_ref() {
                "json" => TableFormat::Json,
                "csv" => TableFormat::Csv,
                "tsv" => TableFormat::Tsv,
                _ => return None,
            };
        }
    }
    Some(format)
}

fn ok(body: Bytes, content_type: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::new(body));
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn text(code: StatusCode, message: &str) -> Response<Body> {
    let mut r = ok(
        Bytes::from(message.to_string()),
        "text/plain; charset=utf-8",
    );
    *r.status_mut() = code;
    r
}

/// A status with an empty body: nothing about why, nothing about what exists.
fn status(code: StatusCode) -> Response<Body> {
    let mut r = Response::new(Body::default());
    *r.status_mut() = code;
    r
}
