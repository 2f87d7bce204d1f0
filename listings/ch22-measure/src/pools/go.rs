//! The Go pool: `go-pool/main.go`, built once with `go build` and run as a
//! program of its own for each measurement. It measures itself (from the
//! first hand-off to the team gone home, as the Rust pools do) and prints
//! the cost per paper, so that starting the process is not counted. It
//! counts its own context switches too: this process cannot see them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::switches::Counts;

/// The Go program's source, beside this listing's `Cargo.toml`.
pub fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("go-pool")
}

/// The Go pool, built and ready to run.
#[derive(Debug)]
pub struct GoPool {
    program: PathBuf,
}

/// What one run of the Go pool measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GoSample {
    pub ns_per_paper: f64,
    /// `runtime.NumCPU()`: the Go team's size.
    pub team_size: usize,
    /// The Go process's context switches over the measured run; `None`
    /// where Go could not count them.
    pub switches: Option<Counts>,
}

impl GoPool {
    /// Builds the Go program into `dir`, or says why it could not: the
    /// reason goes into the report, in the Go pool's row.
    pub fn build(dir: &Path) -> Result<GoPool, String> {
        if version().is_none() {
            return Err("`go` is not on the PATH".to_string());
        }
        let program = dir.join("ch22-measure-go-pool");
        let output = go()
            .arg("build")
            .arg("-o")
            .arg(&program)
            .arg(".")
            .output()
            .map_err(|error| format!("cannot run `go build`: {error}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("`go build` failed: {}", stderr.trim()));
        }
        Ok(GoPool { program })
    }

    /// Runs `papers` papers of `work` each through the Go team.
    pub fn run(&self, papers: u64, work: Duration) -> Result<GoSample, String> {
        let output = Command::new(&self.program)
            .arg(papers.to_string())
            .arg(work.as_nanos().to_string())
            .output()
            .map_err(|error| format!("cannot run the Go pool: {error}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("the Go pool failed: {}", stderr.trim()));
        }
        parse(&stdout).ok_or_else(|| format!("the Go pool printed {stdout:?}"))
    }
}

/// Reads `312.400 ns/paper, team of 2, 15 voluntary and 3 involuntary
/// switches`, or only up to the team size where Go could not count the
/// switches.
fn parse(line: &str) -> Option<GoSample> {
    let (ns, rest) = line.trim().split_once(" ns/paper, team of ")?;
    let (team, switches) = match rest.split_once(", ") {
        Some((team, switches)) => (team, Some(parse_switches(switches)?)),
        None => (rest, None),
    };
    Some(GoSample {
        ns_per_paper: ns.parse().ok()?,
        team_size: team.parse().ok()?,
        switches,
    })
}

/// Reads `15 voluntary and 3 involuntary switches`.
fn parse_switches(text: &str) -> Option<Counts> {
    let counts = text.strip_suffix(" involuntary switches")?;
    let (voluntary, involuntary) = counts.split_once(" voluntary and ")?;
    Some(Counts {
        voluntary: voluntary.parse().ok()?,
        involuntary: involuntary.parse().ok()?,
    })
}

/// What `go version` says, or `None` when `go` is not on the PATH.
pub fn version() -> Option<String> {
    let output = go().arg("version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success().then(|| text.trim().to_string())
}

/// `go` in the program's folder, never reaching for the network: the
/// program uses only Go's standard library.
fn go() -> Command {
    let mut command = Command::new("go");
    command
        .current_dir(source_dir())
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod");
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_go_program_prints() {
        let line = "312.400 ns/paper, team of 2, 15 voluntary and 3 involuntary switches\n";
        let expected = GoSample {
            ns_per_paper: 312.4,
            team_size: 2,
            switches: Some(Counts {
                voluntary: 15,
                involuntary: 3,
            }),
        };
        assert_eq!(parse(line), Some(expected));
        assert_eq!(parse("312.4 ns per paper"), None);
    }

    #[test]
    fn reads_a_line_without_switches() {
        let expected = GoSample {
            ns_per_paper: 312.4,
            team_size: 2,
            switches: None,
        };
        assert_eq!(parse("312.400 ns/paper, team of 2\n"), Some(expected));
    }

    /// Switches that do not read as two counts are a wrong line, not a
    /// line without switches.
    #[test]
    fn garbled_switches_are_not_read() {
        for line in [
            "312.4 ns/paper, team of 2, 15 voluntary switches",
            "312.4 ns/paper, team of 2, many voluntary and 3 involuntary switches",
            "312.4 ns/paper, team of 2, 15 voluntary and -3 involuntary switches",
        ] {
            assert_eq!(parse(line), None, "{line}");
        }
    }

    /// Builds and runs the real Go pool, when `go` is on the PATH.
    #[test]
    #[ntest::timeout(120_000)]
    fn the_go_pool_does_every_paper_and_says_how_long_it_took() {
        if version().is_none() {
            eprintln!("skipped: `go` is not on the PATH");
            return;
        }
        // A folder of this test's own: another process may be running the
        // program built for the real measurement.
        let dir = std::env::temp_dir().join(format!("ch22-measure-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let pool = GoPool::build(&dir).expect("the Go pool builds");
        // The program exits non-zero unless every paper was done once.
        let sample = pool.run(200, Duration::from_micros(1)).expect("a run");
        assert!(sample.ns_per_paper > 0.0);
        assert!(sample.team_size >= 1);
        // This Go program counts its switches where there is getrusage.
        assert_eq!(sample.switches.is_some(), cfg!(unix), "{sample:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
