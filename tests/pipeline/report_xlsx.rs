//! `process --report html,xlsx` read back: the workbook by openpyxl (typed cells, frozen headers,
//! totals equal to the Parquet rollups read by DuckDB), and a day without a package shown as a
//! gap in both reports (an empty cell, a broken line), never as 0 B.

use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const READ: &str = r#"
import duckdb, json, sys, openpyxl
out, xlsx = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(xlsx)
con = duckdb.connect()
def parquet_sum(table, col):
    return con.execute(f"select coalesce(sum({col}), 0) from read_parquet('{out}/{table}/*/*.parquet', hive_partitioning=true)").fetchone()[0]
sheets = {}
for ws in wb.worksheets:
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2))
    sheets[ws.title] = {
        "header": header,
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "rows": len(rows),
        "dt_is_date": all(r[0].is_date for r in rows) if header and header[0] == "dt" else None,
        "numbers": {h: all(r[i].data_type == "n" and not r[i].is_date and r[i].value is not None for r in rows)
                    for i, h in enumerate(header) if h in ("objects", "bytes", "ops", "bytes_delta")},
        "sums": {h: sum(r[i].value or 0 for r in rows) for i, h in enumerate(header) if h in ("objects", "bytes", "ops")},
        "widths": [ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(header))],
    }
totals = wb["daily_totals"]
sheets["daily_totals"]["cells"] = [[None if c.value is None else (c.value.date().isoformat() if c.is_date else c.value) for c in r] for r in totals.iter_rows(min_row=2)]
parquet = {t: {c: parquet_sum(t, c) for c in ("objects", "bytes")} for t in ("storage_daily", "prefix_daily", "age_histogram")}
print(json.dumps({"sheets": sheets, "parquet": parquet, "number_format": wb["storage_daily"]["E2"].number_format}, default=str))
"#;

fn extract_day(home: &Path, endpoint: &str, data: &Path, since: &str, until: &str) {
    run(
        s3scope(home, endpoint)
            .args(["extract", "--since", since, "--until", until])
            .arg("--data-dir")
            .arg(data),
        0,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workbook_has_typed_sheets_equal_to_parquet_and_gaps_stay_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    // 2026-11-02 has no package: cron did not run that day.
    extract_day(&home, &s3.endpoint, &data, "2026-11-01", "2026-11-02");
    extract_day(&home, &s3.endpoint, &data, "2026-11-03", "2026-11-04");
    let done = run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-01", "--until", "2026-11-04"])
            .args(["--report", "html,xlsx", "--format", "json"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        0,
    );
    let summary: serde_json::Value = serde_json::from_slice(&done.stdout).unwrap();
    let reports: Vec<String> = serde_json::from_value(summary["reports"].clone()).unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert!(reports[0].ends_with("report.html") && reports[1].ends_with("report.xlsx"));
    let (html, xlsx) = (PathBuf::from(&reports[0]), PathBuf::from(&reports[1]));

    // HTML: three series (alpha, beta, all buckets), each two points in two runs, no 0 B point.
    let page = std::fs::read_to_string(&html).unwrap();
    let chart = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<circle").count(), 6, "{chart}");
    assert_eq!(
        chart.matches("<polyline").count(),
        6,
        "the lines are broken at the gap"
    );
    // It fits an 800 px window: charts shrink, tables scroll inside their box; figures are
    // right-aligned, names not.
    assert!(page.contains("<meta name=\"viewport\""));
    assert_eq!(
        page.matches("<svg").count(),
        page.matches("style=\"max-width:100%;height:auto\"").count()
    );
    assert_eq!(
        page.matches("<table>").count(),
        page.matches("<div class=\"wide\"><table>").count()
    );
    assert!(page.contains("<th>bucket</th><th>storage class</th><th class=\"n\">objects</th>"));
    let listed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(html.with_file_name("summary.json")).unwrap())
            .unwrap();
    assert_eq!(listed["day_packages"]["2026-11-02"], 0);
    assert_eq!(listed["day_packages"]["2026-11-01"], 1);

    let Some(python) = venv_python(&["duckdb", "openpyxl"]) else {
        s3.shutdown().await;
        return;
    };
    let result = Command::new(&python)
        .args(["-c", READ])
        .arg(&out)
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    let sheets = &v["sheets"];
    let names: Vec<&String> = sheets.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "daily_totals",
            "storage_daily",
            "growth_daily",
            "prefix_daily",
            "age_histogram",
            "usage_daily"
        ]
    );
    for (name, sheet) in sheets.as_object().unwrap() {
        assert_eq!(sheet["freeze"], "A2", "{name}: header row frozen");
        assert!(sheet["autofilter"].is_string(), "{name}: autofilter");
        assert!(
            sheet["widths"]
                .as_array()
                .unwrap()
                .iter()
                .all(|w| w.as_f64().is_some_and(|w| w >= 10.0)),
            "{name}: widths {}",
            sheet["widths"]
        );
    }
    let storage = &sheets["storage_daily"];
    assert_eq!(
        storage["header"],
        serde_json::json!([
            "dt",
            "bucket",
            "storage_class",
            "objects",
            "bytes",
            "source"
        ]),
        "the columns of the table declaration"
    );
    assert_eq!(
        storage["rows"], 6,
        "3 bucket x class rows on each of 2 days"
    );
    assert_eq!(storage["dt_is_date"], true);
    assert_eq!(
        storage["numbers"],
        serde_json::json!({"objects": true, "bytes": true})
    );
    assert!(v["number_format"].as_str().unwrap().contains("GB"));
    for (table, sheet) in [
        ("storage_daily", "storage_daily"),
        ("prefix_daily", "prefix_daily"),
        ("age_histogram", "age_histogram"),
    ] {
        for col in ["objects", "bytes"] {
            let parquet = v["parquet"][table][col].as_f64().unwrap();
            let xlsx = sheets[sheet]["sums"][col].as_f64().unwrap();
            assert!(
                parquet > 0.0 && parquet == xlsx,
                "{table}.{col}: {parquet} vs {xlsx}"
            );
        }
    }
    assert_eq!(
        sheets["daily_totals"]["header"],
        serde_json::json!(["dt", "packages", "all buckets", "alpha", "beta"])
    );
    assert_eq!(
        sheets["daily_totals"]["cells"],
        serde_json::json!([
            ["2026-11-01", 1, 1660, 1610, 50],
            ["2026-11-02", 0, null, null, null],
            ["2026-11-03", 1, 1660, 1610, 50],
        ]),
        "the day without a package is empty, not 0"
    );
    s3.shutdown().await;
}
