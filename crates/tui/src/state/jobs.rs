//! Jobs pane state: every long job of the session, each with the core's one progress snapshot.
//! Extract and process runs are owned here (started with `:extract`/`:process`); scans, usage
//! collections and segregation listings and applies are entered when their pane starts them,
//! follow their job events, and are kept once a job event says they ended.

mod panes; // pane jobs: entered from effects, followed by job events, kept once ended
#[cfg(test)]
mod tests; // following pane jobs by their events alone

pub use panes::{HISTORY, JobRow, Place, Signal, all_entries, follow, running, started};
pub use s3scope_core::job::JobKind;

use crate::event::RequestId;
use s3scope_core::job::Snapshot;
use s3scope_core::pipeline::extract::ExtractRequest;
use s3scope_core::pipeline::process::ProcessRequest;

/// Where a job is.
#[derive(Debug, Clone, PartialEq)]
pub enum JobStatus {
    Running,
    /// Finished: a one-line summary and where the output is.
    Done {
        summary: String,
        output: String,
    },
    Failed(String),
    Cancelled,
}

/// One job of this session.
#[derive(Debug, Clone, PartialEq)]
pub struct JobEntry {
    pub id: RequestId,
    pub kind: JobKind,
    /// The window and paths, as shown.
    pub label: String,
    /// The last progress reported.
    pub progress: Option<Snapshot>,
    pub status: JobStatus,
}

impl JobEntry {
    /// Ended well.
    pub fn ok(&self) -> bool {
        matches!(self.status, JobStatus::Done { .. })
    }

    /// The outcome line of an ended job.
    pub fn summary(&self) -> Option<&str> {
        match &self.status {
            JobStatus::Done { summary, .. } => Some(summary),
            JobStatus::Failed(e) => Some(e),
            JobStatus::Cancelled => Some("cancelled"),
            JobStatus::Running => None,
        }
    }

    /// Where an ended job's output went.
    pub fn output(&self) -> Option<&str> {
        match &self.status {
            JobStatus::Done { output, .. } if !output.is_empty() => Some(output),
            _ => None,
        }
    }
}

/// The Jobs pane: the extract/process jobs started in this session (newest last), the pane
/// jobs running (oldest first), and the pane jobs that ended (newest first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsState {
    pub jobs: Vec<JobEntry>,
    /// Index into [`all_entries`].
    pub selected: usize,
    /// Pane jobs running, with their last progress.
    pub active: Vec<JobEntry>,
    /// Pane jobs that ended, newest first (at most [`HISTORY`]).
    pub history: Vec<JobEntry>,
}

/// What the Jobs pane asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum JobsEffect {
    Extract {
        id: RequestId,
        data_dir: String,
        request: Box<ExtractRequest>,
    },
    Process {
        id: RequestId,
        data_dir: String,
        output: String,
        request: Box<ProcessRequest>,
    },
    Cancel {
        id: RequestId,
    },
}

/// What comes back from a job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobsEvent {
    Progress {
        id: RequestId,
        progress: Snapshot,
    },
    /// Ok: summary and output location.
    Finished {
        id: RequestId,
        result: Result<(String, String), String>,
        cancelled: bool,
    },
}

impl JobsState {
    /// Adds a running job (the caller selects it).
    pub fn start(&mut self, id: RequestId, kind: JobKind, label: String) {
        self.jobs.push(JobEntry {
            id,
            kind,
            label,
            progress: None,
            status: JobStatus::Running,
        });
    }

    fn job_mut(&mut self, id: RequestId) -> Option<&mut JobEntry> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    pub fn on_event(&mut self, event: JobsEvent) {
        match event {
            JobsEvent::Progress { id, progress } => {
                if let Some(j) = self.job_mut(id)
                    && j.status == JobStatus::Running
                {
                    j.progress = Some(progress);
                }
            }
            JobsEvent::Finished {
                id,
                result,
                cancelled,
            } => {
                if let Some(j) = self.job_mut(id) {
                    j.status = match (result, cancelled) {
                        (_, true) => JobStatus::Cancelled,
                        (Ok((summary, output)), false) => JobStatus::Done { summary, output },
                        (Err(e), false) => JobStatus::Failed(e),
                    };
                }
            }
        }
    }

    pub fn running(&self) -> usize {
        self.jobs
            .iter()
            .filter(|j| j.status == JobStatus::Running)
            .count()
    }
}
