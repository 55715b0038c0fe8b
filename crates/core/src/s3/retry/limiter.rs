//! Adaptive mode: one limit on the requests in flight per profile, cut when the service throttles
//! (503 SlowDown, 429) and raised again by each success (AIMD, as TCP does with its window).
//!
//! Until the first throttling answer nothing is limited. A throttling answer cuts the limit to
//! 70% of the requests in flight then, at most once per "generation": answers to requests sent
//! before the last cut do not cut again (they tell of the old rate). Each success adds 1/limit,
//! so the limit grows by about one per round of requests. It never drops below one request.

use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

/// What the limit grows back to at most.
const CEILING: f64 = 4096.0;
/// Share of the requests in flight kept after a throttling answer.
const BETA: f64 = 0.7;

/// How an attempt ended, for the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// An answer that was not throttling (success, or an error that says nothing of the rate).
    Success,
    /// 503 SlowDown, 429 or another throttling answer.
    Throttled,
    /// No answer (reset, timeout, cancelled): leaves the limit as it is.
    Neutral,
}

#[derive(Debug)]
struct State {
    /// None until the first throttling answer.
    limit: Option<f64>,
    in_flight: usize,
    generation: u64,
    throttled: u64,
}

/// The shared limit of one profile's requests (S3, RGW admin API, CloudWatch).
#[derive(Debug)]
pub struct Limiter {
    state: Mutex<State>,
    freed: Notify,
}

/// One request's place in flight; give it back with [`Permit::finish`] (dropping it is
/// [`Signal::Neutral`]).
#[derive(Debug)]
pub struct Permit {
    limiter: Arc<Limiter>,
    generation: u64,
    open: bool,
}

impl Default for Limiter {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                limit: None,
                in_flight: 0,
                generation: 0,
                throttled: 0,
            }),
            freed: Notify::new(),
        }
    }
}

impl Limiter {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until one more request may be in flight.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            {
                let mut s = self.lock();
                let room = s
                    .limit
                    .is_none_or(|l| (s.in_flight as f64) < l.floor().max(1.0));
                if room {
                    s.in_flight += 1;
                    return Permit {
                        limiter: Arc::clone(self),
                        generation: s.generation,
                        open: true,
                    };
                }
            }
            freed.await;
        }
    }

    /// The current limit (None: not limited yet) and how many throttling answers cut it.
    pub fn state(&self) -> (Option<usize>, u64) {
        let s = self.lock();
        (s.limit.map(|l| l.floor().max(1.0) as usize), s.throttled)
    }

    fn release(&self, generation: u64, signal: Signal) {
        let mut s = self.lock();
        let in_flight = s.in_flight;
        s.in_flight = in_flight.saturating_sub(1);
        match signal {
            Signal::Throttled => {
                s.throttled += 1;
                if generation == s.generation {
                    let base = s.limit.unwrap_or(f64::MAX).min(in_flight as f64);
                    s.limit = Some((base * BETA).max(1.0));
                    s.generation += 1;
                    tracing::debug!(limit = ?s.limit, "throttled: fewer requests at once");
                }
            }
            Signal::Success => {
                if let Some(l) = s.limit {
                    s.limit = Some((l + 1.0 / l).min(CEILING));
                }
            }
            Signal::Neutral => {}
        }
        drop(s);
        self.freed.notify_waiters();
    }
}

impl Permit {
    /// Gives the place back, telling how the attempt ended.
    pub fn finish(mut self, signal: Signal) {
        self.open = false;
        self.limiter.release(self.generation, signal);
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.open {
            self.limiter.release(self.generation, Signal::Neutral);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn throttling_cuts_once_per_generation_and_successes_grow_it_back() {
        let l = Limiter::new();
        let mut permits = Vec::new();
        for _ in 0..10 {
            permits.push(l.acquire().await);
        }
        assert_eq!(l.state(), (None, 0));
        // Two throttled answers of the same generation: one cut, to 70% of 10 in flight.
        permits.pop().unwrap().finish(Signal::Throttled);
        permits.pop().unwrap().finish(Signal::Throttled);
        assert_eq!(l.state(), (Some(7), 2));
        // 8 still in flight, limit 7: the next acquire waits until one is given back.
        let waiter = {
            let l = Arc::clone(&l);
            tokio::spawn(async move { l.acquire().await })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        for p in permits.drain(..2) {
            p.finish(Signal::Success);
        }
        let newer = waiter.await.unwrap();
        // A throttled answer of the new generation cuts again.
        newer.finish(Signal::Throttled);
        assert_eq!(l.state().0, Some(4));
        for p in permits.drain(..) {
            p.finish(Signal::Success);
        }
        for _ in 0..200 {
            l.acquire().await.finish(Signal::Success);
        }
        assert!(l.state().0.unwrap() > 10, "{:?}", l.state());
    }

    #[tokio::test]
    async fn the_limit_never_drops_below_one() {
        let l = Limiter::new();
        for _ in 0..20 {
            l.acquire().await.finish(Signal::Throttled);
        }
        assert_eq!(l.state().0, Some(1));
        let p = l.acquire().await;
        drop(p);
        assert_eq!(l.state().0, Some(1));
    }
}
