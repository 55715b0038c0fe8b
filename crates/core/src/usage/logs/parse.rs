//! One S3 server access log line (AWS's documented format) → one request, or why it is malformed.
//!
//! Format: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html>. Fields are
//! separated by spaces; the time is in `[..]`, the request line, referer and user agent in
//! `".."`; `-` means empty. AWS appends fields over the years, so fields after the 26th are
//! ignored, and a line with fewer is malformed (a cut-off line must not count half-read).

use crate::usage::model::Counters;
use std::borrow::Cow;
use std::fmt;

/// Fields of the documented format, through `aclRequired`.
pub const FIELDS: usize = 26;

/// The fields of one request that the usage model needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    pub bucket: &'a str,
    /// Seconds since the epoch.
    pub time: i64,
    /// IAM ARN or canonical id; `anonymous` for unauthenticated requests (`-` in the log).
    pub requester: &'a str,
    /// `REST.GET.OBJECT`, `REST.PUT.PART`, `BATCH.DELETE.OBJECT`...
    pub operation: &'a str,
    /// The object key as logged (URL-encoded); `None` for `-`. See [`Request::key`].
    pub raw_key: Option<&'a str>,
    pub status: u16,
    pub bytes_sent: u64,
    pub object_size: u64,
}

impl Request<'_> {
    /// The object key, URL-decoded.
    pub fn key(&self) -> Option<Cow<'_, str>> {
        self.raw_key
            .map(|k| percent_encoding::percent_decode_str(k).decode_utf8_lossy())
    }

    /// The start of the hour of the request, in seconds since the epoch.
    pub fn hour(&self) -> i64 {
        self.time - self.time.rem_euclid(3600)
    }

    /// The usage category of the request (RGW's names where one fits).
    pub fn category(&self) -> &str {
        category(self.operation)
    }

    /// What the request adds to its row: one op, successful when 2xx; bytes received are
    /// the uploaded object or part size of a successful upload (the log has no request size).
    pub fn counters(&self) -> Counters {
        let ok = (200..300).contains(&self.status);
        let upload = matches!(
            self.operation,
            "REST.PUT.OBJECT" | "REST.POST.OBJECT" | "REST.PUT.PART"
        );
        Counters {
            ops: 1,
            successful_ops: u64::from(ok),
            bytes_sent: self.bytes_sent,
            bytes_received: if ok && upload { self.object_size } else { 0 },
        }
    }
}

/// Why a line was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    Blank,
    UnclosedBracket,
    UnclosedQuote,
    /// A closing quote or bracket followed by something other than a space.
    Garbled,
    TooFewFields(usize),
    BadTime,
    BadStatus,
    BadNumber(&'static str),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blank => f.write_str("blank line"),
            Self::UnclosedBracket => f.write_str("the [time] field is not closed"),
            Self::UnclosedQuote => f.write_str("a quoted field is not closed"),
            Self::Garbled => f.write_str("a quoted or bracketed field runs into the next one"),
            Self::TooFewFields(n) => {
                let s = if *n == 1 { "" } else { "s" };
                write!(f, "{n} field{s}, {FIELDS} expected")
            }
            Self::BadTime => f.write_str("the time is not [DD/Mon/YYYY:HH:MM:SS +ZZZZ]"),
            Self::BadStatus => f.write_str("the HTTP status is not a number"),
            Self::BadNumber(field) => write!(f, "{field} is not a number or -"),
        }
    }
}

/// Parses one line; `fields` is a scratch buffer reused between lines.
pub fn parse_line<'a>(line: &'a str, fields: &mut Vec<&'a str>) -> Result<Request<'a>, Malformed> {
    split_fields(line, fields)?;
    if fields.is_empty() {
        return Err(Malformed::Blank);
    }
    if fields.len() < FIELDS {
        return Err(Malformed::TooFewFields(fields.len()));
    }
    let dash = |s: &'a str| (s != "-").then_some(s);
    let number = |s: &str, name: &'static str| -> Result<u64, Malformed> {
        if s == "-" {
            Ok(0)
        } else {
            s.parse().map_err(|_| Malformed::BadNumber(name))
        }
    };
    let status = fields[9];
    Ok(Request {
        bucket: fields[1],
        time: parse_time(fields[2]).ok_or(Malformed::BadTime)?,
        requester: dash(fields[4]).unwrap_or("anonymous"),
        operation: fields[6],
        raw_key: dash(fields[7]),
        status: if status == "-" {
            0
        } else {
            status
                .parse()
                .ok()
                .filter(|s| (100..600).contains(s))
                .ok_or(Malformed::BadStatus)?
        },
        bytes_sent: number(fields[11], "bytes sent")?,
        object_size: number(fields[12], "object size")?,
    })
}

