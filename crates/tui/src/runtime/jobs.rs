//! The Jobs pane's effects as tasks: extract and process with periodic progress, and cancel.

use super::Runtime;
use super::table::drive;
use crate::event::{Event, RequestId};
use crate::state::jobs::{JobsEffect, JobsEvent};
use s3scope_core::job::{JobKind, Progress};
use s3scope_core::pipeline::PipelineError;
use s3scope_core::pipeline::extract::{extract, stages};
use s3scope_core::pipeline::process;
use s3scope_core::pipeline::storage::Storage;
use std::sync::Arc;
use std::time::Duration;

/// How often a running job reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

impl Runtime {
    pub(super) fn jobs(&mut self, effect: JobsEffect) {
        match effect {
            JobsEffect::Cancel { id } => {
                self.cancel_job(id, JobKind::Extract);
                self.cancel_job(id, JobKind::Process);
            }
            JobsEffect::Extract {
                id,
                data_dir,
                request,
            } => {
                let progress = Arc::new(Progress::new(&stages(&request)));
                let clients = self.clients.clone();
                let p = Arc::clone(&progress);
                self.run_job(id, JobKind::Extract, progress, async move {
                    let data = Storage::open(&data_dir, Some(&clients)).await?;
                    let r = extract(&clients, &data, &request, &p).await?;
                    let rows: u64 = r.manifest.files.iter().map(|f| f.rows).sum();
                    let failed = r.failures().len();
                    let summary = format!(
                        "{rows} rows in {} files, {failed} source(s) failed, {:.1}s",
                        r.manifest.files.len(),
                        r.elapsed_secs
                    );
                    Ok((summary, r.package))
                });
            }
            JobsEffect::Process {
                id,
                data_dir,
                output,
                request,
            } => {
                let progress = Arc::new(Progress::new(&process::STAGES));
                let clients = self.clients.clone();
                let p = Arc::clone(&progress);
                self.run_job(id, JobKind::Process, progress, async move {
                    let data = Storage::open(&data_dir, Some(&clients)).await?;
                    let out = Storage::open(&output, Some(&clients)).await?;
                    let r = process::process(&data, &out, &request, &p).await?;
                    let summary = format!(
                        "{} day(s), {} package(s), {} problem(s), {:.1}s",
                        r.days.len(),
                        r.packages,
                        r.problems.len(),
                        r.elapsed_secs
                    );
                    Ok((summary, r.report))
                });
            }
        }
    }

    fn run_job(
        &mut self,
        id: RequestId,
        kind: JobKind,
        progress: Arc<Progress>,
        work: impl Future<Output = Result<(String, String), PipelineError>> + Send + 'static,
    ) {
        self.begin_job(id, kind, &progress, false);
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let result = drive(work, &progress, PROGRESS_EVERY, |progress| {
                let _ = tx.send(Event::Jobs(JobsEvent::Progress { id, progress }));
            })
            .await;
            let cancelled =
                matches!(result, Err(PipelineError::Cancelled)) || progress.cancel.is_cancelled();
            if let Err(e) = &result {
                tracing::warn!(id = id.0, error = %e, "job failed");
            }
            let result = result.map_err(|e| e.to_string());
            let _ = tx.send(Event::Jobs(JobsEvent::Finished {
                id,
                result,
                cancelled,
            }));
        });
    }
}
