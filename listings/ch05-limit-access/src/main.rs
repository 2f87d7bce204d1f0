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
/// The database keeps count: how many connections it has opened, how many
/// are in use right now, and the most that were ever in use at once.
#[derive(Default)]
struct Database {
    opened: AtomicUsize,
    in_use: AtomicUsize,
    most_in_use: AtomicUsize,
}

/// Opens a new connection to the database. Each one gets its own number.
fn connect(db: &Arc<Database>) -> Connection {
    let id = db.opened.fetch_add(1, Ordering::SeqCst);
    Connection {
        id,
        db: Arc::clone(db),
    }
}

/// One connection to the database. An employee owns one for its whole life.
struct Connection {
    id: usize,
    db: Arc<Database>,
}

impl Connection {
    /// Runs the query for one paper. The connection is in use while it runs.
    fn query(&mut self, paper: usize, work: &impl Fn(usize)) {
        let _in_use = InUse::start(&self.db);
        work(paper);
    } // `_in_use` is dropped here, even if `work` panics.
}

/// Counts one connection as in use for as long as it lives.
struct InUse<'a>(&'a Database);

impl<'a> InUse<'a> {
    fn start(db: &'a Database) -> InUse<'a> {
        let now = db.in_use.fetch_add(1, Ordering::SeqCst) + 1;
        db.most_in_use.fetch_max(now, Ordering::SeqCst);
        InUse(db)
    }
}

impl Drop for InUse<'_> {
    fn drop(&mut self) {
        self.0.in_use.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: connection

/// What the manager learns once the team has finished.
struct Report {
    /// Every paper done, as (employee, connection, paper).
    done: Vec<(usize, usize, usize)>,
    /// How many connections were opened.
    opened: usize,
    /// The most connections that were ever in use at once.
    most_in_use: usize,
}

// ANCHOR: limit_access
/// Hands `papers` papers, one at a time, to a team of `team_size`
/// employees, each owning one connection.
fn limit_access(
    team_size: usize,
    papers: usize,
    work: impl Fn(usize) + Clone + Send + 'static,
) -> Result<Report, String> {
    if team_size == 0 {
        // Nobody would ever take a paper: refuse now, rather than hand off
        // into the void.
        return Err("team size must be at least 1: with no employee, \
                    no paper could ever be handed off"
            .to_string());
    }

    let db = Arc::new(Database::default());
    let (tx, rx) = bounded::<usize>(0);

    let mut team = Vec::with_capacity(team_size);
    for emp in 0..team_size {
        let rx = rx.clone();
        let work = work.clone();
        // Hire the employee with a connection of its own.
        let mut conn = connect(&db);
        team.push(thread::spawn(move || {
            let mut done = Vec::new();
            for paper in rx {
                conn.query(paper, &work);
                println!("employee {emp} : paper {paper} done");
                done.push((emp, conn.id, paper));
            }
            done
        }));
    }
    // The manager keeps no receiver: if every employee were gone, a hand-off
    // would fail with an error instead of waiting forever.
    drop(rx);
    println!("manager : hired {team_size} employees, each owning one connection");

    for paper in 0..papers {
        // Fails only when every employee has gone (each one panicked):
        // then stop handing off, and let the joins below say why.
        if tx.send(paper).is_err() {
            break;
        }
    }
    drop(tx);
    println!("manager : sent shutdown signal");

    // Wait for the whole team, even if an employee panicked, then report.
    let mut done = Vec::new();
    let mut panicked = 0;
    for employee in team {
        match employee.join() {
            Ok(papers_done) => done.extend(papers_done),
            Err(_) => panicked += 1,
        }
    }
    if panicked > 0 {
        return Err(format!("{panicked} of {team_size} employees panicked"));
    }
    Ok(Report {
        done,
        opened: db.opened.load(Ordering::SeqCst),
        most_in_use: db.most_in_use.load(Ordering::SeqCst),
    })
}
// ANCHOR_END: limit_access

/// The listing takes no arguments.
fn check_args(args: impl IntoIterator<Item = String>) -> Result<(), String> {
    match args.into_iter().next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch05-limit-access"
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
    let query = |_paper: usize| thread::sleep(QUERY_TIME);
    let report = match limit_access(CONNECTIONS, PAPERS, query) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            process::exit(1);
        }
    };

    println!(
        "manager : {} papers done on {} connections",
        report.done.len(),
        report.opened
    );
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
