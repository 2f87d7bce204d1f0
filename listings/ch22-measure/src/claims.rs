//! The claims the book's chapter "Measuring the guarantee" makes about the
//! committed run, checked against that run's `results/measurements.json`.
//! A new run recorded into `results/` that breaks a claim fails here, and
//! the chapter must then change with it. Each test names its sentence.

use std::path::Path;

use crate::results::Measurements;
use crate::stats;

/// The committed run.
fn run() -> Measurements {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("results");
    Measurements::read(&dir).expect("results/measurements.json")
}

/// The median cost per paper of `pool` at `work`, in ns.
fn cost(run: &Measurements, pool: &str, work: &str) -> f64 {
    let series = run.series(pool, work);
    let median = series.and_then(|series| series.median());
    median.unwrap_or_else(|| panic!("{pool} at {work} was not measured"))
}

/// `pool`'s cost as a multiple of `reference`'s, at `work`.
fn times(run: &Measurements, pool: &str, reference: &str, work: &str) -> f64 {
    cost(run, pool, work) / cost(run, reference, work)
}

/// The median voluntary context switches per paper of `pool` at `work`.
fn sleeps(run: &Measurements, pool: &str, work: &str) -> f64 {
    let series = run.series(pool, work);
    let switches = series.and_then(|series| series.median_switches());
    switches
        .unwrap_or_else(|| panic!("{pool} at {work}: no switch counts"))
        .voluntary
}

/// "the queues", as the chapter calls them: the pools that hand papers to
/// a queue with no bound.
const QUEUES: [&str; 3] = ["rust-book", "threadpool", "rayon"];

/// "the Rust port pays more than twenty times what Go pays per paper";
/// "The straight port pays more than twenty times what Go pays."
#[test]
fn with_empty_papers_the_straight_port_pays_more_than_twenty_times_go() {
    let run = run();
    assert!(times(&run, "straight", "go", "empty") > 20.0);
}

/// "The pools that give up the guarantee, the in-tray and the queues, pay
/// less than a tenth of what the straight port pays. `std-rendezvous`
/// pays even more than the straight port."
#[test]
fn with_empty_papers_the_pools_without_the_guarantee_pay_under_a_tenth() {
    let run = run();
    for pool in ["in-tray"].into_iter().chain(QUEUES) {
        let ratio = times(&run, pool, "straight", "empty");
        assert!(ratio < 0.1, "{pool}: {ratio:.3} of the straight port");
    }
    assert!(times(&run, "std-rendezvous", "straight", "empty") > 1.0);
}

/// "The capstone keeps the guarantee and pays less than twice what Go
/// pays." (The issue that asked for the desk set three times.)
#[test]
fn with_empty_papers_the_capstone_pays_less_than_twice_go() {
    assert!(times(&run(), "capstone", "go", "empty") < 2.0);
}

/// "The straight port still pays more than four times what Go pays, the
/// capstone less than twice."
#[test]
fn with_1us_papers_the_straight_port_pays_over_four_times_go_the_capstone_under_twice() {
    let run = run();
    assert!(times(&run, "straight", "go", "1us") > 4.0);
    assert!(times(&run, "capstone", "go", "1us") < 2.0);
}

/// "Two employees, each busy for 10 µs, cannot finish papers faster than
/// one every 5 µs, and the queues come within a tenth of that. Every pool
/// that keeps the guarantee pays more. Go pays more than one and a half
/// times what the cheapest queue pays. The capstone pays less than one and
/// a half times what Go pays, and less than the straight port."
#[test]
fn with_10us_papers_the_queues_near_the_work_and_every_rendezvous_pays_more() {
    let run = run();
    let work_alone = 10_000.0 / run.team_size as f64;
    for pool in QUEUES {
        let ratio = cost(&run, pool, "10us") / work_alone;
        assert!((1.0..1.1).contains(&ratio), "{pool}: {ratio:.2}× the work");
    }
    let queues = QUEUES.map(|pool| cost(&run, pool, "10us"));
    let best_queue = queues.into_iter().fold(f64::INFINITY, f64::min);
    let dearest_queue = queues.into_iter().fold(0.0, f64::max);
    for pool in ["straight", "std-rendezvous", "capstone", "go"] {
        let cost = cost(&run, pool, "10us");
        assert!(cost > dearest_queue, "{pool} keeps the guarantee for less");
    }
    assert!(cost(&run, "go", "10us") / best_queue > 1.5);
    assert!(times(&run, "capstone", "go", "10us") < 1.5);
    assert!(times(&run, "capstone", "straight", "10us") < 1.0);
}

