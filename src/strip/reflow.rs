//! Hard-wrapped text: paragraphs broken into lines at a fixed width (plain-text mail,
//! READMEs, e-texts, text a scraper or an editor re-wrapped). Strip judges lines, and a
//! wrapped paragraph's lines are not sentences on their own: they end mid-sentence and look
//! like the short non-sentences chrome is made of. Two copies of one article wrapped at
//! different widths would also keep different text, and near-duplicate detection, which
//! fingerprints what strip keeps, would miss them. This module finds the wrapped paragraphs
//! so that strip measures, judges and outputs each as one line (its pieces joined by a
//! space: the output's paragraphs are single lines).
//!
//! Greedy wrapping at width W (what `fmt`, `fold -s`, editors and Python's `textwrap` do)
//! leaves a tell: a line is broken only where the next word would not fit, so
//! `len(line) + 1 + len(first word of the next line) > W`, while an ordinary line break
//! (a heading, a list item, a short paragraph) leaves room for that word. Widths are in
//! characters, with runs of whitespace counted as one (text is often re-spaced after it
//! was wrapped).
//!
//! A document counts as wrapped when its longest line of two words or more and at most
//! [`MAX_WIDTH`] characters (W) is at least [`MIN_WIDTH`] wide and at least [`MIN_FULL`]
//! lines, and a quarter of its lines, fill it to within an eighth. Lines wider than W (a
//! URL, a table row, a paragraph that was never wrapped) stay as they are; more than
//! [`MAX_WIDER`] of them (or an eighth of the lines) and the document is not wrapped. Then each line joins the next when
//! both are non-blank and the wrap tell holds, unless the line ends a sentence (a sentence
//! boundary may as well end a list item or a paragraph: those stay apart; a paragraph split
//! there is two sentences, judged as such), the next starts with a list marker (`-`, `*`,
//! `•`, `+`, `>`, `#`), or the next is indented less than a line that itself continued a
//! paragraph (changelogs and lists indent their continuation lines; a first-line indent
//! may be deeper than the rest). A first look at the lines' byte lengths (few lines near
//! the longest one of at most 4 × [`MAX_WIDTH`] bytes) sets most documents aside (web text:
//! one paragraph a line, of all lengths) before any character is counted.

use super::features::ends_sentence;

/// Narrowest wrap width considered.
pub const MIN_WIDTH: usize = 30;
/// Widest wrap width considered (132: the old wide terminal).
pub const MAX_WIDTH: usize = 132;
/// Fewest lines filled to near the width for a document to count as wrapped.
pub const MIN_FULL: usize = 3;
/// Most lines wider than the width a wrapped document may have (or an eighth of its lines,
/// if more).
pub const MAX_WIDER: usize = 2;

/// One logical line of a document: `text[start..end]`, trimmed, starting on line `no`
/// (1-based); `wrapped` when it is several physical lines of a wrapped paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub no: u32,
    pub wrapped: bool,
}

/// Width of a line in characters with each run of whitespace (ASCII or no-break) counted as
/// one, and the
/// width of its first word. Bytes, not chars: a character is a byte that is not a UTF-8
/// continuation byte.
fn widths(line: &str) -> (usize, usize) {
    let bytes = line.as_bytes();
    if bytes.is_ascii() {
        ascii_widths(bytes)
    } else {
        any_widths(bytes)
    }
}

/// [`widths`] of any line, a character at a time.
fn any_widths(bytes: &[u8]) -> (usize, usize) {
    let mut width = 0;
    let mut first = 0;
    let mut in_space = false;
    let mut in_first = true;
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xC0 == 0x80 {
            continue;
        }
        // ASCII whitespace or a no-break space (U+00A0, C2 A0).
        if b.is_ascii_whitespace() || b == 0xC2 && bytes.get(i + 1) == Some(&0xA0) {
            width += usize::from(!in_space);
            in_space = true;
            in_first = false;
        } else {
            width += 1;
            in_space = false;
            first += usize::from(in_first);
        }
    }
    (width, first)
}

