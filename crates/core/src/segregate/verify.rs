//! Verification of copies before their sources may go: the target's size and ETag read back
//! from the server, by HEAD one object at a time, or by LIST for a window of copies at once
//! (one call per destination prefix and ~1000 keys), HEAD taking over what a listing leaves open.

use super::copy::{CopyJob, MoveFailure, same_etag};
use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::{ChecksumMode, EncodingType};
use futures::StreamExt as _;
use std::collections::{BTreeMap, HashMap};

/// LIST pages read per destination prefix and window before HEAD takes over.
const MAX_PAGES: usize = 3;
/// Destination prefixes listed at the same time.
const CONCURRENCY: usize = 8;

/// HEADs the target: its size must be the planned one, and its ETag the expected one (the
/// source's for CopyObject, the parts' for a multipart copy). When the ETags cannot be
/// compared (encrypted objects), matching checksums of source and target are required.
async fn head(
    s3: &Client,
    job: &CopyJob<'_>,
    expected: Option<&str>,
    endpoint: &str,
) -> Result<Option<String>, MoveFailure> {
    let bad = |why: String| MoveFailure::Verify {
        target: job.target.to_string(),
        why,
    };
    let what = format!("s3://{}/{}", job.bucket, job.target);
    let head = s3
        .head_object()
        .bucket(job.bucket)
        .key(job.target)
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .map_err(|e| bad(S3Error::classify(&e, endpoint, "HeadObject", &what).to_string()))?;
    let size = u64::try_from(head.content_length().unwrap_or(-1)).unwrap_or(u64::MAX);
    if size != job.size {
        return Err(bad(format!("size {size}, expected {}", job.size)));
    }
    let got = head.e_tag().map(str::to_string);
    let etags_agree = match (expected, got.as_deref()) {
        (Some(e), Some(g)) => same_etag(e, g),
        _ => false,
    };
    if etags_agree {
        return Ok(got);
    }
    // ETags differ or are missing: only equal checksums can vouch for the copy.
    let source = s3
        .head_object()
        .bucket(job.bucket)
        .key(job.key)
        .checksum_mode(ChecksumMode::Enabled)
        .set_if_match(job.etag.map(str::to_string))
        .send()
        .await
        .map_err(|e| {
            bad(format!(
                "ETag {} differs from {} and the source cannot be read for its checksum: {}",
                got.as_deref().unwrap_or("-"),
                expected.unwrap_or("-"),
                S3Error::classify(&e, endpoint, "HeadObject", job.key)
            ))
        })?;
    let pairs = [
        (source.checksum_crc64_nvme(), head.checksum_crc64_nvme()),
        (source.checksum_crc32_c(), head.checksum_crc32_c()),
        (source.checksum_crc32(), head.checksum_crc32()),
        (source.checksum_sha256(), head.checksum_sha256()),
        (source.checksum_sha1(), head.checksum_sha1()),
    ];
    // Composite checksums ("...-N") depend on the part layout; only full-object ones compare.
    let whole = |s: &str| !s.contains('-');
    let compared: Vec<bool> = pairs
        .iter()
        .filter_map(|(a, b)| match (a, b) {
            (Some(a), Some(b)) if whole(a) && whole(b) => Some(a == b),
            _ => None,
        })
        .collect();
    match (compared.is_empty(), compared.iter().all(|ok| *ok)) {
        (false, true) => Ok(got),
        (false, false) => Err(bad("its checksum differs from the source's".into())),
        (true, _) => Err(bad(format!(
            "ETag {} differs from {} and neither object has a checksum to compare",
            got.as_deref().unwrap_or("-"),
            expected.unwrap_or("-")
        ))),
    }
}

/// HEAD verification ([`head`]), telling a source that changed under a server that ignores
/// if-match apart from a copy that went wrong.
pub async fn by_head(
    s3: &Client,
    job: &CopyJob<'_>,
    expected: Option<&str>,
    endpoint: &str,
) -> Result<Option<String>, MoveFailure> {
    match head(s3, job, expected, endpoint).await {
        Err(MoveFailure::Verify { target, why }) => Err(changed_under_us(s3, job)
            .await
            .unwrap_or(MoveFailure::Verify { target, why })),
        other => other,
    }
}

