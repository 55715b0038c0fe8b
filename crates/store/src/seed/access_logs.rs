//! `demo-logs`: S3 server access logs in AWS's format, by several requesters on the demo data.
//!
//! Format: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html>

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rand::Rng;

use super::description::{Logs, Requester};
use super::{Seeder, Written};
use crate::DemoError;
use crate::store::PutOptions;

/// Keys in log records are URL-encoded; `/` stays readable.
const LOG_KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// What a request did, with its relative frequency.
#[derive(Debug, Clone, Copy)]
enum Operation {
    GetObject,
    GetMissingObject,
    HeadObject,
    ListBucket,
    PutObject,
    CopyObject,
    DeleteObject,
}

const OPERATIONS: [(Operation, u32); 7] = [
    (Operation::GetObject, 44),
    (Operation::GetMissingObject, 4),
    (Operation::HeadObject, 15),
    (Operation::ListBucket, 15),
    (Operation::PutObject, 12),
    (Operation::CopyObject, 5),
    (Operation::DeleteObject, 5),
];

/// One access log record.
struct Record {
    time: DateTime<Utc>,
    bucket: String,
    line: String,
}

pub fn seed(seeder: &mut Seeder<'_>, logs: &Logs) -> Result<(), DemoError> {
    seeder.create_bucket(&logs.bucket)?;
    let targets = std::mem::take(&mut seeder.written);
    if targets.is_empty() {
        return Ok(());
    }
    let every = Duration::minutes(i64::from(logs.every_minutes));
    let first = seeder.now - Duration::days(i64::from(logs.days));
    let intervals = i64::from(logs.days) * 24 * 60 / i64::from(logs.every_minutes);
    let partitioned_from = seeder.now - Duration::hours(i64::from(logs.partitioned_hours));
    for i in 0..intervals {
        let start = first + every * i32::try_from(i).unwrap_or(i32::MAX);
        let count = seeder.rng.random_range(logs.lines[0]..=logs.lines[1]);
        let mut records: Vec<Record> = (0..count)
            .map(|_| record(seeder, logs, &targets, start, every))
            .collect();
        records.sort_by_key(|r| r.time);
        let mut lines: Vec<(String, String)> =
            records.into_iter().map(|r| (r.bucket, r.line)).collect();
        // Real log consumers meet broken records; the demo has two.
        if i == intervals / 3
            && let Some((_, line)) = lines.first_mut()
        {
            let cut = line
                .char_indices()
                .nth(line.chars().count() * 3 / 5)
                .map_or(0, |(at, _)| at);
            line.truncate(cut);
        }
        if i == intervals * 2 / 3 {
            let at = lines.len() / 2;
            let bucket = lines
                .get(at)
                .map_or_else(|| targets[0].bucket.clone(), |(bucket, _)| bucket.clone());
            lines.insert(at, (bucket, logs.garbage.clone()));
        }
        let delivered = seeder.moment_after(start + every, 15);
        if start >= partitioned_from {
            let mut by_bucket: BTreeMap<String, String> = BTreeMap::new();
            for (bucket, line) in lines {
                let text = by_bucket.entry(bucket).or_default();
                text.push_str(&line);
                text.push('\n');
            }
            for (bucket, text) in by_bucket {
                let name = log_name(seeder, delivered);
                let key = format!(
                    "partitioned/{}/{}/{bucket}/{}/{name}",
                    logs.account,
                    logs.region,
                    delivered.format("%Y/%m/%d")
                );
                put_log(seeder, &logs.bucket, &key, text, delivered)?;
            }
        } else {
            let text: String = lines.into_iter().map(|(_, line)| line + "\n").collect();
            let key = format!("logs/{}", log_name(seeder, delivered));
            put_log(seeder, &logs.bucket, &key, text, delivered)?;
        }
    }
    Ok(())
}

/// `YYYY-MM-DD-HH-MM-SS-UNIQUEID`, as AWS names log objects.
fn log_name(seeder: &mut Seeder<'_>, delivered: DateTime<Utc>) -> String {
    format!(
        "{}-{}",
        delivered.format("%Y-%m-%d-%H-%M-%S"),
        seeder.hex(16).to_uppercase()
    )
}

fn put_log(
    seeder: &mut Seeder<'_>,
    bucket: &str,
    key: &str,
    text: String,
    delivered: DateTime<Utc>,
) -> Result<(), DemoError> {
    let options = PutOptions {
        content_type: Some("text/plain".to_owned()),
        last_modified: Some(delivered),
        ..PutOptions::default()
    };
    seeder.put(bucket, key, Bytes::from(text), options)
}

