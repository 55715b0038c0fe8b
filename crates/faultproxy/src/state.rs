//! The proxy's shared state behind one lock: fault dice, counts, the hold and the requests in
//! flight upstream, with a change signal so that waiters never miss a step.

use crate::counts::Counts;
use crate::faults::{Dice, Fate, Faults};
use crate::op::S3Op;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// A hold as set by `Proxy::hold`, with its progress.
pub(crate) struct Slot {
    pub id: u64,
    pub op: S3Op,
    pub skip: u64,
    pub after_forward: bool,
    pub seen: u64,
    pub triggered: bool,
    pub released: bool,
}

impl Slot {
    fn active(&self) -> bool {
        !self.released
    }
}

pub(crate) struct Inner {
    pub dice: Dice,
    pub counts: Counts,
    pub hold: Option<Slot>,
    pub next_hold: u64,
    /// Requests forwarded whose upstream answer is not complete yet.
    pub upstream_active: u64,
    /// Requests held right now.
    pub holding: u64,
}

/// State shared by the listener, every request and the handles.
pub(crate) struct Shared {
    inner: Mutex<Inner>,
    /// Bumped after every change a waiter may be waiting for.
    changed: watch::Sender<u64>,
}

/// What a request does at the hold point before forwarding.
pub(crate) enum Gate {
    /// Wait until hold `id` is released, then ask again.
    Held(u64),
    /// Go on (forwarding under `upstream` when it goes upstream).
    Go(Option<Upstream>),
}

/// Marks a request as in flight upstream until finished or dropped.
pub(crate) struct Upstream {
    shared: Arc<Shared>,
    done: bool,
}

impl Upstream {
    /// The upstream answer is complete: returns the hold the answer must wait for, if any (a
    /// hold that triggered and is not released: the trigger of an `after_forward` hold, or
    /// any answer that arrives during the freeze).
    pub fn finish(mut self) -> Option<u64> {
        self.done = true;
        let mut inner = self.shared.lock();
        inner.upstream_active = inner.upstream_active.saturating_sub(1);
        let held = inner
            .hold
            .as_ref()
            .filter(|s| s.active() && s.triggered)
            .map(|s| s.id);
        drop(inner);
        self.shared.bump();
        held
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if !self.done {
            {
                let mut inner = self.shared.lock();
                inner.upstream_active = inner.upstream_active.saturating_sub(1);
            }
            self.shared.bump();
        }
    }
}

impl Shared {
    pub fn new(faults: Faults) -> Arc<Shared> {
        let (changed, _) = watch::channel(0);
        Arc::new(Shared {
            inner: Mutex::new(Inner {
                dice: Dice::new(faults),
                counts: Counts::default(),
                hold: None,
                next_hold: 1,
                upstream_active: 0,
                holding: 0,
            }),
            changed,
        })
    }

    /// The state; a panic of another holder does not make it unusable.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Waits until `cond` holds on the state.
    pub async fn wait_for(&self, cond: impl Fn(&Inner) -> bool) {
        let mut rx = self.changed.subscribe();
        loop {
            rx.borrow_and_update();
            if cond(&self.lock()) {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// A request of `op` arrived: counted, and its fate drawn; returns the delay and the
    /// request's number too.
    pub fn arrive(&self, op: S3Op) -> (Fate, Duration, u64) {
        let mut inner = self.lock();
        inner.counts.requests += 1;
        *inner.counts.by_op.entry(op.name().to_string()).or_default() += 1;
        let fate = inner.dice.roll(op);
        let delay = inner.dice.faults.delay;
        if !delay.is_zero() {
            inner.counts.delayed += 1;
        }
        (fate, delay, inner.counts.requests)
    }

    /// The hold point before forwarding; `forwards` when the request goes upstream after it.
    pub fn gate_before(self: &Arc<Self>, op: S3Op, forwards: bool) -> Gate {
        let mut inner = self.lock();
        let mut triggered = false;
        if let Some(slot) = inner.hold.as_mut().filter(|s| s.active()) {
            if slot.triggered {
                return Gate::Held(slot.id);
            }
            if slot.op == op {
                slot.seen += 1;
                if slot.seen > slot.skip {
                    slot.triggered = true;
                    let id = slot.id;
                    // A request that is not forwarded (an injected fault) has no answer to hold.
                    if !slot.after_forward || !forwards {
                        drop(inner);
                        self.bump();
                        return Gate::Held(id);
                    }
                    // Forwarded; its answer is held by `Upstream::finish`.
                    triggered = true;
                }
            }
        }
        let upstream = forwards.then(|| {
            inner.upstream_active += 1;
            Upstream {
                shared: Arc::clone(self),
                done: false,
            }
        });
        drop(inner);
        if triggered {
            self.bump();
        }
        Gate::Go(upstream)
    }

    /// Holds the calling request until hold `id` is released or replaced.
    pub async fn wait_released(self: &Arc<Self>, id: u64) {
        {
            let mut inner = self.lock();
            inner.counts.held += 1;
            inner.holding += 1;
        }
        self.bump();
        let _holding = Holding(Arc::clone(self));
        self.wait_for(|inner| inner.hold.as_ref().is_none_or(|s| s.id != id || s.released))
            .await;
    }

    /// Sets a new hold (releasing the one before); returns its id.
    pub fn set_hold(&self, op: S3Op, skip: u64, after_forward: bool) -> u64 {
        let mut inner = self.lock();
        let id = inner.next_hold;
        inner.next_hold += 1;
        inner.hold = Some(Slot {
            id,
            op,
            skip,
            after_forward,
            seen: 0,
            triggered: false,
            released: false,
        });
        drop(inner);
        self.bump();
        id
    }

    pub fn release(&self, id: u64) {
        if let Some(slot) = self.lock().hold.as_mut().filter(|s| s.id == id) {
            slot.released = true;
        }
        self.bump();
    }

    pub fn counted(&self, f: impl FnOnce(&mut Counts)) {
        f(&mut self.lock().counts);
    }
}

/// One request held: counted in `holding` until it goes on or is dropped.
struct Holding(Arc<Shared>);

impl Drop for Holding {
    fn drop(&mut self) {
        {
            let mut inner = self.0.lock();
            inner.holding = inner.holding.saturating_sub(1);
        }
        self.0.bump();
    }
}
