use super::*;

// ANCHOR: finished
/// Documentation more than proof: `std::thread::scope` guarantees that every
/// thread spawned in it has finished when it returns, and a `count_words`
/// that did not wait could not borrow `counts`, so it would not compile.
/// This test shows the guarantee at work; it cannot catch a version that
/// compiles.
#[test]
#[ntest::timeout(5_000)]
fn every_employee_has_finished_when_the_scope_ends() {
    let papers = [
        "one",
        "one two",
        "one two three",
        "one two three four",
        "five",
    ];
    // Each paper takes READING_TIME, and yet every count is filled in when
    // `count_words` returns.
    let counts = count_words(&papers);
    assert_eq!(counts, vec![1, 2, 3, 4, 1]);
}
// ANCHOR_END: finished

// ANCHOR: borrowed
/// The papers borrow from a `String` owned by a local variable, and
/// the counts come back in a plain `Vec`: no `'static`, no `Arc`. If
/// `count_words` needed either, this test would not compile.
#[test]
#[ntest::timeout(5_000)]
fn borrowed_papers_need_no_arc() {
    let text = String::from("alpha beta\ngamma\ndelta epsilon zeta");
    let papers: Vec<&str> = text.lines().collect();
    let counts = count_words(&papers);
    assert_eq!(counts, vec![2, 1, 3]);
    // The borrow has ended: the manager owns `text` again and may change it.
    drop(papers);
    let mut text = text;
    text.push_str(" eta");
    assert_eq!(text.split_whitespace().count(), 7);
}
// ANCHOR_END: borrowed

/// The chapter says the shown code uses no channel, no pool and no `Arc`.
#[test]
#[ntest::timeout(2_000)]
fn the_shown_code_uses_no_channel_no_pool_no_arc() {
    let source = include_str!("main.rs");
    let start = source.find("// ANCHOR: scoped").expect("no anchor start");
    let end = source.find("// ANCHOR_END: scoped").expect("no anchor end");
    let shown = &source[start..end];
    assert!(shown.contains("thread::scope"));
    for word in ["Arc", "channel", "bounded", "Mutex", "join"] {
        assert!(!shown.contains(word), "the shown code mentions `{word}`");
    }
}

#[test]
#[ntest::timeout(2_000)]
fn no_papers_no_employees() {
    assert_eq!(count_words(&[]), Vec::<usize>::new());
}

#[test]
#[ntest::timeout(2_000)]
fn no_arguments_is_fine() {
    assert_eq!(check_args(Vec::<String>::new()), Ok(()));
}

#[test]
#[ntest::timeout(2_000)]
fn any_argument_is_a_usage_error() {
    let error = check_args(vec!["--fast".to_string()]).expect_err("an argument was accepted");
    assert_eq!(
        error,
        "error: unexpected argument `--fast`; usage: cargo run -p ch05-scoped"
    );
}
