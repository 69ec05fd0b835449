//! Property tests of the strip stage (issue 4): whatever the input, strip only removes whole
//! lines. It never adds text and never reorders lines, with or without corpus counts.

use proptest::prelude::*;
use thresh::strip::{self, repetition, Counts};

/// Lines that look like web text: prose, chrome, numbers, separators, other scripts.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ,.'’!?:|/»›•·-]{0,80}",
        "[0-9:./ -]{0,20}",
        "\\PC{0,60}",
        Just("Home › News › World".to_string()),
        Just("3 hours ago".to_string()),
        Just("Related Articles".to_string()),
        Just("By Jane Doe".to_string()),
        Just("The council approved the new budget after a long debate on Thursday.".to_string()),
        Just("東京で会議が開かれた。".to_string()),
        Just("   ".to_string()),
    ]
}

fn doc() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..30).prop_map(|v| v.join("\n"))
}

/// True when `sub`'s lines appear in `full`'s trimmed non-blank lines, in order.
fn is_subsequence(sub: &str, full: &str) -> bool {
    let mut it = full.split('\n').map(str::trim).filter(|l| !l.is_empty());
    sub.split('\n')
        .filter(|l| !l.is_empty())
        .all(|s| it.any(|f| f == s))
}

fn stripped(text: &str, counts: Option<&Counts>) -> String {
    let a = strip::analyze(text, counts);
    a.lines
        .iter()
        .zip(&a.verdicts)
        .filter(|(_, v)| v.rule.is_none())
        .map(|(l, _)| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #[test]
    fn strip_never_adds_or_reorders(text in doc()) {
        let out = stripped(&text, None);
        prop_assert!(out.len() <= text.len());
        prop_assert!(is_subsequence(&out, &text), "output:\n{out}\ninput:\n{text}");
    }

    #[test]
    fn strip_with_counts_never_adds_or_reorders(docs in prop::collection::vec(doc(), 1..6)) {
        let sigs: Vec<_> = docs.iter().map(|d| repetition::signature(d)).collect();
        let counts = Counts::build(&sigs);
        for d in &docs {
            let out = stripped(d, Some(&counts));
            prop_assert!(is_subsequence(&out, d), "output:\n{out}\ninput:\n{d}");
        }
    }

    #[test]
    fn removals_account_for_every_line(text in doc()) {
        let a = strip::analyze(&text, None);
        let blank = text.split('\n').filter(|l| l.trim().is_empty()).count();
        prop_assert_eq!(a.lines.len() + blank, text.split('\n').count());
        for (l, v) in a.lines.iter().zip(&a.verdicts) {
            prop_assert!(v.rule.is_none_or(|r| !r.is_empty()));
            prop_assert!(!l.text.is_empty());
        }
    }
}
