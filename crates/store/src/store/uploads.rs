//! Multipart uploads in the store: create, upload or copy parts, complete, abort.

use std::ops::Range;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::blobs::WrittenBlob;
use super::buckets::{Store, now, random_id};
use super::index::Mutation;
use super::model::{ObjectAttrs, ObjectData, Part, Upload, multipart_etag};
use super::objects::{FoundObject, PutResult, check_key};
use crate::DemoError;

/// Every part but the last must be at least this large, as in S3.
const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
const MAX_PART_NUMBER: i32 = 10_000;

/// Where a part goes: bucket, key, upload id and part number.
#[derive(Debug, Clone, Copy)]
pub struct PartTarget<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub upload_id: &'a str,
    pub part_number: i32,
}

impl Store {
    /// Starts a multipart upload and returns its id (`initiated` backdates it, for demo data).
    pub fn create_multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        initiated: Option<DateTime<Utc>>,
    ) -> Result<String, DemoError> {
        self.create_upload(bucket, key, ObjectAttrs::default(), initiated)
    }

    pub(super) fn create_upload(
        &self,
        bucket: &str,
        key: &str,
        attrs: ObjectAttrs,
        initiated: Option<DateTime<Utc>>,
    ) -> Result<String, DemoError> {
        check_key(key)?;
        let initiated = initiated.unwrap_or_else(now);
        // The time prefix makes upload ids of one key sort by initiation, as S3 lists them.
        let upload_id = format!(
            "{:012x}{}",
            initiated.timestamp_millis().max(0),
            &random_id()[..20]
        );
        let upload = Upload {
            upload_id: upload_id.clone(),
            initiated,
            attrs,
            parts: Default::default(),
        };
        self.write(bucket, |b| {
            let create = Mutation::CreateUpload {
                key: key.to_owned(),
                upload,
            };
            self.commit_all(b, vec![create])
        })?;
        Ok(upload_id)
    }

    /// Uploads one part from memory and returns its unquoted ETag.
    pub fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part_number: i32,
        body: Bytes,
    ) -> Result<String, DemoError> {
        let target = PartTarget {
            bucket,
            key,
            upload_id,
            part_number,
        };
        self.check_part_target(target)?;
        let written = self.blobs.write(&body)?;
        Ok(self.commit_part(target, written)?.etag)
    }

    /// Fails unless the upload exists and the part number is valid (before bytes are written).
    pub(super) fn check_part_target(&self, target: PartTarget<'_>) -> Result<(), DemoError> {
        if !(1..=MAX_PART_NUMBER).contains(&target.part_number) {
            return Err(DemoError::InvalidArgument(format!(
                "part number {} is outside 1..={MAX_PART_NUMBER}",
                target.part_number
            )));
        }
        self.read(target.bucket, |index| {
            index
                .upload(target.key, target.upload_id)
                .map(drop)
                .ok_or_else(|| DemoError::NoSuchUpload(target.upload_id.to_owned()))
        })?
    }

    /// Records a part whose bytes are in a blob; deletes the blob if that fails.
    pub(super) fn commit_part(
        &self,
        target: PartTarget<'_>,
        written: WrittenBlob,
    ) -> Result<Part, DemoError> {
        let part = Part {
            size: written.size,
            etag: written.md5,
            last_modified: now(),
            blob: written.blob,
        };
        let result = self.write(target.bucket, |b| {
            if b.index.upload(target.key, target.upload_id).is_none() {
                return Err(DemoError::NoSuchUpload(target.upload_id.to_owned()));
            }
            let put = Mutation::PutPart {
                key: target.key.to_owned(),
                upload_id: target.upload_id.to_owned(),
                part_number: target.part_number,
                part: part.clone(),
            };
            self.commit_all(b, vec![put])
        });
        if result.is_err() {
            self.blobs.remove(&part.blob);
        }
        result.map(|()| part)
    }

    /// Copies a byte range of an object into a part (UploadPartCopy). `range_for` sees the
    /// source, to check preconditions and resolve the requested range.
    pub(super) fn copy_part(
        &self,
        source: (&str, &str, Option<&str>),
        target: PartTarget<'_>,
        range_for: impl FnOnce(&FoundObject) -> Result<Range<u64>, DemoError>,
    ) -> Result<(FoundObject, Part), DemoError> {
        self.check_part_target(target)?;
        let (object, reader) = self.open_object(source.0, source.1, source.2)?;
        let range = range_for(&object)?;
        let written = self.blobs.write_range(reader, range)?;
        let part = self.commit_part(target, written)?;
        Ok((object, part))
    }

    /// Assembles the listed parts (number, unquoted ETag) into the object and ends the upload.
    pub(super) fn complete_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        listed: &[(i32, String)],
    ) -> Result<PutResult, DemoError> {
        let no_such_upload = || DemoError::NoSuchUpload(upload_id.to_owned());
        let (attrs, parts) = self.read(bucket, |index| {
            let upload = index.upload(key, upload_id).ok_or_else(no_such_upload)?;
            Ok::<_, DemoError>((upload.attrs.clone(), chosen_parts(upload, listed)?))
        })??;
        let pieces: Vec<_> = parts
            .iter()
            .map(|part| (part.blob.as_ref(), part.size))
            .collect();
        let blob = self.blobs.write_concat(&pieces).map_err(|err| {
            match self.read(bucket, |index| index.upload(key, upload_id).is_some()) {
                Ok(true) => err,
                _ => no_such_upload(),
            }
        })?;
        let data = ObjectData {
            size: parts.iter().map(|part| part.size).sum(),
            etag: multipart_etag(parts.iter().map(|part| part.etag.as_str()))?,
            attrs,
            blob: blob.clone(),
        };
        let result = self.write(bucket, |b| {
            // A part re-uploaded or an abort while the bytes were being assembled wins.
            let upload = b.index.upload(key, upload_id).ok_or_else(no_such_upload)?;
            if chosen_parts(upload, listed)? != parts {
                return Err(DemoError::InvalidPart(
                    "a part changed while the upload was being completed".into(),
                ));
            }
            let end = Mutation::RemoveUpload {
                key: key.to_owned(),
                upload_id: upload_id.to_owned(),
            };
            self.put_version(b, key, data, None, vec![end])
        });
        if result.is_err() {
            self.blobs.remove(&blob);
        }
        result
    }

    /// Ends an upload and deletes its parts.
    pub(super) fn abort_upload(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> Result<(), DemoError> {
        self.write(bucket, |b| {
            if b.index.upload(key, upload_id).is_none() {
                return Err(DemoError::NoSuchUpload(upload_id.to_owned()));
            }
            let end = Mutation::RemoveUpload {
                key: key.to_owned(),
                upload_id: upload_id.to_owned(),
            };
            self.commit_all(b, vec![end])
        })
    }
}

/// The upload's parts named by a CompleteMultipartUpload request, checked as S3 checks them.
fn chosen_parts(upload: &Upload, listed: &[(i32, String)]) -> Result<Vec<Part>, DemoError> {
    if listed.is_empty() {
        return Err(DemoError::InvalidPart("the request lists no parts".into()));
    }
    if listed.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
        return Err(DemoError::InvalidPartOrder);
    }
    let mut parts = Vec::with_capacity(listed.len());
    for (i, (number, etag)) in listed.iter().enumerate() {
        let part = upload
            .parts
            .get(number)
            .filter(|part| part.etag == *etag)
            .ok_or_else(|| {
                DemoError::InvalidPart(format!("part {number} with ETag {etag:?} was not uploaded"))
            })?;
        if i + 1 < listed.len() && part.size < MIN_PART_SIZE {
            return Err(DemoError::EntityTooSmall {
                part_number: *number,
                size: part.size,
            });
        }
        parts.push(part.clone());
    }
    Ok(parts)
}
