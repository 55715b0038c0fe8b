//! Progress of long headless work on stderr: a live bar on a terminal, plain periodic lines otherwise.
//!
//! It reads the job's own [`Progress`], the one the TUI reads: the line is the operation's
//! (`line`), the bar is filled by the stage's done/total once the total is known.

use indicatif::{ProgressBar, ProgressStyle};
use s3scope_core::job::{Progress, Snapshot};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Reports `status()` until dropped or finished.
pub struct Reporter {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Reporter {
    /// Reports `progress` as `line(snapshot)` (never a secret) until dropped or finished: a
    /// filled bar on a terminal when the stage's total is known, a spinner while it is not.
    pub fn start(
        label: &str,
        progress: Arc<Progress>,
        line: impl Fn(&Snapshot) -> String + Send + 'static,
    ) -> Self {
        let status = move || {
            let s = progress.snapshot();
            (line(&s), s.counts())
        };
        let stop = CancellationToken::new();
        let s = stop.clone();
        let label = label.to_string();
        let task = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(label);
            let counted = ProgressStyle::with_template(
                "{spinner} {prefix}: [{bar:24}] {percent:>3}% {msg} [{elapsed}]",
            )
            .map(|s| s.progress_chars("█▉▊▋▌▍▎▏ "))
            .ok();
            let spinner = bar.style();
            tokio::spawn(async move {
                let mut with_bar = false;
                loop {
                    let (line, counts) = status();
                    match (counts, &counted) {
                        (Some((done, total)), Some(style)) if total > 0 => {
                            if !with_bar {
                                bar.set_style(style.clone());
                                with_bar = true;
                            }
                            bar.set_length(total);
                            bar.set_position(done.min(total));
                        }
                        _ if with_bar => {
                            bar.set_style(spinner.clone());
                            with_bar = false;
                        }
                        _ => {}
                    }
                    bar.set_message(line);
                    bar.tick();
                    tokio::select! {
                        () = s.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_millis(120)) => {}
                    }
                }
                bar.finish_and_clear();
            })
        } else {
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        () = s.cancelled() => break,
                        () = tokio::time::sleep(Duration::from_secs(5)) => {}
                    }
                    eprintln!("s3scope: {label}: {}", status().0);
                }
            })
        };
        Self {
            stop,
            task: Some(task),
        }
    }

    /// Stops reporting and waits until the bar is cleared.
    pub async fn finish(mut self) {
        self.stop.cancel();
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
