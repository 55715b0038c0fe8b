//! One collection run: finish an interrupted run, read the window, commit, save, then trim.
//!
//! Order of a run, each step durable before the next:
//! 1. lock and read the state file; finish what an interrupted run left (see `trim.rs`);
//! 2. read the source (nothing is written but raw chunks);
//! 3. commit the ledger and a pending record to the state file (the commit point);
//! 4. write the backup, then the summary (atomic, fsync'ed);
//! 5. trim, one idempotent request at a time, each recorded in the state file;
//! 6. clear the pending record.
//!
//! A kill anywhere leaves the state file either before step 3 (the run never happened) or
//! after it (the next run redoes 4-6 from the state file alone).

use super::files::{ChunkWriter, backup_path, ensure_writable_dir, parent_dir, run_name};
use super::logs::list::list_log_objects;
use super::logs::read::Reader;
use super::progress::Phase;
use super::settings::{Source, UsageSettings};
use super::state::{
    LogReadInfo, ObjectMark, Pending, PendingPhase, RunMark, SourceId, StateFile, TrimUnit,
    UsageState,
};
use super::summary::Summary;
use super::{UsageError, hooks, rgw};
use crate::instants::{Span, Window, iso, start_of};
use crate::job::Progress;
use crate::s3::client::Clients;
use crate::s3::rgw::RgwAdmin;
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

/// Log objects per DeleteObjects request.
const DELETE_BATCH: usize = 1000;

/// What to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectRequest {
    pub settings: UsageSettings,
    pub source: Source,
    pub window: Window,
    /// Delete what was collected from the source once it is saved.
    pub trim: bool,
    /// Allow trimming the hour in progress (requests logged meanwhile are lost).
    pub trim_current_hour: bool,
    /// Log objects downloaded at once.
    pub concurrency: usize,
}

/// What was trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trimmed {
    /// Users whose RGW usage in the window was deleted.
    pub users: Vec<String>,
    pub objects: u64,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct CollectReport {
    pub summary: Summary,
    pub summary_file: PathBuf,
    pub backup_file: PathBuf,
    pub state_file: PathBuf,
    pub chunk_files: u64,
    /// RGW usage entries read.
    pub rgw_entries: Option<u64>,
    /// What an interrupted earlier run left and this one finished.
    pub recovered: Option<String>,
    /// What was trimmed, when asked to.
    pub trimmed: Option<Trimmed>,
    pub elapsed: std::time::Duration,
}

/// Collects `req.window` from `req.source`; see the module documentation for the order.
pub async fn collect(
    clients: &Clients,
    req: &CollectRequest,
    progress: &Progress,
) -> Result<CollectReport, UsageError> {
    let cancel = &progress.cancel;
    let started = std::time::Instant::now();
    let now = Utc::now();
    check(clients, req, now)?;
    let s = &req.settings;
    for dir in [
        parent_dir(&s.state_file),
        parent_dir(&s.summary_file),
        s.backup_dir.as_path(),
    ] {
        ensure_writable_dir(dir)?;
    }
    if s.save_chunks {
        ensure_writable_dir(&s.chunks_dir)?;
    }
    let source_id = source_id(clients, &req.source);
    let (store, state) = StateFile::open_waiting(&s.state_file, &source_id).await?;
    if let Some(horizon) = state.horizon.filter(|h| req.window.since < *h) {
        return Err(UsageError::BeforeHorizon {
            since: iso(req.window.since),
            horizon: iso(horizon),
        });
    }
    let mut run = Run {
        clients,
        progress,
        cancel,
        store,
        state,
        admin: None,
        settings: s,
    };
    let recovered = run.recover().await?;

    let run_id = run_name(now);
    let backup = backup_path(&s.backup_dir, &s.summary_file, &run_id);
    let chunks = s
        .save_chunks
        .then(|| ChunkWriter::new(&s.chunks_dir, &run_id));
    let read = match &req.source {
        Source::Rgw { uid, bucket } => {
            run.read_rgw(req, uid.as_deref(), bucket.as_deref(), chunks.as_ref(), now)
                .await?
        }
        Source::AccessLogs {
            bucket,
            prefix,
            lag,
        } => {
            run.read_logs(req, bucket, prefix, *lag, &run_id, chunks.as_ref())
                .await?
        }
    };
    hooks::step("read");
    if cancel.is_cancelled() {
        return Err(UsageError::Cancelled(
            "cancelled before saving; nothing was saved or trimmed".into(),
        ));
    }

    Phase::Saving.enter(progress);
    let pending = Pending {
        run: run_id.clone(),
        started: now,
        window: req.window,
        backup: backup.clone(),
        summary: s.summary_file.clone(),
        phase: PendingPhase::Saving,
        trim: if req.trim { read.trim } else { Vec::new() },
        logs: read.logs,
    };
    run.state.record_run(RunMark {
        run: run_id,
        window: req.window,
        backup: backup.clone(),
        trimmed: req.trim,
    });
    run.state
        .prune(now - Duration::days(i64::from(s.keep_days)), &req.window);
    run.state.pending = Some(pending.clone());
    run.store.save(&run.state)?;
    hooks::step("committed");
    let summary = run.save_artifacts(&pending)?;
    hooks::step("saved");
    let trimmed = run.finish(pending).await?;
    Phase::Done.enter(progress);
    Ok(CollectReport {
        summary,
        summary_file: s.summary_file.clone(),
        backup_file: backup,
        state_file: s.state_file.clone(),
        chunk_files: read.chunk_files,
        rgw_entries: read.rgw_entries,
        recovered,
        trimmed: req.trim.then_some(trimmed),
        elapsed: started.elapsed(),
    })
}

