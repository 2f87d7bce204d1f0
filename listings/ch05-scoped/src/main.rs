use std::process;
use std::thread;
use std::time::Duration;

/// Stands for the time it takes to read one paper.
const READING_TIME: Duration = Duration::from_millis(5);

// ANCHOR: scoped
/// Hires one employee per paper, and returns how many words each paper has.
/// The papers are borrowed, and so is the vector the employees fill in.
fn count_words(papers: &[&str]) -> Vec<usize> {
    let mut counts = vec![0; papers.len()];
    thread::scope(|s| {
        for (emp, (paper, count)) in papers.iter().zip(counts.iter_mut()).enumerate() {
            // Each employee borrows one paper and one slot of `counts`.
            s.spawn(move || {
                thread::sleep(READING_TIME); // reading takes time
                *count = paper.split_whitespace().count();
                println!("employee {emp} : paper {emp} has {} words", *count);
            });
        }
    }); // The scope ends here: it waits for every employee it hired.
    counts
}
// ANCHOR_END: scoped

/// The listing takes no arguments.
fn check_args(args: impl IntoIterator<Item = String>) -> Result<(), String> {
    match args.into_iter().next() {
        None => Ok(()),
        Some(arg) => Err(format!(
            "error: unexpected argument `{arg}`; usage: cargo run -p ch05-scoped"
        )),
    }
}

// ANCHOR: main
fn main() {
    if let Err(usage) = check_args(std::env::args().skip(1)) {
        eprintln!("{usage}");
        process::exit(2);
    }

    // The papers are known up front. They borrow from `text`, a String
    // owned by a local variable of the manager.
    let text = String::from(
        "the manager hires a team\n\
         each employee takes one paper\n\
         nobody waits for work\n\
         the scope waits for everyone",
    );
    let papers: Vec<&str> = text.lines().collect();

    let counts = count_words(&papers);
    // The scope has ended, so every employee has finished: read the counts.
    println!(
        "manager : {} words in all, on {} papers",
        counts.iter().sum::<usize>(),
        counts.len()
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests;
