//! S3 access: client factory, errors, bucket listing, RGW admin API, CloudWatch.

pub mod buckets; // ListBuckets with regions and creation dates
pub mod client; // per-profile SDK config, per-region clients, bucket region cache
pub mod error; // S3 failures sorted into what the user should do
pub mod rgw; // Ceph RGW admin API client (SigV4-signed usage and bucket stats)
