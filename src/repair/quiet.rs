//! A quick proof that [`super::apply`] leaves a document as it is: the repair gate's own scan
//! ([`Scan::first_suspect`]), with its ASCII stretches checked 32 bytes a step.
//!
//! Most web texts are ASCII with a few other characters (a no-break space, `»`, `©`, curly
//! quotes: 6,428 of the dedup corpus's 20,000 texts have one, and only 43 need a fix), so
//! the gate walked nearly every byte of them one ASCII run at a time. Here a block's bytes
//! that are not plain ASCII come out of one mask (AVX2 on x86-64-v3, a loop elsewhere); each
//! run of non-ASCII bytes is handed to the scan alone. That is exact because the scan keeps
//! no state across an ASCII byte (its pair and NFC state are reset there, and it reads no
//! further than the character it decodes), so a text passes it whole exactly when every
//! ASCII byte is plain and every non-ASCII run passes it alone (`same_as_the_scan`).

use super::entities::has_markup;
use super::scan::Scan;
use super::{Entities, Options};

/// Bytes a step.
const BLOCK: usize = 32;

/// True only when [`super::apply`] with `opts` would change nothing and record nothing: no
/// `&` where references may be unescaped (decided for the document as `apply` decides it),
/// every other ASCII byte plain (printable, tab or newline), and the scan passes every run
/// of other characters. `false` says nothing: the caller repairs as usual.
pub fn untouched(text: &str, opts: &Options) -> bool {
    let b = text.as_bytes();
    // Whether `&` may start a reference to unescape: decided per document as `apply` does.
    let has_amp = memchr::memchr(b'&', b).is_some();
    let entities_ok = match opts.entities {
        Entities::On => true,
        Entities::Off => false,
        Entities::Auto => !has_amp || !has_markup(text),
    };
    let amp = entities_ok && opts.entities != Entities::Off;
    if has_amp && amp {
        return false;
    }
    let scan = Scan::new(opts, entities_ok);
    let mut at = 0;
    // The last short runs that passed the scan (0: none; no key is 0).
    let mut passed = [0u64; 4];
    let mut next = 0;
    while at < b.len() {
        let (bad, high) = match b.get(at..at + BLOCK) {
            Some(block) => masks(block.try_into().unwrap_or(&[0; BLOCK])),
            None => masks_scalar(&b[at..]),
        };
        let Some(k) = first_bit(bad) else {
            at += BLOCK;
            continue;
        };
        let start = at + k;
        if b[start] == b'&' {
            // Plain here (`amp` is off): go on from the next byte.
            at = start + 1;
            continue;
        }
        if b[start] < 0x80 {
            // A control character or DEL.
            return false;
        }
        // The run of non-ASCII bytes from `start`: to the first ASCII byte after it.
        let mut end = match first_bit(!high >> k) {
            Some(n) if k + n < BLOCK => start + n,
            _ => {
                let from = at + BLOCK;
                from + b
                    .get(from..)
                    .map_or(0, |r| r.iter().take_while(|&&c| c >= 0x80).count())
            }
        };
        end = end.min(b.len());
        let run = &b[start..end];
        // The scan's answer on a run depends on its bytes alone: a short run that passed
        // before in this text (the same no-break space or `»` again) passes again.
        let key = short_key(run);
        if key.is_none_or(|k| !passed.contains(&k)) {
            if scan.first_suspect(run).is_some() {
                return false;
            }
            if let Some(k) = key {
                passed[next] = k;
                next = (next + 1) % passed.len();
            }
        }
        at = end;
    }
    true
}

/// A run of one to seven bytes as one nonzero `u64` (its bytes, its length in the top byte).
#[inline(always)]
fn short_key(run: &[u8]) -> Option<u64> {
    if run.is_empty() || run.len() > 7 {
        return None;
    }
    let mut k = (run.len() as u64) << 56;
    for (j, &c) in run.iter().enumerate() {
        k |= u64::from(c) << (8 * j);
    }
    Some(k)
}

/// The index of the lowest set bit.
#[inline(always)]
fn first_bit(m: u32) -> Option<usize> {
    (m != 0).then(|| m.trailing_zeros() as usize)
}

