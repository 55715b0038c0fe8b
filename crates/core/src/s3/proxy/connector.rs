//! The SDK's HTTP client wrapped so that a failure through a proxy names the proxy and its variable.

use super::{ProxyFailure, Route, decide, target_of};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;

/// Header put on answers that came back through a plain-HTTP proxy (`PROXY VAR`), so that
/// a bare 5xx the proxy wrote itself can be told from one of the service.
pub const VIA_PROXY_HEADER: &str = "x-s3scope-via-proxy";

/// `inner` with proxy-naming errors.
pub fn named(inner: SharedHttpClient) -> SharedHttpClient {
    SharedHttpClient::new(Named { inner })
}

#[derive(Debug)]
struct Named {
    inner: SharedHttpClient,
}

impl HttpClient for Named {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(NamedConnector {
            inner: self.inner.http_connector(settings, components),
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct NamedConnector {
    inner: SharedHttpConnector,
}

impl HttpConnector for NamedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let url = url::Url::parse(request.uri()).ok();
        let future = self.inner.call(request);
        HttpConnectorFuture::new(async move {
            let answer = future.await;
            let Some(url) = url else {
                return answer;
            };
            match answer {
                Ok(mut response) => {
                    if url.scheme() == "http"
                        && let Route::Proxy(p) = decide(&url)
                    {
                        // The URL and the name are ASCII; a value refused is only a lost hint.
                        let _ = response
                            .headers_mut()
                            .try_insert(VIA_PROXY_HEADER, format!("{} {}", p.proxy, p.var));
                    }
                    Ok(response)
                }
                Err(e) => match decide(&url) {
                    Route::Proxy(p) => Err(rewrap(e, |cause| -> BoxError {
                        Box::new(ProxyFailure::new(p, target_of(&url), cause))
                    })),
                    Route::Direct(_) => Err(e),
                },
            }
        })
    }
}

/// The same kind of connector error (the retry logic reads it) around a new cause.
fn rewrap(e: ConnectorError, wrap: impl FnOnce(BoxError) -> BoxError) -> ConnectorError {
    let (timeout, io, user, other) = (e.is_timeout(), e.is_io(), e.is_user(), e.as_other());
    let source = wrap(e.into_source());
    if timeout {
        ConnectorError::timeout(source)
    } else if io {
        ConnectorError::io(source)
    } else if user {
        ConnectorError::user(source)
    } else {
        ConnectorError::other(source, other)
    }
}
