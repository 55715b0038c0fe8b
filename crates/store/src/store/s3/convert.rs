//! Translations between the store's types and the S3 wire types of s3s.
//!
//! Errors, times, ETags, storage classes, tags, preconditions and `encoding-type=url`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use s3s::dto::{self, ETag, ETagCondition, Timestamp};
use s3s::{S3Error, S3ErrorCode};

use crate::DemoError;
use crate::store::model::StorageClass;
use crate::store::objects::FoundObject;

/// Owner reported for every bucket and object (the demo has a single user).
const OWNER_ID: &str = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
const OWNER_NAME: &str = "s3scope-demo";
/// Keys, prefixes and markers beyond 1000 per page are not returned, as in S3.
pub const MAX_PAGE: usize = 1000;
/// What `encoding-type=url` leaves readable: RFC 3986 unreserved characters and `/`.
const URL_KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');
const DELETE_MARKER_HEADER: &str = "x-amz-delete-marker";

impl From<DemoError> for S3Error {
    fn from(err: DemoError) -> Self {
        let code = match &err {
            DemoError::NoSuchBucket(_) => S3ErrorCode::NoSuchBucket,
            DemoError::BucketAlreadyExists(_) => S3ErrorCode::BucketAlreadyOwnedByYou,
            DemoError::BucketNotEmpty(_) => S3ErrorCode::BucketNotEmpty,
            DemoError::InvalidBucketName(_) => S3ErrorCode::InvalidBucketName,
            DemoError::NoSuchKey { .. } => S3ErrorCode::NoSuchKey,
            DemoError::NoSuchVersion { .. } => S3ErrorCode::NoSuchVersion,
            DemoError::DeleteMarkerVersion { .. } => S3ErrorCode::MethodNotAllowed,
            DemoError::NoSuchUpload(_) => S3ErrorCode::NoSuchUpload,
            DemoError::InvalidStorageClass(_) => S3ErrorCode::InvalidStorageClass,
            DemoError::InvalidArgument(_) => S3ErrorCode::InvalidArgument,
            DemoError::InvalidRequest(_) => S3ErrorCode::InvalidRequest,
            DemoError::InvalidPart(_) => S3ErrorCode::InvalidPart,
            DemoError::InvalidPartOrder => S3ErrorCode::InvalidPartOrder,
            DemoError::EntityTooSmall { .. } => S3ErrorCode::EntityTooSmall,
            DemoError::PreconditionFailed(_) => S3ErrorCode::PreconditionFailed,
            DemoError::NotModified => S3ErrorCode::NotModified,
            DemoError::InvalidRange { .. } => S3ErrorCode::InvalidRange,
            DemoError::NotImplemented(_) => S3ErrorCode::NotImplemented,
            DemoError::Bind { .. }
            | DemoError::Io { .. }
            | DemoError::InUse(_)
            | DemoError::Corrupt { .. }
            | DemoError::PartialSeed { .. }
            | DemoError::SeedDescription(_) => S3ErrorCode::InternalError,
        };
        let delete_marker = matches!(
            err,
            DemoError::NoSuchKey {
                delete_marker: true,
                ..
            } | DemoError::DeleteMarkerVersion { .. }
        );
        let mut s3_error = S3Error::with_message(code, err.to_string());
        if delete_marker {
            let mut headers = HeaderMap::new();
            headers.insert(DELETE_MARKER_HEADER, HeaderValue::from_static("true"));
            s3_error.set_headers(headers);
        }
        s3_error
    }
}

pub fn timestamp(time: DateTime<Utc>) -> Timestamp {
    Timestamp::from(SystemTime::from(time))
}

pub fn etag(value: &str) -> ETag {
    ETag::Strong(value.to_owned())
}

pub fn owner() -> dto::Owner {
    dto::Owner {
        display_name: Some(OWNER_NAME.to_owned()),
        id: Some(OWNER_ID.to_owned()),
    }
}

/// The storage class a request asks for (STANDARD when it names none).
pub fn storage_class(requested: Option<&dto::StorageClass>) -> Result<StorageClass, DemoError> {
    requested.map_or(Ok(StorageClass::Standard), |class| class.as_str().parse())
}

/// The `x-amz-storage-class` response header, which S3 omits for STANDARD.
pub fn storage_class_header(class: StorageClass) -> Option<dto::StorageClass> {
    (class != StorageClass::Standard).then(|| dto::StorageClass::from_static(class.as_str()))
}

pub fn metadata(map: Option<dto::Metadata>) -> BTreeMap<String, String> {
    map.unwrap_or_default().into_iter().collect()
}