/// For a block: bit k of the first mask set when byte k is not plain ASCII (a control other
/// than tab and newline, DEL, `&`, or not ASCII), of the second when it is not ASCII.
#[inline(always)]
fn masks(block: &[u8; BLOCK]) -> (u32, u32) {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        use safe_arch::{
            bitand_m256i, bitor_m256i, cmp_eq_mask_i8_m256i, cmp_gt_mask_i8_m256i, m256i,
            move_mask_i8_m256i, set_splat_i8_m256i,
        };
        let x = m256i::from(*block);
        let eq = |c: u8| cmp_eq_mask_i8_m256i(x, set_splat_i8_m256i(c as i8));
        // Signed compares: bytes from 0x80 up are negative, so `x > 0x1F` leaves them out.
        let printable = bitand_m256i(
            cmp_gt_mask_i8_m256i(x, set_splat_i8_m256i(0x1F)),
            cmp_gt_mask_i8_m256i(set_splat_i8_m256i(0x7F), x),
        );
        let amp = eq(b'&');
        let ok = bitor_m256i(
            bitor_m256i(eq(b'\t'), eq(b'\n')),
            // printable and not `&`: `&` is printable, so xor clears it.
            safe_arch::bitxor_m256i(printable, amp),
        );
        let bad = !(move_mask_i8_m256i(ok) as u32);
        (bad, move_mask_i8_m256i(x) as u32)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        masks_scalar(block)
    }
}

/// [`masks`] a byte at a time, of up to 32 bytes: the fallback, the text's last bytes, and
/// the reference of the tests.
fn masks_scalar(bytes: &[u8]) -> (u32, u32) {
    let (mut bad, mut high) = (0u32, 0u32);
    for (k, &c) in bytes.iter().take(BLOCK).enumerate() {
        let plain = (0x20..0x7F).contains(&c) && c != b'&' || c == b'\t' || c == b'\n';
        bad |= u32::from(!plain) << k;
        high |= u32::from(c >= 0x80) << k;
    }
    (bad, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_options() -> Vec<Options> {
        let mut v = Vec::new();
        for nfc in [false, true] {
            for quotes in [false, true] {
                for entities in [Entities::Auto, Entities::On, Entities::Off] {
                    v.push(Options {
                        nfc,
                        uncurl_quotes: quotes,
                        entities,
                        ..Options::default()
                    });
                }
            }
        }
        v
    }

    /// `untouched` is the gate's answer on the whole text, with `&` decided as `apply`
    /// decides it; and when it says so, `apply` indeed changes and records nothing.
    fn check(s: &str) {
        for opts in all_options() {
            let entities_ok = match opts.entities {
                Entities::On => true,
                Entities::Off => false,
                Entities::Auto => !s.contains('&') || !has_markup(s),
            };
            let whole = Scan::new(&opts, entities_ok)
                .first_suspect(s.as_bytes())
                .is_none();
            let got = untouched(s, &opts);
            assert_eq!(got, whole, "{s:?} nfc {} {:?}", opts.nfc, opts.entities);
            if got {
                let mut doc = crate::doc::Doc {
                    text: s.to_string(),
                    ..crate::doc::Doc::default()
                };
                super::super::apply(&mut doc, &opts);
                assert_eq!(doc.text, s);
                assert_eq!(doc.changes.repairs, crate::doc::Repairs::default());
            }
        }
    }

    #[test]
    fn edges() {
        for s in [
            "",
            "a",
            "&",
            "a\u{a0}b",
            "\u{a0}",
            "\u{1b}[0m",
            "\r\n",
            "caf\u{e9}",
            "cafe\u{301}",
            "\u{e9}\u{301}",
            "Ã©",
            "Ã",
            "\u{feff}x",
            "x\u{7f}",
            "x\u{85}",
            // A run that passed, then another of the same length that does not.
            "\u{a0} \u{85}",
            "\u{a0} \u{c3}\u{a9} \u{a0}",
            // `&` with and without markup around it, and a reference.
            "a & b",
            "a &amp; b",
            "<p>a &amp; b</p>",
            "<b>x</b> & y \u{a0}",
            "x&",
        ] {
            check(s);
            // Across block edges.
            for n in [1, 30, 31, 32, 33, 63, 64] {
                check(&format!("{}{s}{}", "x".repeat(n), "y".repeat(n)));
                check(&format!("{}{s}", "\u{e9}".repeat(n)));
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 3000,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn same_as_the_scan(
            s in "([ -~\t\n]{1,40}|&amp;|&#233;|<p>|[\u{80}-\u{24f}]|[\u{300}-\u{36f}]|[\u{400}-\u{45f}]|\u{a0}|\u{ab}|\u{bb}|\u{c3}|\u{2019}|\u{201c}|\u{feff}|[\u{3040}-\u{30ff}]|\u{1f600}|[\u{0}-\u{1f}]){0,40}"
        ) {
            check(&s);
        }

        #[test]
        fn masks_equal_scalar(v in proptest::collection::vec(proptest::prelude::any::<u8>(), BLOCK)) {
            let block: [u8; BLOCK] = v.try_into().unwrap_or([0; BLOCK]);
            proptest::prop_assert_eq!(masks(&block), masks_scalar(&block));
        }
    }
}