/// Refusals that need no network: writes on a read-only profile, trimming a live hour.
fn check(clients: &Clients, req: &CollectRequest, now: DateTime<Utc>) -> Result<(), UsageError> {
    let profile = clients.profile();
    if req.trim && profile.read_only {
        return Err(UsageError::ReadOnly {
            profile: profile.name.clone(),
        });
    }
    let hour_in_progress = start_of(now, Span::Hour);
    let is_rgw = matches!(req.source, Source::Rgw { .. });
    if req.trim && is_rgw && req.window.until > hour_in_progress && !req.trim_current_hour {
        return Err(UsageError::TrimInProgressHour {
            hour: format!(
                "{} .. {}",
                iso(hour_in_progress),
                iso(hour_in_progress + Duration::hours(1))
            ),
        });
    }
    Ok(())
}

/// The identity of the source, as recorded in the state file and the summary.
pub fn source_id(clients: &Clients, source: &Source) -> SourceId {
    SourceId::of(&clients.endpoint_label(), source)
}

/// What step 2 found.
struct ReadOutcome {
    trim: Vec<TrimUnit>,
    logs: Option<LogReadInfo>,
    rgw_entries: Option<u64>,
    chunk_files: u64,
}

/// The state of one run, shared by its steps (the rest is in `trim.rs`).
pub(super) struct Run<'a> {
    pub clients: &'a Clients,
    pub progress: &'a Progress,
    pub cancel: &'a CancellationToken,
    pub store: StateFile,
    pub state: UsageState,
    pub admin: Option<RgwAdmin>,
    pub settings: &'a UsageSettings,
}

