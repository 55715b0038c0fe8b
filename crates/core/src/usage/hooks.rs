//! Named steps of a usage run where a test can stop it (crash tests); the product sets nothing.
//!
//! A test installs one hook for its process with [`install`]; every run then calls it at each
//! step: `read` (source read, nothing written), `committed` (state file written), `backup`
//! (backup written), `saved` (summary written), `trimming` (about to trim), `trimmed-one` (one
//! trim request done, not yet recorded). Without a hook a step costs one atomic load.

use std::sync::OnceLock;

/// What a test runs at each step (e.g. announce it, then wait to be killed).
pub type StepHook = Box<dyn Fn(&str) + Send + Sync>;

static HOOK: OnceLock<StepHook> = OnceLock::new();

/// Installs the hook of this process; false when one was installed already (it stays).
pub fn install(hook: StepHook) -> bool {
    HOOK.set(hook).is_ok()
}

/// Step `name` of a run is reached.
pub(crate) fn step(name: &str) {
    if let Some(hook) = HOOK.get() {
        hook(name);
    }
}
