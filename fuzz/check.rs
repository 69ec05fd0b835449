// The fuzz target's check, shared by `fuzz/fuzz_targets/decode_repair.rs` (`cargo fuzz run
// decode_repair`) and `tests/fuzz_check.rs` (which runs it under `cargo test`, so that it
// compiles against the library's current API and cannot rot unseen). Included with
// `include!`, so no inner attributes or doc comments of its own here.

/// Arbitrary bytes through decode, repair and strip: nothing panics; repair is idempotent on
/// every line decode produced; strip keeps only whole lines of its input, in order.
pub fn check(data: &[u8]) {
    let Ok(d) = thresh::decode::decode(data, "fuzz") else {
        return;
    };
    for line in d.text.split('\n') {
        let once = thresh::repair::fix_line(line);
        assert_eq!(thresh::repair::fix_line(&once), once, "{line:?}");
    }
    let a = thresh::strip::analyze(&d.text, None);
    assert_eq!(a.lines.len(), a.verdicts.len());
    let kept = thresh::strip::render(&a.lines, &a.verdicts, false).text;
    // Strip removes whole lines (and joins a hard-wrapped paragraph's pieces with a space):
    // every word it keeps is a word of the input, in the input's order.
    let mut input = d.text.split_whitespace();
    for w in kept.split_whitespace() {
        assert!(input.any(|x| x == w), "{w:?} not in the input, in order");
    }
}
