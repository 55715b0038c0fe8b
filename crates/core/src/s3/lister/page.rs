//! One ListObjectsV2 page of a range: the request, the items within the range, URL decoding.

use super::{ListOptions, ListStats, ListedObject, Page};
use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;
use chrono::{DateTime, Utc};
use std::sync::atomic::Ordering;

/// What one LIST call of a range asks for.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub prefix: String,
    pub start_after: Option<String>,
    pub token: Option<String>,
    pub hi: Option<String>,
}

/// What came back: the items inside the range and where the range stands.
pub(super) struct Outcome {
    pub page: Page,
    /// First and greatest item (key or common prefix) of this page inside the range.
    pub first_last: Option<(String, String)>,
    /// Items of this page inside the range.
    pub items: usize,
    pub next_token: Option<String>,
    /// The range's upper bound was passed: nothing more to list in it.
    pub done: bool,
}

pub(super) async fn list_page(
    client: &Client,
    opts: &ListOptions,
    stats: &ListStats,
    task: &Request,
    endpoint: &str,
) -> Result<Outcome, S3Error> {
    let mut req = client
        .list_objects_v2()
        .bucket(&opts.bucket)
        .prefix(&task.prefix)
        .max_keys(opts.page_size.clamp(1, 1000))
        .encoding_type(EncodingType::Url)
        .set_delimiter(opts.delimiter.clone());
    req = match (&task.token, &task.start_after) {
        (Some(t), _) => req.continuation_token(t),
        (None, Some(s)) => req.start_after(s),
        (None, None) => req,
    };
    stats.list_calls.fetch_add(1, Ordering::Relaxed);
    let resp = req
        .send()
        .await
        .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectsV2", &opts.bucket))?;
    let above_lo = |item: &str| task.start_after.as_deref().is_none_or(|lo| item > lo);
    let within_hi = |item: &str| task.hi.as_deref().is_none_or(|hi| item <= hi);
    let mut page = Page::default();
    let mut done = false;
    let mut first: Option<String> = None;
    let mut last: Option<String> = None;
    for o in resp.contents() {
        let key = decode(o.key().unwrap_or_default());
        if !within_hi(&key) {
            done = true;
            break;
        }
        if !above_lo(&key) {
            continue;
        }
        first.get_or_insert_with(|| key.clone());
        if last.as_deref().is_none_or(|l| key.as_str() > l) {
            last = Some(key.clone());
        }
        let size = u64::try_from(o.size().unwrap_or(0)).unwrap_or(0);
        page.objects.push(ListedObject {
            size,
            last_modified: o
                .last_modified()
                .and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos())),
            storage_class: o
                .storage_class()
                .map_or("STANDARD", |c| c.as_str())
                .to_string(),
            etag: o.e_tag().map(str::to_string),
            key,
        });
    }
    for cp in resp.common_prefixes() {
        let p = decode(cp.prefix().unwrap_or_default());
        if !within_hi(&p) {
            done = true;
            continue;
        }
        // A prefix the range starts inside of was already reported by the range before it.
        if task
            .start_after
            .as_deref()
            .is_some_and(|lo| lo.starts_with(p.as_str()))
        {
            continue;
        }
        if first.as_deref().is_none_or(|f| p.as_str() < f) {
            first = Some(p.clone());
        }
        if last.as_deref().is_none_or(|l| p.as_str() > l) {
            last = Some(p.clone());
        }
        page.prefixes.push(p);
    }
    let n = page.objects.len() as u64;
    let bytes: u64 = page.objects.iter().map(|o| o.size).sum();
    stats.objects.fetch_add(n, Ordering::Relaxed);
    stats.bytes.fetch_add(bytes, Ordering::Relaxed);
    let truncated = resp.is_truncated().unwrap_or(false);
    Ok(Outcome {
        next_token: if truncated && !done {
            resp.next_continuation_token().map(str::to_string)
        } else {
            None
        },
        items: page.objects.len() + page.prefixes.len(),
        first_last: first.zip(last),
        page,
        done,
    })
}

/// Keys come URL-encoded (`encoding-type=url`) so that any byte survives XML: decode like
/// botocore does (`+` is a space; a literal `+` arrives as `%2B`).
pub(super) fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}
