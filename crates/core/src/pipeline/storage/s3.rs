//! S3 storage under `s3://bucket/prefix`: PutObject, or a multipart upload above a threshold
//! (aborted on failure, so no parts are left behind); downloads go to a temporary file.

use crate::pipeline::PipelineError;
use crate::s3::client::Clients;
use crate::s3::error::S3Error;
use crate::s3::location::S3Location;
use crate::s3::retry::{self, RetryPolicy, Transience};
use crate::s3::write::Writer;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use std::io::Write;
use tokio::io::{AsyncRead, AsyncReadExt};

#[derive(Clone)]
pub struct S3Storage {
    /// Reads.
    client: Client,
    /// Writes: the same client, or why the profile may not write (read-only).
    writer: Result<Writer, S3Error>,
    bucket: String,
    /// Empty or ending in `/`.
    prefix: String,
    endpoint: String,
    threshold: usize,
}

impl S3Storage {
    /// Objects larger than this are uploaded in parts of this size.
    pub const DEFAULT_MULTIPART_THRESHOLD: usize = 64 * 1024 * 1024;
    /// S3's smallest part (all but the last).
    pub const MIN_PART: usize = 5 * 1024 * 1024;

    pub async fn new(clients: &Clients, loc: &S3Location) -> Result<Self, PipelineError> {
        let base = clients.s3_for_bucket(&loc.bucket).await?;
        // Checksums only where S3 requires them: older gateways (Ceph 16) reject the SDK's
        // default trailing CRC checksums on uploads.
        let conf = base
            .config()
            .to_builder()
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        let trimmed = loc.key.trim_matches('/');
        let client = Client::from_conf(conf);
        let action = format!("writing to s3://{}/{}", loc.bucket, loc.key);
        Ok(Self {
            writer: Writer::new(client.clone(), clients.profile(), &action).map_err(S3Error::from),
            client,
            bucket: loc.bucket.clone(),
            prefix: if trimmed.is_empty() {
                String::new()
            } else {
                format!("{trimmed}/")
            },
            endpoint: clients.endpoint_label(),
            threshold: Self::DEFAULT_MULTIPART_THRESHOLD,
        })
    }

    /// The same bucket and connection, rooted at `<prefix><dir>/`.
    pub fn child(&self, dir: &str) -> Self {
        let mut c = self.clone();
        c.prefix = format!("{}{}/", self.prefix, dir.trim_matches('/'));
        c
    }

    /// Uploads above `bytes` (at least 5 MiB) use multipart, in parts of that size.
    pub fn with_multipart_threshold(mut self, bytes: usize) -> Self {
        self.threshold = bytes.max(Self::MIN_PART);
        self
    }

    /// The client for writes; refused (nothing sent) when the profile is read-only.
    pub(super) fn writer(&self) -> Result<&Client, PipelineError> {
        match &self.writer {
            Ok(w) => Ok(w.s3()),
            Err(e) => Err(PipelineError::S3(e.clone())),
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn url_of(&self, name: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.key(name))
    }

    fn err<E, R>(&self, op: &str, e: &aws_sdk_s3::error::SdkError<E, R>) -> PipelineError
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        PipelineError::S3(S3Error::classify(e, &self.endpoint, op, &self.bucket))
    }