pub fn metadata_dto(map: &BTreeMap<String, String>) -> Option<dto::Metadata> {
    (!map.is_empty()).then(|| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// Parses an `x-amz-tagging` header (`k1=v1&k2=v2`, URL-encoded).
pub fn tagging_header(header: Option<&str>) -> Result<BTreeMap<String, String>, DemoError> {
    let pairs = url::form_urlencoded::parse(header.unwrap_or_default().as_bytes()).into_owned();
    tags(pairs)
}

pub fn tag_set(tagging: dto::Tagging) -> Result<BTreeMap<String, String>, DemoError> {
    let pairs = tagging
        .tag_set
        .into_iter()
        .map(|tag| (tag.key.unwrap_or_default(), tag.value.unwrap_or_default()));
    tags(pairs)
}

pub fn tag_set_dto(tags: BTreeMap<String, String>) -> dto::TagSet {
    tags.into_iter()
        .map(|(key, value)| dto::Tag {
            key: Some(key),
            value: Some(value),
        })
        .collect()
}

/// Checks S3's tag limits: at most 10 tags, unique keys of 1-128 and values of 0-256 characters.
fn tags(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<BTreeMap<String, String>, DemoError> {
    let mut tags = BTreeMap::new();
    for (key, value) in pairs {
        let key_len = key.chars().count();
        if key_len == 0 || key_len > 128 || value.chars().count() > 256 {
            return Err(DemoError::InvalidArgument(format!(
                "tag {key:?}: keys need 1-128 characters and values at most 256"
            )));
        }
        if tags.insert(key.clone(), value).is_some() {
            return Err(DemoError::InvalidArgument(format!(
                "tag key {key:?} is repeated"
            )));
        }
    }
    if tags.len() > 10 {
        return Err(DemoError::InvalidArgument(format!(
            "{} tags given, at most 10 are allowed",
            tags.len()
        )));
    }
    Ok(tags)
}

/// `If-*` conditions of a read or of a copy source.
#[derive(Debug, Default)]
pub struct Preconditions<'a> {
    pub if_match: Option<&'a ETagCondition>,
    pub if_none_match: Option<&'a ETagCondition>,
    pub if_modified_since: Option<&'a Timestamp>,
    pub if_unmodified_since: Option<&'a Timestamp>,
}

impl Preconditions<'_> {
    /// Evaluates the conditions as S3 does (RFC 9110 §13.2.2 order). A read that is "not
    /// modified" gets 304; a copy gets 412 for every failed condition.
    pub fn check(&self, object: &FoundObject, is_copy: bool) -> Result<(), DemoError> {
        let matches = |condition: &ETagCondition| match condition {
            ETagCondition::Any => true,
            ETagCondition::ETag(tag) => tag.value() == object.data.etag,
        };
        let modified = timestamp(object.last_modified);
        let failed = |what: &str| {
            DemoError::PreconditionFailed(format!(
                "{what} does not hold for the ETag {:?}",
                object.data.etag
            ))
        };
        let not_modified = |what: &str| {
            if is_copy {
                failed(what)
            } else {
                DemoError::NotModified
            }
        };
        match (self.if_match, self.if_unmodified_since) {
            (Some(condition), _) if !matches(condition) => return Err(failed("if-match")),
            (None, Some(since)) if modified > *since => return Err(failed("if-unmodified-since")),
            _ => {}
        }
        match (self.if_none_match, self.if_modified_since) {
            (Some(condition), _) if matches(condition) => Err(not_modified("if-none-match")),
            (None, Some(since)) if modified <= *since => Err(not_modified("if-modified-since")),
            _ => Ok(()),
        }
    }
}

/// How listings present keys: raw, or percent-encoded for `encoding-type=url`.
#[derive(Debug, Clone, Copy)]
pub struct KeyEncoding {
    url: bool,
}

impl KeyEncoding {
    pub fn from_request(encoding: Option<&dto::EncodingType>) -> Result<Self, DemoError> {
        match encoding.map(dto::EncodingType::as_str) {
            None => Ok(Self { url: false }),
            Some(dto::EncodingType::URL) => Ok(Self { url: true }),
            Some(other) => Err(DemoError::InvalidArgument(format!(
                "encoding-type {other:?} is not supported; use \"url\""
            ))),
        }
    }

    pub fn key(self, key: &str) -> String {
        if self.url {
            utf8_percent_encode(key, URL_KEY).to_string()
        } else {
            key.to_owned()
        }
    }

    pub fn opt(self, value: Option<&str>) -> Option<String> {
        value.map(|v| self.key(v))
    }

    pub fn response_type(self) -> Option<dto::EncodingType> {
        self.url
            .then(|| dto::EncodingType::from_static(dto::EncodingType::URL))
    }

    pub fn common_prefixes(self, prefixes: &[String]) -> Option<dto::CommonPrefixList> {
        let list: Vec<_> = prefixes
            .iter()
            .map(|p| dto::CommonPrefix {
                prefix: Some(self.key(p)),
            })
            .collect();
        (!list.is_empty()).then_some(list)
    }
}

/// A page size from `max-keys`-like parameters: 1000 by default and at most.
pub fn page_size(requested: Option<i32>) -> Result<usize, DemoError> {
    match requested {
        None => Ok(MAX_PAGE),
        Some(n) => usize::try_from(n)
            .map(|n| n.min(MAX_PAGE))
            .map_err(|_| DemoError::InvalidArgument(format!("a page size of {n} is negative"))),
    }
}

/// An empty delimiter is no delimiter, as in S3.
pub fn delimiter(requested: Option<&str>) -> Option<&str> {
    requested.filter(|d| !d.is_empty())
}
