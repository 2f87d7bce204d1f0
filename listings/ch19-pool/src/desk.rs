//! The desk: where the manager hands a paper to an employee. It keeps the
//! rendezvous guarantee of a zero-capacity channel (a hand-off returns
//! only once an employee has the paper: holds it, or is waiting at the
//! desk with it in front of it) but is built for a pool whose papers can
//! be quick: one employee waits at the desk spinning, the others sleep,
//! and nobody is woken while someone is already there.
//!
//! Why this exists, and what it costs, is in the book's chapter on
//! measurements. In short: a rendezvous between OS threads that park and
//! unpark on every paper pays a system call per hand-off; a rendezvous
//! between two threads that are both awake costs a couple of cache-line
//! transfers.

use std::cell::UnsafeCell;
use std::hint;
use std::sync::atomic::Ordering::{Acquire, Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[cfg(test)]
#[path = "desk_tests.rs"]
mod tests;

// ANCHOR: states
// What lies on the desk. Only the holder of a state moves it on:
// a manager owns CLAIMED and OFFERED, an employee that won a paper owns
// TAKING, and LEFT belongs to the employees.
/// Nobody is using the desk.
const EMPTY: u8 = 0;
/// A manager has the desk: it is putting a paper down or taking it back.
const CLAIMED: u8 = 1;
/// A paper lies on the desk, and its manager waits for an employee.
const OFFERED: u8 = 2;
/// A paper lies on the desk for an employee already waiting there, and
/// its manager has gone: the paper is as good as taken (see `hand_off`).
const LEFT: u8 = 3;
/// An employee won the paper and is picking it up.
const TAKING: u8 = 4;
/// The employee holds the paper; the manager who offered it may go.
const TAKEN: u8 = 5;
/// Shut down and no manager is handing off: the employees go home.
const SHUT: u8 = 6;
// ANCHOR_END: states

/// How long a waiting thread spins on the desk before it sleeps. Spinning
/// costs no system call, and catches the other side when it is awake and
/// about to arrive: the next paper of a quick job. But a spinning thread
/// holds a CPU that an employee may need, so the spins are short, and
/// nobody spins by giving its CPU away (`yield_now`): under load, a yield
/// hands the CPU to another program for a whole time slice.
/// (Tuned by the measurements in the book's performance chapter.)
///
/// The manager spins only while its hand-offs have lately been quick:
/// when the employees take seconds, a spin is a CPU taken from them.
const MANAGER_SPINS_FOR: Duration = Duration::from_micros(2);
/// The one employee awake at the desk spins longer: it has nothing else to
/// do, and the manager's next paper is usually a loop turn away.
const EMPLOYEE_SPINS_FOR: Duration = Duration::from_micros(20);
/// Looks at the desk between two looks at the clock (which costs more).
const LOOKS_PER_CLOCK: u32 = 16;

// ANCHOR: desk
pub(crate) struct Desk<P> {
    state: AtomicU8,
    /// Written only by the manager that holds CLAIMED, read only by it
    /// or by the employee that holds TAKING.
    paper: UnsafeCell<Option<P>>,
    /// Employees waiting for a paper, awake or asleep.
    waiting: Padded<AtomicUsize>,
    /// An employee is spinning at the desk: the others sleep.
    spinning: Padded<AtomicBool>,
    /// Managers between their shutdown check and the end of their
    /// hand-off. The employees stay while any is left.
    handing: Padded<AtomicUsize>,
    closing: AtomicBool,
    /// How long the last hand-offs waited for an employee, in ns: a moving
    /// average that tells the manager whether spinning pays. Only the
    /// manager holding the desk reads and writes it.
    typical_wait: AtomicU64,
    /// Employees asleep, waiting for a paper.
    employees: Room,
    /// The manager holding the desk, asleep until its paper is taken.
    holder: Room,
    /// Managers asleep, waiting for the desk to be free.
    queue: Room,
}
// ANCHOR_END: desk

// SAFETY: the paper moves from one thread to another (hence `P: Send`),
// and the state machine above gives each access to `paper` to one thread
// at a time, ordered by the Release/Acquire pairs on `state`.
unsafe impl<P: Send> Sync for Desk<P> {}

impl<P> Desk<P> {
    pub(crate) fn new() -> Self {
        Desk {
            state: AtomicU8::new(EMPTY),
            paper: UnsafeCell::new(None),
            waiting: Padded(AtomicUsize::new(0)),
            spinning: Padded(AtomicBool::new(false)),
            handing: Padded(AtomicUsize::new(0)),
            closing: AtomicBool::new(false),
            typical_wait: AtomicU64::new(0),
            employees: Room::default(),
            holder: Room::default(),
            queue: Room::default(),
        }
    }

    // ANCHOR: hand_off
    /// A manager begins a hand-off; `None` once the desk is closing. From
    /// here until the returned `Handing` is gone, the employees stay:
    /// the paper this manager is about to hand off will be taken.
    pub(crate) fn begin(&self) -> Option<Handing<'_, P>> {
        // Counted before the check: a close that comes after the check
        // keeps the team until this hand-off ends (see `may_go_home`).
        self.handing.fetch_add(1, SeqCst);
        let handing = Handing(self);
        // Dropping `handing` counts this manager out again.
        (!self.closing.load(SeqCst)).then_some(handing)
    }
}

