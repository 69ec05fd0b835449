//! The strip stage: removes web chrome (bylines, timestamps, breadcrumbs, metadata labels,
//! comment forms, widget lists, author boxes) from scraped text, line by line, and records
//! each removed line with the rule that removed it.
//!
//! Two layers. Line rules ([`rules`]) judge a line by its shape alone. Context rules then look
//! at where a line stands: a widget header after the body ends it, a name line followed by a
//! paragraph that opens with the same name is an author box, and short non-sentences after
//! the last paragraph are trailing chrome. Headlines, datelines and quotations are content:
//! no rule removes a line for being short alone.
//!
//! Output text: the kept lines, trimmed, blank lines dropped, joined by one `\n`.

pub mod lexicon;
pub mod rules;

use crate::doc::{Doc, Removal};

/// One non-blank line of a document and its shape.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// 1-based line number in the document.
    pub no: u32,
    /// The line, trimmed.
    pub text: &'a str,
    /// Whitespace-separated tokens holding a letter or digit.
    pub words: usize,
    /// Ends like a sentence.
    pub sentence: bool,
}

impl<'a> Line<'a> {
    pub fn new(no: u32, text: &'a str) -> Self {
        let text = text.trim();
        let words = text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        Line {
            no,
            text,
            words,
            sentence: rules::ends_sentence(text),
        }
    }

    /// A paragraph of running text: the body of a document is made of these.
    pub fn is_prose(&self) -> bool {
        self.sentence && self.words >= 8
    }
}

/// A line rule: true when the line is chrome of the rule's kind.
pub type Rule = fn(&Line) -> bool;

/// Line rules, in the order they are tried; the first that matches names the removal.
const LINE_RULES: &[(&str, Rule)] = &[
    ("timestamp", rules::timestamp),
    ("breadcrumb", rules::breadcrumb),
    ("comment_form", rules::comment_form),
    ("byline", rules::byline),
    ("label_value", rules::label_value),
];

/// Most lines after the last paragraph that still count as a trailing chrome block.
const MAX_TRAILING: usize = 8;
/// Longest line (in words) that trailing chrome may have.
const MAX_TRAILING_WORDS: usize = 6;

/// Decides, for each non-blank line, whether it is kept (`None`) or which rule removes it.
pub fn classify(lines: &[Line]) -> Vec<Option<&'static str>> {
    let mut verdict: Vec<Option<&'static str>> = lines
        .iter()
        .map(|l| {
            LINE_RULES
                .iter()
                .find(|(_, rule)| rule(l))
                .map(|(name, _)| *name)
        })
        .collect();

    // A widget header after the body has started ends the body, if less text follows it
    // than came before it.
    let total: usize = lines.iter().map(|l| l.words).sum();
    let mut before = 0;
    let mut body = false;
    for (i, l) in lines.iter().enumerate() {
        if body && verdict[i].is_none() && rules::widget_header(l) && before * 2 > total - l.words {
            for v in verdict.iter_mut().skip(i) {
                *v = Some("widget_block");
            }
            break;
        }
        body |= l.is_prose() && verdict[i].is_none();
        before += l.words;
    }

    // Author box: a name line, then a paragraph opening with that name, after the body has
    // started and with no paragraph of the body after it (it closes the article).
    let body_end = verdict
        .iter()
        .position(|v| *v == Some("widget_block"))
        .unwrap_or(lines.len());
    let first_prose = lines.iter().position(Line::is_prose).unwrap_or(body_end);
    for i in first_prose + 1..body_end.saturating_sub(1) {
        let (name, next) = (&lines[i], &lines[i + 1]);
        let closes = (i + 2..body_end).all(|j| verdict[j].is_some() || !lines[j].is_prose());
        if closes
            && verdict[i].is_none()
            && rules::name_line(name)
            && next.words > name.words + 3
            && next.text.starts_with(name.text)
            && next.text[name.text.len()..].starts_with(' ')
        {
            verdict[i] = Some("author_bio");
            verdict[i + 1] = Some("author_bio");
        }
    }

    // Trailing chrome: short non-sentences after the last kept paragraph.
    if let Some(last) = (0..lines.len())
        .rev()
        .find(|&i| verdict[i].is_none() && lines[i].is_prose())
    {
        let tail: Vec<usize> = (last + 1..lines.len())
            .filter(|&i| verdict[i].is_none())
            .collect();
        if !tail.is_empty()
            && tail.len() <= MAX_TRAILING
            && tail
                .iter()
                .all(|&i| lines[i].words <= MAX_TRAILING_WORDS && !lines[i].sentence)
        {
            for i in tail {
                verdict[i] = Some("trailing_chrome");
            }
        }
    }
    verdict
}

