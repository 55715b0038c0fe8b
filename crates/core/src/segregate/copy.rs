//! Server-side copies that keep what the object is: CopyObject below the multipart threshold,
//! UploadPartCopy above it, both pinned to the planned ETag with `if-match`; then the target
//! is verified with HEAD before anything may delete the source.

use super::journal::{Journal, Record};
use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::{
    CompletedMultipartUpload, CompletedPart, MetadataDirective, StorageClass, TaggingDirective,
};
use futures::StreamExt as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Above this size CopyObject is refused by S3: copy in parts.
pub const MULTIPART_THRESHOLD: u64 = 5 * 1024 * 1024 * 1024;
/// Part size of multipart copies (S3: 5 MiB to 5 GiB, at most 10,000 parts).
pub const PART_SIZE: u64 = 512 * 1024 * 1024;
/// Parts of one object copied at the same time.
const PART_CONCURRENCY: usize = 8;

/// Characters kept as they are in an `x-amz-copy-source` key.
const COPY_SOURCE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Why one object was not moved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MoveFailure {
    #[error("the source changed since planning (its ETag is no longer {0}); make a new plan")]
    Changed(String),
    #[error("the source is gone (deleted since planning)")]
    SourceGone,
    #[error(
        "the source changed since planning (its ETag is no longer {planned}) and the server did not enforce if-match: {target} holds a copy of the new content; the source was kept, the next run finishes the move"
    )]
    ChangedUnguarded { planned: String, target: String },
    #[error("{0}")]
    S3(S3Error),
    #[error("the copy at {target} does not verify: {why}; the source was kept")]
    Verify { target: String, why: String },
    #[error("cannot write the journal: {0}; stopped before deleting the source")]
    Journal(String),
}

/// One object to copy.
#[derive(Debug, Clone)]
pub struct CopyJob<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    /// The planned ETag: the copy happens only if the source still has it.
    pub etag: Option<&'a str>,
    pub size: u64,
    pub storage_class: &'a str,
    pub target: &'a str,
}

/// How a copy is checked before its source may be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Read each target's size and ETag back from the server, batched: one LIST per window of
    /// copies and destination prefix; HEAD (with checksums) for what the listing cannot vouch for.
    #[default]
    List,
    /// HEAD each target: its size, and its ETag (or checksums) against the source's.
    Head,
    /// Trust the ETag in CopyObject's own answer when it equals the planned one (the MD5 of
    /// the bytes the server wrote); HEAD only when it does not (multipart, encrypted objects).
    CopyEtag,
}

/// Multipart settings (lowered in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartSettings {
    pub threshold: u64,
    pub part_size: u64,
}

impl Default for PartSettings {
    fn default() -> Self {
        Self {
            threshold: MULTIPART_THRESHOLD,
            part_size: PART_SIZE,
        }
    }
}

/// `bucket/key`, URL-encoded, as `x-amz-copy-source` wants it.
pub fn copy_source(bucket: &str, key: &str) -> String {
    format!("{bucket}/{}", utf8_percent_encode(key, COPY_SOURCE))
}

pub(super) fn same_etag(a: &str, b: &str) -> bool {
    a.trim_matches('"') == b.trim_matches('"')
}

/// Sorts a failed request: a failed `if-match` or a missing source get their own cases.
fn failure(e: S3Error, job: &CopyJob<'_>) -> MoveFailure {
    match &e {
        S3Error::Service { code, .. } if code == "PreconditionFailed" => {
            MoveFailure::Changed(job.etag.unwrap_or("-").to_string())
        }
        S3Error::NoSuchKey { .. } => MoveFailure::SourceGone,
        S3Error::Service { code, .. } if code == "NotFound" || code == "NoSuchKey" => {
            MoveFailure::SourceGone
        }
        _ => MoveFailure::S3(e),
    }
}

/// Copies one object, without verifying it; returns the ETag the target must have (the
/// planned one for CopyObject, the parts' for a multipart copy) and, for CopyObject, the ETag
/// its answer gave.
pub async fn copy_unverified(
    s3: &Client,
    job: &CopyJob<'_>,
    parts: PartSettings,
    endpoint: &str,
    journal: &Journal,
) -> Result<(Option<String>, Option<String>), MoveFailure> {
    if job.size > parts.threshold {
        let expected = super::multipart::copy(s3, job, parts, endpoint, journal).await?;
        return Ok((expected, None));
    }
    let answered = copy_whole(s3, job, endpoint).await?;
    // A whole copy has the source's content, hence (unencrypted) the source's ETag.
    Ok((job.etag.map(str::to_string), Some(answered)))
}

/// Copies and verifies one object (HEAD, or the answer's ETag with `Verify::CopyEtag`);
/// returns the target's ETag.
pub async fn copy_verified(
    s3: &Client,
    job: &CopyJob<'_>,
    parts: PartSettings,
    check: Verify,
    endpoint: &str,
    journal: &Journal,
) -> Result<Option<String>, MoveFailure> {
    let (expected, answered) = copy_unverified(s3, job, parts, endpoint, journal).await?;
    if check == Verify::CopyEtag
        && let (Some(planned), Some(answered)) = (job.etag, &answered)
        && same_etag(answered, planned)
    {
        return Ok(Some(answered.clone()));
    }
    super::verify::by_head(s3, job, expected.as_deref(), endpoint).await
}

