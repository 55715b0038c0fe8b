//! The objects directly in one prefix, fetched on demand with a capped delimiter listing.
//!
//! A scan keeps aggregates, never objects; when the user wants to see the files of a prefix
//! this lists just them: one ListObjectsV2 page (a few more only when a page is mostly
//! sub-prefixes), never more than [`MAX_FILES`] objects however big the prefix is.

use crate::s3::client::Clients;
use crate::s3::error::S3Error;
use crate::s3::lister::ListedObject;
use aws_sdk_s3::types::EncodingType;
use chrono::{DateTime, Utc};

/// Objects kept for one prefix.
pub const MAX_FILES: usize = 1000;
/// LIST calls spent at most to fill a page of files.
const MAX_CALLS: u32 = 3;

/// What a files listing found.
#[derive(Debug, Clone, PartialEq)]
pub struct FilesPage {
    pub bucket: String,
    pub prefix: String,
    /// In key order.
    pub objects: Vec<ListedObject>,
    /// More objects exist than were fetched.
    pub truncated: bool,
    pub list_calls: u32,
}

/// Lists up to `limit` (≤ [`MAX_FILES`]) objects directly under `prefix` (delimiter `/`).
pub async fn list_files(
    clients: &Clients,
    bucket: &str,
    prefix: &str,
    limit: usize,
) -> Result<FilesPage, S3Error> {
    let limit = limit.clamp(1, MAX_FILES);
    let s3 = clients.s3_for_bucket(bucket).await?;
    let ep = clients.endpoint_label();
    let mut page = FilesPage {
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
        objects: Vec::new(),
        truncated: false,
        list_calls: 0,
    };
    let mut token: Option<String> = None;
    loop {
        let want = i32::try_from(limit - page.objects.len()).unwrap_or(1000);
        let resp = s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .delimiter("/")
            .max_keys(want.clamp(1, 1000))
            .encoding_type(EncodingType::Url)
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, &ep, "ListObjectsV2", bucket))?;
        page.list_calls += 1;
        for o in resp.contents() {
            page.objects.push(ListedObject {
                key: decode(o.key().unwrap_or_default()),
                size: u64::try_from(o.size().unwrap_or(0)).unwrap_or(0),
                last_modified: o
                    .last_modified()
                    .and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos())),
                storage_class: o
                    .storage_class()
                    .map_or("STANDARD", |c| c.as_str())
                    .to_string(),
                etag: o.e_tag().map(str::to_string),
            });
        }
        let more = resp.is_truncated().unwrap_or(false);
        token = resp.next_continuation_token().map(str::to_string);
        if !more || token.is_none() {
            break;
        }
        if page.objects.len() >= limit || page.list_calls >= MAX_CALLS {
            page.truncated = true;
            break;
        }
    }
    page.objects.truncate(limit);
    Ok(page)
}

/// Keys arrive URL-encoded (`encoding-type=url`, so any byte survives XML); `+` is a space.
fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}