/// Splits text into its non-blank lines with their 1-based numbers.
pub fn lines_of(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Line::new(u32::try_from(i + 1).unwrap_or(u32::MAX), l))
        .collect()
}

/// Runs strip over a document: keeps content lines, records every removed one.
pub fn apply(doc: &mut Doc) {
    let lines = lines_of(&doc.text);
    let verdict = classify(&lines);
    let mut out = String::with_capacity(doc.text.len());
    let mut removed = Vec::new();
    for (l, v) in lines.iter().zip(verdict) {
        match v {
            Some(rule) => removed.push(Removal {
                line: l.no,
                rule,
                text: l.text.to_string(),
            }),
            None => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(l.text);
            }
        }
    }
    doc.changes.lines_removed = u32::try_from(removed.len()).unwrap_or(u32::MAX);
    doc.changes.removed = removed;
    doc.text = out;
}

/// Keeps only the layout normalization of strip (trim, drop blank lines), removing nothing.
pub fn normalize_only(doc: &mut Doc) {
    let lines = lines_of(&doc.text);
    doc.text = lines.iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, Vec<(&'static str, String)>) {
        let lines = lines_of(text);
        let v = classify(&lines);
        let kept: Vec<&str> = lines
            .iter()
            .zip(&v)
            .filter(|(_, v)| v.is_none())
            .map(|(l, _)| l.text)
            .collect();
        let gone = lines
            .iter()
            .zip(&v)
            .filter_map(|(l, v)| v.map(|r| (r, l.text.to_string())))
            .collect();
        (kept.join("\n"), gone)
    }

    const PARA: &str =
        "The committee met on Thursday to discuss the new budget proposal for the coming year.";

    #[test]
    fn widget_block_ends_body() {
        let text = format!("Title of a story\n{PARA}\n{PARA}\n{PARA}\nRelated Articles\nOther story one\nOther story two");
        let (kept, gone) = run(&text);
        assert_eq!(kept, format!("Title of a story\n{PARA}\n{PARA}\n{PARA}"));
        assert_eq!(gone.len(), 3);
        assert!(gone.iter().all(|(r, _)| *r == "widget_block"));
    }

    #[test]
    fn widget_header_before_body_is_kept() {
        let text = format!("Related Articles\n{PARA}\n{PARA}");
        assert_eq!(run(&text).0, text);
    }

    #[test]
    fn author_box_and_trailing_chrome() {
        let text = format!(
            "{PARA}\n{PARA}\nJane Porter\nJane Porter covers science and health for the paper since 2010.\nShare\nTweet"
        );
        let (kept, gone) = run(&text);
        assert_eq!(kept, format!("{PARA}\n{PARA}"));
        let rules: Vec<_> = gone.iter().map(|g| g.0).collect();
        assert_eq!(
            rules,
            [
                "author_bio",
                "author_bio",
                "trailing_chrome",
                "trailing_chrome"
            ]
        );
    }

    #[test]
    fn headlines_and_short_quotes_are_kept() {
        let text = format!("Markets Rally as Inflation Cools\n{PARA}\n“Yes.”\n{PARA}");
        assert_eq!(run(&text).0, text);
    }
}
