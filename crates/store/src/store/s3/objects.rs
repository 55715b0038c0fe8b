//! Object S3 operations: PutObject, GetObject, HeadObject, CopyObject.

use std::ops::Range;

use http::HeaderValue;
use s3s::dto::{self, CopySource, MetadataDirective, StreamingBlob, TaggingDirective};
use s3s::{S3Request, S3Response, S3Result};

use super::DemoS3;
use super::convert::{
    Preconditions, etag, metadata, metadata_dto, storage_class, storage_class_header,
    tagging_header, timestamp,
};
use crate::DemoError;
use crate::store::blobs::Blobs;
use crate::store::model::ObjectAttrs;
use crate::store::objects::{FoundObject, written_data};

const TAG_COUNT_HEADER: &str = "x-amz-tagging-count";

pub async fn put(
    s3: &DemoS3,
    req: S3Request<dto::PutObjectInput>,
) -> S3Result<S3Response<dto::PutObjectOutput>> {
    let input = req.input;
    if input.if_match.is_some() || input.if_none_match.is_some() {
        return Err(
            DemoError::NotImplemented("conditional PutObject (if-match, if-none-match)").into(),
        );
    }
    let attrs = ObjectAttrs {
        storage_class: storage_class(input.storage_class.as_ref())?,
        content_type: input.content_type,
        metadata: metadata(input.metadata),
        tags: tagging_header(input.tagging.as_deref())?,
    };
    s3.store.check_bucket(&input.bucket)?;
    let written = match input.body {
        Some(body) => s3.store.blobs.write_stream(body).await?,
        None => s3.store.blobs.write(&[])?,
    };
    let result = s3.store.commit_object(
        &input.bucket,
        &input.key,
        written_data(written, attrs),
        None,
    )?;
    Ok(S3Response::new(dto::PutObjectOutput {
        e_tag: Some(etag(&result.etag)),
        version_id: result.version_id,
        ..Default::default()
    }))
}

pub async fn get(
    s3: &DemoS3,
    req: S3Request<dto::GetObjectInput>,
) -> S3Result<S3Response<dto::GetObjectOutput>> {
    let input = req.input;
    if input.part_number.is_some() {
        return Err(DemoError::NotImplemented("GetObject with partNumber").into());
    }
    let (object, reader) =
        s3.store
            .open_object(&input.bucket, &input.key, input.version_id.as_deref())?;
    let preconditions = Preconditions {
        if_match: input.if_match.as_ref(),
        if_none_match: input.if_none_match.as_ref(),
        if_modified_since: input.if_modified_since.as_ref(),
        if_unmodified_since: input.if_unmodified_since.as_ref(),
    };
    preconditions.check(&object, false)?;
    let (range, content_range) = requested_range(input.range.as_ref(), object.data.size)?;
    let length = range.end - range.start;
    let body = Blobs::stream(reader, range)
        .await
        .map_err(|err| DemoError::io("read", format!("{}/{}", input.bucket, input.key))(err))?;
    let data = object.data;
    let output = dto::GetObjectOutput {
        accept_ranges: Some("bytes".to_owned()),
        body: Some(StreamingBlob::wrap(body)),
        content_length: Some(signed(length)),
        content_range,
        content_type: data.attrs.content_type,
        e_tag: Some(etag(&data.etag)),
        last_modified: Some(timestamp(object.last_modified)),
        metadata: metadata_dto(&data.attrs.metadata),
        storage_class: storage_class_header(data.attrs.storage_class),
        tag_count: i32::try_from(data.attrs.tags.len()).ok().filter(|&n| n > 0),
        version_id: object.version_id,
        ..Default::default()
    };
    Ok(S3Response::new(output))
}

pub fn head(
    s3: &DemoS3,
    req: S3Request<dto::HeadObjectInput>,
) -> S3Result<S3Response<dto::HeadObjectOutput>> {
    let input = req.input;
    if input.part_number.is_some() {
        return Err(DemoError::NotImplemented("HeadObject with partNumber").into());
    }
    let object = s3
        .store
        .find_object(&input.bucket, &input.key, input.version_id.as_deref())?;
    let preconditions = Preconditions {
        if_match: input.if_match.as_ref(),
        if_none_match: input.if_none_match.as_ref(),
        if_modified_since: input.if_modified_since.as_ref(),
        if_unmodified_since: input.if_unmodified_since.as_ref(),
    };
    preconditions.check(&object, false)?;
    let (range, content_range) = requested_range(input.range.as_ref(), object.data.size)?;
    let data = object.data;
    let tag_count = data.attrs.tags.len();
    let output = dto::HeadObjectOutput {
        accept_ranges: Some("bytes".to_owned()),
        content_length: Some(signed(range.end - range.start)),
        content_range,
        content_type: data.attrs.content_type,
        e_tag: Some(etag(&data.etag)),
        last_modified: Some(timestamp(object.last_modified)),
        metadata: metadata_dto(&data.attrs.metadata),
        storage_class: storage_class_header(data.attrs.storage_class),
        version_id: object.version_id,
        ..Default::default()
    };
    let mut response = S3Response::new(output);
    // HeadObjectOutput has no field for it, but S3 sends the tag count on HEAD too.
    if tag_count > 0 {
        response
            .headers
            .insert(TAG_COUNT_HEADER, HeaderValue::from(tag_count));
    }
    Ok(response)
}

