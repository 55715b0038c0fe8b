//! Which S3 operation a request is, from its method, path-style URI and headers, so that faults,
//! holds and counts can be aimed at one kind of call.

use http::{HeaderMap, Method, Uri};
use std::fmt;
use std::str::FromStr;

/// The S3 operations the proxy tells apart (path-style addressing); everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum S3Op {
    ListObjectsV2,
    ListObjects,
    ListObjectVersions,
    ListMultipartUploads,
    ListParts,
    ListBuckets,
    GetObject,
    HeadObject,
    PutObject,
    CopyObject,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    DeleteObject,
    DeleteObjects,
    GetBucketLocation,
    /// Ceph RGW's admin API (`/admin/...`).
    AdminApi,
    Other,
}

impl S3Op {
    /// Every operation, in declaration order.
    pub const ALL: [S3Op; 20] = [
        S3Op::ListObjectsV2,
        S3Op::ListObjects,
        S3Op::ListObjectVersions,
        S3Op::ListMultipartUploads,
        S3Op::ListParts,
        S3Op::ListBuckets,
        S3Op::GetObject,
        S3Op::HeadObject,
        S3Op::PutObject,
        S3Op::CopyObject,
        S3Op::CreateMultipartUpload,
        S3Op::UploadPart,
        S3Op::UploadPartCopy,
        S3Op::CompleteMultipartUpload,
        S3Op::AbortMultipartUpload,
        S3Op::DeleteObject,
        S3Op::DeleteObjects,
        S3Op::GetBucketLocation,
        S3Op::AdminApi,
        S3Op::Other,
    ];

    /// The operation's name, as in the S3 API reference.
    pub fn name(self) -> &'static str {
        match self {
            S3Op::ListObjectsV2 => "ListObjectsV2",
            S3Op::ListObjects => "ListObjects",
            S3Op::ListObjectVersions => "ListObjectVersions",
            S3Op::ListMultipartUploads => "ListMultipartUploads",
            S3Op::ListParts => "ListParts",
            S3Op::ListBuckets => "ListBuckets",
            S3Op::GetObject => "GetObject",
            S3Op::HeadObject => "HeadObject",
            S3Op::PutObject => "PutObject",
            S3Op::CopyObject => "CopyObject",
            S3Op::CreateMultipartUpload => "CreateMultipartUpload",
            S3Op::UploadPart => "UploadPart",
            S3Op::UploadPartCopy => "UploadPartCopy",
            S3Op::CompleteMultipartUpload => "CompleteMultipartUpload",
            S3Op::AbortMultipartUpload => "AbortMultipartUpload",
            S3Op::DeleteObject => "DeleteObject",
            S3Op::DeleteObjects => "DeleteObjects",
            S3Op::GetBucketLocation => "GetBucketLocation",
            S3Op::AdminApi => "AdminApi",
            S3Op::Other => "Other",
        }
    }

    /// Sorts a path-style request (`/`, `/bucket`, `/bucket/key`) into an operation.
    pub fn classify(method: &Method, uri: &Uri, headers: &HeaderMap) -> S3Op {
        classify(method, uri, headers)
    }
}

