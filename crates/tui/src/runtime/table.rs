//! The one table of running jobs, keyed by request id: each job's kind and progress, whose token cancels it.

use super::Runtime;
use crate::event::RequestId;
use s3scope_core::job::{JobKind, Progress, Snapshot};
use std::sync::Arc;
use std::time::Duration;

/// One job the runtime started.
#[derive(Debug, Clone)]
pub struct RunningJob {
    pub kind: JobKind,
    pub progress: Arc<Progress>,
}

impl Runtime {
    /// Enters a job in the table. A job of a kind that runs one at a time (`exclusive`)
    /// cancels the others of its kind first.
    pub(super) fn begin_job(
        &mut self,
        id: RequestId,
        kind: JobKind,
        progress: &Arc<Progress>,
        exclusive: bool,
    ) {
        if exclusive {
            for job in self.jobs.values().filter(|j| j.kind == kind) {
                job.progress.cancel.cancel();
            }
        }
        self.jobs.insert(
            id,
            RunningJob {
                kind,
                progress: Arc::clone(progress),
            },
        );
    }

    /// Cancels the job of `id` (of `kind`, so that an id of another pane cancels nothing).
    pub(super) fn cancel_job(&mut self, id: RequestId, kind: JobKind) {
        if let Some(job) = self.jobs.get(&id).filter(|j| j.kind == kind) {
            job.progress.cancel.cancel();
        }
    }

    /// Forgets the jobs that ended.
    pub(super) fn prune_jobs(&mut self) {
        self.jobs.retain(|_, j| !j.progress.is_finished());
    }

    /// The jobs in the table (running, or ended since the last prune).
    pub fn running_jobs(&self) -> impl Iterator<Item = (RequestId, &RunningJob)> {
        self.jobs.iter().map(|(id, j)| (*id, j))
    }
}

/// Drives `work` to its end, handing a snapshot of `progress` to `tick` every `every` and
/// once more at the end; then marks the job finished.
pub(super) async fn drive<T>(
    work: impl Future<Output = T>,
    progress: &Progress,
    every: Duration,
    tick: impl Fn(Snapshot),
) -> T {
    tokio::pin!(work);
    let mut ticks = tokio::time::interval(every);
    let out = loop {
        tokio::select! {
            r = &mut work => break r,
            _ = ticks.tick() => tick(progress.snapshot()),
        }
    };
    tick(progress.snapshot());
    progress.finish();
    out
}
