// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use crossbeam_channel::{Receiver, Sender, after, at, bounded, select};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

#[cfg(test)]
mod tests;

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    let say = |line: &str| println!("{line}");
    let interval = Duration::from_millis(10);

    // Run 1: the line is busy twice, then the call goes through. The
    // failures are scripted, not timed: attempt 3 succeeds on every run.
    say("manager : hired employee 1 to call the supplier");
    let (employee, handle) = hire(move |attempt| {
        if attempt < 3 {
            say(&format!("employee 1 : attempt {attempt}: the line is busy"));
            Err("busy")
        } else {
            say(&format!("employee 1 : attempt {attempt}: got through"));
            Ok(42)
        }
    });
    say_outcome(retry(employee, interval, Duration::from_secs(1)), say);
    go_home(1, handle, say);

    // Run 2: the line is always busy. The employee keeps quiet: how many
    // attempts fit before the deadline depends on the machine (at most 3).
    say("manager : hired employee 2 to call the supplier");
    let (employee, handle) = hire(|_attempt| Err::<u32, _>("busy"));
    say_outcome(retry(employee, interval, Duration::from_millis(30)), say);
    go_home(2, handle, say);
}
// ANCHOR_END: main

/// The listing takes no arguments: any argument is a usage error.
fn check_args(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    match args.next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch13-retry-deadline"
        )),
    }
}

// ANCHOR: hire
/// The manager's ends of the two channels to its employee.
struct Employee<T, E> {
    /// The manager puts the number of the next attempt here.
    tries: Sender<usize>,
    /// The employee hands off here how each attempt went.
    reports: Receiver<Result<T, E>>,
}

/// What the employee's thread returns: the report the manager never took,
/// if it gave up waiting while one was at the door.
type Unread<T, E> = Option<Result<T, E>>;

/// Hires an employee who makes each attempt it is asked for, and hands off
/// a report of it.
fn hire<T, E>(
    mut attempt: impl FnMut(usize) -> Result<T, E> + Send + 'static,
) -> (Employee<T, E>, JoinHandle<Unread<T, E>>)
where
    T: Send + 'static,
    E: Send + 'static,
{
    // An in-tray of one: asking for an attempt never waits, not even for
    // the employee to get back to its loop. One slot is enough: the
    // manager asks for the next attempt only after the last report.
    let (tries, to_try) = bounded(1);
    // A hand-off: a report that goes through is one the manager took.
    // If the manager gave up waiting, the send fails and the report
    // comes back to the employee.
    let (report_tx, reports) = bounded(0);
    let handle = thread::spawn(move || {
        // Ends when the manager drops `tries`: it has what it wanted.
        for n in to_try {
            if let Err(unread) = report_tx.send(attempt(n)) {
                // The manager gave up waiting: nobody will take this.
                return Some(unread.into_inner());
            }
        }
        None
    });
    (Employee { tries, reports }, handle)
}
// ANCHOR_END: hire

// ANCHOR: retry
/// Why the manager came back without a result.
#[derive(Debug, PartialEq)]
enum RetryError {
    /// The deadline passed; `attempts` were started before it did.
    DeadlinePassed { attempts: usize },
    /// The employee quit (panicked) in the middle of an attempt.
    EmployeeQuit,
    /// The interval or the deadline makes no sense.
    Invalid(&'static str),
}

/// Asks the employee for attempt after attempt, `interval` apart, until
/// one succeeds or `timeout` has passed. Returns the value and the number
/// of the attempt that got it.
fn retry<T, E>(
    employee: Employee<T, E>,
    interval: Duration,
    timeout: Duration,
) -> Result<(T, usize), RetryError> {
    if interval.is_zero() {
        return Err(RetryError::Invalid(
            "a zero interval would retry in a busy loop",
        ));
    }
    let deadline = Instant::now()
        .checked_add(timeout)
        .ok_or(RetryError::Invalid("the deadline is too far away"))?;
    // A channel that delivers one message at the deadline.
    let deadline_passed = at(deadline);

    let mut attempts = 0;
    loop {
        // Never start an attempt once the deadline has passed.
        if Instant::now() >= deadline {
            return Err(RetryError::DeadlinePassed { attempts });
        }
        attempts += 1;
        if employee.tries.send(attempts).is_err() {
            return Err(RetryError::EmployeeQuit);
        }

        // Wait for the report, but not past the deadline.
        select! {
            recv(employee.reports) -> report => match report {
                Ok(Ok(value)) => return Ok((value, attempts)),
                Ok(Err(_)) => {} // failed: try again after the interval
                Err(_) => return Err(RetryError::EmployeeQuit),
            },
            recv(deadline_passed) -> _ => {
                return Err(RetryError::DeadlinePassed { attempts });
            }
        }

        // Wait the retry interval, counted from the failure, but not past
        // the deadline either.
        select! {
            recv(after(interval)) -> _ => {}
            recv(deadline_passed) -> _ => {
                return Err(RetryError::DeadlinePassed { attempts });
            }
        }
    }
}
// ANCHOR_END: retry

/// Says what the manager came back with.
fn say_outcome<T: std::fmt::Display>(outcome: Result<(T, usize), RetryError>, say: impl Fn(&str)) {
    match outcome {
        Ok((value, attempt)) => say(&format!("manager : got {value} on attempt {attempt}")),
        // The number of attempts depends on timing: it is not printed.
        Err(RetryError::DeadlinePassed { .. }) => say("manager : gave up at the deadline"),
        Err(RetryError::EmployeeQuit) => say("manager : the employee quit"),
        Err(RetryError::Invalid(why)) => say(&format!("manager : {why}")),
    }
}

/// Waits for employee `e` to finish.
fn go_home<R>(e: usize, handle: JoinHandle<R>, say: impl Fn(&str)) {
    match handle.join() {
        Ok(_) => say(&format!("manager : employee {e} has gone home")),
        Err(_) => say(&format!("manager : employee {e} panicked")),
    }
}
