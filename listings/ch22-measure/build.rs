//! Records which rustc compiled the measured code, for the machine
//! description in measurements.json (the `rustc` on the PATH at run time
//! could be another one).

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc (version unknown)".to_string());
    println!("cargo:rustc-env=CH22_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
