//! The command line. Every mistake is a usage error (exit code 2), never a
//! panic and never a half-done measurement.

use std::path::PathBuf;

use crate::pools::Pool;
use crate::work::{WORK, Work};

pub const USAGE: &str = "usage: cargo run --release -p ch22-measure -- \
[--quick] [--repeats N] [--out DIR] [--pools a,b,..] [--work empty,1us,..] | --render [--out DIR] | --help";

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Re-render table.md and chart.svg from `out/measurements.json`.
    Render {
        out: Option<PathBuf>,
    },
    Measure(Options),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub quick: bool,
    pub repeats: usize,
    /// `None`: the default results folder (see `main.rs`).
    pub out: Option<PathBuf>,
    pub pools: Vec<Pool>,
    pub work: Vec<Work>,
}

pub const DEFAULT_REPEATS: usize = 5;

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut options = Options {
        quick: false,
        repeats: DEFAULT_REPEATS,
        out: None,
        pools: Pool::ALL.to_vec(),
        work: WORK.to_vec(),
    };
    let (mut render, mut measuring_flags) = (false, Vec::new());
    while let Some(arg) = args.next() {
        // `--flag value` and `--flag=value` alike.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value)),
            _ => (arg.clone(), None),
        };
        let mut value = || match inline {
            Some(value) => Ok(value.to_string()),
            None => args.next().ok_or_else(|| format!("`{flag}` needs a value")),
        };
        match flag.as_str() {
            "--help" | "-h" if inline.is_none() => return Ok(Command::Help),
            "--render" if inline.is_none() => render = true,
            "--quick" if inline.is_none() => {
                options.quick = true;
                options.repeats = 1;
                measuring_flags.push(flag);
            }
            "--repeats" => {
                let value = value()?;
                options.repeats = match value.parse() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("`--repeats` needs a number above 0, not `{value}`")),
                };
                measuring_flags.push(flag);
            }
            "--out" => options.out = Some(PathBuf::from(value()?)),
            "--pools" => {
                options.pools = list(&value()?, "pool", Pool::from_name, &pool_names())?;
                measuring_flags.push(flag);
            }
            "--work" => {
                options.work = list(&value()?, "work size", Work::from_name, &work_names())?;
                measuring_flags.push(flag);
            }
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    if render {
        if let Some(flag) = measuring_flags.first() {
            return Err(format!(
                "`--render` measures nothing: `{flag}` has no use with it"
            ));
        }
        return Ok(Command::Render { out: options.out });
    }
    Ok(Command::Measure(options))
}

/// `a,b,c` as a list of known names, without repeats, in the order given.
fn list<T: PartialEq>(
    value: &str,
    what: &str,
    lookup: impl Fn(&str) -> Option<T>,
    known: &str,
) -> Result<Vec<T>, String> {
    let mut items = Vec::new();
    for name in value.split(',').map(str::trim) {
        let item =
            lookup(name).ok_or_else(|| format!("no {what} `{name}`; choose from {known}"))?;
        if !items.contains(&item) {
            items.push(item);
        }
    }
    Ok(items)
}

fn pool_names() -> String {
    Pool::ALL.map(Pool::name).join(",")
}

fn work_names() -> String {
    WORK.map(|work| work.name).join(",")
}

/// What `--help` prints.
pub fn help() -> String {
    let mut text = format!(
        "Measures what each hand-off guarantee costs: every pool hands the same papers, \
         one at a time, to a team of one employee per logical CPU, and the time from the \
         first hand-off to the team gone home, divided by the papers, is the cost per paper.\n\n\
         {USAGE}\n\n\
         --quick          a few papers, 1 repeat, written next to the program unless --out says otherwise (for tests)\n\
         --repeats N      repeats of every pool at every work size, taken in turns (default {DEFAULT_REPEATS})\n\
         --out DIR        where measurements.json, table.md and chart.svg go (default: the listing's results/)\n\
         --pools a,b,..   which pools (default: all): {}\n\
         --work a,b,..    which work sizes (default: all): {}\n\
         --render         re-render table.md and chart.svg from DIR/measurements.json; measures nothing\n\
         --help           this text\n\nThe pools:\n",
        pool_names(),
        work_names()
    );
    for pool in Pool::ALL {
        text += &format!("  {:<16} {}\n", pool.name(), pool.guarantee());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(String::from))
    }

    fn options(line: &str) -> Options {
        match parse_str(line) {
            Ok(Command::Measure(options)) => options,
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    #[test]
    fn no_arguments_measure_everything_five_times() {
        let options = options("");
        assert_eq!(options.pools, Pool::ALL.to_vec());
        assert_eq!(options.work, WORK.to_vec());
        assert_eq!(
            (options.repeats, options.quick, options.out),
            (5, false, None)
        );
    }

    #[test]
    fn flags_take_their_values_after_a_space_or_an_equals_sign() {
        let options = options("--repeats 3 --out=/tmp/x --pools go,straight,go --work=100us,empty");
        assert_eq!(options.repeats, 3);
        assert_eq!(options.out, Some(PathBuf::from("/tmp/x")));
        assert_eq!(options.pools, vec![Pool::Go, Pool::Straight]);
        let work: Vec<&str> = options.work.iter().map(|work| work.name).collect();
        assert_eq!(work, ["100us", "empty"]);
    }

    #[test]
    fn quick_means_one_repeat_unless_told_otherwise() {
        assert_eq!(options("--quick").repeats, 1);
        assert_eq!(options("--quick --repeats 2").repeats, 2);
    }

    #[test]
    fn render_takes_only_an_out_folder() {
        assert_eq!(parse_str("--render"), Ok(Command::Render { out: None }));
        let out = Some(PathBuf::from("r"));
        assert_eq!(parse_str("--out r --render"), Ok(Command::Render { out }));
        let error = parse_str("--render --quick").unwrap_err();
        assert!(error.contains("`--quick` has no use"), "{error}");
    }

    #[test]
    fn help_wins() {
        assert_eq!(parse_str("--quick --help"), Ok(Command::Help));
        assert!(help().contains("std-rendezvous"));
    }

    #[test]
    fn mistakes_are_explained() {
        let cases = [
            ("--team=many", "unexpected argument `--team=many`"),
            ("extra", "unexpected argument `extra`"),
            ("--repeats", "`--repeats` needs a value"),
            ("--repeats 0", "a number above 0, not `0`"),
            ("--repeats x", "a number above 0, not `x`"),
            (
                "--pools straight,fast",
                "no pool `fast`; choose from straight,in-tray,",
            ),
            (
                "--work 2us",
                "no work size `2us`; choose from empty,1us,10us,100us",
            ),
            ("--quick=yes", "unexpected argument `--quick=yes`"),
        ];
        for (line, expected) in cases {
            let error = parse_str(line).unwrap_err();
            assert!(error.contains(expected), "{line:?}: {error}");
        }
    }
}
