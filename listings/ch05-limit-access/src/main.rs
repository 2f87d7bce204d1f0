// rustdoc (behind `mdbook test`) finds crates.io dependencies only by an
// `extern crate` line; cargo does not need it.
extern crate crossbeam_channel;

use std::process;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use crossbeam_channel::bounded;

/// How many connections the database accepts at once: the scarce thing.
const CONNECTIONS: usize = 3;
/// How many papers the manager hands out.
const PAPERS: usize = 12;
/// Stands for the time a query takes.
const QUERY_TIME: Duration = Duration::from_millis(2);

// ANCHOR: connection
/// The database keeps count: how many connections are in use right now,
/// and the most that were ever in use at once.
#[derive(Default)]
struct Database {
    in_use: AtomicUsize,
    most_in_use: AtomicUsize,
}

/// One connection to the database. An employee owns one for its whole life.
struct Connection {
    db: Arc<Database>,
}

impl Connection {
    /// Runs the query for one paper. The connection is in use while it runs.
    fn query(&mut self, paper: usize, work: &impl Fn(usize)) {
        let now = self.db.in_use.fetch_add(1, Ordering::SeqCst) + 1;
        self.db.most_in_use.fetch_max(now, Ordering::SeqCst);
        work(paper);
        self.db.in_use.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: connection

/// What the manager learns once the team has finished.
struct Report {
    /// Every paper done, as (employee, paper).
    done: Vec<(usize, usize)>,
    /// The most connections that were ever in use at once.
    most_in_use: usize,
}

// ANCHOR: limit_access
/// Hands `papers` papers, one at a time, to a team of `team_size`
/// employees, each owning one connection.
fn limit_access<W>(team_size: usize, papers: usize, work: W) -> Result<Report, String>
where
    W: Fn(usize) + Send + Sync + 'static,
{
    if team_size == 0 {
        // Nobody would ever take a paper: refuse now, rather than hand off
        // into the void.
        return Err("team size must be at least 1: with no employee, \
                    no paper could ever be handed off"
            .to_string());
    }

    let db = Arc::new(Database::default());
    let work = Arc::new(work);
    let (tx, rx) = bounded::<usize>(0);

    let mut team = Vec::with_capacity(team_size);
    for emp in 0..team_size {
        let rx = rx.clone();
        let work = Arc::clone(&work);
        // Hire the employee with a connection of its own.
        let mut conn = Connection {
            db: Arc::clone(&db),
        };
        team.push(thread::spawn(move || {
            let mut done = Vec::new();
            for paper in rx {
                conn.query(paper, &*work);
                println!("employee {emp} : paper {paper} done");
                done.push((emp, paper));
            }
            done
        }));
    }
    // The manager keeps no receiver: if every employee were gone, a hand-off
    // would fail with an error instead of waiting forever.
    drop(rx);
    println!("manager : hired {team_size} employees, each owning one connection");

    for paper in 0..papers {
        tx.send(paper)
            .map_err(|_| format!("no employee left to take paper {paper}"))?;
    }
    drop(tx);
    println!("manager : sent shutdown signal");

    let mut done = Vec::new();
    for employee in team {
        let papers_done = employee
            .join()
            .map_err(|_| "an employee panicked".to_string())?;
        done.extend(papers_done);
    }
    let most_in_use = db.most_in_use.load(Ordering::SeqCst);
    Ok(Report { done, most_in_use })
}
// ANCHOR_END: limit_access

/// The listing takes no arguments.
fn check_args(args: impl IntoIterator<Item = String>) -> Result<(), String> {
    match args.into_iter().next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "usage: ch05-limit-access (takes no arguments, got `{arg}`)"
        )),
    }
}

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        process::exit(2);
    }

    // The query stands for real work: it takes a little time.
    let report = match limit_access(CONNECTIONS, PAPERS, |_paper| thread::sleep(QUERY_TIME)) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            process::exit(1);
        }
    };

    println!("manager : {} papers done", report.done.len());
    // The counter, not a hope, decides what the manager may claim.
    if let Err(error) = within_limit(report.most_in_use, CONNECTIONS) {
        eprintln!("error: {error}");
        process::exit(1);
    }
    println!("manager : at most {CONNECTIONS} connections were ever in use at once");
}
// ANCHOR_END: main

/// Checks what the database counted against the limit.
fn within_limit(most_in_use: usize, limit: usize) -> Result<(), String> {
    if most_in_use > limit {
        return Err(format!(
            "{most_in_use} connections were in use at once, more than {limit}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