/// Returns the ETag of the new object as the answer gives it.
async fn copy_whole(s3: &Client, job: &CopyJob<'_>, endpoint: &str) -> Result<String, MoveFailure> {
    let what = format!("s3://{}/{}", job.bucket, job.key);
    let mut req = s3
        .copy_object()
        .bucket(job.bucket)
        .key(job.target)
        .copy_source(copy_source(job.bucket, job.key))
        .metadata_directive(MetadataDirective::Copy)
        .tagging_directive(TaggingDirective::Copy)
        .set_copy_source_if_match(job.etag.map(str::to_string));
    if job.storage_class != "STANDARD" {
        req = req.storage_class(StorageClass::from(job.storage_class));
    }
    let out = req
        .send()
        .await
        .map_err(|e| failure(S3Error::classify(&e, endpoint, "CopyObject", &what), job))?;
    // S3 can answer 200 and still fail: the SDK turns an <Error> body into an error, and a
    // result without an ETag is not a copy either.
    match out.copy_object_result().and_then(|r| r.e_tag()) {
        Some(etag) => Ok(etag.to_string()),
        None => Err(MoveFailure::S3(S3Error::Other {
            operation: "CopyObject".into(),
            detail: format!("the answer for {what} has no CopyObjectResult/ETag"),
        })),
    }
}

/// Multipart ETag of parts with these ETags: md5 of their binary md5s, then `-N`.
/// None when a part ETag is not an MD5 (encrypted objects).
pub fn multipart_etag(part_etags: &[String]) -> Option<String> {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    for e in part_etags {
        let raw = hex::decode(e.trim_matches('"'))
            .ok()
            .filter(|b| b.len() == 16)?;
        h.update(raw);
    }
    Some(format!(
        "\"{}-{}\"",
        hex::encode(h.finalize()),
        part_etags.len()
    ))
}

/// Copies the parts of a multipart copy, `PART_CONCURRENCY` at a time, in order.
pub(super) async fn copy_parts(
    s3: &Client,
    job: &CopyJob<'_>,
    upload_id: &str,
    part_size: u64,
    endpoint: &str,
) -> Result<Vec<CompletedPart>, MoveFailure> {
    let count = job.size.div_ceil(part_size).max(1);
    let what = format!("s3://{}/{}", job.bucket, job.key);
    let source = copy_source(job.bucket, job.key);
    let results: Vec<Result<CompletedPart, MoveFailure>> = futures::stream::iter(0..count)
        .map(|i| {
            let (first, last) = (i * part_size, ((i + 1) * part_size).min(job.size) - 1);
            let req = s3
                .upload_part_copy()
                .bucket(job.bucket)
                .key(job.target)
                .upload_id(upload_id)
                .part_number(i32::try_from(i + 1).unwrap_or(i32::MAX))
                .copy_source(&source)
                .copy_source_range(format!("bytes={first}-{last}"))
                .set_copy_source_if_match(job.etag.map(str::to_string))
                // The request has no body; Ceph RGW answers 411 MissingContentLength unless
                // it is told so.
                .customize()
                .mutate_request(|r| {
                    r.headers_mut().insert("content-length", "0");
                });
            let what = what.clone();
            async move {
                let out = req.send().await.map_err(|e| {
                    failure(
                        S3Error::classify(&e, endpoint, "UploadPartCopy", &what),
                        job,
                    )
                })?;
                let etag = out
                    .copy_part_result()
                    .and_then(|r| r.e_tag())
                    .ok_or_else(|| {
                        MoveFailure::S3(S3Error::Other {
                            operation: "UploadPartCopy".into(),
                            detail: format!("the answer for part {} has no ETag", i + 1),
                        })
                    })?;
                Ok(CompletedPart::builder()
                    .part_number(i32::try_from(i + 1).unwrap_or(i32::MAX))
                    .e_tag(etag)
                    .build())
            }
        })
        .buffered(PART_CONCURRENCY)
        .collect()
        .await;
    results.into_iter().collect()
}

/// The parts as CompleteMultipartUpload wants them.
pub(super) fn completed(parts: Vec<CompletedPart>) -> CompletedMultipartUpload {
    CompletedMultipartUpload::builder()
        .set_parts(Some(parts))
        .build()
}

/// Journals the start of an upload so that a killed run's upload is aborted on resume.
pub(super) async fn journal_upload(
    journal: &Journal,
    job: &CopyJob<'_>,
    upload_id: &str,
    open: bool,
) -> Result<(), MoveFailure> {
    let record = if open {
        Record::UploadStarted {
            key: job.key.to_string(),
            target: job.target.to_string(),
            upload_id: upload_id.to_string(),
        }
    } else {
        Record::UploadClosed {
            target: job.target.to_string(),
            upload_id: upload_id.to_string(),
        }
    };
    journal
        .write_one(record)
        .await
        .map_err(MoveFailure::Journal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_source_encodes_awkward_keys() {
        assert_eq!(copy_source("b", "a b/c+d%e"), "b/a%20b/c%2Bd%25e");
        assert_eq!(copy_source("b", "日"), "b/%E6%97%A5");
        assert_eq!(copy_source("b", "x-y_z.~/q?"), "b/x-y_z.~/q%3F");
    }

    #[test]
    fn multipart_etag_is_md5_of_md5s() {
        // Two parts whose ETags are md5("a") and md5("b").
        let parts = [
            "\"0cc175b9c0f1b6a831c399e269772661\"".to_string(),
            "\"92eb5ffee6ae2fec3ad71c777531578f\"".to_string(),
        ];
        // python3: hashlib.md5(md5(b"a").digest() + md5(b"b").digest()).hexdigest()
        assert_eq!(
            multipart_etag(&parts).unwrap(),
            "\"96e024ba2074fe77e8e965ba43a704be-2\""
        );
        assert_eq!(multipart_etag(&["\"not-md5\"".to_string()]), None);
    }
}
