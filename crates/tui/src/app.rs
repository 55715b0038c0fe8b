//! The TUI's entry point and loop: terminal events, effect results and a frame tick in one select.

use super::effect::Effect;
use super::event::Event;
use super::keymap::{Keymap, KeymapError};
use super::runtime::{Flow, Runtime};
use super::state::{State, Status};
use super::terminal::TerminalGuard;
use super::theme::Theme;
use super::{ui, update};
use crossterm::event::EventStream;
use futures::StreamExt as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use s3scope_core::config::Config;
use s3scope_core::s3::client::Clients;
use std::io::IsTerminal as _;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Frame tick while nothing is loading.
const IDLE_TICK: Duration = Duration::from_millis(250);
/// Frame tick while a request is running (the spinner moves).
const BUSY_TICK: Duration = Duration::from_millis(100);

/// What the binary hands to the TUI.
pub struct TuiContext {
    /// Clients of the chosen profile.
    pub clients: Clients,
    /// The loaded config (its `[keymap]` is applied).
    pub config: Config,
    /// One line about where this session runs, e.g. the demo's embedded server; shown in
    /// the status line at start and in the help.
    pub banner: Option<String>,
}

/// Why the TUI could not run or stopped early. The terminal is restored in every case.
#[derive(Debug, Error)]
pub enum TuiError {
    #[error(
        "the TUI needs a terminal, but stdout is not one; use a headless command such as `s3scope buckets` instead"
    )]
    NotATerminal,
    #[error("[keymap] in the config file: {0}")]
    Keymap(#[from] KeymapError),
    #[error("terminal I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}; please report it, with the log file")]
    Internal(String),
}

/// Runs the TUI until the user quits, the terminal goes away, or SIGTERM/SIGHUP/SIGINT.
pub async fn run(ctx: TuiContext) -> Result<(), TuiError> {
    let keymap = Keymap::from_config(&ctx.config.file.keymap)?;
    if !std::io::stdout().is_terminal() {
        return Err(TuiError::NotATerminal);
    }
    let profile = ctx.clients.profile();
    let status = Status {
        profile: profile.name.clone(),
        endpoint: ctx.clients.endpoint_label(),
        read_only: profile.read_only,
        ..Status::default()
    };
    let mut state = State::new(status, keymap, ctx.banner);
    // The same prices as `buckets`/`du`; a bad [prices] table was refused by the config check,
    // but say so rather than show no cost silently.
    match s3scope_core::prices::Prices::for_profile(
        &ctx.config.file,
        &profile.name,
        profile.endpoint.is_some(),
    ) {
        Ok(prices) => state.set_prices(prices),
        Err(e) => state.status.error = Some(format!("[prices]: {e}; no costs shown")),
    }
    state.usage = super::state::usage::UsageState::for_session(&ctx.config, &ctx.clients);
    state.browse.concurrency = ctx.config.scan_concurrency();
    state.segregate =
        super::state::segregate::SegregateState::with_rules(&ctx.config.file.segregate.rules);
    let theme = Theme::from_env();
    tracing::info!(profile = %state.status.profile, "TUI started");
    let guard = TerminalGuard::enter()?;
    let result = event_loop(&mut state, theme, ctx.clients).await;
    drop(guard);
    tracing::info!(ok = result.is_ok(), "TUI stopped");
    result
}

async fn event_loop(state: &mut State, theme: Theme, clients: Clients) -> Result<(), TuiError> {
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runtime = Runtime::new(clients, tx).with_scan_concurrency(state.browse.concurrency);
    let size = terminal.size()?;
    let mut pending: Vec<Effect> = update::update(
        state,
        Event::Resize {
            width: size.width,
            height: size.height,
        },
    );
    pending.extend(update::start(state));
    let mut terminal_events = EventStream::new();
    let mut signals = Signals::new()?;
    let mut next_tick = Instant::now();
    loop {
        // A panicked task has had the terminal restored by the panic hook: stop, don't draw.
        if let Some(message) = runtime.panicked() {
            return Err(TuiError::Internal(message));
        }
        if !super::terminal::is_active() {
            return Err(TuiError::Internal("a panic restored the terminal".into()));
        }
        for effect in pending.drain(..) {
            if runtime.execute(effect, terminal.backend_mut())? == Flow::Quit {
                return Ok(());
            }
        }
        terminal.draw(|frame| ui::draw(frame, state, theme))?;
        let first = tokio::select! {
            ev = terminal_events.next() => match ev {
                Some(Ok(ev)) => Event::from_terminal(ev),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(ev) = rx.recv() => Some(ev),
            () = tokio::time::sleep_until(next_tick) => {
                let busy = state.buckets.is_loading()
                    || state.buckets.regions_pending > 0
                    || state.buckets.table_load == super::state::buckets::TableLoad::Loading
                    || state.browse.is_busy()
                    || state.usage.is_busy();
                next_tick = Instant::now() + if busy { BUSY_TICK } else { IDLE_TICK };
                Some(Event::Tick { now: chrono::Utc::now() })
            }
            () = signals.recv() => {
                tracing::info!("signal received, leaving the TUI");
                return Ok(());
            }
        };
        // Drain whatever else is already waiting, then draw once.
        let mut batch: Vec<Event> = first.into_iter().collect();
        while let Ok(ev) = rx.try_recv() {
            batch.push(ev);
        }
        while crossterm::event::poll(Duration::ZERO)? {
            batch.extend(Event::from_terminal(crossterm::event::read()?));
        }
        for ev in batch {
            pending.extend(update::update(state, ev));
        }
    }
}

/// Termination signals (in raw mode Ctrl-C is a key, but `kill` and a closed ssh still signal).
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ];
        let streams = kinds
            .into_iter()
            .map(signal)
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self { streams })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Self> {
        Ok(Self {})
    }

    /// Resolves when any of the signals arrives.
    #[cfg(unix)]
    async fn recv(&mut self) {
        let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
        let _ = futures::future::select_all(waits).await;
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) {
        std::future::pending::<()>().await;
    }
}
