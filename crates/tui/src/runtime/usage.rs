//! The Usage pane's effects as tasks: reading the summary, a collection with progress, cancel.

use super::Runtime;
use crate::event::{Event, RequestId};
use crate::state::usage::{UsageEffect, UsageEvent};
use s3scope_core::usage::{CollectRequest, Progress, Summary, UsageError, collect};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often a running collection reports its counters.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

impl Runtime {
    pub(super) fn usage(&mut self, effect: UsageEffect) {
        match effect {
            UsageEffect::Load { id, path } => self.load_usage(id, path),
            UsageEffect::Collect { id, request } => self.collect_usage(id, *request),
            UsageEffect::Cancel { id } => {
                if let Some((running, token)) = &self.usage_job
                    && *running == id
                {
                    token.cancel();
                }
            }
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
        if let Some((_, old)) = self.usage_job.take() {
            old.cancel();
        }
        let cancel = CancellationToken::new();
        self.usage_job = Some((id, cancel.clone()));
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            tracing::info!(id = id.0, window = %request.window, trim = request.trim, "usage collection started");
            let progress = Progress::default();
            let run = collect(&clients, &request, &progress, &cancel);
            tokio::pin!(run);
            let mut ticks = tokio::time::interval(PROGRESS_EVERY);
            let result = loop {
                tokio::select! {
                    r = &mut run => break r,
                    _ = ticks.tick() => {
                        let progress = progress.snapshot();
                        let _ = tx.send(Event::Usage(UsageEvent::Progress { id, progress }));
                    }
                }
            };
            if let Err(e) = &result {
                tracing::warn!(id = id.0, error = %e, "usage collection failed");
            }
            let result = result.map(Arc::new).map_err(|e| e.to_string());
            let _ = tx.send(Event::Usage(UsageEvent::Collected { id, result }));
        });
    }
}
