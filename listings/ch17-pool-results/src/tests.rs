use super::{AssignError, HireError, Outcome, Pool, Report, Ticket, check_args, lock};
use crossbeam_channel::{Receiver, Select, SendTimeoutError, Sender, bounded, select, unbounded};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How long a test waits for something that must happen. A healthy run
/// needs milliseconds; a deadlocked one fails here instead of hanging.
const PATIENCE: Duration = Duration::from_secs(5);

/// How long a test watches for something that must NOT happen. This is not
/// synchronisation: a correct pool never does it, however long we watch;
/// a broken one does it at once, and this gives it every chance to.
const CHANCE: Duration = Duration::from_millis(100);

/// A pool whose employees each hold their paper until the test lets one go.
struct Gated {
    /// One message lets one employee finish its paper. The first field, so
    /// it is dropped first: a failing test lets every employee go before
    /// the pool (whose drop waits for them) is dropped.
    gate: Sender<()>,
    pool: Pool<u32, u32>,
    /// An employee says which paper it holds here.
    holding: Receiver<u32>,
}

impl Gated {
    fn hire(team_size: usize) -> Gated {
        let (holding_tx, holding) = unbounded();
        let (gate, gate_rx) = unbounded::<()>();
        let job = move |paper: u32| {
            // Fails only once the test has stopped listening: nothing to say.
            let _ = holding_tx.send(paper);
            // A token, or the end of the test (gate dropped), lets it go.
            let _ = gate_rx.recv();
            paper * 10
        };
        Gated {
            gate,
            pool: Pool::new(team_size, job).expect("a team of at least one"),
            holding,
        }
    }

    /// Waits until an employee holds a paper, and says which.
    fn next_held(&self) -> u32 {
        self.holding
            .recv_timeout(PATIENCE)
            .expect("no employee started on a paper")
    }

    fn release(&self, n: usize) {
        for _ in 0..n {
            // Fails only once the team has gone home: nobody needs a token.
            let _ = self.gate.send(());
        }
    }
}

/// Runs `f` on a thread of its own; `Some(result)` if it returns within `limit`.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done_tx, done) = bounded(1);
    thread::spawn(move || {
        let _ = done_tx.send(f());
    });
    done.recv_timeout(limit).ok()
}

/// A paper that carries its own work. The work may capture an `Arc` of the
/// pool: that is how a job can reach its own pool.
type Work = Box<dyn FnOnce() + Send>;

/// Says when it is dropped: at the very end of a thread that owns it first.
struct SayWhenGone(Sender<()>);

