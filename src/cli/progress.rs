//! Progress of long headless work on stderr: a live bar on a terminal, plain periodic lines otherwise.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Reports `status()` until dropped or finished.
pub struct Reporter {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Reporter {
    /// `status` is called on each tick and returns one line (never a secret).
    pub fn start<F>(label: &str, status: F) -> Self
    where
        F: Fn() -> String + Send + 'static,
    {
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
            tokio::spawn(async move {
                loop {
                    bar.set_message(status());
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
                    eprintln!("s3scope: {label}: {}", status());
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
