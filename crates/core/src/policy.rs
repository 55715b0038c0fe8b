//! Least-privilege permissions per feature: IAM policy statements for AWS, admin caps for Ceph RGW.

use serde_json::{Value, json};

/// A capability that needs permissions of its own.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Feature {
    /// Bucket list and prefix-tree scans (browse, du, buckets --source scan).
    Browse,
    /// The bucket table from CloudWatch daily storage metrics.
    BucketsCloudwatch,
    /// Request usage from S3 server access log objects (and trimming them).
    UsageAccessLogs,
    /// Moving objects into date prefixes.
    Segregate,
    /// Extract snapshots and process rollups into a data dir on S3.
    Pipeline,
    /// Deleting objects and prefixes (`rm`, Browse's `D`).
    Rm,
    /// Removing hidden costs: stale uploads, noncurrent versions, delete markers (`cleanup`).
    Cleanup,
    /// Putting the rule `print-lifecycle` prints (with the AWS CLI or s3cmd).
    Lifecycle,
}

impl Feature {
    pub const ALL: [Feature; 8] = [
        Feature::Browse,
        Feature::BucketsCloudwatch,
        Feature::UsageAccessLogs,
        Feature::Segregate,
        Feature::Pipeline,
        Feature::Rm,
        Feature::Cleanup,
        Feature::Lifecycle,
    ];
}

/// Where the policy applies; "*"-free placeholders keep a pasted policy from granting too much.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Buckets read or tidied (`BUCKET` placeholder when unset).
    pub bucket: String,
    /// Bucket holding access logs.
    pub log_bucket: String,
    /// Bucket holding the extract/process data dir.
    pub data_bucket: String,
}

impl Default for Scope {
    fn default() -> Self {
        Self {
            bucket: "BUCKET".into(),
            log_bucket: "LOG_BUCKET".into(),
            data_bucket: "DATA_BUCKET".into(),
        }
    }
}

fn arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