impl Drop for SayWhenGone {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// A manager thread that owns a gate and a pool, assigns a paper that the
/// gate holds, then panics. `gate_after_pool` says which it binds last, and
/// so drops first while unwinding. `escape` lets the employee go too, so a
/// test can end a manager that is stuck. The receiver hears when the
/// manager's thread has ended.
fn a_manager_that_panics(gate_after_pool: bool, escape: Receiver<()>) -> Receiver<()> {
    let (gone_tx, gone) = bounded(1);
    thread::spawn(move || {
        let _say_when_gone = SayWhenGone(gone_tx); // bound first, dropped last
        let (gate, gate_rx) = unbounded::<()>();
        let mut gate_before = Some(gate);
        let pool = Pool::new(1, move |_paper: u32| {
            select! {
                recv(gate_rx) -> _ => {}
                recv(escape) -> _ => {}
            }
        })
        .expect("a team of one");
        let _gate_after = if gate_after_pool {
            gate_before.take()
        } else {
            None
        };
        let _ = pool.assign(0); // the employee now holds paper 0, at the gate
        panic!("on purpose: the manager fails while its gate holds an employee");
    });
    gone
}

/// Waits until an employee is blocked in `recv`, waiting for a paper.
/// crossbeam's `Select::ready_deadline` on a send returns once a send would
/// not have to wait: on a rendezvous channel, once a receiver is waiting.
/// It may wake up without reason, so `try_ready` checks again. An employee
/// blocked in `recv` stays there until a paper or the shutdown signal comes,
/// so after this returns, the test's next send pairs with it at once.
fn wait_until_an_employee_waits<R>(pool: &Pool<u32, R>) {
    let hand_off = lock(&pool.hand_off).clone().expect("the pool is shut down");
    let deadline = Instant::now() + PATIENCE;
    let mut select = Select::new();
    select.send(&hand_off);
    loop {
        select
            .ready_deadline(deadline)
            .expect("no employee came to wait for a paper");
        if select.try_ready().is_ok() {
            return;
        }
    }
}

#[test]
#[ntest::timeout(10_000)]
fn the_listing_takes_no_arguments() {
    assert_eq!(check_args(std::iter::empty()), Ok(()));
    let error = check_args(["--fast".to_string()].into_iter()).unwrap_err();
    assert!(
        error.contains("usage: cargo run -p ch17-pool-results"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
}

// ANCHOR: in_order
#[test]
#[ntest::timeout(10_000)]
fn tickets_are_numbered_in_assignment_order() {
    let pool = Pool::new(2, |paper: u32| paper).expect("a team of at least one");
    let tickets: Vec<Ticket> = (0..10).map(|p| pool.assign(p).unwrap()).collect();
    assert_eq!(tickets, (0..10).map(Ticket).collect::<Vec<_>>());
}
// ANCHOR_END: in_order

#[test]
#[ntest::timeout(10_000)]
fn a_paper_that_comes_back_takes_its_number_with_it() {
    let gated = Gated::hire(1);
    assert_eq!(gated.pool.assign(1), Ok(Ticket(0)));
    assert_eq!(gated.next_held(), 1);
    // The only employee is busy: paper 2 comes back, and number 1 with it.
    assert_eq!(
        gated.pool.assign_timeout(2, Duration::from_millis(20)),
        Err(AssignError::Timeout(2))
    );
    gated.release(1);
    assert_eq!(gated.pool.assign(3), Ok(Ticket(2)));
    gated.release(1);
    // After shutdown, a paper comes back at once.
    assert_eq!(gated.pool.shutdown(), Report { done: 2 });
    assert_eq!(gated.pool.assign(4), Err(AssignError::ShutDown(4)));
}

// ANCHOR: exactly_once
#[test]
#[ntest::timeout(20_000)]
fn every_tickets_outcome_arrives_exactly_once() {
    let papers = 2_000;
    for team_size in [1, 2, 8] {
        let pool = Pool::new(team_size, |paper: u32| paper + 1).expect("a team of at least one");
        let mut tickets: Vec<Ticket> = (0..papers).map(|p| pool.assign(p).unwrap()).collect();
        let report = pool.shutdown();

        // The team has gone home, so no more outcomes can come:
        // iterating the outcomes ends once it has taken what is there.
        let mut reported: Vec<Ticket> = pool.outcomes().iter().map(|o| o.ticket).collect();
        tickets.sort_unstable();
        reported.sort_unstable();
        assert_eq!(reported, tickets, "team of {team_size}");
        assert_eq!(report.done, u64::from(papers));
    }
}
// ANCHOR_END: exactly_once

// ANCHOR: belongs
#[test]
#[ntest::timeout(20_000)]
fn the_outcome_belongs_to_its_ticket() {
    let pool = Pool::new(4, |paper: u64| paper * 3).expect("a team of at least one");
    // Four managers assign at the same time; each paper is different.
    let handed: HashMap<Ticket, u64> = thread::scope(|s| {
        let managers: Vec<_> = (0..4u64)
            .map(|m| {
                let pool = &pool;
                s.spawn(move || {
                    (0..500u64)
                        .map(|i| {
                            let paper = m * 1_000 + i;
                            (pool.assign(paper).unwrap(), paper)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        managers
            .into_iter()
            .flat_map(|m| m.join().expect("a manager panicked"))
            .collect()
    });
    assert_eq!(handed.len(), 2_000, "two papers got the same ticket");

    for _ in 0..handed.len() {
        let Outcome { ticket, result } = pool
            .outcomes()
            .recv_timeout(PATIENCE)
            .expect("an outcome never came");
        assert_eq!(
            result,
            handed[&ticket] * 3,
            "{ticket:?} got another paper's result"
        );
    }
}
// ANCHOR_END: belongs

// ANCHOR: never_blocks
#[test]
#[ntest::timeout(10_000)]
fn reporting_never_blocks_an_employee() {
    // A team of one, and a manager that assigns 1,000 papers before it reads
    // a single outcome. Each assign needs the employee back at the channel,
    // so it must have reported the paper before without waiting for anyone.
    let pool = Arc::new(Pool::new(1, |paper: u32| paper).expect("a team of at least one"));
    let manager = {
        let pool = Arc::clone(&pool);
        move || {
            for paper in 0..1_000 {
                assert!(pool.assign(paper).is_ok());
            }
        }
    };
    assert!(
        within(PATIENCE, manager).is_some(),
        "the manager is stuck assigning: is the employee waiting to report?"
    );
    // The last paper may still be in the employee's hands: wait for the team,
    // then every outcome is in the channel, unread.
    pool.shutdown();
    assert_eq!(pool.outcomes().len(), 1_000);
}
// ANCHOR_END: never_blocks

#[test]
#[ntest::timeout(10_000)]
fn dropping_a_pool_whose_outcomes_nobody_read_still_returns() {
    let pool = Pool::new(2, |paper: u32| paper).expect("a team of at least one");
    for paper in 0..50 {
        assert!(pool.assign(paper).is_ok());
    }
    assert!(
        within(PATIENCE, move || drop(pool)).is_some(),
        "drop waits for employees who wait to report"
    );
}

// ANCHOR: deadlock
#[test]
#[ntest::timeout(10_000)]
fn with_no_room_for_outcomes_a_manager_that_assigns_first_deadlocks() {
    // The pool's two channels, by hand, for a team of one; but here the
    // outcomes channel is a rendezvous too.
    let (hand_off, papers) = bounded::<u32>(0);
    let (report, outcomes) = bounded::<u32>(0);
    let employee = thread::spawn(move || {
        for paper in papers {
            report.send(paper * 10).unwrap(); // waits for the manager
        }
    });

    hand_off.send(1).unwrap();
    // The employee is waiting to report paper 1 to the manager, and the
    // manager is waiting to hand paper 2 to the employee: nobody moves.
    // (No timing here: the employee cannot take paper 2 before its report
    // is read, however long we wait.)
    assert_eq!(
        hand_off.send_timeout(2, CHANCE),
        Err(SendTimeoutError::Timeout(2))
    );

    // Only reading breaks the knot.
    assert_eq!(outcomes.recv(), Ok(10));
    hand_off.send(2).unwrap();
    assert_eq!(outcomes.recv(), Ok(20));
    drop(hand_off);
    employee.join().unwrap();
}
// ANCHOR_END: deadlock

// The guarantees of the earlier steps still hold.

#[test]
#[ntest::timeout(10_000)]
fn a_team_of_zero_is_refused() {
    let refused = Pool::new(0, |paper: u32| paper).err();
    assert_eq!(refused, Some(HireError::NoEmployees));
    assert_eq!(
        HireError::NoEmployees.to_string(),
        "a pool needs at least one employee"
    );
    assert_eq!(
        Pool::new(3, |paper: u32| paper)
            .expect("a team of at least one")
            .team_size(),
        3
    );
}

#[test]
#[ntest::timeout(10_000)]
fn assign_returns_only_once_an_employee_holds_the_paper() {
    let gated = Gated::hire(2);
    let mut held = [0, 0];
    for (slot, paper) in held.iter_mut().zip([1, 2]) {
        assert!(gated.pool.assign(paper).is_ok());
        *slot = gated.next_held();
    }
    held.sort_unstable();
    assert_eq!(held, [1, 2]);
    // Both employees are busy: nobody can take paper 3, and it comes back.
    assert_eq!(
        gated.pool.assign_timeout(3, CHANCE),
        Err(AssignError::Timeout(3))
    );
    gated.release(1);
    assert!(gated.pool.assign_timeout(3, PATIENCE).is_ok());
    gated.release(2);
}

#[test]
#[ntest::timeout(10_000)]
fn shutdown_waits_for_the_papers_in_hand_and_loses_none() {
    let gated = Arc::new(Gated::hire(3));
    for paper in 0..3 {
        assert!(gated.pool.assign(paper).is_ok());
        gated.next_held();
    }
    let (report_tx, report) = bounded(1);
    {
        let gated = Arc::clone(&gated);
        thread::spawn(move || report_tx.send(gated.pool.shutdown()).unwrap());
    }
    // Three papers are in hand: shutdown cannot return.
    assert!(
        report.recv_timeout(CHANCE).is_err(),
        "shutdown left papers in hand"
    );
    gated.release(3);
    assert_eq!(report.recv_timeout(PATIENCE), Ok(Report { done: 3 }));

    let mut results: Vec<u32> = gated.pool.outcomes().iter().map(|o| o.result).collect();
    results.sort_unstable();
    assert_eq!(results, [0, 10, 20]);
    // Shutting down again reports the same, and a late paper comes back.
    assert_eq!(gated.pool.shutdown(), Report { done: 3 });
    assert_eq!(gated.pool.assign(7), Err(AssignError::ShutDown(7)));
    assert_eq!(
        gated.pool.assign_timeout(8, PATIENCE),
        Err(AssignError::ShutDown(8))
    );
}

#[test]
#[ntest::timeout(10_000)]
fn dropping_the_pool_waits_for_the_team() {
    let finished = Arc::new(AtomicU64::new(0));
    let (holding_tx, holding) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let job = {
        let finished = Arc::clone(&finished);
        move |_paper: u32| {
            let _ = holding_tx.send(());
            let _ = gate_rx.recv(); // a token, or the gate dropped
            finished.fetch_add(1, Ordering::SeqCst);
        }
    };
    let pool: Pool<u32> = Pool::new(2, job).expect("a team of two");
    let gate = gate; // bound after the pool: dropped first if the test fails
    for paper in 0..2 {
        assert!(pool.assign(paper).is_ok());
        holding
            .recv_timeout(PATIENCE)
            .expect("an employee never took a paper");
    }
    let (dropped_tx, dropped) = bounded(1);
    thread::spawn(move || {
        drop(pool);
        let _ = dropped_tx.send(());
    });
    assert!(
        dropped.recv_timeout(CHANCE).is_err(),
        "drop left employees working"
    );
    drop(gate);
    dropped.recv_timeout(PATIENCE).expect("drop never returned");
    assert_eq!(finished.load(Ordering::SeqCst), 2);
}

#[test]
#[ntest::timeout(10_000)]
fn a_zero_timeout_hands_off_only_to_an_employee_already_waiting() {
    let gated = Gated::hire(1);
    assert!(gated.pool.assign(1).is_ok());
    assert_eq!(gated.next_held(), 1);
    // The only employee is held: the paper comes back. A pool that waited
    // instead would wait until the test's own time limit.
    assert_eq!(
        gated.pool.assign_timeout(2, Duration::ZERO),
        Err(AssignError::Timeout(2))
    );
    gated.release(1);
    // Once the employee waits at the channel again, a zero timeout is
    // enough, the first time.
    wait_until_an_employee_waits(&gated.pool);
    assert!(gated.pool.assign_timeout(2, Duration::ZERO).is_ok());
    assert_eq!(gated.next_held(), 2);
    gated.release(1);
}

// ANCHOR: panic_loses
#[test]
#[ntest::timeout(10_000)]
fn at_this_step_a_panicking_job_loses_its_outcome_and_its_employee() {
    let pool = Pool::new(1, |paper: u32| {
        assert!(paper != 0, "paper 0 is bad");
        paper
    })
    .unwrap();
    assert_eq!(pool.assign(0), Ok(Ticket(0)));
    // The only employee died with paper 0: nobody is left to take paper 1.
    // (The send waits until the dead employee's Receiver is gone, then fails.)
    assert_eq!(pool.assign(1), Err(AssignError::ShutDown(1)));
    assert_eq!(pool.shutdown(), Report { done: 0 });
    // Ticket 0 never gets an outcome.
    assert_eq!(pool.outcomes().iter().count(), 0);
}
// ANCHOR_END: panic_loses

#[test]
#[ntest::timeout(10_000)]
fn a_manager_that_panics_drops_its_pool_and_waits_for_what_it_still_holds() {
    // Gate bound before the pool: unwinding drops the pool first, and its
    // drop waits for the employee the gate (not yet dropped) still holds.
    let (escape, escape_rx) = unbounded::<()>();
    let gone = a_manager_that_panics(false, escape_rx);
    assert!(
        gone.recv_timeout(CHANCE).is_err(),
        "the pool's drop did not wait for the held employee"
    );
    drop(escape);
    gone.recv_timeout(PATIENCE)
        .expect("the manager never ended, even with the employee let go");

    // Gate bound after the pool: it is dropped first, the employee goes,
    // and the pool's drop returns.
    let (_escape, escape_rx) = unbounded::<()>();
    let gone = a_manager_that_panics(true, escape_rx);
    gone.recv_timeout(PATIENCE)
        .expect("the manager is stuck: was the gate dropped after the pool?");
}

#[test]
#[ntest::timeout(10_000)]
fn a_job_that_shuts_down_its_own_pool_does_not_wait_for_itself() {
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(2, |work: Work| work()).expect("a team of two"));
    let (inside_tx, inside) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let own = Arc::clone(&pool);
    let work: Work = Box::new(move || {
        let _ = inside_tx.send(own.shutdown());
        let _ = gate_rx.recv(); // holds this employee until the test lets go
    });
    assert!(pool.assign(work).is_ok(), "the pool refused the paper");

    // Inside the job, shutdown waited for the other employee, not for its own.
    let inside = inside
        .recv_timeout(PATIENCE)
        .expect("shutdown inside a job never returned, or panicked");
    assert_eq!(inside.done, 0, "the job's own paper cannot be done yet");

    // The job's employee was not forgotten: a shutdown from outside waits for it.
    let (outside_tx, outside) = bounded(1);
    let shut = Arc::clone(&pool);
    thread::spawn(move || {
        let _ = outside_tx.send(shut.shutdown());
    });
    assert!(
        outside.recv_timeout(CHANCE).is_err(),
        "shutdown returned while an employee still worked: its handle was lost"
    );
    drop(gate);
    let outside = outside.recv_timeout(PATIENCE).expect("never returned");
    assert_eq!(outside.done, 1);
}

#[test]
#[ntest::timeout(10_000)]
fn a_job_that_shuts_down_its_pool_during_a_shutdown_does_not_tie_a_knot() {
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(1, |work: Work| work()).expect("a team of one"));
    let (go, go_rx) = unbounded::<()>();
    let (inside_tx, inside) = unbounded();
    let own = Arc::clone(&pool);
    let work: Work = Box::new(move || {
        let _ = go_rx.recv();
        let _ = inside_tx.send(own.shutdown());
    });
    assert!(pool.assign(work).is_ok(), "the pool refused the paper");

    // A shutdown from outside takes the list of the team and waits for the
    // only employee, who is still at the paper.
    let (outside_tx, outside) = bounded(1);
    let shut = Arc::clone(&pool);
    thread::spawn(move || {
        let _ = outside_tx.send(shut.shutdown());
    });
    let deadline = Instant::now() + PATIENCE;
    while pool.team.try_lock().is_ok() {
        assert!(
            Instant::now() < deadline,
            "the shutdown never took the list"
        );
        thread::yield_now(); // a bounded spin on the very thing awaited
    }

    // Now the job shuts down its own pool. It must not wait for the list:
    // its holder is waiting for this very employee.
    drop(go);
    inside
        .recv_timeout(PATIENCE)
        .expect("the job waited for a shutdown that waits for it");
    outside
        .recv_timeout(PATIENCE)
        .expect("the shutdown from outside never returned");
}

#[test]
#[ntest::timeout(10_000)]
fn a_job_that_drops_the_last_handle_on_its_pool_waits_for_the_others_only() {
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(2, |work: Work| work()).expect("a team of two"));
    // Paper A holds one employee at a gate.
    let (holding_tx, holding) = unbounded();
    let (gate, gate_rx) = unbounded::<()>();
    let hold: Work = Box::new(move || {
        let _ = holding_tx.send(());
        let _ = gate_rx.recv();
    });
    assert!(pool.assign(hold).is_ok(), "the pool refused paper A");
    holding
        .recv_timeout(PATIENCE)
        .expect("paper A was never started");

    // Paper B, on the other employee, drops the pool once the test lets go
    // of it, then says so.
    let (go, go_rx) = unbounded::<()>();
    let (dropped_tx, dropped) = unbounded();
    let own = Arc::clone(&pool);
    let drop_it: Work = Box::new(move || {
        let _ = go_rx.recv();
        drop(own);
        let _ = dropped_tx.send(());
    });
    assert!(pool.assign(drop_it).is_ok(), "the pool refused paper B");
    drop(pool); // paper B now holds the only handle on the pool
    drop(go);

    assert!(
        dropped.recv_timeout(CHANCE).is_err(),
        "the drop did not wait for the employee still at paper A"
    );
    drop(gate);
    dropped
        .recv_timeout(PATIENCE)
        .expect("dropping its own pool killed the job's employee, or hung");
}

// ANCHOR: knot
#[test]
#[ntest::timeout(10_000)]
fn a_job_that_assigns_to_its_own_pool_can_tie_a_knot() {
    // A team of one, and a job that assigns to its own pool. The only
    // employee is busy with that very job, so nobody can take the paper:
    // with `assign`, the job would wait forever, and so would shutdown.
    let pool: Arc<Pool<Work>> = Arc::new(Pool::new(1, |work: Work| work()).expect("a team of one"));
    let (came_back_tx, came_back) = unbounded();
    let own = Arc::clone(&pool);
    let knot: Work = Box::new(move || {
        let inner: Work = Box::new(|| {});
        let assigned = own.assign_timeout(inner, Duration::from_millis(50));
        let _ = came_back_tx.send(matches!(assigned, Err(AssignError::Timeout(_))));
    });
    assert!(pool.assign(knot).is_ok(), "the pool refused the paper");
    assert_eq!(
        came_back.recv_timeout(PATIENCE),
        Ok(true),
        "the inner paper should have come back: nobody was free to take it"
    );
}
// ANCHOR_END: knot
