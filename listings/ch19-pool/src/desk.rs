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
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[cfg(test)]
#[path = "desk_tests.rs"]
mod tests;

// ANCHOR: states
// The desk's state is one word: the phase of the hand-off in its low
// bits, a flag for an employee watching the desk, and above them the
// count of employees waiting for a paper. One word, so that one atomic
// operation reads or changes all three at once, and a hand-off moves one
// cache line between the CPUs, not three.
//
// Who moves the phase on: the manager that claimed the desk owns CLAIMED
// and TAKEN, the employee that won a paper owns TAKING, and OFFERED and
// LEFT go to whoever wins a compare-and-swap (an employee taking the
// paper, or its manager leaving it or taking it back).
const PHASE: u64 = 0b111;
/// Nobody is using the desk.
const EMPTY: u64 = 0;
/// A manager has the desk: it is putting a paper down or taking it back.
const CLAIMED: u64 = 1;
/// A paper lies on the desk, and its manager waits for an employee.
const OFFERED: u64 = 2;
/// A paper lies on the desk for an employee already waiting there, and
/// its manager has gone: the paper is as good as taken (see `hand_off`).
const LEFT: u64 = 3;
/// An employee won the paper and is picking it up.
const TAKING: u64 = 4;
/// The employee holds the paper; the manager who offered it may go.
const TAKEN: u64 = 5;
/// Shut down and no manager is handing off: the employees go home.
const SHUT: u64 = 6;
/// An employee is spinning at the desk, watching it: the others sleep.
const WATCHED: u64 = 1 << 3;
/// One employee waiting for a paper, awake or asleep.
const WAITING: u64 = 1 << 4;
// ANCHOR_END: states

fn phase(word: u64) -> u64 {
    word & PHASE
}

fn waiting(word: u64) -> u64 {
    word / WAITING
}

fn watched(word: u64) -> bool {
    word & WATCHED != 0
}

/// How long a waiting thread spins on the desk before it sleeps. Spinning
/// costs no system call, and catches the other side when it is awake and
/// about to arrive: the next paper of a quick job. But a spinning thread
/// holds a CPU that an employee may need, so the spins are short, and
/// nobody spins by giving its CPU away (`yield_now`): under load, a yield
/// hands the CPU to another program for a whole time slice.
/// (Tuned by the measurements in the book's performance chapter.)
///
/// The manager spins only while spinning has lately paid: when the
/// employees take longer, a spin is a CPU taken from them.
const MANAGER_SPINS_FOR: Duration = Duration::from_micros(2);
/// The one employee awake at the desk spins longer: it has nothing else to
/// do, and the manager's next paper is usually a loop turn away.
const EMPLOYEE_SPINS_FOR: Duration = Duration::from_micros(20);
/// Looks at the desk between two looks at the clock (which costs more).
const LOOKS_PER_CLOCK: u32 = 16;
/// The most a `Score` can hold: a long run of spins that paid is
/// forgotten after a few that did not.
const SCORE_MAX: u8 = 4;

// ANCHOR: desk
pub(crate) struct Desk<P> {
    /// The state and the paper share a cache line: the employee that
    /// sees the paper offered finds the paper in the same line.
    slot: Slot<P>,
    /// Managers between their shutdown check and the end of their
    /// hand-off. The employees stay while any is left.
    handing: Padded<AtomicUsize>,
    closing: AtomicBool,
    /// Whether the manager's spin has lately paid. Only the manager
    /// holding the desk updates it.
    manager_spins: Score,
    /// Employees asleep, waiting for a paper.
    employees: Room,
    /// The manager holding the desk, asleep until its paper is taken.
    holder: Room,
    /// Managers asleep, waiting for the desk to be free.
    queue: Room,
}

#[repr(C, align(128))]
struct Slot<P> {
    state: AtomicU64,
    /// Written only by the manager that holds CLAIMED, read only by it
    /// or by the employee that holds TAKING.
    paper: UnsafeCell<Option<P>>,
}
// ANCHOR_END: desk