pub fn copy(
    s3: &DemoS3,
    req: S3Request<dto::CopyObjectInput>,
) -> S3Result<S3Response<dto::CopyObjectOutput>> {
    let input = req.input;
    let (src_bucket, src_key, src_version) = copy_source(&input.copy_source)?;
    let replace_metadata = directive(
        input
            .metadata_directive
            .as_ref()
            .map(MetadataDirective::as_str),
    )?;
    let replace_tags = directive(
        input
            .tagging_directive
            .as_ref()
            .map(TaggingDirective::as_str),
    )?;
    let requested_class = input
        .storage_class
        .as_ref()
        .map(|c| storage_class(Some(c)))
        .transpose()?;
    if src_bucket == input.bucket
        && src_key == input.key
        && !replace_metadata
        && requested_class.is_none()
    {
        return Err(DemoError::InvalidRequest(
            "copying an object onto itself must change its metadata (REPLACE) or its storage class"
                .into(),
        )
        .into());
    }
    let new_tags = if replace_tags {
        Some(tagging_header(input.tagging.as_deref())?)
    } else {
        None
    };
    let preconditions = Preconditions {
        if_match: input.copy_source_if_match.as_ref(),
        if_none_match: input.copy_source_if_none_match.as_ref(),
        if_modified_since: input.copy_source_if_modified_since.as_ref(),
        if_unmodified_since: input.copy_source_if_unmodified_since.as_ref(),
    };
    let (content_type, new_metadata) = (input.content_type, metadata(input.metadata));
    let (source, result) = s3.store.copy_object(
        (src_bucket, src_key, src_version),
        (&input.bucket, &input.key),
        |source| {
            preconditions.check(source, true)?;
            let attrs = &source.data.attrs;
            let (content_type, metadata) = if replace_metadata {
                (content_type, new_metadata)
            } else {
                (attrs.content_type.clone(), attrs.metadata.clone())
            };
            Ok(ObjectAttrs {
                // S3 does not carry the class over: a copy is STANDARD unless requested.
                storage_class: requested_class.unwrap_or_default(),
                content_type,
                metadata,
                tags: new_tags.unwrap_or_else(|| attrs.tags.clone()),
            })
        },
    )?;
    Ok(S3Response::new(dto::CopyObjectOutput {
        copy_object_result: Some(dto::CopyObjectResult {
            e_tag: Some(etag(&result.etag)),
            last_modified: Some(timestamp(result.last_modified)),
            ..Default::default()
        }),
        copy_source_version_id: source.version_id,
        version_id: result.version_id,
        ..Default::default()
    }))
}

/// Bucket, key and version of an `x-amz-copy-source` (already URL-decoded by s3s).
pub fn copy_source(source: &CopySource) -> Result<(&str, &str, Option<&str>), DemoError> {
    match source {
        CopySource::Bucket {
            bucket,
            key,
            version_id,
        } => Ok((bucket, key, version_id.as_deref())),
        CopySource::AccessPoint { .. } | CopySource::Outpost { .. } => Err(
            DemoError::NotImplemented("copying from an access point or outpost"),
        ),
    }
}

/// Checks a source precondition set for UploadPartCopy (same rules as CopyObject).
pub fn check_copy_preconditions(
    input: &dto::UploadPartCopyInput,
    source: &FoundObject,
) -> Result<(), DemoError> {
    Preconditions {
        if_match: input.copy_source_if_match.as_ref(),
        if_none_match: input.copy_source_if_none_match.as_ref(),
        if_modified_since: input.copy_source_if_modified_since.as_ref(),
        if_unmodified_since: input.copy_source_if_unmodified_since.as_ref(),
    }
    .check(source, true)
}

/// `true` for REPLACE, `false` for COPY (the default).
fn directive(value: Option<&str>) -> Result<bool, DemoError> {
    match value {
        None | Some(MetadataDirective::COPY) => Ok(false),
        Some(MetadataDirective::REPLACE) => Ok(true),
        Some(other) => Err(DemoError::InvalidArgument(format!(
            "directive {other:?} is invalid; use COPY or REPLACE"
        ))),
    }
}

/// The byte range to send and its `Content-Range`, for an optional `Range` header.
fn requested_range(
    range: Option<&dto::Range>,
    size: u64,
) -> Result<(Range<u64>, Option<String>), DemoError> {
    match range {
        None => Ok((0..size, None)),
        Some(range) => {
            let range = range
                .check(size)
                .map_err(|_| DemoError::InvalidRange { size })?;
            let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
            Ok((range, Some(content_range)))
        }
    }
}

/// Sizes on the wire are `i64`; object sizes always fit.
pub fn signed(size: u64) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}
