//! `Doc`, one document in flight through the stages, what each stage records on it, and the
//! serialize-only records written to `clean.jsonl` and `dropped.jsonl` (fixed field order).

use serde::Serialize;
use serde_json::{Map, Value};

/// The content of a document as it came out of the read stage.
#[derive(Debug, Clone)]
pub enum Payload {
    /// Raw bytes of a plain-text file: the decode stage turns them into text.
    Bytes(Vec<u8>),
    /// Text that is already Unicode (a JSON string).
    Text(String),
}

/// One input document, read but not yet processed.
#[derive(Debug, Clone)]
pub struct RawDoc {
    pub id: String,
    pub source: String,
    pub payload: Payload,
    /// Size of the input as read (the file, or the JSONL line).
    pub bytes_in: u64,
    /// Other fields of a JSONL object, in their input order.
    pub extra: Map<String, Value>,
}

/// Why a document is not in `clean.jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NearDuplicate,
    ExactDuplicate,
    EmptyAfterCleaning,
    Unreadable,
    Binary,
    InvalidJson,
    MissingTextField,
    InvalidTextField,
    DropList,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NearDuplicate => "near_duplicate",
            Reason::ExactDuplicate => "exact_duplicate",
            Reason::EmptyAfterCleaning => "empty_after_cleaning",
            Reason::Unreadable => "unreadable",
            Reason::Binary => "binary",
            Reason::InvalidJson => "invalid_json",
            Reason::MissingTextField => "missing_text_field",
            Reason::InvalidTextField => "invalid_text_field",
            Reason::DropList => "drop_list",
        }
    }
}

/// An input that could not become a document, with the parser's or reader's message.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub id: String,
    pub source: String,
    pub reason: Reason,
    pub detail: String,
}

/// Counts of what the repair stage fixed in one document.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Repairs {
    /// Mojibake sequences decoded back to the characters they stood for.
    pub mojibake: u32,
    /// HTML character references unescaped.
    pub html_entities: u32,
    /// Control characters and terminal escape sequences removed.
    pub control_chars: u32,
    /// Lines changed by Unicode NFC normalization.
    pub nfc: u32,
}

impl Repairs {
    pub fn any(&self) -> bool {
        self.mojibake + self.html_entities + self.control_chars + self.nfc > 0
    }
}

/// One line removed by the strip stage.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Removal {
    /// 1-based line number in the decoded, repaired text.
    pub line: u32,
    /// Name of the rule that removed it.
    pub rule: &'static str,
    pub text: String,
}

/// Everything decode, repair and strip did to one document.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Changes {
    /// Encoding the bytes were decoded from (`json` for JSONL text).
    pub encoding: &'static str,
    /// Bytes that were not valid in that encoding (each became U+FFFD).
    pub invalid_bytes: u64,
    pub repairs: Repairs,
    /// Number of lines the strip stage removed.
    pub lines_removed: u32,
    /// How many lines each rule removed.
    pub removed_by: std::collections::BTreeMap<&'static str, u32>,
    /// Each removed line, only when asked for (`--removed-lines`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removal>,
}

/// A 64-byte b-bit one-permutation MinHash of a document's word 5-shingles (see
/// [`crate::fingerprint`]): estimates the Jaccard similarity of two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sketch(pub [u8; crate::fingerprint::SKETCH_BINS]);

impl Default for Sketch {
    fn default() -> Self {
        Sketch([0; crate::fingerprint::SKETCH_BINS])
    }
}

/// Fingerprints of a document's clean text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint {
    pub simhash: u64,
    /// Hash of the normalized text: equal for exact duplicates.
    pub exact: u64,
    /// Verifies candidate pairs: estimated 5-shingle Jaccard.
    pub sketch: Sketch,
    /// MinHash LSH band hashes (`--dedup minhash` only; empty otherwise).
    pub bands: Vec<u32>,
    /// Word 5-shingle keys (32-bit shingle hashes) in text order, repeats included: what
    /// exact verification compares ([`crate::fingerprint::jaccard`], over distinct keys).
    pub shingles: Vec<u32>,
    /// Length in bytes of the text fingerprinted (what `--keep longest` compares).
    pub len: u64,
}

/// One document in flight.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub id: String,
    pub source: String,
    /// Current text: decoded, then repaired, then stripped.
    pub text: String,
    pub extra: Map<String, Value>,
    /// Size of the input as read (the file, or the JSONL line).
    pub bytes_in: u64,
    pub changes: Changes,
    pub fingerprint: Fingerprint,
}

/// A line of `clean.jsonl`.
#[derive(Serialize)]
pub struct CleanRecord<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub text: &'a str,
    pub simhash: String,
    pub changes: &'a Changes,
    #[serde(flatten)]
    pub extra: &'a Map<String, Value>,
}

/// A line of `dropped.jsonl`.
#[derive(Serialize)]
pub struct DroppedRecord<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub reason: Reason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'a str>,
}

/// Formats a SimHash the way the output schema wants it: 16 lowercase hex digits.
/// The decimal digits of `n`, written into the end of `buf`, as `n.to_string()` gives them
/// (for the per-document numbers of the JSONL lines, without the formatting machinery).
pub fn decimal(n: u64, buf: &mut [u8; 20]) -> &str {
    let mut at = buf.len();
    let mut n = n;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits only.
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

pub fn hex64(x: u64) -> String {
    // The 16 lowercase hex digits of `format!("{x:016x}")`, without the formatting machinery
    // (once per written document).
    (0..16)
        .rev()
        .map(|k| char::from(b"0123456789abcdef"[(x >> (4 * k)) as usize & 15]))
        .collect()
}
