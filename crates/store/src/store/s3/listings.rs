//! Listing S3 operations: ListObjects v1 and v2, versions, multipart uploads and parts.

use s3s::dto;
use s3s::{S3Request, S3Response, S3Result};

use super::DemoS3;
use super::convert::{KeyEncoding, delimiter, etag, owner, page_size, timestamp};
use super::objects::signed;
use crate::DemoError;
use crate::store::listing::{ListPage, ListQuery, list_page};
use crate::store::model::{ObjectData, ObjectVersion, ObjectVersions, VersionKind};

pub fn objects_v2(
    s3: &DemoS3,
    req: S3Request<dto::ListObjectsV2Input>,
) -> S3Result<S3Response<dto::ListObjectsV2Output>> {
    let input = req.input;
    let encoding = KeyEncoding::from_request(input.encoding_type.as_ref())?;
    let token = input
        .continuation_token
        .as_deref()
        .map(decode_token)
        .transpose()?;
    // Both mean "after this": the later of the two wins.
    let after = token.as_deref().max(input.start_after.as_deref());
    let query = ListQuery {
        prefix: input.prefix.as_deref().unwrap_or_default(),
        delimiter: delimiter(input.delimiter.as_deref()),
        key_marker: after,
        id_marker: None,
        max: page_size(input.max_keys)?,
    };
    let with_owner = input.fetch_owner.unwrap_or(false);
    let page = list_current(s3, &input.bucket, &query, with_owner, encoding)?;
    let key_count = page.items.len() + page.common_prefixes.len();
    Ok(S3Response::new(dto::ListObjectsV2Output {
        name: Some(input.bucket),
        prefix: Some(encoding.key(input.prefix.as_deref().unwrap_or_default())),
        delimiter: encoding.opt(input.delimiter.as_deref()),
        max_keys: input.max_keys.or(Some(1000)),
        key_count: i32::try_from(key_count).ok(),
        continuation_token: input.continuation_token,
        start_after: encoding.opt(input.start_after.as_deref()),
        is_truncated: Some(page.truncated),
        next_continuation_token: page.next_key_marker.as_deref().map(hex::encode),
        common_prefixes: encoding.common_prefixes(&page.common_prefixes),
        contents: Some(page.items),
        encoding_type: encoding.response_type(),
        ..Default::default()
    }))
}

pub fn objects_v1(
    s3: &DemoS3,
    req: S3Request<dto::ListObjectsInput>,
) -> S3Result<S3Response<dto::ListObjectsOutput>> {
    let input = req.input;
    let encoding = KeyEncoding::from_request(input.encoding_type.as_ref())?;
    let query = ListQuery {
        prefix: input.prefix.as_deref().unwrap_or_default(),
        delimiter: delimiter(input.delimiter.as_deref()),
        key_marker: input.marker.as_deref(),
        id_marker: None,
        max: page_size(input.max_keys)?,
    };
    let page = list_current(s3, &input.bucket, &query, true, encoding)?;
    Ok(S3Response::new(dto::ListObjectsOutput {
        name: Some(input.bucket),
        prefix: Some(encoding.key(input.prefix.as_deref().unwrap_or_default())),
        delimiter: encoding.opt(input.delimiter.as_deref()),
        marker: Some(encoding.key(input.marker.as_deref().unwrap_or_default())),
        max_keys: input.max_keys.or(Some(1000)),
        is_truncated: Some(page.truncated),
        next_marker: encoding.opt(page.next_key_marker.as_deref()),
        common_prefixes: encoding.common_prefixes(&page.common_prefixes),
        contents: Some(page.items),
        encoding_type: encoding.response_type(),
        ..Default::default()
    }))
}

/// A page of current objects (the listing of ListObjects v1 and v2).
fn list_current(
    s3: &DemoS3,
    bucket: &str,
    query: &ListQuery<'_>,
    with_owner: bool,
    encoding: KeyEncoding,
) -> Result<ListPage<dto::Object>, DemoError> {
    s3.store.read(bucket, |index| {
        list_page(&index.objects, query, |key, versions: &ObjectVersions| {
            versions.current().into_iter().map(move |(version, data)| {
                let object = dto::Object {
                    key: Some(encoding.key(key)),
                    size: Some(signed(data.size)),
                    e_tag: Some(etag(&data.etag)),
                    last_modified: Some(timestamp(version.last_modified)),
                    storage_class: Some(dto::ObjectStorageClass::from_static(
                        data.attrs.storage_class.as_str(),
                    )),
                    owner: with_owner.then(owner),
                    ..Default::default()
                };
                (version.version_id.as_str(), object)
            })
        })
    })
}