/// A manager's hand-off in progress. Dropping it counts the manager out
/// of `handing`, however the hand-off ended.
pub(crate) struct Handing<'a, P>(&'a Desk<P>);

impl<P> Handing<'_, P> {
    /// Hands off `paper`: returns `Ok` once an employee holds it, or at
    /// once if an employee is already waiting at the desk: the paper is
    /// then its next, with nothing before it. (A rendezvous channel's send
    /// returns at the same moment: crossbeam and Go both write the value
    /// into the waiting receiver's slot and return.) With a deadline,
    /// gives up when it passes and hands the paper back in `Err`, unless
    /// an employee has come to the desk by then.
    pub(crate) fn hand_off(self, paper: P, deadline: Option<Instant>) -> Result<(), P> {
        let desk = self.0;
        // 1. Wait for the desk to be free (another manager may hold it).
        let free = |state| state == EMPTY;
        while !desk.claim(EMPTY) {
            // LEFT with nobody watching: a sleeping employee was woken for
            // the last paper, and this manager's spin would only hold up
            // the CPU it may need to wake on.
            let woken = |state| state == LEFT && !desk.spinning.load(SeqCst);
            let waited = spin_until(&desk.state, free, woken, MANAGER_SPINS_FOR);
            if waited
                .or_else(|| desk.queue.sleep_until(&desk.state, free, deadline))
                .is_none()
            {
                // Giving up: a ring meant for this manager goes on to the next.
                desk.queue.ring_one();
                return Err(paper);
            }
        }
        // 2. Put the paper down. SAFETY: this manager holds CLAIMED.
        unsafe { *desk.paper.get() = Some(paper) };
        // 3. Wait a little: an employee watching the desk, or on its way
        // back from a quick paper, takes it without a system call.
        desk.state.store(OFFERED, SeqCst);
        let taken = |state| state == TAKEN;
        let start = Instant::now();
        let mut waited = spin_until(&desk.state, taken, |_| false, desk.manager_spin());
        // 4. Nobody came, but an employee is waiting, asleep: the paper is
        // as good as taken, and the manager may go.
        if waited.is_none() && desk.leave_for_a_sleeper() {
            return Ok(());
        }
        // 5. Every employee is busy: sleep until one comes for the paper.
        waited = waited.or_else(|| desk.holder.sleep_until(&desk.state, taken, deadline));
        if waited.is_none()
            && let Some(paper) = desk.take_back()
        {
            return Err(paper);
        }
        desk.record_wait(start.elapsed());
        desk.free();
        Ok(())
    }
}

impl<P> Drop for Handing<'_, P> {
    fn drop(&mut self) {
        let desk = self.0;
        desk.handing.fetch_sub(1, SeqCst);
        if desk.closing.load(SeqCst) {
            // The employees may be waiting for this very hand-off to end.
            desk.employees.ring_all();
        }
    }
}

impl<P> Desk<P> {
    /// An employee is waiting: leaves the paper for it, wakes one unless
    /// one is awake at the desk, and returns `true`: the manager may go.
    /// `false` if no employee waits, or one has just begun to take the
    /// paper.
    ///
    /// Why the paper is as good as taken: no other paper can come between
    /// (the desk is not EMPTY until this one is picked up), and the count
    /// of waiting employees cannot drop while the paper is OFFERED. An
    /// employee stops waiting only by taking a paper (then the swap below
    /// fails) or by going home from an EMPTY desk.
    fn leave_for_a_sleeper(&self) -> bool {
        let left = self.waiting.load(SeqCst) > 0
            && self
                .state
                .compare_exchange(OFFERED, LEFT, SeqCst, Relaxed)
                .is_ok();
        // After the swap: a spinner seen here sees LEFT, or stops spinning
        // after this load and looks at the state again before it sleeps.
        if left && !self.spinning.load(SeqCst) {
            self.employees.ring_one();
        }
        left
    }

