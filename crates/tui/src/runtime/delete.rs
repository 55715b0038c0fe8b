//! Browse's delete as tasks: the plan (a listing, no write), then the delete itself as a job
//! with progress ticks and cancel, through the profile's writer (none on a read-only profile).

use super::Runtime;
use super::table::drive;
use crate::event::{Event, RequestId};
use crate::state::browse::{DeleteEffect, DeleteEvent};
use s3scope_core::delete::{self, DeletePlan, DeleteSet};
use s3scope_core::job::{JobKind, Progress};
use std::sync::Arc;
use std::time::Duration;

/// How often a running delete reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Runs `work` on the runtime from a blocking thread. The core's delete futures hold stream
/// closures over borrowed data that rustc cannot prove `Send` (higher-ranked lifetimes), so
/// they cannot be spawned as tasks; `Handle::block_on` needs no `Send` and still uses the
/// runtime's I/O and timers.
pub(super) fn run_off_task(
    tasks: &mut tokio::task::JoinSet<()>,
    work: impl FnOnce() -> std::pin::Pin<Box<dyn Future<Output = ()>>> + Send + 'static,
) {
    let handle = tokio::runtime::Handle::current();
    tasks.spawn(async move {
        let done = tokio::task::spawn_blocking(move || handle.block_on(work())).await;
        // A panic goes on to the task, where the runtime reports it like any other.
        if let Err(e) = done
            && e.is_panic()
        {
            std::panic::resume_unwind(e.into_panic());
        }
    });
}

impl Runtime {
    pub(super) fn delete(&mut self, effect: DeleteEffect) {
        match effect {
            DeleteEffect::Plan { id, set } => self.delete_plan(id, set),
            DeleteEffect::Apply { id, plan } => self.delete_apply(id, *plan),
            DeleteEffect::Cancel { id } => self.cancel_job(id, JobKind::Delete),
        }
    }

    fn delete_plan(&mut self, id: RequestId, set: DeleteSet) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        run_off_task(&mut self.tasks, move || {
            Box::pin(async move {
                let progress = Progress::new(&["listing"]);
                let result = delete::plan(&clients, &set, &progress)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Event::Delete(DeleteEvent::Planned { id, result }));
            })
        });
    }

    fn delete_apply(&mut self, id: RequestId, plan: DeletePlan) {
        let progress = Arc::new(Progress::new(&["deleting"]));
        self.begin_job(id, JobKind::Delete, &progress, false);
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        run_off_task(&mut self.tasks, move || {
            Box::pin(async move {
                let work = async {
                    // A read-only profile has no writer: refused before any request.
                    let w = clients
                        .writer(&plan.bucket, "DeleteObjects")
                        .await
                        .map_err(|e| e.to_string())?;
                    let endpoint = clients.endpoint_label();
                    delete::apply(&w, &plan, &endpoint, &progress)
                        .await
                        .map_err(|e| e.to_string())
                };
                let result = drive(work, &progress, PROGRESS_EVERY, |p| {
                    let _ = tx.send(Event::Delete(DeleteEvent::Progress { id, progress: p }));
                })
                .await;
                let result = result.map(Box::new);
                let _ = tx.send(Event::Delete(DeleteEvent::Applied { id, result }));
            })
        });
    }
}