// SAFETY: the paper moves from one thread to another (hence `P: Send`),
// and the phases above give each access to `paper` to one thread at a
// time, ordered by the atomic operations on `state` (all SeqCst, so each
// store is a release and each load an acquire).
unsafe impl<P: Send> Sync for Desk<P> {}

impl<P> Desk<P> {
    pub(crate) fn new() -> Self {
        Desk {
            slot: Slot {
                state: AtomicU64::new(EMPTY),
                paper: UnsafeCell::new(None),
            },
            handing: Padded(AtomicUsize::new(0)),
            closing: AtomicBool::new(false),
            manager_spins: Score::default(),
            employees: Room::default(),
            holder: Room::default(),
            queue: Room::default(),
        }
    }

    fn state(&self) -> &AtomicU64 {
        &self.slot.state
    }

    /// Moves the phase from `from` to `to`, if it is `from` and `also`
    /// holds of the word, keeping the flag and the count as they are; the
    /// check and the move are one step. Returns the word it replaced.
    fn change(&self, from: u64, to: u64, also: impl Fn(u64) -> bool) -> Option<u64> {
        let mut word = self.state().load(SeqCst);
        while phase(word) == from && also(word) {
            let next = word - from + to;
            match self
                .state()
                .compare_exchange_weak(word, next, SeqCst, SeqCst)
            {
                Ok(_) => return Some(word),
                Err(now) => word = now,
            }
        }
        None
    }

    /// Moves on a phase this thread holds: nobody else can change it, so
    /// an addition does it, whatever the flag and the count are doing.
    fn advance(&self, from: u64, to: u64) -> u64 {
        let word = self.state().fetch_add(to.wrapping_sub(from), SeqCst);
        debug_assert_eq!(phase(word), from, "moved on a phase it did not hold");
        word
    }

    // ANCHOR: begin
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
    // ANCHOR_END: begin
}

/// A manager's hand-off in progress. Dropping it counts the manager out
/// of `handing`, however the hand-off ended.
pub(crate) struct Handing<'a, P>(&'a Desk<P>);

