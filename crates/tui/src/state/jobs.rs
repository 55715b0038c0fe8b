//! Jobs pane state: every long job of the session. Extract and process runs are owned here
//! (started with `:extract`/`:process`); scans, usage collections and segregation listings and
//! applies are read live from the panes that own them, and kept here once they end.

mod panes; // scans, usage, segregate jobs read from their panes, kept once ended

pub use panes::{HISTORY, JobRow, Place, all_entries, observe, running};

use crate::event::RequestId;
use s3scope_core::job::JobSnapshot;
use s3scope_core::pipeline::extract::ExtractRequest;
use s3scope_core::pipeline::process::ProcessRequest;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Extract,
    Process,
    Scan,
    UsageCollect,
    SegregatePlan,
    SegregateApply,
}

impl JobKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Extract => "extract",
            Self::Process => "process",
            Self::Scan => "scan",
            Self::UsageCollect => "usage",
            Self::SegregatePlan => "plan",
            Self::SegregateApply => "apply",
        }
    }
}

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
    pub progress: Option<JobSnapshot>,
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
/// jobs seen running at the last update, and the pane jobs that ended (newest first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsState {
    pub jobs: Vec<JobEntry>,
    /// Index into [`all_entries`].
    pub selected: usize,
    /// Pane jobs running at the last observation, as (kind, id, label).
    pub seen: Vec<(JobKind, RequestId, String)>,
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
        progress: JobSnapshot,
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
