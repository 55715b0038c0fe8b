//! `s3scope du --diff OLD NEW`: growth by prefix between two snapshot files, no network.

use super::CliError;
use super::args::{DuArgs, Format};
use super::output::{Table, write_json};
use humansize::{BINARY, format_size};
use s3scope_core::scan::diff::{DiffRow, TreeDiff, diff};
use s3scope_core::scan::snapshot::{self, SnapshotMeta};
use serde::Serialize;
use std::io::Write;

/// The `--format json` document.
#[derive(Serialize)]
struct DiffReport<'a> {
    old: &'a SnapshotMeta,
    new: &'a SnapshotMeta,
    #[serde(flatten)]
    diff: &'a TreeDiff,
}

pub fn run(a: &DuArgs) -> Result<(), CliError> {
    let [old_path, new_path] = a.diff.as_deref().unwrap_or_default() else {
        return Err(CliError::Usage(
            "--diff takes two snapshot files: OLD NEW".into(),
        ));
    };
    if a.format == super::args::DuFormat::Ncdu {
        return Err(CliError::Usage(
            "--format ncdu exports a tree, not a diff; use table, json, csv or tsv with --diff"
                .into(),
        ));
    }
    let load = |p| snapshot::load(p).map_err(|e| CliError::Runtime(e.to_string()));
    let old = load(old_path)?;
    let new = load(new_path)?;
    if (&old.meta.bucket, &old.meta.prefix) != (&new.meta.bucket, &new.meta.prefix) {
        eprintln!(
            "s3scope: note: comparing different places: s3://{}/{} and s3://{}/{}",
            s3scope_core::text::escape_control(&old.meta.bucket),
            s3scope_core::text::escape_control(&old.meta.prefix),
            s3scope_core::text::escape_control(&new.meta.bucket),
            s3scope_core::text::escape_control(&new.meta.prefix),
        );
    }
    let d = diff(&old.tree, &new.tree, a.depth.max(1));
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        let report = DiffReport {
            old: &old.meta,
            new: &new.meta,
            diff: &d,
        };
        write_json(&report, &mut out)?;
        return Ok(());
    }
    let human = a.format == Format::Table;
    let bytes = |b: u64| {
        if human {
            format_size(b, BINARY)
        } else {
            b.to_string()
        }
    };
    let signed = |v: i64, as_bytes: bool| {
        let sign = if v > 0 {
            "+"
        } else if v < 0 {
            "-"
        } else {
            ""
        };
        let abs = v.unsigned_abs();
        let body = if as_bytes && human {
            format_size(abs, BINARY)
        } else {
            abs.to_string()
        };
        format!("{sign}{body}")
    };
    let mut t = Table::new(&[
        "prefix",
        "objects_before",
        "objects_after",
        "objects_delta",
        "bytes_before",
        "bytes_after",
        "bytes_delta",
    ])
    .align_right(&[1, 2, 3, 4, 5, 6]);
    let row = |name: String, r: &DiffRow| {
        vec![
            name,
            r.objects_before.to_string(),
            r.objects_after.to_string(),
            signed(r.objects_delta, false),
            bytes(r.bytes_before),
            bytes(r.bytes_after),
            signed(r.bytes_delta, true),
        ]
    };
    for r in &d.prefixes {
        let mut name = format!("{}{}", new.meta.prefix, r.prefix);
        if human && r.is_new() {
            name.push_str("  (new)");
        } else if human && r.is_gone() {
            name.push_str("  (gone)");
        }
        t.push(row(name, r));
    }
    let total = if human {
        format!(
            "TOTAL s3://{}/{}  {} → {}",
            new.meta.bucket,
            new.meta.prefix,
            old.meta.scanned_at.format("%Y-%m-%d %H:%M UTC"),
            new.meta.scanned_at.format("%Y-%m-%d %H:%M UTC")
        )
    } else {
        "TOTAL".into()
    };
    t.push(row(total, &d.total));
    t.write(a.format.common(), &mut out)?;
    out.flush()?;
    Ok(())
}
