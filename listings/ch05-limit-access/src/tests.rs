use super::*;

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Barrier, Mutex};

use crossbeam_channel::SendTimeoutError;

/// Work that takes a little time, so that employees overlap as much as the
/// team allows.
fn slow_query(_paper: usize) {
    thread::sleep(Duration::from_micros(300));
}

// ANCHOR: never_more
#[test]
#[ntest::timeout(10_000)]
fn never_more_connections_in_use_than_employees() {
    for team_size in 1..=4 {
        for _run in 0..25 {
            let report = limit_access(team_size, 24, slow_query)
                .expect("a team of at least one was refused");
            assert!(
                report.most_in_use <= team_size,
                "{} connections in use at once with a team of {team_size}",
                report.most_in_use
            );
        }
    }
}
// ANCHOR_END: never_more

/// The counter above must be able to see the team at full strength, or
/// "never more than the team" would be true of a counter that counts nothing.
/// Each query waits at a barrier until `team_size` queries run at once; only
/// `team_size` different employees can be there together, each holding one
/// paper, so this proves the whole team was in use at once.
#[test]
#[ntest::timeout(10_000)]
fn the_whole_team_can_be_in_use_at_once() {
    let team_size = 3;
    let barrier = Arc::new(Barrier::new(team_size));
    let report = limit_access(team_size, 12, move |_paper| {
        barrier.wait();
    })
    .expect("a team of at least one was refused");
    assert_eq!(report.most_in_use, team_size);
}

#[test]
#[ntest::timeout(10_000)]
fn every_paper_is_done_exactly_once() {
    for team_size in 1..=4 {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let report = limit_access(team_size, 30, move |paper| {
            record.lock().expect("a test thread panicked").push(paper);
        })
        .expect("a team of at least one was refused");

        // What the work saw: each paper once.
        let mut seen = seen.lock().expect("a test thread panicked").clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..30).collect::<Vec<_>>());

        // What the employees report: each paper once, by a team member.
        let mut done: Vec<usize> = report.done.iter().map(|&(_, _, paper)| paper).collect();
        done.sort_unstable();
        assert_eq!(done, (0..30).collect::<Vec<_>>());
        assert!(report.done.iter().all(|&(emp, _, _)| emp < team_size));
    }
}