impl<P> Handing<'_, P> {
    // ANCHOR: hand_off
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
        let free = |word| phase(word) == EMPTY;
        // LEFT with nobody watching: a sleeping employee was woken for
        // the last paper, and a spin would only hold up the CPU it may
        // need to wake on.
        let woken = |word| phase(word) == LEFT && !watched(word);
        while desk.change(EMPTY, CLAIMED, |_| true).is_none() {
            let waited = spin_until(desk.state(), free, woken, MANAGER_SPINS_FOR);
            let waited = waited.or_else(|| desk.queue.sleep_until(desk.state(), free, deadline));
            if waited.is_none() {
                // Giving up: a ring meant for this manager goes on to the next.
                desk.queue.ring_one();
                return Err(paper);
            }
        }
        // 2. Put the paper down. SAFETY: this manager holds CLAIMED.
        unsafe { *desk.slot.paper.get() = Some(paper) };
        // 3. An employee watching the desk takes the paper within
        // nanoseconds, and no other paper can come between: the manager
        // may go. (The count of waiting employees cannot drop while the
        // desk is CLAIMED: an employee stops waiting only by taking a
        // paper, or by going home from an EMPTY desk.)
        let word = desk.state().load(SeqCst);
        if watched(word) && waiting(word) > 0 {
            let before = desk.advance(CLAIMED, LEFT);
            // The watcher stopped meanwhile, and may be asleep: wake one.
            // (Still watching: it sees LEFT when it stops, at the latest.)
            if !watched(before) {
                desk.employees.ring_one();
            }
            return Ok(());
        }
        desk.advance(CLAIMED, OFFERED);
        // 4. Nobody is watching: wait a little for an employee on its way
        // back from a quick paper. If none comes and one waits asleep,
        // leave the paper for it, wake it, and go.
        let taken = |word| phase(word) == TAKEN;
        let mut waited = spin_until(desk.state(), taken, |_| false, desk.manager_spin());
        desk.manager_spins.paid(waited.is_some());
        if waited.is_none() && desk.leave_for_a_sleeper() {
            return Ok(());
        }
        // 5. Every employee is busy: sleep until one comes for the paper.
        waited = waited.or_else(|| desk.holder.sleep_until(desk.state(), taken, deadline));
        if waited.is_none()
            && let Some(paper) = desk.take_back()
        {
            return Err(paper);
        }
        desk.advance(TAKEN, EMPTY);
        desk.freed();
        Ok(())
    }
    // ANCHOR_END: hand_off
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
    // ANCHOR: leave
    /// An employee is waiting: leaves the paper for it, wakes one unless
    /// one is watching the desk, and returns `true`: the manager may go.
    /// `false` if no employee waits, or one has begun to take the paper.
    ///
    /// Why the paper is as good as taken: no other paper can come between
    /// (the desk is not EMPTY until this one is picked up), and the count
    /// of waiting employees cannot drop while the paper is OFFERED. An
    /// employee stops waiting only by taking a paper (then the phase is
    /// no longer OFFERED) or by going home from an EMPTY desk.
    fn leave_for_a_sleeper(&self) -> bool {
        let left = self.change(OFFERED, LEFT, |word| waiting(word) > 0);
        if left.is_some_and(|word| !watched(word)) {
            self.employees.ring_one();
        }
        left.is_some()
    }

    /// The deadline has passed with the paper still on the desk. Takes it
    /// back, unless an employee is waiting or picking it up: then waits
    /// (briefly) until it holds the paper, and returns `None`.
    fn take_back(&self) -> Option<P> {
        // Whoever is counted as waiting sees OFFERED and takes it: it came
        // after `leave_for_a_sleeper` found nobody, so it was awake.
        if self
            .change(OFFERED, CLAIMED, |word| waiting(word) == 0)
            .is_some()
        {
            // SAFETY: this manager holds CLAIMED again.
            let paper = unsafe { (*self.slot.paper.get()).take() };
            self.advance(CLAIMED, EMPTY);
            self.freed();
            return paper;
        }
        self.holder
            .sleep_until(self.state(), |word| phase(word) == TAKEN, None);
        None
    }

    /// The desk has just become EMPTY: the next manager in the queue may
    /// come, and after the shutdown signal the employees may go home.
    fn freed(&self) {
        self.queue.ring_one();
        if self.closing.load(SeqCst) {
            self.employees.ring_all();
        }
    }
    // ANCHOR_END: leave

    /// Spin only while spinning has lately paid. Otherwise one round of
    /// looks, which still catches an employee already on its way.
    fn manager_spin(&self) -> Duration {
        self.manager_spins.limit(MANAGER_SPINS_FOR)
    }

    // ANCHOR: take
    /// Waits for a paper and takes it. `None` once the desk is shut down
    /// and no manager is handing off: the employee goes home.
    pub(crate) fn take(&self) -> Option<P> {
        let offered = |word| phase(word) == OFFERED || phase(word) == LEFT;
        let ready = |word| offered(word) || phase(word) == SHUT || self.may_go_home(word);
        // Arrive: count in as waiting, and watch the desk if nobody does.
        let (mut word, mut watching) = self.arrive();
        loop {
            if !ready(word) {
                (word, watching) = self.employee_waits(ready, watching);
            }
            // Each way out stops waiting (and watching) in the same step.
            let leaving = WAITING + if watching { WATCHED } else { 0 };
            let was = phase(word);
            let next = match offered(word) {
                true => word - was + TAKING - leaving,
                // SHUT, or EMPTY and time to go home: shut it if not yet.
                false => word - was + SHUT - leaving,
            };
            if let Err(now) = self.state().compare_exchange(word, next, SeqCst, SeqCst) {
                word = now; // another employee won, or the counts moved
                continue;
            }
            if !offered(word) {
                self.employees.ring_all(); // the others see SHUT and go too
                return None;
            }
            // SAFETY: this employee holds TAKING.
            let paper = unsafe { (*self.slot.paper.get()).take() };
            if was == OFFERED {
                // Its manager waits to hear, and frees the desk.
                self.advance(TAKING, TAKEN);
                self.holder.ring_one();
            } else {
                self.advance(TAKING, EMPTY); // its manager has gone
                self.freed();
            }
            return paper;
        }
    }

    /// Counts this employee in as waiting, and as the watcher if nobody
    /// watches, in one step. Returns the new word and whether it watches.
    fn arrive(&self) -> (u64, bool) {
        let mut word = self.state().load(SeqCst);
        loop {
            let watching = !watched(word);
            let arrived = word + WAITING + if watching { WATCHED } else { 0 };
            match self
                .state()
                .compare_exchange_weak(word, arrived, SeqCst, SeqCst)
            {
                Ok(_) => return (arrived, watching),
                Err(now) => word = now,
            }
        }
    }

    /// Waits until `ready` accepts the word. The watcher spins first, and
    /// stays the watcher if the desk becomes ready meanwhile; otherwise it
    /// stops watching and sleeps like the others. Returns the word and
    /// whether this employee still watches.
    fn employee_waits(&self, ready: impl Fn(u64) -> bool, watching: bool) -> (u64, bool) {
        if watching {
            // TAKEN with the manager asleep: it has been woken, and needs
            // a CPU to hand off the next paper. Spinning would hold the
            // CPU it could have; sleeping gives it up.
            let asleep = |word| phase(word) == TAKEN && self.holder.asleep();
            if let Some(word) = spin_until(self.state(), &ready, asleep, EMPLOYEE_SPINS_FOR) {
                return (word, true);
            }
            // The word as it stops watching: a manager that saw the flag
            // left its paper without a ring, and it is in this word.
            let word = self.state().fetch_and(!WATCHED, SeqCst) & !WATCHED;
            if ready(word) {
                return (word, false);
            }
        }
        let forever = self.employees.sleep_until(self.state(), ready, None);
        // Without a deadline it only returns once `ready`.
        (forever.unwrap_or(SHUT), false)
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
    fn may_go_home(&self, word: u64) -> bool {
        phase(word) == EMPTY && self.closing.load(SeqCst) && self.handing.load(SeqCst) == 0
    }
    // ANCHOR_END: close

    /// Employees waiting for a paper right now (for the tests).
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> u64 {
        waiting(self.state().load(SeqCst))
    }

    /// Whether the shutdown signal has been given (for the tests).
    #[cfg(test)]
    pub(crate) fn closing(&self) -> bool {
        self.closing.load(SeqCst)
    }
}

