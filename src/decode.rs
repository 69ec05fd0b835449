//! The decode stage: bytes in any common encoding to UTF-8 text with `\n` line ends.
//!
//! Order of decisions: a BOM wins (UTF-8, UTF-16 LE/BE); then valid UTF-8 is taken as is;
//! then BOM-less UTF-16 is recognised by its pattern of NUL bytes; remaining bytes with NULs
//! are binary and rejected; anything else goes to `chardetng`, whose guess `encoding_rs`
//! decodes. Invalid byte sequences become U+FFFD and are counted, never fatal.

use crate::doc::{Reason, Rejection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Decoded text and what it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Canonical lowercase name of the source encoding.
    pub encoding: &'static str,
    /// Invalid byte sequences replaced by U+FFFD.
    pub invalid: u64,
}

/// How many leading bytes are examined to tell binary from text.
const SNIFF: usize = 8192;
/// How many leading bytes the encoding detector sees.
const DETECT_SAMPLE: usize = 64 * 1024;

/// Decodes a document's bytes. `name` is used in the rejection of a binary file.
pub fn decode(bytes: &[u8], name: &str) -> Result<Decoded, Rejection> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(finish(decode_with(enc, &bytes[bom_len..])));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.contains('\0') {
            return Ok(finish(Decoded {
                text: s.to_string(),
                encoding: "utf-8",
                invalid: 0,
            }));
        }
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        if let Some(enc) = sniff_utf16(head) {
            return Ok(finish(decode_with(enc, bytes)));
        }
        return Err(Rejection {
            id: name.to_string(),
            source: name.to_string(),
            reason: Reason::Binary,
            detail: format!("{name}: NUL byte at offset {pos}: not a text file"),
        });
    }
    // The detector needs a sample, not the whole file: it costs tens of ns a byte.
    let mut det = chardetng::EncodingDetector::new();
    det.feed(
        &bytes[..bytes.len().min(DETECT_SAMPLE)],
        bytes.len() <= DETECT_SAMPLE,
    );
    let enc = det.guess(None, true);
    Ok(finish(decode_with(enc, bytes)))
}

/// BOM-less UTF-16: mostly-ASCII text has a NUL in every other byte.
fn sniff_utf16(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd * 10 >= pairs * 7 && even * 10 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> Decoded {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len() * 3 + 16);
    let mut text = String::with_capacity(cap);
    let mut invalid = 0u64;
    let mut rest = bytes;
    loop {
        let (res, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match res {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::Malformed(_, _) => {
                invalid += 1;
                text.push('\u{FFFD}');
            }
            encoding_rs::DecoderResult::OutputFull => {
                text.reserve(rest.len() * 3 + 16);
            }
        }
    }
    let name = if enc == UTF_8 {
        "utf-8"
    } else {
        canonical(enc)
    };
    Decoded {
        text,
        encoding: name,
        invalid,
    }
}

fn canonical(enc: &'static Encoding) -> &'static str {
    // encoding_rs names are WHATWG names ("windows-1252", "Shift_JIS", "UTF-16LE").
    match enc.name() {
        "UTF-16LE" => "utf-16le",
        "UTF-16BE" => "utf-16be",
        "Shift_JIS" => "shift_jis",
        "EUC-JP" => "euc-jp",
        "EUC-KR" => "euc-kr",
        "ISO-2022-JP" => "iso-2022-jp",
        "Big5" => "big5",
        "GBK" => "gbk",
        "gb18030" => "gb18030",
        "KOI8-R" => "koi8-r",
        "KOI8-U" => "koi8-u",
        "IBM866" => "ibm866",
        other => leak_lower(other),
    }
}

/// Lower-cased names for the single-byte encodings: a fixed, small set, interned once.
fn leak_lower(name: &'static str) -> &'static str {
    use std::collections::BTreeMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<BTreeMap<&'static str, &'static str>>> = OnceLock::new();
    if name.bytes().all(|b| !b.is_ascii_uppercase()) {
        return name;
    }
    let map = NAMES.get_or_init(|| Mutex::new(BTreeMap::new()));
    let Ok(mut map) = map.lock() else { return name };
    map.entry(name)
        .or_insert_with(|| Box::leak(name.to_ascii_lowercase().into_boxed_str()))
}

/// Line ends to `\n` (CRLF and lone CR).
fn finish(mut d: Decoded) -> Decoded {
    if memchr::memchr(b'\r', d.text.as_bytes()).is_some() {
        d.text = d.text.replace("\r\n", "\n").replace('\r', "\n");
    }
    d
}

/// Text that arrived as a JSON string: only line ends are normalized.
pub fn from_text(text: String) -> Decoded {
    finish(Decoded {
        text,
        encoding: "json",
        invalid: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through_and_crlf_becomes_lf() {
        let d = decode("a\r\nb\rc é".as_bytes(), "x").expect("text");
        assert_eq!(d.text, "a\nb\nc é");
        assert_eq!(d.encoding, "utf-8");
    }

    #[test]
    fn boms() {
        let d = decode(b"\xEF\xBB\xBFhi", "x").expect("text");
        assert_eq!((d.text.as_str(), d.encoding), ("hi", "utf-8"));
        let d = decode(b"\xFF\xFEh\0i\0", "x").expect("text");
        assert_eq!((d.text.as_str(), d.encoding), ("hi", "utf-16le"));
        let d = decode(b"\xFE\xFF\0h\0i", "x").expect("text");
        assert_eq!((d.text.as_str(), d.encoding), ("hi", "utf-16be"));
    }

    #[test]
    fn bomless_utf16_and_binary() {
        let le: Vec<u8> = "hello world"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(&le, "x").expect("text").text, "hello world");
        let bin = [
            0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0,
        ];
        assert_eq!(
            decode(&bin, "a.bin").expect_err("binary").reason,
            Reason::Binary
        );
    }

    #[test]
    fn windows_1252_detected() {
        let bytes = b"Caf\xe9 cr\xe8me br\xfbl\xe9e, \x93quoted\x94 na\xefve fa\xe7ade \xe0 la fran\xe7aise.";
        let d = decode(bytes, "x").expect("text");
        assert_eq!(
            d.text,
            "Café crème brûlée, \u{201c}quoted\u{201d} naïve façade à la française."
        );
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.invalid, 0);
    }
}