impl Run<'_> {
    /// The RGW admin client, built on first use.
    pub async fn admin(&mut self) -> Result<RgwAdmin, UsageError> {
        if let Some(a) = &self.admin {
            return Ok(a.clone());
        }
        let a = rgw::admin(self.clients).await?;
        self.admin = Some(a.clone());
        Ok(a)
    }

    async fn read_rgw(
        &mut self,
        req: &CollectRequest,
        uid: Option<&str>,
        bucket: Option<&str>,
        chunks: Option<&ChunkWriter>,
        now: DateTime<Utc>,
    ) -> Result<ReadOutcome, UsageError> {
        let admin = self.admin().await?;
        let window = req.window;
        // RGW flushes its usage log every rgw_usage_log_tick_interval (30 s by default):
        // an hour that just ended is read once its last requests are in the log.
        let settled = window.until
            + Duration::seconds(i64::try_from(self.settings.settle_secs).unwrap_or(i64::MAX / 2));
        if window.until <= start_of(now, Span::Hour) && now < settled {
            Phase::Settling.enter(self.progress);
            let wait = (settled - now).to_std().unwrap_or_default();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.cancel.cancelled() => {
                    return Err(UsageError::Cancelled("cancelled while waiting for the usage log to settle; nothing was saved or trimmed".into()));
                }
            }
        }
        Phase::ReadingUsage.enter(self.progress);
        self.progress.set_total(1);
        let answer = rgw::read(&admin, uid, bucket, &window).await?;
        let read = rgw::to_hours(&answer, &window);
        self.progress.add(1, 0);
        self.progress.add_calls(1);
        self.progress.set_records(read.entries);
        let mut chunk_files = 0;
        if let Some(writer) = chunks {
            let value = serde_json::to_value(&answer).unwrap_or_default();
            writer.write("rgw_usage", &value)?;
            chunk_files = 1;
        }
        drop(answer);
        self.state.hours.replace_live(&window, read.hours);
        let trim = self
            .state
            .hours
            .live_users(&window)
            .into_iter()
            .map(|uid| TrimUnit::Usage {
                uid,
                bucket: bucket.map(str::to_string),
                done: false,
            })
            .collect();
        Ok(ReadOutcome {
            trim,
            logs: None,
            rgw_entries: Some(read.entries),
            chunk_files,
        })
    }

    async fn read_logs(
        &mut self,
        req: &CollectRequest,
        bucket: &str,
        prefix: &str,
        lag: Duration,
        run_id: &str,
        chunks: Option<&ChunkWriter>,
    ) -> Result<ReadOutcome, UsageError> {
        let context = format!("reading access logs from s3://{bucket}/{prefix}");
        let s3 = self
            .clients
            .s3_for_bucket(bucket)
            .await
            .map_err(UsageError::s3(&context))?;
        let endpoint = self.clients.endpoint_label();
        Phase::Listing.enter(self.progress);
        // Requests of the window are delivered from its start until `lag` after its end.
        let from = self
            .state
            .horizon
            .map_or(req.window.since, |h| h.max(req.window.since));
        let objects = list_log_objects(
            &s3,
            &endpoint,
            bucket,
            prefix,
            from,
            req.window.until + lag,
            self.progress,
        )
        .await
        .map_err(UsageError::s3(&context))?;
        let found = objects.len() as u64;
        let (old, new): (Vec<_>, Vec<_>) = objects
            .into_iter()
            .partition(|o| self.state.objects.contains_key(&o.key));
        Phase::ReadingLogs.enter(self.progress);
        let reader = Reader {
            s3: &s3,
            endpoint: &endpoint,
            bucket,
            concurrency: req.concurrency,
            progress: self.progress,
            cancel: self.cancel,
            chunks,
        };
        let mut batch = reader.read(new).await?;
        let hours = std::mem::take(&mut batch.tally).into_hours();
        let outside: u64 = hours
            .iter()
            .filter(|(hour, _)| !req.window.contains(**hour))
            .flat_map(|(_, rows)| rows.values())
            .map(|c| c.ops)
            .sum();
        self.state.hours.add_settled(&hours);
        let mut keys: Vec<String> = old.iter().map(|o| o.key.clone()).collect();
        for r in &batch.objects {
            keys.push(r.object.key.clone());
            let mark = ObjectMark {
                delivered: r.object.delivered,
                etag: r.object.etag.clone(),
                size: r.object.size,
                lines: r.lines,
                malformed: r.malformed,
                run: run_id.to_string(),
                deleted: false,
            };
            self.state.objects.insert(r.object.key.clone(), mark);
        }
        keys.sort();
        let trim = keys
            .chunks(DELETE_BATCH)
            .map(|c| TrimUnit::Objects {
                keys: c.to_vec(),
                done: false,
            })
            .collect();
        let logs = LogReadInfo {
            objects_found: found,
            objects_read: batch.objects.len() as u64,
            objects_already_read: old.len() as u64,
            lines: batch.lines,
            requests_outside_window: outside,
            malformed_lines: batch.malformed,
            malformed_examples: batch.examples,
        };
        Ok(ReadOutcome {
            trim,
            logs: Some(logs),
            rgw_entries: None,
            chunk_files: if chunks.is_some() {
                batch.objects.len() as u64
            } else {
                0
            },
        })
    }
}
