//! Object tags of multipart copies (CopyObject copies tags itself): read from the source, given
//! to the new upload, and set again once it is complete, for servers that ignore the header.

use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::{Tag, Tagging};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are in `x-amz-tagging` (URL query encoding).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The tags of `key`. Ceph RGW 16 answers an untagged object with an empty 200 body, which
/// the SDK cannot parse: that answer means no tags.
pub async fn read(
    s3: &Client,
    bucket: &str,
    key: &str,
    endpoint: &str,
) -> Result<Vec<Tag>, S3Error> {
    match s3.get_object_tagging().bucket(bucket).key(key).send().await {
        Ok(out) => Ok(out.tag_set().to_vec()),
        Err(e) => {
            let empty_ok = e
                .raw_response()
                .is_some_and(|r| r.status().as_u16() == 200 && r.body().bytes() == Some(&[][..]));
            if empty_ok {
                Ok(Vec::new())
            } else {
                Err(S3Error::classify(&e, endpoint, "GetObjectTagging", key))
            }
        }
    }
}

/// The tags as the `x-amz-tagging` header wants them; None without tags.
pub fn header(tags: &[Tag]) -> Option<String> {
    let pairs: Vec<String> = tags
        .iter()
        .map(|t| {
            format!(
                "{}={}",
                utf8_percent_encode(t.key(), QUERY),
                utf8_percent_encode(t.value(), QUERY)
            )
        })
        .collect();
    (!pairs.is_empty()).then(|| pairs.join("&"))
}

/// Sets `tags` on `key` (nothing to do without tags).
pub async fn write(
    s3: &Client,
    bucket: &str,
    key: &str,
    tags: &[Tag],
    endpoint: &str,
) -> Result<(), S3Error> {
    if tags.is_empty() {
        return Ok(());
    }
    let tagging = Tagging::builder()
        .set_tag_set(Some(tags.to_vec()))
        .build()
        .map_err(|e| S3Error::Other {
            operation: "PutObjectTagging".into(),
            detail: e.to_string(),
        })?;
    s3.put_object_tagging()
        .bucket(bucket)
        .key(key)
        .tagging(tagging)
        .send()
        .await
        .map_err(|e| S3Error::classify(&e, endpoint, "PutObjectTagging", key))?;
    Ok(())
}
