//! Cancelling long computations: work whose answer is no longer wanted stops at its
//! next check instead of running to the end.
//!
//! Loops over files, keys and mentions call [`check`]. When the flag of the computation
//! running on this thread is set, `check` unwinds with a [`Cancelled`] payload that
//! [`run`] catches, so no function between the loop and `run` needs a `Result` for it
//! (rust-analyzer cancels the same way). Code that runs outside `run` never unwinds:
//! its checks see no flag.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The computation was cancelled before it finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Set by whoever no longer wants the answer; read by the computation.
#[derive(Clone, Debug, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<CancelFlag>> = const { RefCell::new(None) };
}

/// Stops the computation running on this thread if its flag is set.
pub fn check() {
    let cancelled = CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .is_some_and(CancelFlag::is_cancelled)
    });
    if cancelled {
        // `resume_unwind` skips the panic hook: a cancellation is not a bug to report.
        std::panic::resume_unwind(Box::new(Cancelled));
    }
}

/// Runs `f` on this thread under `flag`. A check that finds the flag set ends `f`
/// with `Err(Cancelled)`; any other panic goes on unwinding.
pub fn run<T>(flag: &CancelFlag, f: impl FnOnce() -> T) -> Result<T, Cancelled> {
    let previous = CURRENT.with(|current| current.replace(Some(flag.clone())));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CURRENT.with(|current| *current.borrow_mut() = previous);
    match result {
        Ok(value) => Ok(value),
        Err(payload) if payload.is::<Cancelled>() => Err(Cancelled),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_to(limit: usize, stop_at: Option<(usize, &CancelFlag)>) -> usize {
        let mut done = 0;
        for i in 0..limit {
            if let Some((at, flag)) = stop_at
                && i == at
            {
                flag.cancel();
            }
            check();
            done += 1;
        }
        done
    }

    #[test]
    fn a_set_flag_stops_the_computation_at_its_next_check() {
        let flag = CancelFlag::default();
        assert_eq!(run(&flag, || count_to(10, None)), Ok(10));
        let flag = CancelFlag::default();
        assert_eq!(
            run(&flag, || count_to(10, Some((3, &flag)))),
            Err(Cancelled)
        );
        // Outside `run` a check never unwinds, and the flag of a finished run is gone.
        assert_eq!(count_to(10, None), 10);
    }

    #[test]
    fn other_panics_go_on_unwinding_and_nested_runs_restore_the_outer_flag() {
        let outer = CancelFlag::default();
        let inner = CancelFlag::default();
        let result = run(&outer, || {
            let nested = run(&inner, || count_to(5, Some((1, &inner))));
            assert_eq!(nested, Err(Cancelled));
            // The outer flag is not set, so the outer computation goes on.
            count_to(5, None)
        });
        assert_eq!(result, Ok(5));
        let panicked = std::panic::catch_unwind(|| run(&outer, || panic!("a bug")));
        assert!(panicked.is_err());
        assert_eq!(count_to(3, None), 3);
    }
}