/// A version or a delete marker, in the order S3 interleaves them.
enum VersionEntry {
    Version(dto::ObjectVersion),
    DeleteMarker(dto::DeleteMarkerEntry),
}

pub fn versions(
    s3: &DemoS3,
    req: S3Request<dto::ListObjectVersionsInput>,
) -> S3Result<S3Response<dto::ListObjectVersionsOutput>> {
    let input = req.input;
    let encoding = KeyEncoding::from_request(input.encoding_type.as_ref())?;
    if input.version_id_marker.is_some() && input.key_marker.is_none() {
        return Err(
            DemoError::InvalidArgument("a version-id-marker needs a key-marker".into()).into(),
        );
    }
    let query = ListQuery {
        prefix: input.prefix.as_deref().unwrap_or_default(),
        delimiter: delimiter(input.delimiter.as_deref()),
        key_marker: input.key_marker.as_deref(),
        id_marker: input.version_id_marker.as_deref(),
        max: page_size(input.max_keys)?,
    };
    let page = s3.store.read(&input.bucket, |index| {
        list_page(&index.objects, &query, |key, versions: &ObjectVersions| {
            versions.iter().enumerate().map(move |(i, version)| {
                (
                    version.version_id.as_str(),
                    version_entry(key, version, i == 0, encoding),
                )
            })
        })
    })?;
    let (mut listed, mut markers) = (Vec::new(), Vec::new());
    for entry in page.items {
        match entry {
            VersionEntry::Version(version) => listed.push(version),
            VersionEntry::DeleteMarker(marker) => markers.push(marker),
        }
    }
    Ok(S3Response::new(dto::ListObjectVersionsOutput {
        name: Some(input.bucket),
        prefix: Some(encoding.key(query.prefix)),
        delimiter: encoding.opt(input.delimiter.as_deref()),
        key_marker: Some(encoding.key(input.key_marker.as_deref().unwrap_or_default())),
        version_id_marker: Some(input.version_id_marker.unwrap_or_default()),
        max_keys: input.max_keys.or(Some(1000)),
        is_truncated: Some(page.truncated),
        next_key_marker: encoding.opt(page.next_key_marker.as_deref()),
        next_version_id_marker: page.next_id_marker,
        common_prefixes: encoding.common_prefixes(&page.common_prefixes),
        versions: Some(listed),
        delete_markers: (!markers.is_empty()).then_some(markers),
        encoding_type: encoding.response_type(),
        ..Default::default()
    }))
}

fn version_entry(
    key: &str,
    version: &ObjectVersion,
    is_latest: bool,
    encoding: KeyEncoding,
) -> VersionEntry {
    let common = (
        Some(encoding.key(key)),
        Some(version.version_id.clone()),
        Some(is_latest),
        Some(timestamp(version.last_modified)),
    );
    match &version.kind {
        VersionKind::Object(ObjectData {
            size,
            etag: tag,
            attrs,
            ..
        }) => VersionEntry::Version(dto::ObjectVersion {
            key: common.0,
            version_id: common.1,
            is_latest: common.2,
            last_modified: common.3,
            e_tag: Some(etag(tag)),
            size: Some(signed(*size)),
            storage_class: Some(dto::ObjectVersionStorageClass::from(
                attrs.storage_class.as_str().to_owned(),
            )),
            owner: Some(owner()),
            ..Default::default()
        }),
        VersionKind::DeleteMarker => VersionEntry::DeleteMarker(dto::DeleteMarkerEntry {
            key: common.0,
            version_id: common.1,
            is_latest: common.2,
            last_modified: common.3,
            owner: Some(owner()),
        }),
    }
}