fn split_fields<'a>(line: &'a str, out: &mut Vec<&'a str>) -> Result<(), Malformed> {
    out.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            open @ (b'[' | b'"') => {
                let close = if open == b'[' { b']' } else { b'"' };
                // The closing mark is the first one followed by a space or the end of the line.
                let end = (i + 1..b.len())
                    .find(|&j| {
                        b[j] == close && b.get(j + 1).is_none_or(|n| *n == b' ' || *n == b'\r')
                    })
                    .ok_or(if open == b'[' {
                        Malformed::UnclosedBracket
                    } else {
                        Malformed::UnclosedQuote
                    })?;
                out.push(&line[i + 1..end]);
                i = end + 1;
            }
            _ => {
                let end = (i..b.len()).find(|&j| b[j] == b' ').unwrap_or(b.len());
                let field = &line[i..end];
                if field.contains(['"', ']']) {
                    return Err(Malformed::Garbled);
                }
                out.push(field.trim_end_matches('\r'));
                i = end;
            }
        }
    }
    Ok(())
}

/// `06/Feb/2019:00:00:38 +0000` → seconds since the epoch.
fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> { s.get(r)?.parse().ok() };
    let month = match s.get(3..6)? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = i32::try_from(num(7..11)?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, month, num(0..2)?)?;
    let time = chrono::NaiveTime::from_hms_opt(num(12..14)?, num(15..17)?, num(18..20)?)?;
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = i64::from(num(22..24)?) * 3600 + i64::from(num(24..26)?) * 60;
    Some(date.and_time(time).and_utc().timestamp() - sign * offset)
}