    pub(super) async fn put_stream<R: AsyncRead + Unpin + Send>(
        &self,
        name: &str,
        mut reader: R,
    ) -> Result<(), PipelineError> {
        let client = self.writer()?;
        let key = self.key(name);
        let first = read_up_to(&mut reader, self.threshold + 1, &self.url_of(name)).await?;
        if first.len() <= self.threshold {
            client
                .put_object()
                .bucket(&self.bucket)
                .key(&key)
                .body(ByteStream::from(first))
                .send()
                .await
                .map_err(|e| self.err("PutObject", &e))?;
            return Ok(());
        }
        let created = client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| self.err("CreateMultipartUpload", &e))?;
        let upload_id = created.upload_id().unwrap_or_default().to_string();
        let result = self
            .upload_parts(&key, &upload_id, first, &mut reader)
            .await;
        if result.is_err() {
            let _ = client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(&key)
                .upload_id(&upload_id)
                .send()
                .await;
        }
        result
    }

    async fn upload_parts<R: AsyncRead + Unpin + Send>(
        &self,
        key: &str,
        upload_id: &str,
        mut pending: Vec<u8>,
        reader: &mut R,
    ) -> Result<(), PipelineError> {
        let mut parts = Vec::new();
        let mut number = 1;
        let mut total = 0u64;
        loop {
            let more = read_up_to(reader, self.threshold, key).await?;
            pending.extend_from_slice(&more);
            let last = more.is_empty();
            while pending.len() >= self.threshold || (last && !pending.is_empty()) {
                let take = pending.len().min(self.threshold);
                let rest = pending.split_off(take);
                let body = std::mem::replace(&mut pending, rest);
                total += body.len() as u64;
                let out = self
                    .writer()?
                    .upload_part()
                    .bucket(&self.bucket)
                    .key(key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .body(ByteStream::from(body))
                    .send()
                    .await
                    .map_err(|e| self.err("UploadPart", &e))?;
                parts.push(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(out.e_tag().map(str::to_string))
                        .build(),
                );
                number += 1;
            }
            if last {
                break;
            }
        }
        let count = parts.len();
        let completed = self
            .writer()?
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await;
        match completed {
            Ok(_) => Ok(()),
            // Retried after a first attempt that completed it (the answer was lost): the
            // upload is gone because it is the object now.
            Err(e)
                if e.as_service_error().and_then(ProvideErrorMetadata::code)
                    == Some("NoSuchUpload")
                    && self.is_upload(key, total, count).await =>
            {
                Ok(())
            }
            Err(e) => Err(self.err("CompleteMultipartUpload", &e)),
        }
    }

    /// Whether `key` is a multipart object of `parts` parts and `size` bytes.
    async fn is_upload(&self, key: &str, size: u64, parts: usize) -> bool {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send();
        match head.await {
            Ok(h) => {
                h.content_length().and_then(|n| u64::try_from(n).ok()) == Some(size)
                    && h.e_tag()
                        .is_some_and(|t| t.trim_matches('"').ends_with(&format!("-{parts}")))
            }
            Err(_) => false,
        }
    }

    /// Downloads `name` into a temporary file; a download that breaks off after the answer
    /// started (which the SDK cannot retry) starts again, up to the client's attempts.
    pub(super) async fn get(&self, name: &str) -> Result<tempfile::TempPath, PipelineError> {
        let url = self.url_of(name);
        let policy = RetryPolicy::of_client(&self.client);
        let attempt = |_| self.get_once(name);
        let classify = |e: &Fetch| match e {
            Fetch::Body(_) => Transience::Transient,
            Fetch::Final(_) => Transience::Permanent,
        };
        retry::run(&policy, None, &url, attempt, classify)
            .await
            .map_err(|e| match e {
                Fetch::Body(e) | Fetch::Final(e) => e,
            })
    }

    async fn get_once(&self, name: &str) -> Result<tempfile::TempPath, Fetch> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.key(name))
            .send()
            .await
            .map_err(|e| {
                Fetch::Final(
                    if e.as_service_error().is_some_and(|s| s.is_no_such_key()) {
                        PipelineError::Other(format!("{} is missing", self.url_of(name)))
                    } else {
                        self.err("GetObject", &e)
                    },
                )
            })?;
        let io = |what: &'static str| move |e| Fetch::Final(PipelineError::io(what)(e));
        let mut tmp = tempfile::Builder::new()
            .prefix("s3scope-get-")
            .tempfile()
            .map_err(io("cannot create a temporary file"))?;
        let mut body = out.body;
        while let Some(chunk) = body.try_next().await.map_err(|e| {
            Fetch::Body(PipelineError::Other(format!(
                "reading {}: {e}",
                self.url_of(name)
            )))
        })? {
            tmp.write_all(&chunk)
                .map_err(io("cannot write a temporary file"))?;
        }
        tmp.flush().map_err(io("cannot write a temporary file"))?;
        Ok(tmp.into_temp_path())
    }

    pub(super) async fn exists(&self, name: &str) -> Result<bool, PipelineError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(self.key(name))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
            Err(e) => Err(self.err("HeadObject", &e)),
        }
    }

    pub(super) async fn remove(&self, name: &str) -> Result<(), PipelineError> {
        self.writer()?
            .delete_object()
            .bucket(&self.bucket)
            .key(self.key(name))
            .send()
            .await
            .map_err(|e| self.err("DeleteObject", &e))?;
        Ok(())
    }

    /// Every object under `prefix` (relative to the root), as relative names.
    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<String>, PipelineError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let resp = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(self.key(prefix))
                .set_continuation_token(token.clone())
                .send()
                .await
                .map_err(|e| self.err("ListObjectsV2", &e))?;
            for o in resp.contents() {
                if let Some(rel) = o.key().and_then(|k| k.strip_prefix(&self.prefix)) {
                    out.push(rel.to_string());
                }
            }
            token = resp.next_continuation_token().map(str::to_string);
            if resp.is_truncated() != Some(true) || token.is_none() {
                return Ok(out);
            }
        }
    }
}

/// Reads until `limit` bytes or the end of the stream.
async fn read_up_to<R: AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
    what: &str,
) -> Result<Vec<u8>, PipelineError> {
    let mut buf = Vec::with_capacity(limit.min(8 * 1024 * 1024));
    let mut limited = reader.take(limit as u64);
    limited
        .read_to_end(&mut buf)
        .await
        .map_err(PipelineError::io(format!(
            "cannot read the data for {what}"
        )))?;
    Ok(buf)
}

/// A failed download: the body broke off (worth another attempt), or anything else.
enum Fetch {
    Body(PipelineError),
    Final(PipelineError),
}

impl std::fmt::Display for Fetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Body(e) | Self::Final(e) => e.fmt(f),
        }
    }
}
