//! Holds: freeze the client behind the proxy at an exact progress point (the n-th request of an
//! operation, before or after the upstream did it) so that tests can kill or inspect it there.

use crate::op::S3Op;
use crate::state::Shared;
use std::sync::Arc;

/// Where to freeze. At the (`skip`+1)-th request of `op` the hold triggers: that request is
/// held (before it is forwarded, or with `after_forward` once the upstream answered it but
/// before the client sees the answer), and from then on every request of any kind is held
/// too, as is every answer still coming back from the upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub op: S3Op,
    /// Requests of `op` let through before the one that triggers.
    pub skip: u64,
    pub after_forward: bool,
}

impl Hold {
    /// Holds the first request of `op` before it is forwarded.
    pub fn new(op: S3Op) -> Hold {
        Hold {
            op,
            skip: 0,
            after_forward: false,
        }
    }

    /// Lets the first `skip` requests of the operation pass.
    pub fn skip(mut self, skip: u64) -> Hold {
        self.skip = skip;
        self
    }

    /// Holds the triggering request after the upstream answered it.
    pub fn after_forward(mut self) -> Hold {
        self.after_forward = true;
        self
    }
}

/// The handle of the hold in force. Dropping it releases the hold, as does setting another.
#[must_use = "dropping the handle releases the hold at once"]
pub struct HoldHandle {
    pub(crate) id: u64,
    pub(crate) shared: Arc<Shared>,
}

impl HoldHandle {
    /// Resolves once the hold triggered (never, when it is released or replaced first).
    pub async fn triggered(&self) {
        let id = self.id;
        self.shared
            .wait_for(|inner| {
                inner
                    .hold
                    .as_ref()
                    .is_some_and(|s| s.id == id && s.triggered)
            })
            .await;
    }

    /// Resolves once the hold triggered and nothing is in flight upstream any more: every
    /// request the upstream received was answered (and its answer held), so the upstream's
    /// state no longer changes until release. Also resolves when the hold is released.
    pub async fn frozen(&self) {
        let id = self.id;
        self.shared
            .wait_for(|inner| match inner.hold.as_ref() {
                Some(s) if s.id == id && !s.released => s.triggered && inner.upstream_active == 0,
                _ => true,
            })
            .await;
    }

    /// True once the hold triggered.
    pub fn is_triggered(&self) -> bool {
        let inner = self.shared.lock();
        inner
            .hold
            .as_ref()
            .is_some_and(|s| s.id == self.id && s.triggered)
    }

    /// Requests of the hold's operation seen so far (the skipped ones and the trigger).
    pub fn seen(&self) -> u64 {
        let inner = self.shared.lock();
        inner
            .hold
            .as_ref()
            .filter(|s| s.id == self.id)
            .map_or(0, |s| s.seen)
    }

    /// Requests held right now (a held request whose client went away is no longer held).
    pub fn holding(&self) -> u64 {
        self.shared.lock().holding
    }

    /// Resolves once exactly `n` requests are held at the same time.
    pub async fn until_holding(&self, n: u64) {
        self.shared.wait_for(|inner| inner.holding == n).await;
    }

    /// Lets the held requests go on; later requests pass (the hold does not trigger again).
    pub fn release(&self) {
        self.shared.release(self.id);
    }
}

impl Drop for HoldHandle {
    fn drop(&mut self) {
        self.shared.release(self.id);
    }
}
