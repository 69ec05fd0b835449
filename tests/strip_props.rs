//! Property tests of the strip stage (issue 4): whatever the input, strip only removes whole
//! lines. It never adds text and never reorders lines, with or without corpus counts. (A
//! logical line may be several physical lines of a hard-wrapped paragraph: its pieces are
//! consecutive lines of the input.)

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

/// True when `sub`'s lines, trimmed, appear in `full`'s trimmed non-blank lines, in order.
fn is_subsequence(sub: &str, full: &str) -> bool {
    let mut it = full.split('\n').map(str::trim).filter(|l| !l.is_empty());
    sub.split('\n')
        .map(str::trim)
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
        // Each logical line stands for its physical lines, blank lines for themselves.
        let physical: usize = a.lines.iter().map(|l| 1 + l.text.matches('\n').count()).sum();
        prop_assert_eq!(physical + blank, text.split('\n').count());
        for (l, v) in a.lines.iter().zip(&a.verdicts) {
            prop_assert!(v.rule.is_none_or(|r| !r.is_empty()));
            prop_assert!(!l.text.is_empty());
        }
    }
}

/// Greedy wrapping of every line longer than `width` characters (what `fmt` does).
fn hard_wrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut cur = 0;
        let mut l = String::new();
        for w in line.split(' ') {
            let n = w.chars().count();
            if cur > 0 && cur + 1 + n > width {
                l.push('\n');
                cur = 0;
            } else if cur > 0 {
                l.push(' ');
                cur += 1;
            }
            l.push_str(w);
            cur += n;
        }
        out.push(l);
    }
    out.join("\n")
}

/// The words strip keeps, in order.
fn kept_words(text: &str) -> Vec<String> {
    let a = strip::analyze(text, None);
    a.lines
        .iter()
        .zip(&a.verdicts)
        .filter(|(_, v)| v.rule.is_none())
        .flat_map(|(l, _)| {
            l.output()
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A document hard-wrapped at a usual width keeps what it keeps unwrapped (the seeds: news
/// articles with their chrome), so strip neither drops wrapped paragraphs as short
/// non-sentences nor lets two copies wrapped at different widths drift apart.
#[test]
fn hard_wrapping_does_not_change_what_is_kept() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let plain = kept_words(&text);
        assert!(plain.len() > 100, "{f:?}");
        for width in [60, 72, 80] {
            let wrapped = kept_words(&hard_wrap(&text, width));
            assert_eq!(wrapped, plain, "{f:?} wrapped at {width}");
        }
    }
}
