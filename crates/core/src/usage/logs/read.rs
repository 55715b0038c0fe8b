//! Reading access log objects into the usage model; malformed lines are skipped, counted, shown.

use super::list::LogObject;
use super::parse::{Malformed, Request, parse_line};
use crate::job::Progress;
use crate::s3::error::S3Error;
use crate::usage::UsageError;
use crate::usage::files::ChunkWriter;
use crate::usage::model::Tally;
use aws_sdk_s3::Client;
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

/// Malformed lines kept as examples per run (all are counted).
pub const MAX_EXAMPLES: usize = 10;
/// Characters of a malformed line kept in its example.
const EXAMPLE_CHARS: usize = 200;

/// A skipped line, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MalformedLine {
    pub object: String,
    /// 1-based line number in the object.
    pub line: u64,
    pub reason: String,
    /// The start of the line, as read (escape it before printing).
    pub text: String,
}

/// One log object as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadObject {
    pub object: LogObject,
    pub lines: u64,
    pub malformed: u64,
}

/// What a set of log objects added up to.
#[derive(Debug, Default)]
pub struct LogBatch {
    pub tally: Tally,
    pub objects: Vec<ReadObject>,
    pub lines: u64,
    pub malformed: u64,
    pub examples: Vec<MalformedLine>,
}

impl LogBatch {
    /// Adds the lines of one object. Never fails: whatever is not a record is counted as
    /// malformed, with the first few kept as examples.
    pub fn absorb(
        &mut self,
        object: &LogObject,
        body: &[u8],
        mut chunk: Option<&mut Vec<serde_json::Value>>,
    ) {
        let text = String::from_utf8_lossy(body);
        let mut fields = Vec::with_capacity(32);
        let (mut lines, mut malformed) = (0u64, 0u64);
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            lines += 1;
            match parse_line(line, &mut fields) {
                Ok(r) => {
                    self.tally
                        .add(r.hour(), r.requester, r.bucket, r.category(), &r.counters());
                    if let Some(c) = chunk.as_deref_mut() {
                        c.push(request_json(&r));
                    }
                }
                Err(why) => {
                    malformed += 1;
                    self.example(object, n as u64 + 1, why, line);
                }
            }
        }
        self.lines += lines;
        self.malformed += malformed;
        self.objects.push(ReadObject {
            object: object.clone(),
            lines,
            malformed,
        });
    }

    fn example(&mut self, object: &LogObject, line: u64, why: Malformed, text: &str) {
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(MalformedLine {
                object: object.key.clone(),
                line,
                reason: why.to_string(),
                text: text.chars().take(EXAMPLE_CHARS).collect(),
            });
        }
    }
}

fn request_json(r: &Request<'_>) -> serde_json::Value {
    serde_json::json!({
        "time": DateTimeText(r.time).to_string(),
        "bucket": r.bucket,
        "requester": r.requester,
        "operation": r.operation,
        "category": r.category(),
        "key": r.key(),
        "status": r.status,
        "bytes_sent": r.bytes_sent,
        "object_size": r.object_size,
    })
}

struct DateTimeText(i64);

impl std::fmt::Display for DateTimeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match chrono::DateTime::from_timestamp(self.0, 0) {
            Some(t) => f.write_str(&crate::instants::iso(t)),
            None => write!(f, "{}", self.0),
        }
    }
}

/// Where and how to read.
pub struct Reader<'a> {
    pub s3: &'a Client,
    pub endpoint: &'a str,
    pub bucket: &'a str,
    pub concurrency: usize,
    pub progress: &'a Progress,
    pub cancel: &'a CancellationToken,
    pub chunks: Option<&'a ChunkWriter>,
}

