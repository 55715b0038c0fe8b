//! The lifecycle rule that keeps a bucket clean without s3scope: the same cleanup as `cleanup`
//! (stale uploads, noncurrent versions, expired delete markers) plus transitions, as the JSON
//! of `aws s3api put-bucket-lifecycle-configuration` and as the S3 XML Ceph RGW reads.

use serde_json::{Map, Value, json};
use thiserror::Error;

/// Classes AWS accepts as a transition target, and the fewest days each needs.
const AWS_CLASSES: [(&str, u64); 6] = [
    ("STANDARD_IA", 30),
    ("ONEZONE_IA", 30),
    ("INTELLIGENT_TIERING", 0),
    ("GLACIER_IR", 0),
    ("GLACIER", 0),
    ("DEEP_ARCHIVE", 0),
];

/// Current versions move to `storage_class` `days` after they were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub storage_class: String,
    pub days: u64,
}

impl std::str::FromStr for Transition {
    type Err = LifecycleError;

    /// `CLASS:DAYS`, e.g. `STANDARD_IA:30`.
    fn from_str(s: &str) -> Result<Self, LifecycleError> {
        let bad = || LifecycleError::Transition(s.to_string());
        let (class, days) = s.split_once(':').ok_or_else(bad)?;
        let class = class.trim().to_ascii_uppercase();
        let valid = !class.is_empty()
            && class
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(bad());
        }
        Ok(Self {
            storage_class: class,
            days: days.trim().parse().map_err(|_| bad())?,
        })
    }
}

/// One rule: what it does and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleSpec {
    /// The rule's ID.
    pub id: String,
    /// Keys the rule applies to ("" for the whole bucket).
    pub prefix: String,
    /// AbortIncompleteMultipartUpload after this many days.
    pub uploads_days: Option<u64>,
    /// NoncurrentVersionExpiration after this many days noncurrent.
    pub noncurrent_days: Option<u64>,
    /// Expiration of delete markers with no version behind them.
    pub expired_delete_markers: bool,
    pub transitions: Vec<Transition>,
}

/// A rule AWS or RGW would reject, said before it is printed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LifecycleError {
    #[error("bad transition {0:?}: use CLASS:DAYS, e.g. STANDARD_IA:30 or GLACIER:90")]
    Transition(String),
    #[error(
        "AWS has no transition to {0}: use STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE (RGW classes: --format rgw)"
    )]
    Class(String),
    #[error("AWS moves objects to {class} after 30 days at the earliest, not {days}")]
    TooSoon { class: String, days: u64 },
    #[error("a lifecycle day count must be at least 1, not 0 (--{0})")]
    ZeroDays(&'static str),
    #[error(
        "the rule does nothing: give --uploads-older-than, --noncurrent-older-than, --delete-markers or --transition"
    )]
    Empty,
}

impl LifecycleSpec {
    /// Checks the rule for the AWS format (`aws`: true) or for RGW, whose storage classes are
    /// the ones its zonegroup placement defines.
    pub fn check(&self, aws: bool) -> Result<(), LifecycleError> {
        if self.uploads_days.is_none()
            && self.noncurrent_days.is_none()
            && !self.expired_delete_markers
            && self.transitions.is_empty()
        {
            return Err(LifecycleError::Empty);
        }
        if self.uploads_days == Some(0) {
            return Err(LifecycleError::ZeroDays("uploads-older-than"));
        }
        if self.noncurrent_days == Some(0) {
            return Err(LifecycleError::ZeroDays("noncurrent-older-than"));
        }
        for t in &self.transitions {
            if !aws {
                continue;
            }
            let Some((_, min)) = AWS_CLASSES.iter().find(|(c, _)| *c == t.storage_class) else {
                return Err(LifecycleError::Class(t.storage_class.clone()));
            };
            if t.days < *min {
                return Err(LifecycleError::TooSoon {
                    class: t.storage_class.clone(),
                    days: t.days,
                });
            }
        }
        Ok(())
    }

    /// The configuration for `aws s3api put-bucket-lifecycle-configuration
    /// --lifecycle-configuration file://FILE`.
    pub fn aws_json(&self) -> Value {
        let mut rule = Map::new();
        rule.insert("ID".into(), json!(self.id));
        rule.insert("Filter".into(), json!({ "Prefix": self.prefix }));
        rule.insert("Status".into(), json!("Enabled"));
        if !self.transitions.is_empty() {
            let t: Vec<Value> = self
                .transitions
                .iter()
                .map(|t| json!({ "Days": t.days, "StorageClass": t.storage_class }))
                .collect();
            rule.insert("Transitions".into(), Value::Array(t));
        }
        if let Some(d) = self.noncurrent_days {
            rule.insert(
                "NoncurrentVersionExpiration".into(),
                json!({ "NoncurrentDays": d }),
            );
        }
        if let Some(d) = self.uploads_days {
            rule.insert(
                "AbortIncompleteMultipartUpload".into(),
                json!({ "DaysAfterInitiation": d }),
            );
        }
        if self.expired_delete_markers {
            rule.insert(
                "Expiration".into(),
                json!({ "ExpiredObjectDeleteMarker": true }),
            );
        }
        json!({ "Rules": [Value::Object(rule)] })
    }