pub fn uploads(
    s3: &DemoS3,
    req: S3Request<dto::ListMultipartUploadsInput>,
) -> S3Result<S3Response<dto::ListMultipartUploadsOutput>> {
    let input = req.input;
    let encoding = KeyEncoding::from_request(input.encoding_type.as_ref())?;
    let query = ListQuery {
        prefix: input.prefix.as_deref().unwrap_or_default(),
        delimiter: delimiter(input.delimiter.as_deref()),
        key_marker: input.key_marker.as_deref(),
        id_marker: input
            .upload_id_marker
            .as_deref()
            .filter(|_| input.key_marker.is_some()),
        max: page_size(input.max_uploads)?,
    };
    let page = s3.store.read(&input.bucket, |index| {
        list_page(&index.uploads, &query, |key, uploads| {
            uploads.iter().map(move |(upload_id, upload)| {
                let listed = dto::MultipartUpload {
                    key: Some(encoding.key(key)),
                    upload_id: Some(upload_id.clone()),
                    initiated: Some(timestamp(upload.initiated)),
                    storage_class: Some(dto::StorageClass::from_static(
                        upload.attrs.storage_class.as_str(),
                    )),
                    initiator: Some(dto::Initiator {
                        display_name: owner().display_name,
                        id: owner().id,
                    }),
                    owner: Some(owner()),
                    ..Default::default()
                };
                (upload_id.as_str(), listed)
            })
        })
    })?;
    Ok(S3Response::new(dto::ListMultipartUploadsOutput {
        bucket: Some(input.bucket),
        prefix: Some(encoding.key(query.prefix)),
        delimiter: encoding.opt(input.delimiter.as_deref()),
        key_marker: Some(encoding.key(input.key_marker.as_deref().unwrap_or_default())),
        upload_id_marker: Some(input.upload_id_marker.unwrap_or_default()),
        max_uploads: input.max_uploads.or(Some(1000)),
        is_truncated: Some(page.truncated),
        next_key_marker: encoding.opt(page.next_key_marker.as_deref()),
        next_upload_id_marker: page.next_id_marker,
        common_prefixes: encoding.common_prefixes(&page.common_prefixes),
        uploads: Some(page.items),
        encoding_type: encoding.response_type(),
        ..Default::default()
    }))
}

pub fn parts(
    s3: &DemoS3,
    req: S3Request<dto::ListPartsInput>,
) -> S3Result<S3Response<dto::ListPartsOutput>> {
    let input = req.input;
    let max = page_size(input.max_parts)?;
    let after = input.part_number_marker.unwrap_or(0);
    let (storage_class, mut parts) = s3.store.read(&input.bucket, |index| {
        let upload = index
            .upload(&input.key, &input.upload_id)
            .ok_or_else(|| DemoError::NoSuchUpload(input.upload_id.clone()))?;
        let parts: Vec<dto::Part> = upload
            .parts
            .range(after.saturating_add(1)..)
            .take(max.saturating_add(1))
            .map(|(number, part)| dto::Part {
                part_number: Some(*number),
                size: Some(signed(part.size)),
                e_tag: Some(etag(&part.etag)),
                last_modified: Some(timestamp(part.last_modified)),
                ..Default::default()
            })
            .collect();
        Ok::<_, DemoError>((upload.attrs.storage_class, parts))
    })??;
    let truncated = parts.len() > max;
    parts.truncate(max);
    let next = parts
        .last()
        .and_then(|part| part.part_number)
        .filter(|_| truncated);
    Ok(S3Response::new(dto::ListPartsOutput {
        bucket: Some(input.bucket),
        key: Some(input.key),
        upload_id: Some(input.upload_id),
        part_number_marker: input.part_number_marker,
        next_part_number_marker: next,
        max_parts: input.max_parts.or(Some(1000)),
        is_truncated: Some(truncated),
        storage_class: Some(dto::StorageClass::from_static(storage_class.as_str())),
        initiator: Some(dto::Initiator {
            display_name: owner().display_name,
            id: owner().id,
        }),
        owner: Some(owner()),
        parts: Some(parts),
        ..Default::default()
    }))
}

/// Continuation tokens are the hex of the last key or common prefix returned: opaque to
/// clients and free of characters that need escaping.
fn decode_token(token: &str) -> Result<String, DemoError> {
    hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            DemoError::InvalidArgument(
                "the continuation token is not one this server issued".into(),
            )
        })
}
