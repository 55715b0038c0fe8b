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
    /// `?token=` is accepted besides the header (`[serve] allow_query_token`).
    query_token: bool,
}

/// How a request presented its token.
enum Presented {
    Valid,
    /// A `?token=` while `allow_query_token` is off: said, so the script's owner knows why.
    QueryRefused,
    Missing,
}

impl Handler {
    pub fn new(cache: Arc<Cache>, token: &str, query_token: bool) -> Self {
        Self {
            cache,
            token: token.as_bytes().to_vec(),
            query_token,
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
        match self.authorized(req) {
            Presented::Valid => {}
            Presented::Missing => return unauthorized(status(StatusCode::UNAUTHORIZED)),
            Presented::QueryRefused => {
                return unauthorized(text(
                    StatusCode::UNAUTHORIZED,
                    "?token= is not accepted (it ends up in proxy logs): send \
                     `Authorization: Bearer <token>`, or set [serve] allow_query_token = true\n",
                ));
            }
        }
        match path {
            "/" => match seed_format(req.uri().query()) {
                Some(SeedFormat::Json) => {
                    ok(self.cache.get().seed_json.clone(), "application/json")
                }
                Some(SeedFormat::Tsv) => ok(
                    self.cache.get().seed_tsv.clone(),
                    "text/tab-separated-values; charset=utf-8",
                ),
                None => text(
                    StatusCode::BAD_REQUEST,
                    "fmt must be json or tsv (e.g. /?fmt=tsv)\n",
                ),
            },
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

    fn authorized<B>(&self, req: &Request<B>) -> Presented {
        if let Some(value) = req.headers().get(AUTHORIZATION) {
            let bytes = value.as_bytes();
            let given = bytes
                .strip_prefix(b"Bearer ")
                .or_else(|| bytes.strip_prefix(b"bearer "));
            return match given {
                Some(g) if self.matches(g) => Presented::Valid,
                _ => Presented::Missing,
            };
        }
        let query = req.uri().query().unwrap_or_default().as_bytes();
        let Some((_, given)) = url::form_urlencoded::parse(query).find(|(k, _)| k == "token")
        else {
            return Presented::Missing;
        };
        if !self.query_token {
            return Presented::QueryRefused;
        }
        if self.matches(given.as_bytes()) {
            Presented::Valid
        } else {
            Presented::Missing
        }
    }

    /// Equal lengths are compared without early exit; only the length can leak.
    fn matches(&self, given: &[u8]) -> bool {
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

fn unauthorized(mut r: Response<Body>) -> Response<Body> {
    r.headers_mut()
        .insert("www-authenticate", HeaderValue::from_static("Bearer"));
    r
}

enum SeedFormat {
    Json,
    Tsv,
}

/// The seed's `fmt=json|tsv` at `/`; json when absent (the seed's default).
fn seed_format(query: Option<&str>) -> Option<SeedFormat> {
    let mut format = SeedFormat::Json;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if k == "fmt" {
            format = match v.as_ref() {
                "json" => SeedFormat::Json,
                "tsv" => SeedFormat::Tsv,
                _ => return None,
            };
        }
    }
    Some(format)
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