fn objects(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}/*")
}

fn statement(sid: &str, actions: &[&str], resources: &[String]) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources})
}

/// The IAM statements one feature needs.
pub fn statements(feature: Feature, scope: &Scope) -> Vec<Value> {
    let b = &scope.bucket;
    let list_all = statement(
        "ListAllBuckets",
        &["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
        &["*".to_string()],
    );
    match feature {
        Feature::Browse => vec![
            list_all,
            statement(
                "BrowseListing",
                &[
                    "s3:ListBucket",
                    "s3:ListBucketVersions",
                    "s3:ListBucketMultipartUploads",
                ],
                &[arn(b)],
            ),
            statement(
                "BrowseObjectDetails",
                &[
                    "s3:GetObject",
                    "s3:GetObjectTagging",
                    "s3:ListMultipartUploadParts",
                ],
                &[objects(b)],
            ),
        ],
        Feature::BucketsCloudwatch => vec![
            list_all,
            statement(
                "BucketMetrics",
                &["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
                &["*".to_string()],
            ),
        ],
        Feature::UsageAccessLogs => vec![
            statement(
                "AccessLogList",
                &["s3:ListBucket"],
                &[arn(&scope.log_bucket)],
            ),
            statement(
                "AccessLogReadAndTrim",
                &["s3:GetObject", "s3:DeleteObject"],
                &[objects(&scope.log_bucket)],
            ),
        ],
        Feature::Segregate => vec![
            statement(
                "SegregateList",
                &["s3:ListBucket", "s3:ListBucketMultipartUploads"],
                &[arn(b)],
            ),
            statement(
                "SegregateMove",
                &[
                    "s3:GetObject",
                    "s3:GetObjectTagging",
                    "s3:PutObject",
                    "s3:PutObjectTagging",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                &[objects(b)],
            ),
        ],
        Feature::Pipeline => vec![
            list_all,
            statement(
                "PipelineSourceList",
                &["s3:ListBucket", "s3:ListBucketVersions"],
                &[arn(b)],
            ),
            statement(
                "PipelineSourceMetrics",
                &["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
                &["*".to_string()],
            ),
            statement(
                "PipelineDataList",
                &["s3:ListBucket"],
                &[arn(&scope.data_bucket)],
            ),
            statement(
                "PipelineDataReadWrite",
                &[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                ],
                &[objects(&scope.data_bucket)],
            ),
        ],
        // GetBucketVersioning: the plan says whether delete markers will be added.
        Feature::Rm => vec![
            statement(
                "RmList",
                &["s3:ListBucket", "s3:GetBucketVersioning"],
                &[arn(b)],
            ),
            // HeadObject of a single key is s3:GetObject.
            statement(
                "RmDelete",
                &["s3:GetObject", "s3:DeleteObject"],
                &[objects(b)],
            ),
        ],
        Feature::Cleanup => vec![
            statement(
                "CleanupList",
                &["s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
                &[arn(b)],
            ),
            statement(
                "CleanupRemove",
                &[
                    "s3:ListMultipartUploadParts",
                    "s3:AbortMultipartUpload",
                    "s3:DeleteObjectVersion",
                ],
                &[objects(b)],
            ),
        ],
        Feature::Lifecycle => vec![statement(
            "LifecyclePut",
            &[
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
            ],
            &[arn(b)],
        )],
    }
}

/// One IAM policy document for a set of features; statements with the same Sid are merged once.
pub fn iam_policy(features: &[Feature], scope: &Scope) -> Value {
    let mut seen = std::collections::BTreeSet::new();
    let mut all = Vec::new();
    for f in features {
        for s in statements(*f, scope) {
            let sid = s["Sid"].as_str().unwrap_or_default().to_string();
            if seen.insert(sid) {
                all.push(s);
            }
        }
    }
    json!({"Version": "2012-10-17", "Statement": all})
}

/// Ceph RGW admin caps: (cap, what needs it).
pub const CEPH_CAPS: [(&str, &str); 3] = [
    ("usage=read", "usage collect from GET /admin/usage"),
    ("usage=write", "usage collect --trim (DELETE /admin/usage)"),
    (
        "buckets=read",
        "bucket table from GET /admin/bucket?stats (buckets --source rgw)",
    ),
];

/// Shell lines that grant the Ceph caps to a user, one comment per cap.
pub fn ceph_caps(uid: &str) -> String {
    let mut out = String::new();
    for (cap, why) in CEPH_CAPS {
        out.push_str(&format!("# {cap}: {why}\n"));
    }
    let caps: Vec<&str> = CEPH_CAPS.iter().map(|(c, _)| *c).collect();
    out.push_str(&format!(
        "radosgw-admin caps add --uid={uid} --caps=\"{}\"\n",
        caps.join("; ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_scoped_and_deduplicated() {
        let scope = Scope {
            bucket: "cdr".into(),
            ..Scope::default()
        };
        let p = iam_policy(&Feature::ALL, &scope);
        let sids: Vec<&str> = p["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(sids.iter().filter(|s| **s == "ListAllBuckets").count(), 1);
        let seg = statements(Feature::Segregate, &scope);
        assert_eq!(seg[1]["Resource"][0], "arn:aws:s3:::cdr/*");
        assert!(!p.to_string().contains("\"s3:*\""));
        let cleanup = statements(Feature::Cleanup, &scope).to_vec();
        assert_eq!(cleanup[1]["Resource"][0], "arn:aws:s3:::cdr/*");
        assert!(
            cleanup[1]["Action"]
                .to_string()
                .contains("s3:DeleteObjectVersion")
        );
        assert!(
            statements(Feature::Rm, &scope)[1]["Action"]
                .to_string()
                .contains("s3:DeleteObject")
        );
    }

    #[test]
    fn ceph_caps_lists_each_cap() {
        let s = ceph_caps("alice");
        assert!(s.contains("--uid=alice --caps=\"usage=read; usage=write; buckets=read\""));
    }
}