impl fmt::Display for S3Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`S3Op::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOp(pub String);

impl fmt::Display for UnknownOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = S3Op::ALL.iter().map(|op| op.name()).collect();
        write!(
            f,
            "unknown S3 operation {:?}; use one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownOp {}

impl FromStr for S3Op {
    type Err = UnknownOp;

    fn from_str(s: &str) -> Result<S3Op, UnknownOp> {
        let s = s.trim();
        S3Op::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownOp(s.to_string()))
    }
}

/// Object subresources that make a GET/PUT/DELETE on an object something other than the plain
/// object operation (tagging, ACLs, ...).
const OBJECT_SUBRESOURCES: [&str; 8] = [
    "tagging",
    "acl",
    "attributes",
    "retention",
    "legal-hold",
    "torrent",
    "restore",
    "select",
];

/// Sorts a path-style request (`/`, `/bucket`, `/bucket/key`) into an operation.
pub fn classify(method: &Method, uri: &Uri, headers: &HeaderMap) -> S3Op {
    let path = uri.path();
    if path == "/admin" || path.starts_with("/admin/") {
        return S3Op::AdminApi;
    }
    let query: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or(p, |(k, _)| k))
        .collect();
    let has = |name: &str| query.contains(&name);
    let rest = path.trim_start_matches('/');
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return if method == Method::GET {
            S3Op::ListBuckets
        } else {
            S3Op::Other
        };
    }
    if key.is_empty() {
        return bucket_op(method, &has);
    }
    if OBJECT_SUBRESOURCES.iter().any(|s| has(s)) {
        return S3Op::Other;
    }
    let copy = headers.contains_key("x-amz-copy-source");
    let part = has("partNumber") && has("uploadId");
    match *method {
        Method::GET if has("uploadId") => S3Op::ListParts,
        Method::GET => S3Op::GetObject,
        Method::HEAD => S3Op::HeadObject,
        Method::PUT if part && copy => S3Op::UploadPartCopy,
        Method::PUT if part => S3Op::UploadPart,
        Method::PUT if copy => S3Op::CopyObject,
        Method::PUT => S3Op::PutObject,
        Method::POST if has("uploads") => S3Op::CreateMultipartUpload,
        Method::POST if has("uploadId") => S3Op::CompleteMultipartUpload,
        Method::DELETE if has("uploadId") => S3Op::AbortMultipartUpload,
        Method::DELETE => S3Op::DeleteObject,
        _ => S3Op::Other,
    }
}

fn bucket_op(method: &Method, has: &dyn Fn(&str) -> bool) -> S3Op {
    match *method {
        Method::GET if has("list-type") => S3Op::ListObjectsV2,
        Method::GET if has("versions") => S3Op::ListObjectVersions,
        Method::GET if has("uploads") => S3Op::ListMultipartUploads,
        Method::GET if has("location") => S3Op::GetBucketLocation,
        // Any other subresource (?tagging, ?policy, ?versioning...) is a bucket setting.
        Method::GET if has_no_subresource(has) => S3Op::ListObjects,
        Method::POST if has("delete") => S3Op::DeleteObjects,
        _ => S3Op::Other,
    }
}

/// True when the query only has ListObjects parameters.
fn has_no_subresource(has: &dyn Fn(&str) -> bool) -> bool {
    const BUCKET_SUBRESOURCES: [&str; 16] = [
        "acl",
        "cors",
        "encryption",
        "lifecycle",
        "logging",
        "notification",
        "object-lock",
        "ownershipControls",
        "policy",
        "policyStatus",
        "publicAccessBlock",
        "replication",
        "requestPayment",
        "tagging",
        "versioning",
        "website",
    ];
    !BUCKET_SUBRESOURCES.iter().any(|s| has(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: Method, uri: &str, copy: bool) -> S3Op {
        let mut headers = HeaderMap::new();
        if copy {
            headers.insert("x-amz-copy-source", "b/k".parse().unwrap());
        }
        classify(&method, &uri.parse().unwrap(), &headers)
    }

    #[test]
    fn sorts_the_calls_of_apply_and_listing() {
        use S3Op::*;
        let cases = [
            (Method::GET, "/", false, ListBuckets),
            (
                Method::GET,
                "/b?list-type=2&prefix=a%2F",
                false,
                ListObjectsV2,
            ),
            (Method::GET, "/b/?list-type=2", false, ListObjectsV2),
            (Method::GET, "/b?prefix=a", false, ListObjects),
            (Method::GET, "/b", false, ListObjects),
            (Method::GET, "/b?versions", false, ListObjectVersions),
            (
                Method::GET,
                "/b?uploads&prefix=x",
                false,
                ListMultipartUploads,
            ),
            (Method::GET, "/b?location", false, GetBucketLocation),
            (Method::GET, "/b?versioning", false, Other),
            (Method::POST, "/b?delete", false, DeleteObjects),
            (Method::PUT, "/b", false, Other),
            (Method::GET, "/b/k/with%20space", false, GetObject),
            (Method::GET, "/b/k?uploadId=1", false, ListParts),
            (Method::GET, "/b/k?tagging", false, Other),
            (Method::HEAD, "/b/k", false, HeadObject),
            (Method::PUT, "/b/k", false, PutObject),
            (Method::PUT, "/b/k", true, CopyObject),
            (
                Method::PUT,
                "/b/k?partNumber=2&uploadId=u",
                false,
                UploadPart,
            ),
            (
                Method::PUT,
                "/b/k?partNumber=2&uploadId=u",
                true,
                UploadPartCopy,
            ),
            (Method::POST, "/b/k?uploads", false, CreateMultipartUpload),
            (
                Method::POST,
                "/b/k?uploadId=u",
                false,
                CompleteMultipartUpload,
            ),
            (
                Method::DELETE,
                "/b/k?uploadId=u",
                false,
                AbortMultipartUpload,
            ),
            (Method::DELETE, "/b/k", false, DeleteObject),
            (Method::GET, "/admin/usage?format=json", false, AdminApi),
            (Method::GET, "/admin", false, AdminApi),
        ];
        for (method, uri, copy, want) in cases {
            assert_eq!(op(method.clone(), uri, copy), want, "{method} {uri}");
        }
    }

    #[test]
    fn names_round_trip() {
        for op in S3Op::ALL {
            assert_eq!(op.to_string().parse::<S3Op>(), Ok(op));
        }
        assert_eq!(" deleteobjects ".parse::<S3Op>(), Ok(S3Op::DeleteObjects));
        let err = "Nope".parse::<S3Op>().unwrap_err().to_string();
        assert!(err.contains("unknown S3 operation \"Nope\""), "{err}");
        assert!(err.contains("CopyObject"), "{err}");
    }
}
