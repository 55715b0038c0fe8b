//! The policy wired into the AWS SDK clients: retry config and classifier, a retry partition
//! without the retry quota, and the HTTP client behind the adaptive limiter.
//!
//! The SDK's standard strategy keeps a retry quota per partition (a token bucket of 500, 5-14
//! tokens per retry). Its permits are kept on the client-wide strategy, so concurrent requests
//! forget each other's: at concurrency 32 and a 13% fault rate the bucket empties after ~700
//! requests and every later failure is final at once (awslabs/aws-sdk-rust#1234 put the bucket
//! back in aws-smithy-runtime 1.7.7). Each profile gets its own partition with an unlimited
//! bucket instead; attempts are bounded by `max_attempts` and the load by the limiter.

use super::limiter::{Limiter, Signal};
use crate::config::S3Settings;
use aws_sdk_s3::config::retry::{RetryConfig, RetryPartition, TokenBucket};
use aws_smithy_http_client::{ConnectorBuilder, proxy::ProxyConfig, tls};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::ErrorKind;
use std::sync::Arc;

/// The SDK's retry settings: standard mode (adaptive slowing is the [`Limiter`]'s job).
pub fn retry_config(s: &S3Settings) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(s.max_attempts)
        .with_initial_backoff(s.initial_backoff)
        .with_max_backoff(s.max_backoff)
}

/// A partition of its own, without the retry quota (see the module comment).
pub fn partition(name: &'static str) -> RetryPartition {
    RetryPartition::custom(name)
        .token_bucket(TokenBucket::unlimited())
        .build()
}

/// Runs after the SDK's classifiers: 429 and 5xx error codes in a 200 answer retry; a refused
/// connection, an unknown host or a TLS failure do not (the endpoint or CA is wrong: fail now).
#[derive(Debug, Default)]
pub struct Classifier;

impl ClassifyRetry for Classifier {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        if let Some(conn) = error.as_connector_error()
            && super::is_setup_failure(conn)
        {
            return RetryAction::RetryForbidden;
        }
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        if response.status().as_u16() == 429 {
            return RetryAction::throttling_error();
        }
        // The error code of the answer's body (S3 XML, awsQuery XML or JSON), whatever the
        // status: S3 can answer 200 with an <Error> inside.
        let code = response
            .body()
            .bytes()
            .map(|b| crate::s3::rgw::error_code(b).0);
        match code.as_deref().and_then(super::code_transience) {
            Some(super::Transience::Throttled) => RetryAction::throttling_error(),
            Some(super::Transience::Transient) => {
                RetryAction::retryable_error(ErrorKind::ServerError)
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "s3scope retry classifier"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// The HTTPS client of a profile: rustls (aws-lc) with the profile's CA bundle if any, the
/// standard proxy variables, and the adaptive limiter in front when there is one.
pub fn http_client(
    tls: Option<tls::TlsContext>,
    limiter: Option<Arc<Limiter>>,
) -> SharedHttpClient {
    let inner = aws_smithy_http_client::Builder::new().build_with_connector_fn(
        move |settings, components| {
            let mut b = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ));
            if let Some(ctx) = &tls {
                b.set_tls_context(ctx.clone());
            }
            b.set_connector_settings(settings.cloned());
            if let Some(c) = components {
                b.set_sleep_impl(c.sleep_impl());
            }
            b.set_proxy_config(Some(ProxyConfig::from_env()));
            b.build()
        },
    );
    let inner = crate::s3::proxy::named(inner);
    match limiter {
        Some(limiter) => SharedHttpClient::new(Limited { inner, limiter }),
        None => inner,
    }
}

#[derive(Debug)]
struct Limited {
    inner: SharedHttpClient,
    limiter: Arc<Limiter>,
}

impl HttpClient for Limited {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(LimitedConnector {
            inner: self.inner.http_connector(settings, components),
            limiter: Arc::clone(&self.limiter),
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
struct LimitedConnector {
    inner: SharedHttpConnector,
    limiter: Arc<Limiter>,
}

impl HttpConnector for LimitedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let limiter = Arc::clone(&self.limiter);
        HttpConnectorFuture::new(async move {
            let permit = limiter.acquire().await;
            let answer = inner.call(request).await;
            let signal = match &answer {
                Ok(r) if matches!(r.status().as_u16(), 429 | 503) => Signal::Throttled,
                Ok(_) => Signal::Success,
                Err(_) => Signal::Neutral,
            };
            permit.finish(signal);
            answer
        })
    }
}
