//! Access logs of known content around a window, and collecting them with the library.

use super::{LogServer, line, log_name};
use chrono::{DateTime, Duration, Utc};
use s3scope_core::instants::Window;
use s3scope_core::job::Progress;
use s3scope_core::usage::{CollectReport, CollectRequest, Source, UsageOptions, collect};
use std::path::Path;

pub const BUCKET: &str = "access-logs";

/// Three log objects (two layouts) around the window `[h0, h0 + 2h)`, plus objects that must
/// never be read: a readme and a delivery from two days before.
pub fn seed(srv: &LogServer, h0: DateTime<Utc>) {
    srv.bucket(BUCKET);
    let m = |min: i64| h0 + Duration::minutes(min);
    let mut a = vec![
        line(
            m(5),
            "arn:aws:iam::1:user/alice",
            "data",
            "REST.GET.OBJECT",
            "k%201",
            200,
            1000,
            1000
        );
        3
    ];
    a.push(line(
        m(6),
        "arn:aws:iam::1:user/alice",
        "data",
        "REST.PUT.PART",
        "big",
        200,
        0,
        5_000_000,
    ));
    a.push(line(
        m(7),
        "-",
        "data",
        "REST.HEAD.OBJECT",
        "k%201",
        403,
        243,
        0,
    ));
    a.push(line(
        m(-30),
        "arn:aws:iam::1:user/bob",
        "data",
        "REST.GET.OBJECT",
        "early",
        200,
        10,
        10,
    ));
    a.push("<html><body><h1>502 Bad Gateway</h1></body></html>".into());
    srv.put_log(BUCKET, &format!("logs/{}", log_name(m(20), "AAAA")), &a);

    let mut b = vec![
        line(
            m(61),
            "arn:aws:iam::1:user/bob",
            "data",
            "REST.GET.BUCKET",
            "-",
            200,
            500,
            0
        );
        2
    ];
    b.push(line(
        m(62),
        "arn:aws:iam::1:user/bob",
        "data",
        "REST.COPY.OBJECT",
        "copy",
        200,
        234,
        99,
    ));
    let whole = line(
        m(63),
        "arn:aws:iam::1:user/bob",
        "data",
        "REST.GET.OBJECT",
        "cut",
        200,
        1,
        1,
    );
    b.push(whole[..whole.len() * 3 / 5].to_string());
    srv.put_log(BUCKET, &format!("logs/{}", log_name(m(75), "BBBB")), &b);

    let c = vec![
        line(
            m(90),
            "arn:aws:iam::1:user/carol",
            "data",
            "REST.DELETE.OBJECT",
            "gone",
            204,
            0,
            0
        );
        2
    ];
    let day = m(100).format("%Y/%m/%d");
    srv.put_log(
        BUCKET,
        &format!(
            "part/111122223333/us-east-1/data/{day}/{}",
            log_name(m(100), "CCCC")
        ),
        &c,
    );

    srv.put_log(BUCKET, "logs/readme.txt", &["not a log".to_string()]);
    srv.put_log(
        BUCKET,
        &format!("logs/{}", log_name(m(-48 * 60), "OLD0")),
        &a,
    );
}

pub fn window(h0: DateTime<Utc>) -> Window {
    Window::new(h0, h0 + Duration::hours(2)).unwrap()
}

pub fn request(results: &Path, window: Window, trim: bool) -> CollectRequest {
    let settings = UsageOptions {
        results_dir: Some(results.join("results")),
        backup_dir: Some(results.join("backups")),
        ..Default::default()
    }
    .resolve();
    CollectRequest {
        settings,
        source: Source::AccessLogs {
            bucket: BUCKET.into(),
            prefix: String::new(),
            lag: Duration::hours(3),
        },
        window,
        trim,
        trim_current_hour: false,
        concurrency: 4,
    }
}

pub async fn collect_ok(srv: &LogServer, req: &CollectRequest) -> CollectReport {
    let clients = srv.clients().await;
    collect(&clients, req, &Progress::default())
        .await
        .unwrap_or_else(|e| panic!("collect: {e}"))
}
