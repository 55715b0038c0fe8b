//! Steps 4-6 of a run, also used to finish a run a crash interrupted: save, trim, clear.

use super::collect::{Run, Trimmed};
use super::progress::Phase;
use super::state::{Pending, PendingPhase, SourceId, TrimUnit};
use super::summary::Summary;
use super::{UsageError, hooks, rgw};
use crate::s3::error::S3Error;
use crate::s3::retry::{self, DeleteKey};

impl Run<'_> {
    /// Finishes the run an earlier process left pending, if any; says what it did.
    pub async fn recover(&mut self) -> Result<Option<String>, UsageError> {
        let Some(p) = self.state.pending.clone() else {
            return Ok(None);
        };
        Phase::Recovering.enter(self.progress);
        tracing::info!(run = %p.run, phase = ?p.phase, "finishing an interrupted usage run");
        let mut did = Vec::new();
        if p.phase == PendingPhase::Saving {
            self.save_artifacts(&p)?;
            did.push(format!("wrote its backup {}", p.backup.display()));
        }
        let undone = p.trim.iter().filter(|u| !u.is_done()).count();
        self.finish(p.clone()).await?;
        if undone > 0 {
            did.push(format!("did its {undone} remaining trim request(s)"));
        }
        if did.is_empty() {
            did.push("cleared its record".into());
        }
        Ok(Some(format!(
            "finished run {} (window {}) that was interrupted: {}",
            p.run,
            p.window,
            did.join(", ")
        )))
    }

    /// Writes the backup, then the summary, of a committed run, from the ledger alone.
    pub fn save_artifacts(&self, p: &Pending) -> Result<Summary, UsageError> {
        let hours = self.state.hours.window(&p.window);
        let summary = Summary::build(
            &self.state.source,
            &p.window,
            &p.run,
            p.started,
            hours,
            p.logs.clone(),
        );
        summary.write(&p.backup, &p.summary)?;
        Ok(summary)
    }

    /// Does the trims of `p` not done yet, recording each one, then clears the pending record.
    pub async fn finish(&mut self, mut p: Pending) -> Result<Trimmed, UsageError> {
        if !p.trim.is_empty() {
            if p.phase == PendingPhase::Saving {
                p.phase = PendingPhase::Trimming;
                self.state.pending = Some(p.clone());
                self.store.save(&self.state)?;
                hooks::step("trimming");
            }
            Phase::Trimming.enter(self.progress);
            self.progress.set_total(p.trim.len() as u64);
            for i in 0..p.trim.len() {
                if !p.trim[i].is_done() {
                    if self.cancel.is_cancelled() {
                        return Err(UsageError::Cancelled(
                            "cancelled while trimming; the summary and its backup are saved, and \
                             the next run finishes the trim"
                                .into(),
                        ));
                    }
                    self.trim_one(&p, &p.trim[i]).await.map_err(after_save)?;
                    let (TrimUnit::Usage { done, .. } | TrimUnit::Objects { done, .. }) =
                        &mut p.trim[i];
                    *done = true;
                    self.state.pending = Some(p.clone());
                    self.store.save(&self.state).map_err(after_save)?;
                }
                self.progress.add(1, 0);
            }
        }
        self.state.pending = None;
        self.store.save(&self.state).map_err(after_save)?;
        let mut trimmed = Trimmed::default();
        for unit in &p.trim {
            match unit {
                TrimUnit::Usage { uid, .. } => trimmed.users.push(uid.clone()),
                TrimUnit::Objects { keys, .. } => trimmed.objects += keys.len() as u64,
            }
        }
        Ok(trimmed)
    }

    /// One trim request, then its effect on the ledger (live rows of the user become settled,
    /// log objects are marked deleted).
    async fn trim_one(&mut self, p: &Pending, unit: &TrimUnit) -> Result<(), UsageError> {
        match unit {
            TrimUnit::Usage { uid, bucket, .. } => {
                let admin = self.admin().await?;
                rgw::trim(&admin, uid, bucket.as_deref(), &p.window).await?;
                hooks::step("trimmed-one");
                self.state.hours.settle_user(&p.window, uid);
            }
            TrimUnit::Objects { keys, .. } => {
                let SourceId::AccessLogs { bucket, .. } = &self.state.source else {
                    return Err(UsageError::Settings(
                        "log objects to delete, but the state is not of access logs".into(),
                    ));
                };
                let bucket = bucket.clone();
                self.delete_objects(&bucket, keys).await?;
                hooks::step("trimmed-one");
                for k in keys {
                    if let Some(mark) = self.state.objects.get_mut(k) {
                        mark.deleted = true;
                    }
                }
            }
        }
        Ok(())
    }

    async fn delete_objects(&self, bucket: &str, keys: &[String]) -> Result<(), UsageError> {
        let context = format!("deleting read log objects from s3://{bucket}");
        let writer = self
            .clients
            .writer(bucket, &context)
            .await
            .map_err(UsageError::s3(&context))?;
        let doomed: Vec<DeleteKey> = keys
            .iter()
            .map(|k| DeleteKey {
                key: k.clone(),
                etag: None,
                version_id: None,
            })
            .collect();
        let endpoint = self.clients.endpoint_label();
        let failed = retry::delete_objects(&writer, bucket, &doomed, &endpoint)
            .await
            .map_err(UsageError::s3(&context))?;
        if let Some((key, f)) = failed.iter().min_by(|a, b| a.0.cmp(b.0)) {
            let source = S3Error::from_code(
                &f.code,
                &f.message,
                &endpoint,
                "DeleteObjects",
                &format!("s3://{bucket}/{key}"),
            );
            return Err(UsageError::s3(context)(source));
        }
        Ok(())
    }
}

/// A failure once the summary and backup are on disk: say so, and that the next run retries.
fn after_save(e: UsageError) -> UsageError {
    match e {
        UsageError::Io {
            action,
            path,
            source,
            ..
        } => UsageError::Io {
            action,
            path,
            source,
            before_trim: false,
        },
        UsageError::Cancelled(m) => UsageError::Cancelled(m),
        other => UsageError::TrimFailed(Box::new(other)),
    }
}
