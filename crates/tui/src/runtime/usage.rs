//! The Usage pane's effects as tasks: reading the summary, a collection with progress, cancel.

use super::Runtime;
use super::table::drive;
use crate::event::{Event, RequestId};
use crate::state::usage::{UsageEffect, UsageEvent};
use s3scope_core::job::{JobKind, Progress};
use s3scope_core::usage::{CollectRequest, Summary, UsageError, collect};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How often a running collection reports its counters.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

impl Runtime {
    pub(super) fn usage(&mut self, effect: UsageEffect) {
        match effect {
            UsageEffect::Load { id, path } => self.load_usage(id, path),
            UsageEffect::Collect { id, request } => self.collect_usage(id, *request),
            UsageEffect::Cancel { id } => self.cancel_job(id, JobKind::UsageCollect),
        }
    }

    fn load_usage(&mut self, id: RequestId, path: PathBuf) {
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let read = tokio::task::spawn_blocking(move || Summary::read(&path)).await;
            let result = match read {
                Ok(Ok(summary)) => Ok(Some(Arc::new(summary))),
                Ok(Err(UsageError::NoSummary { .. })) => Ok(None),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(format!("reading the summary stopped: {e}")),
            };
            let _ = tx.send(Event::Usage(UsageEvent::Loaded { id, result }));
        });
    }

    fn collect_usage(&mut self, id: RequestId, request: CollectRequest) {
        let progress = Arc::new(Progress::default());
        self.begin_job(id, JobKind::UsageCollect, &progress, true);
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            tracing::info!(id = id.0, window = %request.window, trim = request.trim, "usage collection started");
            let run = collect(&clients, &request, &progress);
            let result = drive(run, &progress, PROGRESS_EVERY, |progress| {
                let _ = tx.send(Event::Usage(UsageEvent::Progress { id, progress }));
            })
            .await;
            if let Err(e) = &result {
                tracing::warn!(id = id.0, error = %e, "usage collection failed");
            }
            let result = result.map(Arc::new).map_err(|e| e.to_string());
            let _ = tx.send(Event::Usage(UsageEvent::Collected { id, result }));
        });
    }
}