impl Reader<'_> {
    /// Downloads `objects` (several at a time) and adds them up in key order. An object
    /// deleted since it was listed is left out (it is not marked as read).
    pub async fn read(&self, objects: Vec<LogObject>) -> Result<LogBatch, UsageError> {
        self.progress.set_total(objects.len() as u64);
        let mut batch = LogBatch::default();
        let mut bodies = futures::stream::iter(objects)
            .map(|o| async move {
                let body = self.get(&o.key).await;
                (o, body)
            })
            .buffered(self.concurrency.max(1));
        while let Some((object, body)) = bodies.next().await {
            if self.cancel.is_cancelled() {
                return Err(UsageError::Cancelled(
                    "cancelled while reading log objects; nothing was saved or trimmed".into(),
                ));
            }
            let body = match body {
                Ok(b) => b,
                Err(S3Error::NoSuchKey { .. }) => {
                    tracing::warn!(key = %object.key, "log object deleted since it was listed; skipped");
                    continue;
                }
                Err(e) => {
                    return Err(UsageError::s3(format!(
                        "reading log object s3://{}/{}",
                        self.bucket, object.key
                    ))(e));
                }
            };
            let before = (batch.lines, batch.malformed);
            let mut chunk = self.chunks.map(|_| Vec::new());
            batch.absorb(&object, &body, chunk.as_mut());
            self.progress.add_records(batch.lines - before.0);
            self.progress.add_errors(batch.malformed - before.1);
            self.progress.add_calls(1);
            self.progress.add(1, body.len() as u64);
            if let (Some(writer), Some(requests)) = (self.chunks, chunk) {
                let read = batch.objects.last();
                let value = serde_json::json!({
                    "source": format!("s3://{}/{}", self.bucket, object.key),
                    "etag": object.etag,
                    "delivered": crate::instants::iso(object.delivered),
                    "lines": read.map_or(0, |r| r.lines),
                    "malformed_lines": read.map_or(0, |r| r.malformed),
                    "requests": requests,
                });
                writer.write(&object.key, &value)?;
            }
        }
        Ok(batch)
    }

    /// The object's bytes; a download that breaks off is fetched again.
    async fn get(&self, key: &str) -> Result<bytes::Bytes, S3Error> {
        crate::s3::retry::download(self.s3, self.bucket, key, self.endpoint).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn object(key: &str) -> LogObject {
        LogObject {
            key: key.into(),
            etag: "e".into(),
            size: 0,
            delivered: Utc.with_ymd_and_hms(2024, 5, 10, 14, 0, 0).unwrap(),
        }
    }

    #[test]
    fn malformed_lines_are_counted_and_kept_as_examples() {
        let good = "o b [10/May/2024:13:59:59 +0000] 1.2.3.4 alice R REST.PUT.OBJECT k \"PUT /b/k HTTP/1.1\" 200 - - 10 1 1 \"-\" \"ua\" - h SigV4 c AuthHeader host TLSv1.3 - -";
        let body = format!("{good}\n\n<html>oops</html>\n{good}\r\n\u{1b}[2J\n");
        let mut batch = LogBatch::default();
        let mut chunk = Vec::new();
        batch.absorb(&object("logs/a"), body.as_bytes(), Some(&mut chunk));
        assert_eq!((batch.lines, batch.malformed), (4, 2));
        assert_eq!(chunk.len(), 2);
        assert_eq!(chunk[0]["category"], "put_obj");
        assert_eq!(batch.examples[0].line, 3);
        assert_eq!(batch.examples[0].reason, "1 field, 26 expected");
        assert_eq!(batch.examples[1].text, "\u{1b}[2J");
        let hours = std::mem::take(&mut batch.tally).into_hours();
        let rows = hours.values().next().unwrap();
        let c = rows.values().next().unwrap();
        assert_eq!((c.ops, c.successful_ops, c.bytes_received), (2, 2, 20));
        // Bytes that are not UTF-8 are a malformed line, not a failure.
        let mut batch = LogBatch::default();
        batch.absorb(&object("logs/b"), b"\xff\xfe\n", None);
        assert_eq!((batch.lines, batch.malformed), (1, 1));
        let many = "x\n".repeat(50);
        batch.absorb(&object("logs/c"), many.as_bytes(), None);
        assert_eq!(batch.malformed, 51);
        assert_eq!(batch.examples.len(), MAX_EXAMPLES);
    }
}
