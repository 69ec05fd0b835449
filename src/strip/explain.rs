//! `thresh explain`: a document line by line with strip's decision and its reason, so that
//! "why did this line go?" has an answer. Lines the model judged show its margin and the
//! features that weighed most.
//!
//! Format, one line per input line (blank lines included, so numbers match the file):
//!
//! ```text
//!    3 keep                            | The council approved the budget on Thursday.
//!    4 DROP breadcrumb                 | Home › News › Local
//!    5 DROP model:link_list      -1.62 | Contact us  [short_run -1.3, log_words -0.9]
//! ```

use super::{analyze, model, Counts};
use std::fmt::Write;

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Renders the explanation of `text` (repetition counts from `counts` when given). `color`
/// adds ANSI colours: green kept lines, red removed ones.
pub fn render(text: &str, counts: Option<&Counts>, color: bool) -> String {
    let a = analyze(text, counts);
    let m = model::model();
    let prose: Vec<bool> = a.lines.iter().map(super::Line::is_prose).collect();
    let ctx = model::DocContext::new(&a.lines, &a.repeats, &prose, a.lang != 0);
    let mut out = String::with_capacity(text.len() * 2);
    let mut k = 0;
    let count = text.split('\n').count() - usize::from(text.ends_with('\n'));
    let mut n = 0;
    while n < count {
        let no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        n += 1;
        if k >= a.lines.len() || a.lines[k].no != no {
            let _ = writeln!(out, "{no:5} {:<32}|", "");
            continue;
        }
        let (line, v) = (&a.lines[k], &a.verdicts[k]);
        let decision = match v.rule {
            None => match v.kept_by {
                Some(why) => format!("keep {why}"),
                None => "keep".to_string(),
            },
            Some(r) => format!("DROP {r}"),
        };
        let score = v.score.map(|s| format!("{s:+.2}")).unwrap_or_default();
        let mut why = String::new();
        if let (Some(m), Some(_)) = (m, v.score) {
            let x = model::features(&ctx, k);
            let top: Vec<String> = m
                .contributions(&x)
                .into_iter()
                .filter(|(name, _)| *name != "bias")
                .take(3)
                .map(|(name, c)| format!("{name} {c:+.1}"))
                .collect();
            why = format!("  [{}]", top.join(", "));
        }
        if a.repeats[k] > 1 {
            why.push_str(&format!("  (in {} unrelated documents)", a.repeats[k]));
        }
        let (c0, c1, d) = match (color, v.rule.is_some()) {
            (false, _) => ("", "", ""),
            (true, false) => (GREEN, RESET, DIM),
            (true, true) => (RED, RESET, DIM),
        };
        // A hard-wrapped paragraph: its first piece carries the decision, the others follow.
        let mut pieces = line.text.split('\n');
        let _ = writeln!(
            out,
            "{no:5} {c0}{decision:<25}{c1} {score:>6}| {c0}{}{c1}{d}{why}{c1}",
            pieces.next().unwrap_or("").trim_end()
        );
        for piece in pieces {
            n += 1;
            let _ = writeln!(
                out,
                "{n:5} {c0}{:<32}{c1}| {c0}{}{c1}",
                "  (wrapped)",
                piece.trim()
            );
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_appears_with_its_number() {
        let text = "Home › News › World\n\nThe council approved the new budget after a long debate on Thursday night.\n3 hours ago";
        let r = render(text, None, false);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines.len(), 4, "{r}");
        assert!(lines[0].contains("DROP breadcrumb"), "{r}");
        assert!(lines[2].contains("keep"), "{r}");
        assert!(lines[3].contains("DROP timestamp"), "{r}");
        assert!(!r.contains('\x1b'));
        assert!(render(text, None, true).contains(RED));
    }

    #[test]
    fn a_wrapped_paragraph_shows_each_physical_line() {
        let para = [
            "The committee met on Tuesday to discuss the budget for the coming year, and",
            "after a long debate it agreed to raise spending on schools and roads while",
            "cutting the administrative costs that had grown over the last decade, and it",
            "asked the mayor to report on the savings before the end of the next quarter.",
        ];
        let text = format!("Local news\n\n{}\n", para.join("\n"));
        let r = render(&text, None, false);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines.len(), 6, "{r}");
        assert!(lines[2].starts_with("    3 keep"), "{r}");
        for (k, piece) in para.iter().enumerate() {
            assert!(lines[2 + k].contains(piece), "{r}");
            assert!(lines[2 + k].starts_with(&format!("{:5}", 3 + k)), "{r}");
        }
        assert!(lines[3].contains("(wrapped)"), "{r}");
    }
}