    /// The deadline has passed with the paper still on the desk. Takes it
    /// back, unless an employee is already waiting or picking it up: then
    /// waits (briefly) until it holds the paper, and returns `None`.
    fn take_back(&self) -> Option<P> {
        // Whoever is counted in `waiting` sees OFFERED and takes it: an
        // employee leaves the desk only with a paper or when it is SHUT.
        if self.waiting.load(SeqCst) == 0 && self.claim(OFFERED) {
            // SAFETY: this manager holds CLAIMED again.
            let paper = unsafe { (*self.paper.get()).take() };
            self.free();
            return paper;
        }
        self.holder
            .sleep_until(&self.state, |state| state == TAKEN, None);
        None
    }

    /// The desk is free again: the next manager in the queue may come, and
    /// after the shutdown signal the employees may go home.
    fn free(&self) {
        self.state.store(EMPTY, SeqCst);
        self.queue.ring_one();
        if self.closing.load(SeqCst) {
            self.employees.ring_all();
        }
    }

    /// Spin only while hand-offs have lately been quicker than a spin.
    fn manager_spin(&self) -> Duration {
        let typical = Duration::from_nanos(self.typical_wait.load(Relaxed));
        match typical < MANAGER_SPINS_FOR {
            true => MANAGER_SPINS_FOR,
            false => Duration::ZERO, // one round of looks, then sleep
        }
    }

    /// A moving average: each wait counts for an eighth.
    fn record_wait(&self, waited: Duration) {
        let waited = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
        let typical = self.typical_wait.load(Relaxed);
        let typical = typical - typical / 8 + waited / 8;
        self.typical_wait.store(typical, Relaxed);
    }
    // ANCHOR_END: hand_off

    fn claim(&self, from: u8) -> bool {
        let claimed = self.state.compare_exchange(from, CLAIMED, SeqCst, Relaxed);
        claimed.is_ok()
    }

    // ANCHOR: take
    /// Waits for a paper and takes it. `None` once the desk is shut down
    /// and no manager is handing off: the employee goes home.
    pub(crate) fn take(&self) -> Option<P> {
        self.waiting.fetch_add(1, SeqCst);
        let offered = |state| state == OFFERED || state == LEFT;
        let ready = |state| offered(state) || state == SHUT || self.may_go_home(state);
        loop {
            let state = self.employee_waits(ready);
            if offered(state) {
                let won = self.state.compare_exchange(state, TAKING, Acquire, Relaxed);
                if won.is_ok() {
                    // Before the desk moves on: a manager that then sees
                    // `waiting` must not count this employee as waiting.
                    self.waiting.fetch_sub(1, SeqCst);
                    // SAFETY: this employee holds TAKING.
                    let paper = unsafe { (*self.paper.get()).take() };
                    if state == OFFERED {
                        // Its manager waits to hear, and frees the desk.
                        self.state.store(TAKEN, SeqCst);
                        self.holder.ring_one();
                    } else {
                        self.free(); // its manager has gone
                    }
                    return paper;
                }
            } else if state == SHUT || self.claim_for_home() {
                self.waiting.fetch_sub(1, SeqCst);
                self.employees.ring_all(); // the others see SHUT and go too
                return None;
            }
            // Another employee won the paper, or a manager the desk.
        }
    }

    fn claim_for_home(&self) -> bool {
        let shut = self.state.compare_exchange(EMPTY, SHUT, SeqCst, Relaxed);
        shut.is_ok()
    }

    /// One employee at a time spins at the desk; the others sleep.
    fn employee_waits(&self, ready: impl Fn(u8) -> bool) -> u8 {
        // SeqCst: a manager that sees `spinning` unset rings, so a spinner
        // must be seen, or else see the paper.
        if !self.spinning.swap(true, SeqCst) {
            // TAKEN with the manager asleep: it has been woken, and needs
            // a CPU to hand off the next paper. Spinning would hold the
            // CPU it could have; sleeping gives it up.
            let asleep = |state| state == TAKEN && self.holder.sleepers.load(SeqCst) > 0;
            let seen = spin_until(&self.state, &ready, asleep, EMPLOYEE_SPINS_FOR);
            self.spinning.store(false, SeqCst);
            if let Some(state) = seen {
                return state;
            }
        }
        let forever = self.employees.sleep_until(&self.state, ready, None);
        forever.unwrap_or(SHUT) // without a deadline it only returns ready
    }
    // ANCHOR_END: take

