//! Browse's cleanup as tasks: the plan (versions and uploads listed, no write; saved beside its
//! journal), then the journaled removal as a job with progress ticks and cancel.

use super::Runtime;
use super::delete::run_off_task;
use super::table::drive;
use crate::event::{Event, RequestId};
use crate::state::browse::{CleanupEffect, CleanupEvent};
use s3scope_core::cleanup::{self, CleanupPlan, CleanupSpec, Paths};
use s3scope_core::job::{JobKind, Progress};
use s3scope_core::prices::Prices;
use std::sync::Arc;
use std::time::Duration;

/// How often a running cleanup reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

impl Runtime {
    pub(super) fn cleanup(&mut self, effect: CleanupEffect) {
        match effect {
            CleanupEffect::Plan {
                id,
                spec,
                prices,
                profile,
            } => self.cleanup_plan(id, spec, prices, profile),
            CleanupEffect::Apply { id, plan, profile } => self.cleanup_apply(id, *plan, profile),
            CleanupEffect::Cancel { id } => self.cancel_job(id, JobKind::Cleanup),
        }
    }

    fn cleanup_plan(
        &mut self,
        id: RequestId,
        spec: CleanupSpec,
        prices: Option<Prices>,
        profile: String,
    ) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        run_off_task(&mut self.tasks, move || {
            Box::pin(async move {
                let progress = Progress::new(&["listing"]);
                let result = async {
                    let s3 = clients
                        .s3_for_bucket(&spec.bucket)
                        .await
                        .map_err(|e| e.to_string())?;
                    let endpoint = clients.endpoint_label();
                    let plan =
                        cleanup::plan(&s3, &endpoint, &spec, prices.as_ref(), &progress).await;
                    let plan = plan.map_err(|e| e.to_string())?;
                    // Saved as `s3scope cleanup` saves it: the same files resume either way.
                    let paths = Paths::of(&spec, &profile, None);
                    cleanup::save_plan(&plan, &paths.plan).map_err(|e| e.to_string())?;
                    Ok(Box::new(plan))
                }
                .await;
                let _ = tx.send(Event::Cleanup(CleanupEvent::Planned { id, result }));
            })
        });
    }

    fn cleanup_apply(&mut self, id: RequestId, plan: CleanupPlan, profile: String) {
        let progress = Arc::new(Progress::new(&["removing"]));
        self.begin_job(id, JobKind::Cleanup, &progress, false);
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        run_off_task(&mut self.tasks, move || {
            Box::pin(async move {
                let work = async {
                    // A read-only profile has no writer: refused before any request.
                    let w = clients
                        .writer(&plan.spec.bucket, "cleanup")
                        .await
                        .map_err(|e| e.to_string())?;
                    let endpoint = clients.endpoint_label();
                    let paths = Paths::of(&plan.spec, &profile, None);
                    cleanup::apply(&w, &plan, &endpoint, &paths.journal, &progress)
                        .await
                        .map_err(|e| e.to_string())
                };
                let result = drive(work, &progress, PROGRESS_EVERY, |p| {
                    let _ = tx.send(Event::Cleanup(CleanupEvent::Progress { id, progress: p }));
                })
                .await;
                let result = result.map(Box::new);
                let _ = tx.send(Event::Cleanup(CleanupEvent::Applied { id, result }));
            })
        });
    }
}