fn record(
    seeder: &mut Seeder<'_>,
    logs: &Logs,
    targets: &[Written],
    start: DateTime<Utc>,
    every: Duration,
) -> Record {
    let time = seeder.moment_after(start, every.num_minutes());
    let requester = pick_requester(seeder, &logs.requesters);
    let target = &targets[seeder.rng.random_range(0..targets.len())];
    let operation = pick_operation(seeder);
    let key = utf8_percent_encode(&target.key, LOG_KEY).to_string();
    let size = target.size.to_string();
    let anonymous = requester.id == "-";
    // (method, key field, request URI, status, error, bytes sent, object size)
    let (method, key_field, uri, mut status, mut error, mut sent, mut object_size) = match operation
    {
        Operation::GetObject if target.size > 1_048_576 && seeder.rng.random_ratio(1, 2) => (
            "GET",
            key.clone(),
            format!("/{key}"),
            206,
            "-",
            "1048576".to_owned(),
            size,
        ),
        Operation::GetObject => (
            "GET",
            key.clone(),
            format!("/{key}"),
            200,
            "-",
            dash_if_zero(target.size),
            size,
        ),
        Operation::GetMissingObject => {
            let missing = format!("{key}.bak");
            (
                "GET",
                missing.clone(),
                format!("/{missing}"),
                404,
                "NoSuchKey",
                "243".to_owned(),
                "-".to_owned(),
            )
        }
        Operation::HeadObject => (
            "HEAD",
            key.clone(),
            format!("/{key}"),
            200,
            "-",
            "-".to_owned(),
            size,
        ),
        Operation::ListBucket => {
            let prefix = key.rsplit_once('/').map_or("", |(dir, _)| dir);
            let uri = format!(
                "/?list-type=2&prefix={}%2F&delimiter=%2F&encoding-type=url",
                prefix.replace('/', "%2F")
            );
            (
                "GET",
                "-".to_owned(),
                uri,
                200,
                "-",
                seeder.rng.random_range(900..60_000).to_string(),
                "-".to_owned(),
            )
        }
        Operation::PutObject => (
            "PUT",
            key.clone(),
            format!("/{key}"),
            200,
            "-",
            "-".to_owned(),
            size,
        ),
        Operation::CopyObject => (
            "PUT",
            key.clone(),
            format!("/{key}"),
            200,
            "-",
            "234".to_owned(),
            size,
        ),
        Operation::DeleteObject => (
            "DELETE",
            key.clone(),
            format!("/{key}"),
            204,
            "-",
            "-".to_owned(),
            "-".to_owned(),
        ),
    };
    if anonymous {
        (status, error, sent, object_size) =
            (403, "AccessDenied", "243".to_owned(), "-".to_owned());
    }
    let total_ms = seeder.rng.random_range(2..90) + target.size / 2_000_000;
    let turnaround = seeder.rng.random_range(1..=total_ms.min(40));
    let tls13 = seeder.rng.random_ratio(4, 5);
    let mut line = String::with_capacity(512);
    let _ = write!(
        line,
        "{owner} {bucket} [{time}] {ip} {requester} {request_id} {operation} {key_field} \"{method} {uri} HTTP/1.1\" \
         {status} {error} {sent} {object_size} {total_ms} {turnaround} \"-\" \"{agent}\" - {host_id} {signature} {cipher} \
         {auth} {bucket}.s3.{region}.amazonaws.com {tls} - -",
        owner = logs.owner,
        bucket = target.bucket,
        time = time.format("%d/%b/%Y:%H:%M:%S +0000"),
        ip = requester.ip,
        requester = requester.id,
        request_id = seeder.hex(16).to_uppercase(),
        operation = operation_name(operation),
        agent = requester.agent,
        host_id = host_id(seeder),
        signature = if anonymous { "-" } else { "SigV4" },
        cipher = if tls13 {
            "TLS_AES_128_GCM_SHA256"
        } else {
            "ECDHE-RSA-AES128-GCM-SHA256"
        },
        auth = if anonymous { "-" } else { "AuthHeader" },
        region = logs.region,
        tls = if tls13 { "TLSv1.3" } else { "TLSv1.2" },
    );
    Record {
        time,
        bucket: target.bucket.clone(),
        line,
    }
}

/// The operation field of a record.
fn operation_name(operation: Operation) -> &'static str {
    match operation {
        Operation::GetObject | Operation::GetMissingObject => "REST.GET.OBJECT",
        Operation::HeadObject => "REST.HEAD.OBJECT",
        Operation::ListBucket => "REST.GET.BUCKET",
        Operation::PutObject => "REST.PUT.OBJECT",
        Operation::CopyObject => "REST.COPY.OBJECT",
        Operation::DeleteObject => "REST.DELETE.OBJECT",
    }
}

fn dash_if_zero(size: u64) -> String {
    if size == 0 {
        "-".to_owned()
    } else {
        size.to_string()
    }
}

fn pick_requester<'r>(seeder: &mut Seeder<'_>, requesters: &'r [Requester]) -> &'r Requester {
    let total: u32 = requesters.iter().map(|r| r.weight).sum();
    let mut draw = seeder.rng.random_range(0..total.max(1));
    for requester in requesters {
        if draw < requester.weight {
            return requester;
        }
        draw -= requester.weight;
    }
    &requesters[0]
}

fn pick_operation(seeder: &mut Seeder<'_>) -> Operation {
    let total: u32 = OPERATIONS.iter().map(|(_, weight)| weight).sum();
    let mut draw = seeder.rng.random_range(0..total);
    for (operation, weight) in OPERATIONS {
        if draw < weight {
            return operation;
        }
        draw -= weight;
    }
    Operation::GetObject
}

/// An `x-amz-id-2`-like host id: 76 base64 characters.
fn host_id(seeder: &mut Seeder<'_>) -> String {
    (0..76)
        .map(|_| char::from(BASE64[seeder.rng.random_range(0..BASE64.len())]))
        .collect()
}