/// [`widths`] of an ASCII line, without a branch per byte: every byte counts one except a
/// whitespace byte that follows another (a run of whitespace counts one); the first word ends
/// at the first whitespace byte.
fn ascii_widths(bytes: &[u8]) -> (usize, usize) {
    let ws = |b: u8| u8::from(b.is_ascii_whitespace());
    let doubled: usize = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .map(|(&a, &b)| usize::from(ws(a) & ws(b)))
        .sum();
    let first = bytes
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(bytes.len());
    (bytes.len() - doubled, first)
}

/// Bytes a bucket of [`filled_somewhere`]'s histogram.
const BUCKET: usize = 8;
const BUCKETS: usize = MAX_WIDTH * 4 / BUCKET + 1;

/// True when, for the length L of some line of at least [`MIN_WIDTH`] and at most
/// 4 × [`MAX_WIDTH`] bytes, a quarter of the lines (and at least [`MIN_FULL`]) have between
/// 3/4 L and L bytes (to the bucket).
fn filled_somewhere(lines: &[Physical]) -> bool {
    let mut hist = [0u32; BUCKETS + 1];
    for &(s, e, _, _) in lines {
        if e - s <= MAX_WIDTH * 4 {
            hist[(e - s) / BUCKET] += 1;
        }
    }
    // above[b]: lines in buckets b and up.
    let mut above = [0u32; BUCKETS + 2];
    for b in (0..=BUCKETS).rev() {
        above[b] = above[b + 1] + hist[b];
    }
    let needed = MIN_FULL.max(lines.len().div_ceil(4)) as u32;
    (MIN_WIDTH / BUCKET..=BUCKETS).rev().any(|b| {
        let len = b * BUCKET + BUCKET - 1;
        let lo = (len - len / 4) / BUCKET;
        hist[b] > 0 && above[lo] - above[b + 1] >= needed
    })
}

fn starts_list_item(line: &str) -> bool {
    line.starts_with(['-', '*', '•', '+', '>', '#', '–', '—', '·'])
}

/// A physical line: `text[start..end]` trimmed, its 1-based line number, and its
/// indentation in bytes.
pub type Physical = (usize, usize, u32, usize);

/// Joins the physical lines of `text` (non-blank, trimmed; blank lines are absent, so a gap
/// in the numbers is a blank line) into logical lines.
pub fn join(text: &str, lines: &[Physical]) -> Vec<Span> {
    let plain = || {
        lines
            .iter()
            .map(|&(start, end, no, _)| Span {
                start,
                end,
                no,
                wrapped: false,
            })
            .collect()
    };
    // A first look in bytes, so that most documents cost one pass over the line lengths. A
    // line longer than 4 bytes × MAX_WIDTH is wider than any wrap width: a URL, a table row,
    // a paragraph never wrapped; it stays as it is and the rest may still be wrapped. A
    // wrapped document has many lines filled to near some length: some byte length L must
    // have a quarter of the lines (and at least MIN_FULL) between 3/4 L and L. Lengths are
    // counted in 8-byte buckets, L tried from the longest down.
    if lines.len() < MIN_FULL || !filled_somewhere(lines) {
        return plain();
    }
    // Lines too long for any wrap width are not measured.
    let shapes: Vec<(usize, usize)> = lines
        .iter()
        .map(|&(s, e, _, _)| {
            if e - s > MAX_WIDTH * 4 {
                (usize::MAX / 2, 0)
            } else {
                widths(&text[s..e])
            }
        })
        .collect();
    // The width: the longest line that could have been broken (two words or more) and is
    // no wider than a wrap width can be; wider lines are never joined.
    let width = shapes
        .iter()
        .filter(|&&(w, f)| w > f && w <= MAX_WIDTH)
        .map(|&(w, _)| w)
        .max()
        .unwrap_or(0);
    // Lines wider than the width are the exception in wrapped text (a URL, a table row); a
    // page of long paragraphs with a few short lines of similar length is not wrapped.
    let wider = shapes.iter().filter(|&&(w, _)| w > width).count();
    if width < MIN_WIDTH || wider > MAX_WIDER.max(lines.len() / 8) {
        return plain();
    }
    let near = width - width / 8;
    let full = shapes
        .iter()
        .filter(|&&(w, f)| w > f && w >= near && w <= width)
        .count();
    if full < MIN_FULL || full * 4 < lines.len() {
        return plain();
    }
    let mut out: Vec<Span> = Vec::with_capacity(lines.len());
    for (i, &(start, end, no, indent)) in lines.iter().enumerate() {
        let joins_previous = i > 0 && {
            let (ps, pe, pno, pindent) = lines[i - 1];
            let (pw, _) = shapes[i - 1];
            let (w, first) = shapes[i];
            let continuing = out.last().is_some_and(|s| s.wrapped);
            pno + 1 == no
                && pw <= width
                && w <= width
                && pw + 1 + first > width
                && !ends_sentence(&text[ps..pe])
                && !starts_list_item(&text[start..end])
                && !(continuing && indent < pindent)
        };
        match out.last_mut() {
            Some(last) if joins_previous => {
                last.end = end;
                last.wrapped = true;
            }
            _ => out.push(Span {
                start,
                end,
                no,
                wrapped: false,
            }),
        }
    }
    out
}