/// "Every pool is within 1.3 times the cheapest."
#[test]
fn with_100us_papers_every_pool_is_within_1_3_times_the_cheapest() {
    let run = run();
    let costs: Vec<f64> = run
        .pools()
        .into_iter()
        .map(|pool| cost(&run, pool, "100us"))
        .collect();
    let cheapest = costs.iter().copied().fold(f64::INFINITY, f64::min);
    for (pool, cost) in run.pools().into_iter().zip(&costs) {
        assert!(cost / cheapest < 1.3, "{pool}: {:.2}×", cost / cheapest);
    }
}

/// "With empty papers, the straight port makes about one voluntary switch
/// per paper. Go makes almost none." And the capstone, whose employee
/// watches the desk, almost none either.
#[test]
fn with_empty_papers_the_straight_port_sleeps_for_nearly_every_paper_go_and_the_capstone_hardly_ever()
 {
    let run = run();
    assert!(sleeps(&run, "straight", "empty") > 0.5);
    assert!(sleeps(&run, "go", "empty") < 0.01);
    assert!(sleeps(&run, "capstone", "empty") < 0.05);
}

/// "With 10 µs papers the capstone pays about twice what the queues pay."
#[test]
fn with_10us_papers_the_capstone_pays_about_twice_what_the_queues_pay() {
    let run = run();
    for pool in QUEUES {
        let ratio = times(&run, "capstone", pool, "10us");
        assert!((1.5..2.5).contains(&ratio), "{ratio:.2}× {pool}");
    }
}

/// "The capstone's switch counts show the first two cases mixed: more than
/// one switch per paper, voluntary and involuntary together." "[The first
/// paragraph above the table says what] a round trip costs on this
/// machine: several microseconds." "that floor is about one and a half
/// times what the cheapest queue pays"; "no rendezvous [...] could come
/// within 1.2 times the queues"; "The capstone pays less than 1.5 times
/// the first floor."
#[test]
fn with_10us_papers_a_round_trip_per_paper_puts_the_floor_above_1_2_times_the_queues() {
    let run = run();
    let series = run.series("capstone", "10us");
    let switches = series.and_then(|series| series.median_switches());
    let switches = switches.expect("the capstone's switch counts");
    assert!(switches.voluntary + switches.involuntary > 1.0);

    let round_trip = stats::median(&run.wake_up_round_trip_ns).expect("a round trip");
    assert!(round_trip > 2_000.0, "{round_trip} ns is not several µs");
    let team = run.team_size as f64;
    let floor = (10_000.0 + round_trip) / team;
    let queues = QUEUES.map(|pool| cost(&run, pool, "10us"));
    let cheapest_queue = queues.into_iter().fold(f64::INFINITY, f64::min);
    let above = floor / cheapest_queue;
    assert!(
        (1.3..1.7).contains(&above),
        "the floor is {above:.2}× the queues"
    );
    // The third way: three busy threads on `team` CPUs.
    let spinning = 10_000.0 * (team + 1.0) / team / team;
    assert!(floor.min(spinning) / cheapest_queue > 1.2);
    assert!(cost(&run, "capstone", "10us") / floor < 1.5);
}

/// "With 10 µs papers [the in-tray] pays close to the third way's 7.5 µs."
#[test]
fn with_10us_papers_the_in_tray_pays_close_to_the_spinning_floor() {
    let run = run();
    let team = run.team_size as f64;
    let spinning = 10_000.0 * (team + 1.0) / team / team;
    let ratio = cost(&run, "in-tray", "10us") / spinning;
    assert!((0.9..1.1).contains(&ratio), "{ratio:.2}× 7.5 µs");
}
