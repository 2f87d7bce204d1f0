//! The listings, run: each one's recorded output checked again (`outputs`),
//! each one copied out of the workspace, built and run alone (`standalone`),
//! and each Go companion beside its Rust twin (`companions`).
//!
//! One test program rather than three, so that their runs overlap: `cargo
//! test` runs its test programs one after another, and one listing (the
//! faithful pooling program, which sleeps a second as the notes' program
//! does) would otherwise set the pace of each of the three in turn.

#[path = "../support/mod.rs"]
mod support;

mod companions;
mod outputs;
mod standalone;