/// The usage category of an S3 operation: RGW's category where one matches (HEAD counts as
/// `get_obj` and parts as `put_obj`, as RGW does), the operation itself otherwise.
pub fn category(operation: &str) -> &str {
    match operation {
        "REST.GET.OBJECT" | "REST.HEAD.OBJECT" => "get_obj",
        "REST.PUT.OBJECT" | "REST.POST.OBJECT" | "REST.PUT.PART" => "put_obj",
        "REST.COPY.OBJECT" | "REST.COPY.PART" => "copy_obj",
        "REST.DELETE.OBJECT" => "delete_obj",
        "REST.POST.MULTI_OBJECT_DELETE" => "multi_object_delete",
        "REST.GET.BUCKET" | "REST.GET.BUCKETVERSIONS" => "list_bucket",
        "REST.GET.SERVICE" => "list_buckets",
        "REST.HEAD.BUCKET" => "stat_bucket",
        "REST.PUT.BUCKET" => "create_bucket",
        "REST.DELETE.BUCKET" => "delete_bucket",
        "REST.POST.UPLOADS" => "init_multipart",
        "REST.POST.UPLOAD" => "complete_multipart",
        "REST.DELETE.UPLOAD" => "abort_multipart",
        "REST.GET.UPLOAD" => "list_multipart",
        "REST.GET.UPLOADS" => "list_bucket_multiparts",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first example of AWS's documentation, all 26 fields.
    const DOC: &str = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be DOC-EXAMPLE-BUCKET1 \
        [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be \
        3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET /DOC-EXAMPLE-BUCKET1?versioning HTTP/1.1\" 200 - 113 - 7 - \
        \"-\" \"S3Console/0.4\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= \
        SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader DOC-EXAMPLE-BUCKET1.s3.us-west-1.amazonaws.com TLSV1.2 \
        arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes";

    fn parse(line: &str) -> Result<Request<'_>, Malformed> {
        let mut buf = Vec::new();
        parse_line(line, &mut buf)
    }

    #[test]
    fn documented_example_parses() {
        let r = parse(DOC).unwrap();
        assert_eq!(r.bucket, "DOC-EXAMPLE-BUCKET1");
        assert_eq!(r.time, 1_549_411_238);
        assert_eq!(r.hour(), 1_549_411_200);
        assert_eq!(r.operation, "REST.GET.VERSIONING");
        assert_eq!(r.category(), "REST.GET.VERSIONING");
        assert_eq!((r.status, r.bytes_sent, r.object_size), (200, 113, 0));
        assert_eq!(r.raw_key, None);
        assert_eq!(
            r.counters(),
            Counters {
                ops: 1,
                successful_ops: 1,
                bytes_sent: 113,
                bytes_received: 0
            }
        );
        // Fields added after the 26th are ignored.
        assert_eq!(parse(&format!("{DOC} newfield \"quoted new\"")).unwrap(), r);
    }

    #[test]
    fn keys_offsets_dashes_and_uploads() {
        let line = DOC
            .replace(
                "REST.GET.VERSIONING -",
                "REST.PUT.PART photos/My%20Trip%2B%25/%C3%A9t%C3%A9.jpg",
            )
            .replace(
                "[06/Feb/2019:00:00:38 +0000]",
                "[06/Feb/2019:02:00:38 +0200]",
            )
            .replace(" 200 - 113 - ", " 200 - - 5242880 ")
            .replace(
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57",
                "- 3E57",
            );
        let r = parse(&line).unwrap();
        assert_eq!(r.key().unwrap(), "photos/My Trip+%/été.jpg");
        assert_eq!(r.time, 1_549_411_238);
        assert_eq!(r.requester, "anonymous");
        assert_eq!(r.category(), "put_obj");
        assert_eq!(r.counters().bytes_received, 5_242_880);
        assert_eq!(r.counters().bytes_sent, 0);
        let failed = line.replace(" 200 - - ", " 403 AccessDenied 243 ");
        let r = parse(&failed).unwrap();
        assert_eq!(
            r.counters(),
            Counters {
                ops: 1,
                successful_ops: 0,
                bytes_sent: 243,
                bytes_received: 0
            }
        );
    }

    #[test]
    fn malformed_lines_say_why() {
        assert_eq!(parse(""), Err(Malformed::Blank));
        assert_eq!(parse("   \r"), Err(Malformed::Blank));
        assert_eq!(
            parse("<html><body><h1>502 Bad Gateway</h1></body></html>"),
            Err(Malformed::TooFewFields(3))
        );
        let cut = &DOC[..DOC.len() * 3 / 5];
        assert!(parse(cut).is_err());
        assert_eq!(
            parse(&DOC.replace(
                "[06/Feb/2019:00:00:38 +0000]",
                "[06/Feb/2019:00:00:38 +0000"
            )),
            Err(Malformed::UnclosedBracket)
        );
        assert_eq!(
            parse(&DOC.replace("\"S3Console/0.4\"", "\"S3Console/0.4")),
            Err(Malformed::UnclosedQuote)
        );
        assert_eq!(
            parse(&DOC.replace("06/Feb/2019", "31/Feb/2019")),
            Err(Malformed::BadTime)
        );
        assert_eq!(
            parse(&DOC.replace("06/Feb/2019", "06/Fev/2019")),
            Err(Malformed::BadTime)
        );
        assert_eq!(
            parse(&DOC.replace(" 200 ", " OK ")),
            Err(Malformed::BadStatus)
        );
        assert_eq!(
            parse(&DOC.replace(" 113 ", " 11x ")),
            Err(Malformed::BadNumber("bytes sent"))
        );
        assert_eq!(
            parse(&DOC.replace(" 113 ", " -5 ")),
            Err(Malformed::BadNumber("bytes sent"))
        );
        assert_eq!(parse(&DOC.replace("Yes", "Yes\"")), Err(Malformed::Garbled));
        assert_eq!(
            Malformed::TooFewFields(5).to_string(),
            "5 fields, 26 expected"
        );
    }

    #[test]
    fn quotes_inside_quoted_fields_and_crlf() {
        // A quote inside a field ends it only when a space follows; an unescaped `" ` inside
        // is ambiguous, and the line is skipped rather than read with shifted fields.
        let line = DOC.replace("\"S3Console/0.4\"", "\"agent \"quoted\"v1\"");
        assert_eq!(parse(&line).unwrap().bucket, "DOC-EXAMPLE-BUCKET1");
        let line = DOC.replace("\"S3Console/0.4\"", "\"agent \"quoted\" v1\"");
        assert_eq!(parse(&line), Err(Malformed::Garbled));
        let crlf = format!("{DOC}\r");
        assert_eq!(parse(&crlf).unwrap(), parse(DOC).unwrap());
    }

    #[test]
    fn categories_follow_rgw() {
        for (op, cat) in [
            ("REST.HEAD.OBJECT", "get_obj"),
            ("REST.COPY.OBJECT", "copy_obj"),
            ("REST.POST.MULTI_OBJECT_DELETE", "multi_object_delete"),
            ("REST.POST.UPLOADS", "init_multipart"),
            ("REST.POST.UPLOAD", "complete_multipart"),
            ("BATCH.DELETE.OBJECT", "BATCH.DELETE.OBJECT"),
        ] {
            assert_eq!(category(op), cat);
        }
    }
}
