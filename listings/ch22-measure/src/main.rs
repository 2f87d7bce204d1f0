//! `cargo run --release -p ch22-measure`: measures every pool at every work
//! size, prints the table, and writes measurements.json, table.md and
//! chart.svg into the listing's `results/`.

use std::path::{Path, PathBuf};
use std::process::exit;

use ch22_measure::args::{self, Command, Options, USAGE};
use ch22_measure::machine::Machine;
use ch22_measure::measure::{self, Plan};
use ch22_measure::pools::Pool;
use ch22_measure::pools::go::{self, GoPool};
use ch22_measure::report;
use ch22_measure::results::{self, CHART, MEASUREMENTS, Measurements, TABLE};
use ch22_measure::svg;

fn main() {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            exit(2);
        }
    };
    let done = match command {
        Command::Help => {
            print!("{}", args::help());
            Ok(())
        }
        Command::Render { out } => render(&out.unwrap_or_else(results_dir)),
        Command::Measure(options) => run(options),
    };
    if let Err(error) = done {
        eprintln!("error: {error}");
        exit(1);
    }
}

/// The listing's own `results/`, wherever it is run from.
fn results_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("results")
}

/// Next to the program (in `target/`): where build output goes, for a
/// program built or a `--quick` run, neither of which is worth keeping.
fn beside_program() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|program| Some(program.parent()?.to_path_buf()))
        .unwrap_or_else(std::env::temp_dir)
}

fn run(options: Options) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: a debug build measures the compiler's debug output, not the pools: \
             use `cargo run --release -p ch22-measure`"
        );
    }
    let out = match (&options.out, options.quick) {
        (Some(out), _) => out.clone(),
        // Quick numbers mean nothing: keep them away from the results.
        (None, true) => beside_program().join("ch22-measure-quick"),
        (None, false) => results_dir(),
    };
    let machine = Machine::describe(go::version());
    // Built only when asked for: two runs at once (tests) would otherwise
    // both write the one program beside this one.
    let wanted = options.pools.contains(&Pool::Go);
    let go = match wanted {
        true => GoPool::build(&beside_program()),
        false => Err("not asked for".to_string()),
    };
    if let (true, Err(why)) = (wanted, &go) {
        eprintln!("note: the Go pool is skipped: {why}");
    }
    let plan = Plan {
        pools: options.pools,
        work: options.work,
        repeats: options.repeats,
        target: match options.quick {
            true => measure::QUICK_TARGET,
            false => measure::TARGET,
        },
        quick: options.quick,
        team_size: num_cpus::get(),
    };
    let progress = |line: &str| eprintln!("{line}");
    let measurements = measure::measure(&plan, &go, machine, progress)?;
    results::write(&out, MEASUREMENTS, &measurements.to_json())?;
    write_reports(&measurements, &out)
}

fn render(out: &Path) -> Result<(), String> {
    let measurements = Measurements::read(out)?;
    write_reports(&measurements, out)
}

/// Writes table.md and chart.svg, and prints the table.
fn write_reports(measurements: &Measurements, out: &Path) -> Result<(), String> {
    results::write(out, TABLE, &report::markdown(measurements))?;
    results::write(out, CHART, &svg::chart(measurements))?;
    print!("{}", report::text(measurements));
    println!("\nwrote {TABLE} and {CHART} in {}", shown(out).display());
    Ok(())
}

/// `out` relative to the current folder when it is inside it: the same
/// words from the same command, on any machine.
fn shown(out: &Path) -> PathBuf {
    let here = std::env::current_dir().ok();
    let inside = here.and_then(|here| out.strip_prefix(here).ok().map(Path::to_path_buf));
    inside.unwrap_or_else(|| out.to_path_buf())
}
