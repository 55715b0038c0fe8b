//! `s3scope demo`: an embedded S3 server on 127.0.0.1 and the deterministic data it is seeded with.
