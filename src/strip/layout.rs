//! Strip's layout normalization on its own (what `--no-strip` keeps of strip): every line
//! trimmed, blank lines dropped, the rest joined by `\n`.
//!
//! One pass over the text 32 bytes a step: a block's newlines come out of one compare (AVX2
//! on x86-64-v3, a loop elsewhere), and most lines (starting and ending with a visible ASCII
//! character) are kept as they are without a search or a trim of their own. The output is
//! the text with some byte ranges left out (blank lines, the spaces trimmed off), so it is
//! copied a run of unchanged lines at a time, not a line at a time. It was one `memchr`
//! call, one trim and two pushes a line: 921,000 lines in the dedup corpus's 20,000 texts.

/// Bytes a step of the newline search.
const BLOCK: usize = 32;

/// Writes into `out` the text with every line trimmed and blank lines dropped; `false` when
/// that is the text as it is (`out` then holds anything). The output is built lazily: up to
/// the first line that changes nothing is copied.
pub(super) fn layout_normalized(text: &str, out: &mut String) -> bool {
    let bytes = text.as_bytes();
    let mut n = Normalizer {
        text,
        out,
        run: None,
        copying: false,
    };
    let mut start = 0;
    let mut at = 0;
    while let Some(block) = bytes.get(at..at + BLOCK) {
        let mut m = newline_mask(block.try_into().unwrap_or(&[0; BLOCK]));
        while m != 0 {
            let end = at + m.trailing_zeros() as usize;
            n.line(start, end);
            start = end + 1;
            m &= m - 1;
        }
        at += BLOCK;
    }
    for k in memchr::memchr_iter(b'\n', &bytes[at..]) {
        n.line(start, at + k);
        start = at + k + 1;
    }
    n.line(start, bytes.len());
    n.finish()
}

/// The output as ranges of the text: `run` is the kept text not yet copied (consecutive
/// unchanged lines merge into one run), `copying` says whether `out` holds the output so far.
struct Normalizer<'a> {
    text: &'a str,
    out: &'a mut String,
    run: Option<(usize, usize)>,
    copying: bool,
}

impl Normalizer<'_> {
    /// The line `text[s..e]` (its `\n` at `e`, or the text's end).
    #[inline(always)]
    fn line(&mut self, s: usize, e: usize) {
        let b = self.text.as_bytes();
        let (ts, te) = match (b.get(s), e.checked_sub(1).and_then(|l| b.get(l))) {
            (Some(f), Some(l)) if e > s && f.is_ascii_graphic() && l.is_ascii_graphic() => (s, e),
            _ => {
                // `str::trim`, as `features::trim` does past its shortcut.
                let t = self.text[s..e].trim_start();
                let ts = e - t.len();
                (ts, ts + t.trim_end().len())
            }
        };
        if ts == te {
            return;
        }
        match self.run {
            // The previous kept line ended at its `\n` and this one starts right after it:
            // the text between them is the output's separator.
            Some((rs, re)) if re + 1 == ts => self.run = Some((rs, te)),
            Some((rs, re)) => {
                self.copy(rs, re);
                self.out.push('\n');
                self.run = Some((ts, te));
            }
            None => self.run = Some((ts, te)),
        }
    }

    fn copy(&mut self, s: usize, e: usize) {
        if !self.copying {
            self.out.clear();
            self.copying = true;
        }
        self.out.push_str(&self.text[s..e]);
    }

    fn finish(mut self) -> bool {
        match self.run {
            Some((0, e)) if !self.copying && e == self.text.len() => false,
            Some((s, e)) => {
                self.copy(s, e);
                true
            }
            None => {
                self.out.clear();
                true
            }
        }
    }
}

/// Bit k set when byte k of the block is `\n`.
#[inline(always)]
fn newline_mask(block: &[u8; BLOCK]) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        use safe_arch::{cmp_eq_mask_i8_m256i, m256i, move_mask_i8_m256i, set_splat_i8_m256i};
        move_mask_i8_m256i(cmp_eq_mask_i8_m256i(
            m256i::from(*block),
            set_splat_i8_m256i(b'\n' as i8),
        )) as u32
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        newline_mask_scalar(block)
    }
}

/// [`newline_mask`] a byte at a time: the fallback, and the reference of the tests.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "avx2"), allow(dead_code))]
fn newline_mask_scalar(block: &[u8; BLOCK]) -> u32 {
    block
        .iter()
        .enumerate()
        .fold(0, |m, (k, &c)| m | u32::from(c == b'\n') << k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the normalization means: trim every line, drop the blank ones, join by `\n`.
    fn reference(s: &str) -> String {
        let kept: Vec<&str> = s
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        kept.join("\n")
    }

    fn check(s: &str) {
        let want = reference(s);
        let mut got = "stale".to_string();
        if layout_normalized(s, &mut got) {
            // (The empty text counts as changed, as it always did: its output is empty too.)
            if !s.is_empty() {
                assert_ne!(s, want, "said changed, but the text is its own normal form");
            }
            assert_eq!(got, want, "{s:?}");
        } else {
            assert_eq!(s, want, "said unchanged: {s:?}");
        }
    }

    #[test]
    fn edges() {
        for s in [
            "",
            "\n",
            "\n\n",
            " ",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "a\n\nb",
            "a \nb",
            "a\n b",
            "\u{a0}a\u{a0}\nb",
            "a\n\u{3000}\nb",
            "x\t",
        ] {
            check(s);
        }
        // Lines across block edges, and blocks full of newlines.
        for n in [31, 32, 33, 63, 64, 65] {
            check(&"x".repeat(n));
            check(&format!("{}\n\n{}", "y".repeat(n), "z".repeat(n)));
            check(&"\n".repeat(n));
            check(&format!("{} \n{}", "é".repeat(n), "w".repeat(n)));
        }
    }

    proptest::proptest! {
        #[test]
        fn equals_split_trim_join(
            s in "([a-z.]{1,40}|[ \t\n]|\n\n|\u{a0}|é|\u{2003}){0,60}"
        ) {
            check(&s);
        }

        #[test]
        fn newline_mask_equals_scalar(
            v in proptest::collection::vec(
                proptest::prop_oneof![proptest::prelude::Just(b'\n'), proptest::prelude::any::<u8>()],
                BLOCK,
            )
        ) {
            let block: [u8; BLOCK] = v.try_into().unwrap_or([0; BLOCK]);
            proptest::prop_assert_eq!(newline_mask(&block), newline_mask_scalar(&block));
        }
    }
}