// ANCHOR: zero
#[test]
#[ntest::timeout(2_000)]
fn a_team_of_zero_is_refused_not_left_waiting() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let result = limit_access(0, 12, move |_paper| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let error = result.err().expect("a team of zero was accepted");
    assert!(error.starts_with("team size must be at least 1"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
// ANCHOR_END: zero

// ANCHOR: nobody
/// Why the check matters. While a receiver exists but nobody receives, a
/// hand-off waits. 50 ms gives any receiver every chance; there is none, so
/// the manager is still waiting when it gives up.
#[test]
#[ntest::timeout(2_000)]
fn a_hand_off_with_nobody_to_take_it_waits() {
    let (tx, _rx) = bounded::<usize>(0);
    let result = tx.send_timeout(0, Duration::from_millis(50));
    assert_eq!(result, Err(SendTimeoutError::Timeout(0)));
}
// ANCHOR_END: nobody

/// With no receiver at all, a hand-off fails at once, with an error that
/// talks about a disconnected channel, not about the team.
#[test]
#[ntest::timeout(2_000)]
fn a_hand_off_with_no_receiver_fails() {
    let (tx, rx) = bounded::<usize>(0);
    drop(rx);
    assert!(tx.send(0).is_err());
}

/// The manager keeps no receiver, so a team that has gone (here every
/// employee panics on its first paper) makes a hand-off fail: the manager
/// returns an error instead of waiting forever.
#[test]
#[ntest::timeout(5_000)]
fn a_team_that_has_gone_gives_an_error_not_a_hang() {
    let result = limit_access(3, 12, |paper| panic!("paper {paper} was too much"));
    assert_eq!(result.err().as_deref(), Some("3 of 3 employees panicked"));
}

/// Papers 0 and 1 each make their employee panic. An employee that panics
/// takes no more papers, so two different employees panic, and the one left
/// does every other paper. The manager still waits for all three.
#[test]
#[ntest::timeout(10_000)]
fn the_manager_waits_for_every_employee_even_when_some_panic() {
    let finished = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&finished);
    let result = limit_access(3, 12, move |paper| {
        if paper < 2 {
            panic!("paper {paper} was too much");
        }
        thread::sleep(Duration::from_millis(1)); // the query takes time
        record.lock().expect("a test thread panicked").push(paper);
    });
    // Both panics are counted: the manager joined every employee...
    assert_eq!(result.err().as_deref(), Some("2 of 3 employees panicked"));
    // ...and by then the employee left had finished all the other papers.
    let mut finished = finished.lock().expect("a test thread panicked").clone();
    finished.sort_unstable();
    assert_eq!(finished, (2..12).collect::<Vec<_>>());
}

/// Each employee is hired with one connection and keeps it: the database
/// opens exactly one per employee, and every paper of an employee runs on
/// that employee's connection.
#[test]
#[ntest::timeout(10_000)]
fn each_employee_keeps_one_connection_for_all_its_papers() {
    for team_size in 1..=4 {
        let report =
            limit_access(team_size, 30, slow_query).expect("a team of at least one was refused");
        assert_eq!(report.opened, team_size);
        let mut connection_of = HashMap::new();
        for &(emp, conn, paper) in &report.done {
            let first = *connection_of.entry(emp).or_insert(conn);
            assert_eq!(
                first, conn,
                "employee {emp} did paper {paper} on another connection"
            );
        }
        let distinct: HashSet<usize> = connection_of.values().copied().collect();
        assert_eq!(
            distinct.len(),
            connection_of.len(),
            "two employees share a connection"
        );
    }
}

/// A connection counts as in use while its query runs, and is free again
/// afterwards, even when the query panics.
#[test]
#[ntest::timeout(2_000)]
fn a_query_that_panics_still_frees_its_connection() {
    let db = Arc::new(Database::default());
    let mut conn = connect(&db);

    let during = AtomicUsize::new(0);
    conn.query(0, &|_paper| {
        during.store(db.in_use.load(Ordering::SeqCst), Ordering::SeqCst);
    });
    assert_eq!(
        during.load(Ordering::SeqCst),
        1,
        "not in use during the query"
    );
    assert_eq!(db.in_use.load(Ordering::SeqCst), 0);

    let outcome = catch_unwind(AssertUnwindSafe(|| {
        conn.query(1, &|paper| panic!("paper {paper} was too much"));
    }));
    assert!(outcome.is_err());
    assert_eq!(
        db.in_use.load(Ordering::SeqCst),
        0,
        "the connection is still counted as in use"
    );
}

#[test]
#[ntest::timeout(2_000)]
fn no_arguments_is_fine() {
    assert_eq!(check_args(Vec::<String>::new()), Ok(()));
}

#[test]
#[ntest::timeout(2_000)]
fn any_argument_is_a_usage_error() {
    let error = check_args(vec!["--team".to_string(), "5".to_string()])
        .expect_err("an argument was accepted");
    assert_eq!(
        error,
        "error: unexpected argument `--team`; usage: cargo run -p ch05-limit-access"
    );
}

// ANCHOR: waits
/// While every connection is busy, the next paper waits: it starts only
/// when an employee has finished a query and come back for more.
#[test]
#[ntest::timeout(10_000)]
fn the_next_paper_waits_for_a_free_connection() {
    let (started_tx, started_rx) = crossbeam_channel::unbounded::<usize>();
    let (finish_tx, finish_rx) = crossbeam_channel::unbounded::<()>();
    let manager = thread::spawn(move || {
        // Each query says it has started, then holds its connection until
        // the test lets one query finish.
        limit_access(3, 4, move |paper| {
            started_tx.send(paper).expect("the test stopped listening");
            finish_rx.recv().expect("the test dropped its gate");
        })
    });

    // Three papers start: one per connection.
    for _ in 0..3 {
        started_rx.recv().expect("a query never started");
    }
    // The fourth cannot start while all three connections are busy. 100 ms
    // gives it every chance to start if it could; it does not.
    assert!(started_rx.recv_timeout(Duration::from_millis(100)).is_err());

    // One query finishes; its connection is free; the fourth paper starts.
    finish_tx.send(()).expect("the query stopped listening");
    started_rx.recv().expect("the fourth query never started");
    for _ in 0..3 {
        finish_tx.send(()).expect("the query stopped listening");
    }
    let report = manager.join().expect("the manager panicked");
    assert_eq!(report.map(|r| r.done.len()), Ok(4));
}
// ANCHOR_END: waits

#[test]
#[ntest::timeout(2_000)]
fn the_manager_claims_the_limit_only_if_the_counter_agrees() {
    assert_eq!(within_limit(3, 3), Ok(()));
    assert_eq!(within_limit(1, 3), Ok(()));
    let error = within_limit(4, 3).expect_err("4 was accepted against a limit of 3");
    assert_eq!(error, "4 connections were in use at once, more than 3");
}