/// One copy to verify by listing: its target, the prefix the target lies in, its size and the
/// ETag it must have.
#[derive(Debug, Clone)]
pub struct Listed<'a> {
    pub target: &'a str,
    pub dir: &'a str,
    pub size: u64,
    pub expected: Option<&'a str>,
}

/// Reads the targets back with ListObjectsV2, prefix by prefix, starting just before each
/// prefix's first target. Returns, per item, the target's ETag when size and ETag are the
/// expected ones; None when the listing did not settle it (not seen within `MAX_PAGES`, or
/// different): HEAD decides those.
pub async fn listed(
    s3: &Client,
    bucket: &str,
    items: &[Listed<'_>],
    endpoint: &str,
) -> Vec<Option<String>> {
    // Owned: a stream over borrowed items trips the compiler's Send check of the future.
    let mut by_dir: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for it in items {
        by_dir
            .entry(it.dir.to_string())
            .or_default()
            .push(it.target.to_string());
    }
    let found: Vec<HashMap<String, (u64, Option<String>)>> = futures::stream::iter(by_dir)
        .map(|(dir, mut targets)| {
            targets.sort_unstable();
            list_range(s3, bucket, dir, targets, endpoint)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut seen: HashMap<String, (u64, Option<String>)> = HashMap::new();
    for f in found {
        seen.extend(f);
    }
    items
        .iter()
        .map(|it| {
            let (size, etag) = seen.get(it.target)?;
            let etag = etag.as_deref()?;
            (*size == it.size && it.expected.is_some_and(|e| same_etag(e, etag)))
                .then(|| etag.to_string())
        })
        .collect()
}

/// Lists `dir` from just before `targets[0]` until past the last target (sorted), at most
/// `MAX_PAGES` pages; returns what it saw of the targets. A failed call ends the listing (HEAD
/// checks the rest).
async fn list_range(
    s3: &Client,
    bucket: &str,
    dir: String,
    targets: Vec<String>,
    endpoint: &str,
) -> HashMap<String, (u64, Option<String>)> {
    let mut out = HashMap::new();
    let (Some(first), Some(last)) = (targets.first(), targets.last()) else {
        return out;
    };
    let wanted: std::collections::HashSet<&str> = targets.iter().map(String::as_str).collect();
    // The first target without its last character sorts just before it.
    let mut chars = first.chars();
    chars.next_back();
    let start_after = chars.as_str().to_string();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut req = s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(&dir)
            .encoding_type(EncodingType::Url)
            .max_keys(1000);
        req = match &token {
            Some(t) => req.continuation_token(t),
            None => req.start_after(&start_after),
        };
        let page = match req.send().await {
            Ok(p) => p,
            Err(e) => {
                let e = S3Error::classify(&e, endpoint, "ListObjectsV2", bucket);
                tracing::debug!(%dir, error = %e, "verification listing failed; HEAD takes over");
                return out;
            }
        };
        let mut past_last = false;
        for o in page.contents() {
            let key = decode(o.key().unwrap_or_default());
            if key.as_str() > last.as_str() {
                past_last = true;
                break;
            }
            if wanted.contains(key.as_str()) {
                let size = u64::try_from(o.size().unwrap_or(-1)).unwrap_or(u64::MAX);
                out.insert(key, (size, o.e_tag().map(str::to_string)));
            }
        }
        token = page.next_continuation_token().map(str::to_string);
        if past_last || token.is_none() || !page.is_truncated().unwrap_or(false) {
            break;
        }
    }
    out
}

/// A key of an `encoding-type=url` listing (`+` is a space, a literal `+` is `%2B`).
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A server that ignores `x-amz-copy-source-if-match` (Ceph RGW before the fix of tracker
/// 40808) copies a source that changed: a copy that does not verify is told apart from one
/// that went wrong by the source's ETag now.
async fn changed_under_us(s3: &Client, job: &CopyJob<'_>) -> Option<MoveFailure> {
    let planned = job.etag?;
    let head = s3
        .head_object()
        .bucket(job.bucket)
        .key(job.key)
        .send()
        .await
        .ok()?;
    let now = head.e_tag()?;
    (!same_etag(now, planned)).then(|| MoveFailure::ChangedUnguarded {
        planned: planned.to_string(),
        target: job.target.to_string(),
    })
}
