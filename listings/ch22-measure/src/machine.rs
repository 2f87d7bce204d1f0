//! The machine a run measured on: numbers from one machine mean little
//! without it.

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// The CPU model, from /proc/cpuinfo.
    pub cpu: String,
    pub logical_cpus: usize,
    pub os: String,
    pub kernel: String,
    /// The rustc that compiled the measured code.
    pub rustc: String,
    /// `go version`, when `go` is on the PATH.
    pub go: Option<String>,
    /// When the run started, in UTC: `2026-05-01 21:40 UTC`.
    pub date: String,
    /// /proc/loadavg's 1, 5 and 15 minute load averages when the run
    /// started: above the CPU count, other work competed with this run.
    pub load_average: String,
}

impl Machine {
    /// Describes this machine now. `go` is `go version`'s answer.
    pub fn describe(go: Option<String>) -> Machine {
        Machine {
            cpu: cpu_model().unwrap_or_else(|| "unknown CPU".to_string()),
            logical_cpus: num_cpus::get(),
            os: os_name().unwrap_or_else(|| std::env::consts::OS.to_string()),
            kernel: read_line("/proc/sys/kernel/osrelease").map_or_else(
                || "unknown".to_string(),
                |release| format!("Linux {release}"),
            ),
            rustc: env!("CH22_RUSTC_VERSION").to_string(),
            go,
            date: utc_date(SystemTime::now()),
            load_average: load_average().unwrap_or_else(|| "unknown".to_string()),
        }
    }

    /// One line naming the machine, for the reports.
    pub fn summary(&self) -> String {
        let go = self.go.as_deref().unwrap_or("no Go");
        format!(
            "{}, {} logical CPUs, {}, {}, {}, {}; {}, load average {} at the start",
            self.cpu,
            self.logical_cpus,
            self.os,
            self.kernel,
            self.rustc,
            go,
            self.date,
            self.load_average
        )
    }
}

fn cpu_model() -> Option<String> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == "model name")
        .map(|(_, value)| value.trim().to_string())
}

fn os_name() -> Option<String> {
    let release = fs::read_to_string("/etc/os-release").ok()?;
    release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_string())
}

fn load_average() -> Option<String> {
    let line = read_line("/proc/loadavg")?;
    Some(
        line.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn read_line(path: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    Some(text.lines().next()?.trim().to_string())
}

/// `time` as `2026-05-01 21:40 UTC`, without a date crate: the days since
/// 1970 turned into a civil date (Howard Hinnant's `civil_from_days`).
fn utc_date(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hour, minute) = (rest / 3600, rest % 3600 / 60);
    // Days since 0000-03-01, in eras of 400 years (146 097 days).
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> String {
        utc_date(UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn dates_are_civil_dates_in_utc() {
        assert_eq!(at(0), "1970-01-01 00:00 UTC");
        // A leap day, and the day after the last day of a leap year.
        assert_eq!(at(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(at(1_735_689_600), "2025-01-01 00:00 UTC");
        assert_eq!(at(1_777_671_659), "2026-05-01 21:40 UTC");
    }

    #[test]
    fn this_machine_can_be_described() {
        let machine = Machine::describe(None);
        assert!(machine.logical_cpus >= 1);
        assert!(machine.rustc.starts_with("rustc"));
        assert!(machine.summary().contains("no Go"));
    }
}
