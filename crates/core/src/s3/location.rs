//! `s3://bucket/prefix` locations: parsed strictly, with errors that show the expected form.

use thiserror::Error;

/// A bucket and an optional key or prefix inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Key or prefix, exactly as given after the bucket's `/` (may be empty).
    pub key: String,
}

#[derive(Debug, Error, PartialEq)]
#[error("`{input}` is not an S3 location: {reason}; write it as s3://BUCKET or s3://BUCKET/PREFIX")]
pub struct LocationError {
    input: String,
    reason: &'static str,
}

impl std::str::FromStr for S3Location {
    type Err = LocationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason| LocationError {
            input: crate::text::escape_control(input).into_owned(),
            reason,
        };
        let rest = input
            .strip_prefix("s3://")
            .ok_or_else(|| err("it must start with s3://"))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(err("the bucket name is empty"));
        }
        if bucket.len() > 255
            || !bucket
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err(err(
                "a bucket name has only letters, digits, '-', '.' and '_'",
            ));
        }
        Ok(Self {
            bucket: bucket.to_string(),
            key: key.to_string(),
        })
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let l: S3Location = "s3://b/a b/ü%+".parse().unwrap();
        assert_eq!((l.bucket.as_str(), l.key.as_str()), ("b", "a b/ü%+"));
        let l: S3Location = "s3://b".parse().unwrap();
        assert_eq!(l.key, "");
        for bad in ["b/k", "s3://", "s3:///k", "s3://b c/k", "http://b/k"] {
            let e = bad.parse::<S3Location>().unwrap_err().to_string();
            assert!(e.contains("s3://BUCKET"), "{bad}: {e}");
        }
    }
}