    // ANCHOR: close
    /// The shutdown signal: no new hand-off begins. Does not wait. The
    /// employees go home once the desk is empty and no hand-off that
    /// began before the signal is still going on.
    pub(crate) fn close(&self) {
        self.closing.store(true, SeqCst);
        self.employees.ring_all();
    }

    /// The order of the loads matters: `closing` before `handing`. A
    /// manager counts itself in `handing` before it loads `closing`, so
    /// either it sees the signal and turns back, or this sees it counted.
    fn may_go_home(&self, state: u8) -> bool {
        state == EMPTY && self.closing.load(SeqCst) && self.handing.load(SeqCst) == 0
    }
    // ANCHOR_END: close

    /// Employees waiting for a paper right now (for the tests).
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(SeqCst)
    }

    /// Whether the shutdown signal has been given (for the tests).
    #[cfg(test)]
    pub(crate) fn closing(&self) -> bool {
        self.closing.load(SeqCst)
    }
}

// ANCHOR: spin
/// Waits for `ready(state)` without a system call, for at most `limit`,
/// or until `pointless(state)` says the other side cannot come soon.
/// `None` if it is not ready by then: the caller sleeps.
fn spin_until(
    state: &AtomicU8,
    ready: impl Fn(u8) -> bool,
    pointless: impl Fn(u8) -> bool,
    limit: Duration,
) -> Option<u8> {
    let start = Instant::now();
    loop {
        // Look at the desk between every pause: the other side may come
        // at any moment, and each look costs only a cache-line read.
        for _ in 0..LOOKS_PER_CLOCK {
            let now = state.load(SeqCst);
            if ready(now) {
                return Some(now);
            }
            if pointless(now) {
                return None;
            }
            hint::spin_loop();
        }
        if start.elapsed() >= limit {
            return None;
        }
    }
}
// ANCHOR_END: spin

// ANCHOR: room
/// Where threads sleep when spinning did not pay: a condition variable,
/// and a count so that a thread that changes the state makes a system
/// call only when somebody is asleep.
#[derive(Default)]
struct Room {
    sleepers: Padded<AtomicUsize>,
    lock: Mutex<()>,
    bell: Condvar,
}

impl Room {
    /// Sleeps until `ready(state)`; `None` if the deadline passes first.
    ///
    /// No wake-up is lost: a sleeper counts itself, then loads the state;
    /// a ringer stores the state, then loads the count (all SeqCst). One
    /// of the two sees the other's store. The check and the wait happen
    /// under the lock the ringer takes to ring.
    fn sleep_until(
        &self,
        state: &AtomicU8,
        ready: impl Fn(u8) -> bool,
        deadline: Option<Instant>,
    ) -> Option<u8> {
        let mut guard = lock(&self.lock);
        self.sleepers.fetch_add(1, SeqCst);
        let seen = loop {
            let now = state.load(SeqCst);
            if ready(now) {
                break Some(now);
            }
            guard = match deadline {
                None => self
                    .bell
                    .wait(guard)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                        break None;
                    };
                    let waited = self.bell.wait_timeout(guard, left);
                    waited.unwrap_or_else(PoisonError::into_inner).0
                }
            };
        };
        self.sleepers.fetch_sub(1, SeqCst);
        seen
    }

    /// Taking the lock, empty, before the notify: a sleeper between its
    /// check and its wait holds the lock, so the notify finds it waiting.
    /// Notifying after letting go means the sleeper it wakes does not
    /// find the lock still taken.
    fn ring_one(&self) {
        if self.sleepers.load(SeqCst) > 0 {
            drop(lock(&self.lock));
            self.bell.notify_one();
        }
    }

    fn ring_all(&self) {
        if self.sleepers.load(SeqCst) > 0 {
            drop(lock(&self.lock));
            self.bell.notify_all();
        }
    }
}
// ANCHOR_END: room

/// Keeps a counter on a cache line of its own: the employees update these
/// on every paper, and the manager should not pay for it when it touches
/// `state`.
#[derive(Default)]
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The room's lock guards no data (the state is atomic): a poisoned lock
/// holds nothing inconsistent.
fn lock(mutex: &Mutex<()>) -> MutexGuard<'_, ()> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