// ANCHOR: spin
/// Waits for `ready(word)` without a system call, for at most `limit`,
/// or until `pointless(word)` says the other side cannot come soon.
/// `None` if it is not ready by then: the caller sleeps.
fn spin_until(
    state: &AtomicU64,
    ready: impl Fn(u64) -> bool,
    pointless: impl Fn(u64) -> bool,
    limit: Duration,
) -> Option<u64> {
    // The clock is read only once a first round of looks has failed: a
    // hand-off caught at once pays for no clock at all.
    let mut start = None;
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
        if start.get_or_insert_with(Instant::now).elapsed() >= limit {
            return None;
        }
    }
}
// ANCHOR_END: spin

/// Whether spinning has lately paid: up by one each time a spin caught
/// the other side, down by two each time it did not. While it is above
/// zero, a spin goes on for its whole limit; at zero, for one round of
/// looks only, which is enough to see spinning pay again.
struct Score(AtomicU8);

impl Default for Score {
    fn default() -> Self {
        Score(AtomicU8::new(SCORE_MAX))
    }
}

impl Score {
    fn limit(&self, full: Duration) -> Duration {
        match self.0.load(Relaxed) > 0 {
            true => full,
            false => Duration::ZERO,
        }
    }

    /// Relaxed, and a load and a store rather than one operation: a score
    /// that two threads update at once loses a step, which does no harm.
    fn paid(&self, paid: bool) {
        let score = self.0.load(Relaxed);
        let score = match paid {
            true => (score + 1).min(SCORE_MAX),
            false => score.saturating_sub(2),
        };
        self.0.store(score, Relaxed);
    }
}

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
        state: &AtomicU64,
        ready: impl Fn(u64) -> bool,
        deadline: Option<Instant>,
    ) -> Option<u64> {
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

    /// Somebody sleeps here (it may be waking already).
    fn asleep(&self) -> bool {
        self.sleepers.load(SeqCst) > 0
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
