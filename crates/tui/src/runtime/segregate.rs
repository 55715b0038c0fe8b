//! The Segregate pane's effects as tasks: the source listing in batches, destination checks, and
//! the apply with its progress ticks, report and safe cancel.

use super::Runtime;
use super::table::drive;
use crate::event::{Event, RequestId};
use crate::state::segregate::{SegregateEffect, SegregateEvent};
use s3scope_core::job::{JobKind, Progress};
use s3scope_core::s3::lister::{ListOptions, ListStats, ListedObject, list_parallel};
use s3scope_core::segregate::planner::{PLAN_STAGES, list_destinations};
use s3scope_core::segregate::report::append_to_log;
use s3scope_core::segregate::{ApplyOptions, MovePlan, apply};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::sync::mpsc::UnboundedSender;

/// Keys per Listed event at most, and how long keys wait for their batch.
const BATCH_KEYS: usize = 5000;
const BATCH_WAIT: Duration = Duration::from_millis(200);
/// How often a running apply reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);
/// Parallel LIST requests of a preview listing.
const LIST_CONCURRENCY: usize = 16;

fn send(tx: &UnboundedSender<Event>, e: SegregateEvent) {
    // The receiver is gone only when the TUI is closing.
    let _ = tx.send(Event::Segregate(e));
}

impl Runtime {
    pub(super) fn segregate(&mut self, effect: SegregateEffect) {
        match effect {
            SegregateEffect::List {
                id,
                bucket,
                prefix,
                page_size,
                max_keys,
                max_pages,
            } => self.segregate_list(id, bucket, prefix, page_size, (max_keys, max_pages)),
            SegregateEffect::Check {
                id,
                bucket,
                prefixes,
            } => self.segregate_check(id, bucket, prefixes),
            SegregateEffect::Apply {
                id,
                plan,
                options,
                log_file,
            } => self.segregate_apply(id, plan, options, log_file),
            SegregateEffect::Cancel { id } => self.cancel_job(id, JobKind::SegregateApply),
        }
    }

    fn segregate_list(
        &mut self,
        id: RequestId,
        bucket: String,
        prefix: String,
        page_size: i32,
        (max_keys, max_pages): (usize, Option<u64>),
    ) {
        // The preview's listing is the first stage of a plan.
        let progress = Arc::new(Progress::new(&PLAN_STAGES));
        self.begin_job(id, JobKind::SegregatePlan, &progress, true);
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let done = list_batches(
                &clients, &bucket, &prefix, page_size, max_keys, max_pages, &progress, id, &tx,
            )
            .await;
            progress.finish();
            let list_calls = progress.calls();
            // A listing replaced by a newer one is dropped by its stale id.
            send(
                &tx,
                SegregateEvent::Listed {
                    id,
                    objects: Vec::new(),
                    list_calls,
                    done: Some(done),
                },
            );
        });
    }

    fn segregate_check(&mut self, id: RequestId, bucket: String, prefixes: Vec<String>) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let endpoint = clients.endpoint_label();
            let result = match clients.s3_for_bucket(&bucket).await {
                Ok(s3) => {
                    // A check of the preview, not a job: nobody follows or stops it.
                    let progress = Progress::default();
                    list_destinations(&s3, &bucket, prefixes.clone(), &endpoint, &progress)
                        .await
                        .map(|found| found.into_iter().collect())
                }
                Err(e) => Err(e),
            };
            send(
                &tx,
                SegregateEvent::Checked {
                    id,
                    bucket,
                    prefixes,
                    result,
                },
            );
        });
    }

    fn segregate_apply(
        &mut self,
        id: RequestId,
        plan: Arc<MovePlan>,
        options: ApplyOptions,
        log_file: Option<PathBuf>,
    ) {
        let progress = Arc::new(Progress::default());
        self.begin_job(id, JobKind::SegregateApply, &progress, false);
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let endpoint = clients.endpoint_label();
            let work = async {
                match clients.writer(&plan.bucket, "segregate apply").await {
                    Ok(writer) => apply(&writer, &plan, &endpoint, &options, &progress)
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            };
            let result = drive(work, &progress, PROGRESS_EVERY, |progress| {
                send(&tx, SegregateEvent::Progress { id, progress });
            })
            .await;
            if let (Ok(report), Some(path)) = (&result, &log_file)
                && let Err(e) = append_to_log(path, report)
            {
                tracing::warn!(path = %path.display(), error = %e, "cannot append the segregate report");
            }
            send(&tx, SegregateEvent::Applied { id, result });
        });
    }
}

/// Lists `prefix` flat and sends the keys in batches; Ok(true) when the listing reached its
/// end, Ok(false) when it stopped at `max_keys`.
#[allow(clippy::too_many_arguments)]
async fn list_batches(
    clients: &s3scope_core::s3::client::Clients,
    bucket: &str,
    prefix: &str,
    page_size: i32,
    max_keys: usize,
    max_pages: Option<u64>,
    progress: &Progress,
    id: RequestId,
    tx: &UnboundedSender<Event>,
) -> Result<bool, s3scope_core::s3::error::S3Error> {
    let s3 = clients.s3_for_bucket(bucket).await?;
    let opts = ListOptions {
        delimiter: None,
        concurrency: LIST_CONCURRENCY,
        page_size,
        // A bounded rule lists its first pages in key order, as the plan does.
        max_pages,
        ..ListOptions::new(bucket, prefix)
    };
    let cancel = &progress.cancel;
    // The lister's own counters; LIST calls are copied into the job's progress per page.
    let stats = Arc::new(ListStats::default());
    let (ptx, mut prx) = mpsc::channel(32);
    let stop = cancel.child_token();
    let lister = tokio::spawn(list_parallel(
        s3,
        opts,
        stats.clone(),
        ptx,
        stop.clone(),
        clients.endpoint_label(),
    ));
    let mut batch: Vec<ListedObject> = Vec::new();
    let mut sent = 0usize;
    let mut last = Instant::now();
    let mut complete = true;
    while let Some(page) = prx.recv().await {
        progress.add(
            page.objects.len() as u64,
            page.objects.iter().map(|o| o.size).sum(),
        );
        progress.set_calls(stats.list_calls.load(Ordering::Relaxed));
        batch.extend(page.objects);
        if sent + batch.len() >= max_keys {
            batch.truncate(max_keys - sent);
            complete = false;
        }
        if !complete || batch.len() >= BATCH_KEYS || last.elapsed() >= BATCH_WAIT {
            sent += batch.len();
            last = Instant::now();
            let list_calls = progress.calls();
            let objects = std::mem::take(&mut batch);
            send(
                tx,
                SegregateEvent::Listed {
                    id,
                    objects,
                    list_calls,
                    done: None,
                },
            );
        }
        if !complete {
            stop.cancel();
            break;
        }
    }
    drop(prx);
    if !batch.is_empty() {
        let list_calls = progress.calls();
        send(
            tx,
            SegregateEvent::Listed {
                id,
                objects: batch,
                list_calls,
                done: None,
            },
        );
    }
    let listed = lister
        .await
        .map_err(|e| s3scope_core::s3::error::S3Error::Other {
            operation: "ListObjectsV2".into(),
            detail: format!("listing task stopped: {e}"),
        })?;
    listed?;
    Ok(complete && !cancel.is_cancelled())
}
