//! `cargo bench -p ch22-measure`: the hand-off of three pools under divan,
//! a second opinion on the main program's numbers. Each sample hires a
//! team of one employee per logical CPU, hands off 1000 papers of empty
//! work, shuts down and waits for the team; divan reports the time per
//! paper (hiring included, a few tens of microseconds per sample).

use ch22_measure::pools::{capstone, in_tray, straight};

const PAPERS: u64 = 1_000;

fn main() {
    divan::main();
}

fn team_size() -> usize {
    num_cpus::get()
}

#[divan::bench(max_time = 2)]
fn straight(bencher: divan::Bencher) {
    bencher
        .counter(divan::counter::ItemsCount::new(PAPERS))
        .bench(|| straight::run(team_size(), PAPERS, |_paper| {}));
}

#[divan::bench(max_time = 2)]
fn in_tray(bencher: divan::Bencher) {
    bencher
        .counter(divan::counter::ItemsCount::new(PAPERS))
        .bench(|| in_tray::run(team_size(), PAPERS, |_paper| {}));
}

#[divan::bench(max_time = 2)]
fn capstone(bencher: divan::Bencher) {
    bencher
        .counter(divan::counter::ItemsCount::new(PAPERS))
        .bench(|| capstone::run(team_size(), PAPERS, |_paper| {}));
}
