//! Measures what each hand-off guarantee costs: the book's pools, two
//! crates' pools and Go's, handing the same papers to the same team size.
//! The program is `src/main.rs`; this library holds its parts, so that
//! the benchmarks in `benches/` can use the pools too.

pub mod args;
pub mod machine;
pub mod measure;
pub mod pin;
pub mod pools;
pub mod report;
pub mod results;
pub mod svg;
pub mod switches;
pub mod wake_up;
pub mod work;

mod stats;

#[cfg(test)]
mod claims;
#[cfg(test)]
mod tests;
