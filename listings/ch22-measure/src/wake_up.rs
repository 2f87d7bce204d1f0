//! The floor under a rendezvous hand-off on this machine: one wake-up
//! round trip between two threads that share one CPU. Thread A hands the
//! turn to B and wakes it, then sleeps until B hands it back: two
//! wake-ups, two context switches. That is what a manager costs the
//! employees when every CPU is busy and it must be woken once per paper,
//! and no pool that wakes a sleeping thread per paper can beat it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

use crate::measure::two_digits;
use crate::pin::{first_allowed_cpu, pin_to};

/// How long one measurement takes in a normal run. It runs once per
/// repeat on top of every pool's runs: a tenth of a second keeps it small
/// beside them, and tens of thousands of round trips are far more than
/// the clock's resolution needs.
pub const TARGET: Duration = Duration::from_millis(100);

/// Whose turn it is, in the one counter both threads share.
const A: u32 = 0;
const B: u32 = 1;

/// Round trips on one CPU: which CPU, and how many per measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundTrips {
    pub cpu: usize,
    pub trips: u64,
}

impl RoundTrips {
    /// Chooses a CPU this process may use and as many round trips as make
    /// one measurement take about `target`: doubling from 100 until a run
    /// takes a quarter of it, as the pools are calibrated. An error (never
    /// a panic) where two threads cannot be pinned to one CPU.
    pub fn calibrate(target: Duration) -> Result<RoundTrips, String> {
        const LIMIT: u64 = 100_000_000;
        let cpu = first_allowed_cpu()?;
        let mut trips = 100;
        loop {
            let ns = RoundTrips { cpu, trips }.ns_per_trip()?;
            let elapsed = ns * trips as f64;
            if elapsed >= target.as_nanos() as f64 / 4.0 || trips >= LIMIT {
                let wanted = target.as_nanos() as f64 / ns.max(1.0);
                let trips = two_digits(wanted.clamp(100.0, LIMIT as f64));
                return Ok(RoundTrips { cpu, trips });
            }
            trips *= 2;
        }
    }

    /// One measurement: nanoseconds per round trip. Both threads are new
    /// ones: pinning the caller would pin the manager of every pool
    /// measured after it, and every employee it hires (a new thread
    /// inherits its parent's CPUs).
    pub fn ns_per_trip(self) -> Result<f64, String> {
        let elapsed = start("wake-up A", move || thread_a(self))?
            .join()
            .map_err(|_| "a wake-up round trip's thread panicked".to_string())??;
        Ok(elapsed.as_nanos() as f64 / self.trips.max(1) as f64)
    }
}

/// A thread, or why there is none (`thread::spawn` would panic).
fn start<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, String> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map_err(|error| format!("cannot start a thread: {error}"))
}

/// Pins itself, starts B on the same CPU, and times the round trips.
fn thread_a(plan: RoundTrips) -> Result<Duration, String> {
    pin_to(plan.cpu)?;
    let turn = Arc::new(AtomicU32::new(A));
    let (tell_a, pinned) = mpsc::channel();
    let b = {
        let (turn, a) = (Arc::clone(&turn), thread::current());
        start("wake-up B", move || {
            let pinned = pin_to(plan.cpu);
            let taking_turns = pinned.is_ok();
            // A waits for this answer, so it cannot be gone.
            let _ = tell_a.send(pinned);
            if taking_turns {
                // One more than A times: A's first, untimed, trip.
                for _ in 0..=plan.trips {
                    wait_for(&turn, B);
                    turn.store(A, Ordering::Release);
                    a.unpark();
                }
            }
        })?
    };
    // Until B is pinned it must not be timed; if it could not be, there is
    // nothing to time.
    let pinned = pinned
        .recv()
        .unwrap_or_else(|_| Err("B ended unpinned".to_string()));
    if let Err(why) = pinned {
        let _ = b.join();
        return Err(why);
    }
    let b_thread = b.thread().clone();
    // Untimed: afterwards both threads are running their loops.
    trip(&turn, &b_thread);
    let started = Instant::now();
    for _ in 0..plan.trips {
        trip(&turn, &b_thread);
    }
    let elapsed = started.elapsed();
    b.join()
        .map_err(|_| "a wake-up round trip's thread panicked".to_string())?;
    Ok(elapsed)
}

// ANCHOR: round_trip
/// A's half of one round trip: hand B the turn, wake it, and sleep until
/// B hands the turn back. On one CPU, B runs only once A sleeps (or is
/// preempted for it), and A only once B does: two switches a trip.
fn trip(turn: &AtomicU32, b: &Thread) {
    // Release, and Acquire in `wait_for`: whoever sees the turn sees all
    // its holder did before handing it over.
    turn.store(B, Ordering::Release);
    b.unpark();
    wait_for(turn, A);
}

/// Sleeps until the turn is `mine`. A wake-up without the turn (park may
/// return spuriously, or an unpark came before the park) only means
/// sleeping again: the turn, not the wake-up, says who goes on.
fn wait_for(turn: &AtomicU32, mine: u32) {
    while turn.load(Ordering::Acquire) != mine {
        thread::park();
    }
}
// ANCHOR_END: round_trip

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::QUICK_TARGET;

    #[test]
    #[cfg(target_os = "linux")]
    #[ntest::timeout(10_000)]
    fn a_round_trip_takes_a_positive_time() {
        let round_trips = RoundTrips::calibrate(QUICK_TARGET).expect("pinning works here");
        assert!(round_trips.trips >= 100, "{round_trips:?}");
        let ns = round_trips.ns_per_trip().expect("a measurement");
        assert!(ns.is_finite() && ns > 0.0, "{ns}");
    }

    /// The sentence's "two context switches": on one CPU each thread must
    /// run for the turn to come back, so a round trip cannot take fewer.
    /// Other tests run meanwhile: they can only add switches.
    #[test]
    #[cfg(target_os = "linux")]
    #[ntest::timeout(10_000)]
    fn a_round_trip_is_at_least_two_context_switches() {
        let cpu = first_allowed_cpu().expect("some CPU is allowed");
        let round_trips = RoundTrips { cpu, trips: 1_000 };
        let before = crate::switches::now().expect("getrusage works");
        round_trips.ns_per_trip().expect("a measurement");
        let switches = crate::switches::now()
            .expect("getrusage works")
            .since(before);
        let total = switches.voluntary + switches.involuntary;
        assert!(total >= 2 * round_trips.trips, "{switches:?}");
    }

    #[test]
    #[ntest::timeout(10_000)]
    fn a_cpu_that_cannot_be_had_is_an_error() {
        let round_trips = RoundTrips {
            cpu: 1_023,
            trips: 100,
        };
        let error = round_trips.ns_per_trip().expect_err("no such CPU here");
        assert!(error.contains("pin"), "{error}");
    }
}