/// The text of a logical line as output: a wrapped paragraph's pieces joined by one space.
pub fn unwrap(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// The byte length of [`unwrap`]`(text)`, without building it.
pub fn unwrapped_len(text: &str) -> usize {
    let (mut len, mut pieces) = (0usize, 0usize);
    for piece in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        len += piece.len();
        pieces += 1;
    }
    len + pieces.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ascii_widths_equal_the_general_count(s in "[ a-z.\t\x0c\r\x0b]{0,60}") {
            prop_assert_eq!(ascii_widths(s.as_bytes()), any_widths(s.as_bytes()));
        }
    }

    #[test]
    fn widths_count_runs_of_spaces_once() {
        assert_eq!(widths("ab  cd\t \te"), (7, 2));
        assert_eq!(widths("abc"), (3, 3));
        assert_eq!(widths("é\u{a0}\u{a0} x"), (3, 1));
        assert_eq!(widths(""), (0, 0));
    }

    /// The non-blank trimmed lines of `text` as `join` takes them.
    fn physical(text: &str) -> Vec<Physical> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, l) in text.split('\n').enumerate() {
            let t = l.trim();
            if !t.is_empty() {
                let indent = t.as_ptr() as usize - l.as_ptr() as usize;
                let s = start + indent;
                out.push((s, s + t.len(), i as u32 + 1, indent));
            }
            start += l.len() + 1;
        }
        out
    }

    fn logical(text: &str) -> Vec<String> {
        join(text, &physical(text))
            .iter()
            .map(|s| {
                let t = &text[s.start..s.end];
                assert_eq!(unwrapped_len(t), unwrap(t).len());
                unwrap(t)
            })
            .collect()
    }

    /// Greedy wrapping, as `textwrap`/`fmt` do it.
    fn wrap(paragraph: &str, width: usize) -> String {
        let mut out = String::new();
        let mut cur = 0;
        for w in paragraph.split(' ') {
            if cur > 0 && cur + 1 + w.chars().count() > width {
                out.push('\n');
                cur = 0;
            } else if cur > 0 {
                out.push(' ');
                cur += 1;
            }
            out.push_str(w);
            cur += w.chars().count();
        }
        out
    }

    const P1: &str = "The committee met on Tuesday to discuss the budget for the coming \
        year, and after a long debate it agreed to raise spending on schools and roads while \
        cutting the administrative costs that had grown over the last decade.";
    const P2: &str = "Residents who attended the meeting said they were pleased with the \
        outcome, although several asked why the plan did not include more money for public \
        transport in the northern districts of the city.";

    #[test]
    fn wrapped_paragraphs_become_one_line_each_at_any_width() {
        for width in [40, 60, 72, 80, 90] {
            let text = format!("{}\n\n{}\n", wrap(P1, width), wrap(P2, width));
            assert_eq!(
                logical(&text),
                vec![P1.to_string(), P2.to_string()],
                "{width}"
            );
        }
        // Paragraphs separated by a single line break: the short last line of a paragraph
        // leaves room for the next word.
        let text = format!("{}\n{}", wrap(P1, 70), wrap(P2, 70));
        assert_eq!(logical(&text), vec![P1.to_string(), P2.to_string()]);
    }

    #[test]
    fn a_long_line_stays_apart_and_the_rest_is_still_joined() {
        let url = format!("https://example.org/{}", "a".repeat(600));
        let long = format!("{P2} {P2}");
        let text = format!("{}\n{url}\n\n{long}\n\n{}", wrap(P1, 72), wrap(P2, 72));
        assert_eq!(
            logical(&text),
            vec![P1.to_string(), url, long, P2.to_string()]
        );
    }

    #[test]
    fn long_paragraphs_with_short_lines_of_similar_length_are_not_wrapped() {
        let text = format!(
            "Council backs park on old rail yard\nBy Staff Writer\n{P1}\n{P2}\n{P1}\n{P2}\n\
             Related Articles\nMayor opens new bridge downtown\nSchool budget talks stall again"
        );
        let phys = physical(&text);
        assert!(join(&text, &phys).iter().all(|s| !s.wrapped));
    }

    #[test]
    fn re_spaced_wrapped_text_is_joined() {
        for spaces in ["  ", " \u{a0}", "\t"] {
            let text = wrap(P1, 64).replace(' ', spaces).replace('\n', " \t\n ");
            let l = logical(&text);
            assert_eq!(l.len(), 1, "{l:?}");
            assert_eq!(l[0].split_whitespace().collect::<Vec<_>>().join(" "), P1);
        }
    }

    #[test]
    fn unwrapped_text_is_left_alone() {
        // One paragraph a line (web text), headings, menus, lists of short items.
        for text in [
            format!("Local news\n{P1}\n{P2}\nShare this article"),
            "Home\nNews\nSport\nWeather\nContact us\nAbout".to_string(),
            "Ingredients\n2 cups of flour\n1 cup of sugar\n3 eggs\nA pinch of salt".to_string(),
        ] {
            let phys = physical(&text);
            let spans = join(&text, &phys);
            assert_eq!(spans.len(), phys.len(), "{text}");
            assert!(spans.iter().all(|s| !s.wrapped));
        }
    }

    /// Greedy wrapping with a first-line and a continuation prefix (a list item).
    fn wrap_item(item: &str, width: usize, first: &str, rest: &str) -> String {
        let body = wrap(item, width - rest.len());
        let mut out = String::new();
        for (i, l) in body.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(if i == 0 { first } else { rest });
            out.push_str(l);
        }
        out
    }

    #[test]
    fn changelog_items_stay_apart() {
        let items = [
            "Removed pls from application/pls+xml, conflicting with audio/x-scpls and with the \
             older entry for playlists that a user reported",
            "Removed ica from application/vnd.commerce-battelle, which nobody uses in practice \
             any more as far as anyone could tell from the bug reports",
            "Sync audio types with the registry and add the missing file extensions for the \
             image types that were registered since the last upload",
        ];
        let mut text: Vec<String> = items
            .iter()
            .map(|i| wrap_item(i, 76, "  * ", "    "))
            .collect();
        text.push(" -- Jane Doe <jane@example.org>  Sat, 02 Jan 2021 09:08:54 +0900".into());
        let l = logical(&text.join("\n"));
        assert_eq!(l.len(), 4, "{l:?}");
        for (got, item) in l.iter().zip(items) {
            assert_eq!(got, &format!("* {item}"));
        }
        assert!(l[3].starts_with("-- Jane Doe"));
    }

    #[test]
    fn a_list_of_full_sentences_is_not_merged() {
        // Items that happen to fill the width, each a sentence starting with a capital.
        let items = [
            "Keep the receipt until the end of the warranty period, please.",
            "Return the form within thirty days to receive the full refund.",
            "Contact the service desk if the parcel arrives damaged or late.",
            "Check the serial number printed on the back of the device now.",
        ];
        let text = items.join("\n");
        assert_eq!(logical(&text), items.to_vec());
    }
}
