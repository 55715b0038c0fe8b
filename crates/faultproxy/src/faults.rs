//! What to inject: the fault probabilities, and the one seeded draw per request that picks a
//! request's fate, so that a run with the same seed and the same requests fails the same way.

use crate::op::S3Op;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

/// The failures to inject. Probabilities are in 0..=1; their sum should not exceed 1 (the
/// kinds are tried in the order slowdown, reset, error_after, reset_after on one draw).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Faults {
    /// Added to every request before it is forwarded (or failed).
    pub delay: Duration,
    /// Answer 503 SlowDown without forwarding.
    pub slowdown: f64,
    /// Forward, read the whole answer, then answer 500 InternalError instead: the work was done.
    pub error_after: f64,
    /// Reset the TCP connection without forwarding.
    pub reset: f64,
    /// Forward, read the whole answer, then reset the connection: the work was done.
    pub reset_after: f64,
    /// Seed of the generator behind the decisions.
    pub seed: u64,
    /// Inject faults (not the delay) only into these operations; None: into all.
    pub only: Option<Vec<S3Op>>,
}

/// The fate of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Forward,
    SlowDown,
    Reset,
    ErrorAfter,
    ResetAfter,
}

impl Faults {
    /// Refuses a probability out of 0..=1, or probabilities that add up to more than 1.
    pub fn check(&self) -> Result<(), String> {
        let named = [
            ("slowdown", self.slowdown),
            ("reset", self.reset),
            ("error-after", self.error_after),
            ("reset-after", self.reset_after),
        ];
        for (name, p) in named {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} must be a probability in 0..1, not {p}"));
            }
        }
        let sum: f64 = named.iter().map(|(_, p)| p).sum();
        if sum > 1.0 + 1e-9 {
            return Err(format!(
                "the fault probabilities add up to {sum}; they must not exceed 1"
            ));
        }
        Ok(())
    }

    fn applies_to(&self, op: S3Op) -> bool {
        self.only.as_ref().is_none_or(|ops| ops.contains(&op))
    }

    /// The fate of a request of `op` given its draw `x` in 0..1.
    pub fn fate(&self, op: S3Op, x: f64) -> Fate {
        if !self.applies_to(op) {
            return Fate::Forward;
        }
        let mut edge = 0.0;
        for (p, fate) in [
            (self.slowdown, Fate::SlowDown),
            (self.reset, Fate::Reset),
            (self.error_after, Fate::ErrorAfter),
            (self.reset_after, Fate::ResetAfter),
        ] {
            edge += p;
            if p > 0.0 && x < edge {
                return fate;
            }
        }
        Fate::Forward
    }
}

/// The faults in force and their generator: one draw per request received, whatever its op.
pub struct Dice {
    pub faults: Faults,
    rng: StdRng,
}

impl Dice {
    pub fn new(faults: Faults) -> Dice {
        let rng = StdRng::seed_from_u64(faults.seed);
        Dice { faults, rng }
    }

    pub fn roll(&mut self, op: S3Op) -> Fate {
        let x: f64 = self.rng.random();
        self.faults.fate(op, x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_draw_splits_into_the_kinds_in_order() {
        let f = Faults {
            slowdown: 0.25,
            reset: 0.25,
            error_after: 0.25,
            reset_after: 0.25,
            ..Faults::default()
        };
        assert_eq!(f.fate(S3Op::GetObject, 0.1), Fate::SlowDown);
        assert_eq!(f.fate(S3Op::GetObject, 0.3), Fate::Reset);
        assert_eq!(f.fate(S3Op::GetObject, 0.6), Fate::ErrorAfter);
        assert_eq!(f.fate(S3Op::GetObject, 0.99), Fate::ResetAfter);
        let none = Faults::default();
        assert_eq!(none.fate(S3Op::GetObject, 0.0), Fate::Forward);
        let only = Faults {
            slowdown: 1.0,
            only: Some(vec![S3Op::PutObject]),
            ..Faults::default()
        };
        assert_eq!(only.fate(S3Op::GetObject, 0.0), Fate::Forward);
        assert_eq!(only.fate(S3Op::PutObject, 0.0), Fate::SlowDown);
    }

    #[test]
    fn the_same_seed_gives_the_same_fates() {
        let f = Faults {
            slowdown: 0.5,
            seed: 7,
            ..Faults::default()
        };
        let run = || {
            let mut d = Dice::new(f.clone());
            (0..64).map(|_| d.roll(S3Op::GetObject)).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.contains(&Fate::SlowDown) && a.contains(&Fate::Forward));
    }

    #[test]
    fn bad_probabilities_are_refused() {
        let f = Faults {
            slowdown: 0.7,
            reset: 0.7,
            ..Faults::default()
        };
        assert!(f.check().unwrap_err().contains("add up to"));
        let f = Faults {
            reset: -0.1,
            ..Faults::default()
        };
        assert!(f.check().unwrap_err().contains("reset must be"));
        assert!(Faults::default().check().is_ok());
    }
}
