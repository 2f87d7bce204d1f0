//! Pinning a thread to one CPU, for the wake-up round trip: two threads
//! that must share one CPU, so that every wake-up is a context switch.
//! Linux only (`sched_setaffinity`); elsewhere every call says why not.

/// The first CPU this thread may run on: a CPU that pinning can choose
/// without leaving the CPUs the process was given (`taskset`, a
/// container's cpuset).
#[cfg(target_os = "linux")]
pub fn first_allowed_cpu() -> Result<usize, String> {
    // SAFETY: an all-zero `cpu_set_t` is the empty set, a valid value of
    // that plain C struct; sched_getaffinity writes at most `size` bytes
    // of it, and pid 0 means the calling thread.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    let status = unsafe { libc::sched_getaffinity(0, size, &mut set) };
    if status != 0 {
        let error = std::io::Error::last_os_error();
        return Err(format!(
            "cannot read which CPUs this thread may use: {error}"
        ));
    }
    // SAFETY: every index is below the set's size in bits.
    (0..bits())
        .find(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .ok_or_else(|| "this thread may run on no CPU at all".to_string())
}

/// Pins the calling thread, and only it, to `cpu`. An error, never a
/// panic, for a CPU that does not exist or is not allowed.
#[cfg(target_os = "linux")]
pub fn pin_to(cpu: usize) -> Result<(), String> {
    // CPU_SET indexes a fixed array: beyond it, it would panic.
    if cpu >= bits() {
        return Err(format!(
            "cannot pin a thread to CPU {cpu}: a cpu_set_t names CPUs 0 to {}",
            bits() - 1
        ));
    }
    // SAFETY: as in `first_allowed_cpu`; `cpu` is inside the set, checked
    // above; sched_setaffinity only reads the set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    unsafe { libc::CPU_SET(cpu, &mut set) };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    match unsafe { libc::sched_setaffinity(0, size, &set) } {
        0 => Ok(()),
        _ => Err(format!(
            "cannot pin a thread to CPU {cpu}: {}",
            std::io::Error::last_os_error()
        )),
    }
}

/// How many CPUs a `cpu_set_t` can name (1024 with glibc, fewer with
/// some other C libraries).
#[cfg(target_os = "linux")]
fn bits() -> usize {
    8 * std::mem::size_of::<libc::cpu_set_t>()
}

#[cfg(not(target_os = "linux"))]
const NOT_HERE: &str = "pinning a thread to one CPU needs Linux's sched_setaffinity";

#[cfg(not(target_os = "linux"))]
pub fn first_allowed_cpu() -> Result<usize, String> {
    Err(NOT_HERE.to_string())
}

#[cfg(not(target_os = "linux"))]
pub fn pin_to(_cpu: usize) -> Result<(), String> {
    Err(NOT_HERE.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    /// Runs `f` on a thread of its own: a pin that worked must not stay
    /// on the test's thread.
    fn on_a_new_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        thread::spawn(f).join().expect("the thread ends")
    }

    #[test]
    #[ntest::timeout(10_000)]
    fn an_impossible_cpu_is_an_error_not_a_panic() {
        // Beyond what a cpu_set_t can name; inside it, but (unless this
        // machine has 1024 CPUs) not a CPU that exists.
        for cpu in [usize::MAX, 1 << 20, 1_023] {
            let pinned = on_a_new_thread(move || pin_to(cpu));
            let error = pinned.expect_err("no machine here has that CPU");
            assert!(error.contains(&format!("CPU {cpu}")), "{error}");
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    #[ntest::timeout(10_000)]
    fn a_pinned_thread_runs_on_its_cpu() {
        let cpu = first_allowed_cpu().expect("some CPU is allowed");
        let (pinned, ran_on) = on_a_new_thread(move || {
            let pinned = pin_to(cpu);
            // SAFETY: sched_getcpu takes nothing and only returns a number.
            (pinned, unsafe { libc::sched_getcpu() })
        });
        assert_eq!(pinned, Ok(()));
        assert_eq!(ran_on, cpu as i32);
    }

    #[test]
    #[cfg(not(target_os = "linux"))]
    fn elsewhere_pinning_says_it_needs_linux() {
        assert!(pin_to(0).unwrap_err().contains("Linux"));
        assert!(first_allowed_cpu().unwrap_err().contains("Linux"));
    }
}
