//! S3 access: client factory, errors, bucket listing, RGW admin API, CloudWatch.

pub mod buckets; // ListBuckets with regions and creation dates
pub mod client; // per-profile SDK config, per-region clients, bucket region cache
pub mod cloudwatch; // daily AWS/S3 storage metrics per bucket and storage class
pub mod error; // S3 failures sorted into what the user should do
pub mod hidden; // noncurrent versions, delete markers, incomplete multipart uploads
pub mod lister; // parallel streaming ListObjectsV2: flat key ranges split as workers idle, pages retried
pub mod location; // s3://bucket/prefix parsing
pub mod object; // HEAD of buckets and objects
pub mod proxy; // which proxy (and which variable) a request goes through; errors that name it
pub mod retry; // one retry policy: transient errors, backoff with jitter, adaptive limiter
pub mod rgw; // Ceph RGW admin API client (SigV4-signed usage and bucket stats)
pub mod split; // where to cut a listing range so idle workers get real work
pub mod write; // the write guard: a Writer only for writable profiles, writes refused on read-only ones
