//! Jobs pane state: extract and process runs with their stages, progress, errors and outcome.

use crate::job::JobSnapshot;
use crate::pipeline::extract::ExtractRequest;
use crate::pipeline::process::ProcessRequest;
use crate::tui::event::RequestId;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Extract,
    Process,
    /// A Browse scan (mirrored: the Browse pane owns it).
    Scan,
    /// A usage collection (mirrored: the Usage pane owns it).
    Usage,
}

impl JobKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Extract => "extract",
            Self::Process => "process",
            Self::Scan => "scan",
            Self::Usage => "usage",
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

/// The Jobs pane: every job started in this session, newest last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsState {
    pub jobs: Vec<JobEntry>,
    pub selected: usize,
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
    /// Adds a running job and selects it.
    pub fn start(&mut self, id: RequestId, kind: JobKind, label: String) {
        self.jobs.push(JobEntry {
            id,
            kind,
            label,
            progress: None,
            status: JobStatus::Running,
        });
        self.selected = self.jobs.len() - 1;
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

    pub fn move_by(&mut self, delta: isize) {
        if self.jobs.is_empty() {
            return;
        }
        let last = self.jobs.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// The selected job when it is still running (the one `cancel` stops).
    pub fn selected_running(&self) -> Option<(RequestId, JobKind)> {
        self.jobs
            .get(self.selected)
            .filter(|j| j.status == JobStatus::Running)
            .map(|j| (j.id, j.kind))
    }

    /// Marks running jobs of `kind` cancelled (a pane replaced its job with a new one).
    pub fn stop_running(&mut self, kind: JobKind) {
        for j in &mut self.jobs {
            if j.kind == kind && j.status == JobStatus::Running {
                j.status = JobStatus::Cancelled;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_and_finish() {
        let mut s = JobsState::default();
        s.start(RequestId(1), JobKind::Extract, "a".into());
        s.start(RequestId(2), JobKind::Process, "b".into());
        assert_eq!((s.selected, s.running()), (1, 2));
        s.move_by(-5);
        assert_eq!(s.selected_running(), Some((RequestId(1), JobKind::Extract)));
        s.on_event(JobsEvent::Finished {
            id: RequestId(1),
            result: Ok(("done".into(), "/out".into())),
            cancelled: false,
        });
        assert_eq!(s.selected_running(), None);
        s.on_event(JobsEvent::Finished {
            id: RequestId(2),
            result: Err("x".into()),
            cancelled: true,
        });
        assert_eq!(s.jobs[1].status, JobStatus::Cancelled);
        s.move_by(9);
        assert_eq!(s.selected, 1);
    }
}