    /// The S3 XML body Ceph RGW takes (`s3cmd setlifecycle FILE s3://BUCKET`, or a PUT
    /// `?lifecycle`): the same rule.
    pub fn xml(&self) -> String {
        let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.push_str("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n");
        x.push_str("  <Rule>\n");
        x.push_str(&format!("    <ID>{}</ID>\n", esc(&self.id)));
        x.push_str(&format!(
            "    <Filter>\n      <Prefix>{}</Prefix>\n    </Filter>\n",
            esc(&self.prefix)
        ));
        x.push_str("    <Status>Enabled</Status>\n");
        for t in &self.transitions {
            x.push_str(&format!(
                "    <Transition>\n      <Days>{}</Days>\n      <StorageClass>{}</StorageClass>\n    </Transition>\n",
                t.days,
                esc(&t.storage_class)
            ));
        }
        if let Some(d) = self.noncurrent_days {
            x.push_str(&format!(
                "    <NoncurrentVersionExpiration>\n      <NoncurrentDays>{d}</NoncurrentDays>\n    </NoncurrentVersionExpiration>\n"
            ));
        }
        if let Some(d) = self.uploads_days {
            x.push_str(&format!(
                "    <AbortIncompleteMultipartUpload>\n      <DaysAfterInitiation>{d}</DaysAfterInitiation>\n    </AbortIncompleteMultipartUpload>\n"
            ));
        }
        if self.expired_delete_markers {
            x.push_str(
                "    <Expiration>\n      <ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>\n    </Expiration>\n",
            );
        }
        x.push_str("  </Rule>\n</LifecycleConfiguration>\n");
        x
    }
}

/// How to apply and check the printed rule (shown on stderr, so stdout is only the rule).
pub fn how_to(bucket: &str, rgw: bool) -> String {
    if rgw {
        format!(
            "# save this as lifecycle.xml, then on Ceph RGW:\n\
             #   s3cmd setlifecycle lifecycle.xml s3://{bucket}    (check: s3cmd getlifecycle s3://{bucket})\n\
             #   radosgw-admin lc list; radosgw-admin lc process   (run the lifecycle pass now)\n\
             # RGW runs lifecycle once a day (rgw_lifecycle_work_time); to test, set\n\
             #   rgw_lc_debug_interval = 60 in ceph.conf: a lifecycle \"day\" then lasts 60 seconds.\n\
             # A transition's class must exist in the zonegroup placement\n\
             #   (radosgw-admin zonegroup placement add --storage-class CLASS ...)."
        )
    } else {
        format!(
            "# save this as lifecycle.json, then:\n\
             #   aws s3api put-bucket-lifecycle-configuration --bucket {bucket} --lifecycle-configuration file://lifecycle.json\n\
             # it replaces the bucket's lifecycle configuration: merge rules from\n\
             #   aws s3api get-bucket-lifecycle-configuration --bucket {bucket}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> LifecycleSpec {
        LifecycleSpec {
            id: "s3scope-cleanup".into(),
            prefix: "logs/<&>".into(),
            uploads_days: Some(7),
            noncurrent_days: Some(30),
            expired_delete_markers: true,
            transitions: vec!["standard_ia:30".parse().unwrap()],
        }
    }

    #[test]
    fn json_and_xml_carry_the_same_rule() {
        let s = spec();
        s.check(true).unwrap();
        let j = s.aws_json();
        let r = &j["Rules"][0];
        assert_eq!(
            r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
            7
        );
        assert_eq!(r["NoncurrentVersionExpiration"]["NoncurrentDays"], 30);
        assert_eq!(r["Expiration"]["ExpiredObjectDeleteMarker"], true);
        assert_eq!(r["Transitions"][0]["StorageClass"], "STANDARD_IA");
        assert_eq!(r["Filter"]["Prefix"], "logs/<&>");
        let x = s.xml();
        assert!(x.contains("<Prefix>logs/&lt;&amp;&gt;</Prefix>"), "{x}");
        assert!(x.contains("<DaysAfterInitiation>7</DaysAfterInitiation>"));
        let mut reader = quick_xml::Reader::from_str(&x);
        loop {
            match reader.read_event().expect("well-formed XML") {
                quick_xml::events::Event::Eof => break,
                _ => continue,
            }
        }
    }

    #[test]
    fn rules_aws_would_reject_are_refused() {
        let mut s = spec();
        s.transitions = vec!["STANDARD_IA:10".parse().unwrap()];
        assert!(matches!(s.check(true), Err(LifecycleError::TooSoon { .. })));
        s.transitions = vec!["COLD:10".parse().unwrap()];
        assert!(matches!(s.check(true), Err(LifecycleError::Class(_))));
        assert!(s.check(false).is_ok(), "RGW classes are the operator's");
        assert!("GLACIER".parse::<Transition>().is_err());
        assert_eq!(
            LifecycleSpec::default().check(true),
            Err(LifecycleError::Empty)
        );
    }
}
