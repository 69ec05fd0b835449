//! The write stage: serializes kept documents to `clean.jsonl`, dropped ones to
//! `dropped.jsonl`, and the run's accounting to `report.json`. Each file is written under a
//! temporary name in the output folder and renamed once complete, so a killed run never
//! leaves a partial file under a final name.
//!
//! Field order is fixed by the record types in [`crate::doc`]; the README documents them.

use crate::doc::{hex64, Changes, Doc, DroppedRecord, Reason, Rejection, Repairs};
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File names inside the output folder.
pub const CLEAN: &str = "clean.jsonl";
pub const DROPPED: &str = "dropped.jsonl";
pub const REPORT: &str = "report.json";

/// One `clean.jsonl` line, with its newline: byte for byte what serde_json writes for a
/// [`crate::doc::CleanRecord`] (tested), with the strings escaped by [`json_str`], which skips eight
/// bytes at a time over text that needs no escape (most of it: the text field is nearly
/// all of the output).
pub fn clean_line(doc: &Doc) -> Vec<u8> {
    let mut v = Vec::with_capacity(clean_line_room(doc));
    clean_line_into(&mut v, doc);
    v
}

/// Room that [`clean_line`] reserves for `doc`'s line: enough for nearly every one.
pub fn clean_line_room(doc: &Doc) -> usize {
    doc.text.len() + doc.text.len() / 32 + 256
}

/// Appends [`clean_line`]'s bytes to `v`.
pub fn clean_line_into(v: &mut Vec<u8>, doc: &Doc) {
    v.extend_from_slice(b"{\"id\":");
    json_str(v, &doc.id);
    v.extend_from_slice(b",\"source\":");
    json_str(v, &doc.source);
    v.extend_from_slice(b",\"text\":");
    json_str(v, &doc.text);
    v.extend_from_slice(b",\"simhash\":\"");
    v.extend_from_slice(hex64(doc.fingerprint.simhash).as_bytes());
    v.extend_from_slice(b"\",\"changes\":");
    changes_json(v, &doc.changes);
    for (k, val) in &doc.extra {
        v.push(b',');
        json_str(v, k);
        v.push(b':');
        if serde_json::to_writer(&mut *v, val).is_err() {
            v.extend_from_slice(b"null");
        }
    }
    v.extend_from_slice(b"}\n");
}

/// Appends `c` as serde_json writes a [`Changes`] (field order and names of its derive; the
/// per-line `removed` list only when there is one), without serde's per-field machinery.
fn changes_json(v: &mut Vec<u8>, c: &Changes) {
    let num = |v: &mut Vec<u8>, n: u64| {
        v.extend_from_slice(crate::doc::decimal(n, &mut [0; 20]).as_bytes());
    };
    v.extend_from_slice(b"{\"encoding\":");
    json_str(v, c.encoding);
    v.extend_from_slice(b",\"invalid_bytes\":");
    num(v, c.invalid_bytes);
    let r = &c.repairs;
    v.extend_from_slice(b",\"repairs\":{\"mojibake\":");
    num(v, r.mojibake.into());
    v.extend_from_slice(b",\"html_entities\":");
    num(v, r.html_entities.into());
    v.extend_from_slice(b",\"control_chars\":");
    num(v, r.control_chars.into());
    v.extend_from_slice(b",\"nfc\":");
    num(v, r.nfc.into());
    v.extend_from_slice(b"},\"lines_removed\":");
    num(v, c.lines_removed.into());
    v.extend_from_slice(b",\"removed_by\":{");
    for (k, (rule, n)) in c.removed_by.iter().enumerate() {
        if k > 0 {
            v.push(b',');
        }
        json_str(v, rule);
        v.push(b':');
        num(v, (*n).into());
    }
    v.push(b'}');
    if !c.removed.is_empty() {
        v.extend_from_slice(b",\"removed\":[");
        for (k, x) in c.removed.iter().enumerate() {
            if k > 0 {
                v.push(b',');
            }
            v.extend_from_slice(b"{\"line\":");
            num(v, x.line.into());
            v.extend_from_slice(b",\"rule\":");
            json_str(v, x.rule);
            v.extend_from_slice(b",\"text\":");
            json_str(v, &x.text);
            v.push(b'}');
        }
        v.push(b']');
    }
    v.push(b'}');
}

/// 0x01 and 0x80 in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// A mask whose lowest set bit is the high bit of the first of the eight bytes of `w`
/// (little-endian) that JSON must escape: a control character (< 0x20), `"` or `\`; 0 when
/// none. (The classic "has zero byte" / "has byte less than" tests: a flag above a true one
/// may be spurious, the lowest one never is.)
#[inline]
fn escapes8(w: u64) -> u64 {
    let lt = w.wrapping_sub(LO * 0x20) & !w;
    let q = w ^ (LO * u64::from(b'"'));
    let b = w ^ (LO * u64::from(b'\\'));
    (lt | (q.wrapping_sub(LO) & !q) | (b.wrapping_sub(LO) & !b)) & HI
}

/// Bit k set when byte k of `c` must be escaped in JSON (a control character, `"` or `\`).
/// SSE2 on x86-64: sixteen bytes in a few instructions, where [`escapes8`] takes two steps of
/// a dozen (the same mask: `escapes16_is_the_byte_rule`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn escapes16(c: &[u8; 16]) -> u32 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, m128i, max_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let x = m128i::from(*c);
    let splat = |b: u8| set_splat_i8_m128i(b as i8);
    // Below 0x20 (unsigned): the byte is its maximum with 0x1F.
    let ctl = cmp_eq_mask_i8_m128i(max_u8_m128i(x, splat(0x1F)), splat(0x1F));
    let q = cmp_eq_mask_i8_m128i(x, splat(b'"'));
    let b = cmp_eq_mask_i8_m128i(x, splat(b'\\'));
    move_mask_i8_m128i(bitor_m128i(ctl, bitor_m128i(q, b))) as u32 & 0xFFFF
}

/// [`escapes16`] elsewhere: a byte at a time.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline(always)]
fn escapes16_bytes(c: &[u8; 16]) -> u32 {
    c.iter().enumerate().fold(0, |m, (k, &x)| {
        m | (u32::from(matches!(x, 0..=0x1F | b'"' | b'\\')) << k)
    })
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn escapes16(c: &[u8; 16]) -> u32 {
    escapes16_bytes(c)
}

/// Bit k set when byte k of the block must be escaped in JSON (a control character, `"` or
/// `\`). AVX2 on x86-64-v3: the 32 bytes in a few instructions; [`escapes16`] halves
/// elsewhere (the same mask: `escapes32_is_the_byte_rule`).
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
fn escapes32(c: &[u8; 32]) -> u32 {
    use safe_arch::{
        bitor_m256i, cmp_eq_mask_i8_m256i, m256i, max_u8_m256i, move_mask_i8_m256i,
        set_splat_i8_m256i,
    };
    let x = m256i::from(*c);
    let splat = |b: u8| set_splat_i8_m256i(b as i8);
    // Below 0x20 (unsigned): the byte is its maximum with 0x1F.
    let ctl = cmp_eq_mask_i8_m256i(max_u8_m256i(x, splat(0x1F)), splat(0x1F));
    let q = cmp_eq_mask_i8_m256i(x, splat(b'"'));
    let b = cmp_eq_mask_i8_m256i(x, splat(b'\\'));
    move_mask_i8_m256i(bitor_m256i(ctl, bitor_m256i(q, b))) as u32
}

/// [`escapes32`] without AVX2: two sixteen-byte halves.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "avx2"))))]
#[inline(always)]
fn escapes32_halves(c: &[u8; 32]) -> u32 {
    let (lo, hi) = c.split_at(16);
    escapes16(lo.try_into().unwrap_or(&[0; 16]))
        | escapes16(hi.try_into().unwrap_or(&[0; 16])) << 16
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
#[inline(always)]
fn escapes32(c: &[u8; 32]) -> u32 {
    escapes32_halves(c)
}

/// Appends the escape of byte `c` (one [`escapes32`] flags).
#[inline(always)]
fn escape_byte(out: &mut Vec<u8>, c: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match c {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\t' => out.extend_from_slice(b"\\t"),
        b'\r' => out.extend_from_slice(b"\\r"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(c >> 4)],
            HEX[usize::from(c & 0xF)],
        ]),
    }
}

/// Appends `s` as a JSON string, escaped as serde_json does: `\"`, `\\`, `\b`, `\f`, `\n`,
/// `\r`, `\t`, other control characters as `\u00xx` (lowercase hex); nothing else.
///
/// 32 bytes a step: the block is appended whole (a fixed-size copy, no call) and cut back to
/// its first byte to escape, if any, which is then escaped; the next block starts past it.
/// The last bytes (fewer than 32) are searched sixteen, eight, then one at a time and copied
/// as a run. (The runs between escapes, ≈ 40 bytes in text with a `\n` per line, were each a
/// `memcpy` call after a search of their own.)
pub fn json_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.push(b'"');
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 32) {
        let chunk: &[u8; 32] = chunk.try_into().unwrap_or(&[0; 32]);
        out.extend_from_slice(chunk);
        let m = escapes32(chunk);
        if m == 0 {
            i += 32;
            continue;
        }
        let p = m.trailing_zeros() as usize;
        out.truncate(out.len() - 32 + p);
        escape_byte(out, chunk[p]);
        i += p + 1;
    }
    let mut done = i;
    loop {
        // Find the next byte to escape: sixteen bytes a step, then eight, then one.
        while let Some(chunk) = b.get(i..i + 16) {
            let m = escapes16(chunk.try_into().unwrap_or(&[0; 16]));
            if m != 0 {
                i += m.trailing_zeros() as usize;
                break;
            }
            i += 16;
        }
        while let Some(chunk) = b.get(i..i + 8) {
            let w = u64::from_le_bytes([
                chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
            ]);
            let m = escapes8(w);
            if m != 0 {
                i += (m.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while i < b.len() && !matches!(b[i], 0..=0x1F | b'"' | b'\\') {
            i += 1;
        }
        let Some(&c) = b.get(i) else { break };
        out.extend_from_slice(&b[done..i]);
        escape_byte(out, c);
        i += 1;
        done = i;
    }
    out.extend_from_slice(&b[done..]);
    out.push(b'"');
}

/// One `dropped.jsonl` line for a document that was read but not kept.
pub fn dropped_doc_line(
    doc: &Doc,
    reason: Reason,
    duplicate_of: Option<&str>,
    distance: Option<u32>,
    similarity: Option<f64>,
    detail: Option<&str>,
) -> Vec<u8> {
    line(&DroppedRecord {
        id: &doc.id,
        source: &doc.source,
        reason,
        duplicate_of,
        distance,
        similarity,
        detail,
    })
}

/// One `dropped.jsonl` line for an input that never became a document.
pub fn rejection_line(r: &Rejection) -> Vec<u8> {
    line(&DroppedRecord {
        id: &r.id,
        source: &r.source,
        reason: r.reason,
        duplicate_of: None,
        distance: None,
        similarity: None,
        detail: Some(&r.detail),
    })
}

fn line<T: Serialize>(rec: &T) -> Vec<u8> {
    // Serializing these records cannot fail: string keys, no maps with non-string keys.
    let mut v =
        serde_json::to_vec(rec).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}").into_bytes());
    v.push(b'\n');
    v
}

/// Counts for `report.json`. Everything but `timing` is identical across runs and threads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub documents_in: u64,
    pub kept: u64,
    pub dropped: BTreeMap<&'static str, u64>,
    pub lines_stripped: BTreeMap<&'static str, u64>,
    pub documents_repaired: u64,
    pub repairs: Repairs,
    pub encodings: BTreeMap<&'static str, u64>,
    pub invalid_bytes: u64,
    /// Bytes read from the inputs (after decompression).
    pub bytes_in: u64,
    /// Bytes of clean text kept (the `text` fields of `clean.jsonl`).
    pub bytes_out: u64,
    pub duplicates: DuplicateStats,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// Cluster statistics of the dedup stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DuplicateStats {
    /// Clusters with more than one member.
    pub clusters: u64,
    /// Documents in the largest cluster.
    pub largest_cluster: u64,
    /// Cluster size → number of clusters of that size.
    pub cluster_sizes: BTreeMap<u64, u64>,
    /// Distance to the kept copy → number of dropped duplicates.
    pub distances: BTreeMap<u32, u64>,
    /// Estimated similarity to the kept copy, in steps of 0.05 (`"0.85"` counts 0.85 to
    /// 0.8999) → number of dropped duplicates.
    pub similarities: BTreeMap<String, u64>,
}

impl DuplicateStats {
    /// Counts one dropped duplicate.
    pub fn add(&mut self, distance: u32, similarity: f64) {
        *self.distances.entry(distance).or_default() += 1;
        let step = ((similarity * 20.0 + 1e-9).floor() / 20.0).clamp(0.0, 1.0);
        *self.similarities.entry(format!("{step:.2}")).or_default() += 1;
    }

    /// Counts the clusters from their sizes (kept copy included).
    pub fn set_clusters(&mut self, sizes: impl Iterator<Item = u64>) {
        for size in sizes {
            self.clusters += 1;
            self.largest_cluster = self.largest_cluster.max(size);
            *self.cluster_sizes.entry(size).or_default() += 1;
        }
    }
}

/// Wall-clock figures: the only part of the outputs that varies between runs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timing {
    pub wall_seconds: f64,
    pub threads: usize,
    /// Wall seconds per phase of the run, in run order: where a slow run spends its time.
    #[serde(serialize_with = "ordered_map")]
    pub phases: Vec<(&'static str, f64)>,
}

fn ordered_map<S: serde::Serializer>(v: &[(&'static str, f64)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, x) in v {
        m.serialize_entry(k, x)?;
    }
    m.end()
}

impl Report {
    pub fn drop(&mut self, reason: Reason) {
        *self.dropped.entry(reason.as_str()).or_default() += 1;
    }
}

/// Writes a file atomically: temporary name in the same folder, then rename.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    w: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub fn create(dir: &Path, name: &str) -> Result<Self> {
        let dest = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let f = std::fs::File::create(&tmp).map_err(|source| Error::Output {
            path: tmp.clone(),
            source,
        })?;
        Ok(AtomicFile {
            tmp,
            dest,
            w: Some(std::io::BufWriter::with_capacity(1 << 20, f)),
        })
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let Some(w) = self.w.as_mut() else {
            return Ok(());
        };
        w.write_all(bytes).map_err(|source| Error::Output {
            path: self.tmp.clone(),
            source,
        })
    }

    /// Flushes and renames into place.
    pub fn commit(mut self) -> Result<()> {
        let Some(w) = self.w.take() else {
            return Ok(());
        };
        let f = w.into_inner().map_err(|e| Error::Output {
            path: self.tmp.clone(),
            source: e.into_error(),
        })?;
        drop(f);
        std::fs::rename(&self.tmp, &self.dest).map_err(|source| Error::Output {
            path: self.dest.clone(),
            source,
        })
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (an error or a panic on the way): leave no temporary file behind.
        if self.w.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Creates the output folder, failing early when it cannot be written.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    let probe = dir.join(format!(".thresh-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Serializes the report (pretty, with a final newline).
pub fn report_bytes(report: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(report).unwrap_or_default();
    v.push(b'\n');
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::CleanRecord;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn reference(doc: &Doc) -> Vec<u8> {
        line(&CleanRecord {
            id: &doc.id,
            source: &doc.source,
            text: &doc.text,
            simhash: hex64(doc.fingerprint.simhash),
            changes: &doc.changes,
            extra: &doc.extra,
        })
    }

    /// Strings with what JSON escapes, at every offset of the eight-byte chunks.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,40}",
            "[a-z\"\\\\\u{0}-\u{1f}\u{7f}é€😀/]{0,40}",
            any::<String>(),
        ]
    }

    proptest! {
        /// The sixteen-byte escape mask in use is the byte rule, on any bytes.
        #[test]
        fn escapes16_is_the_byte_rule(bytes in proptest::collection::vec(any::<u8>(), 16)) {
            let c: [u8; 16] = bytes.try_into().unwrap_or([0; 16]);
            prop_assert_eq!(escapes16(&c), escapes16_bytes(&c));
        }

        /// The 32-byte mask in use (AVX2 on x86-64-v3) and the one of two halves are the
        /// byte rule's, on any bytes and on text-like ones.
        #[test]
        fn escapes32_is_the_byte_rule(
            bytes in proptest::collection::vec(any::<u8>(), 32),
            texty in "[a-z \"\\\\\n\t\u{1}\u{1f}\u{7f}é]{32}",
        ) {
            let a: [u8; 32] = bytes.try_into().unwrap_or([0; 32]);
            let t: [u8; 32] = texty.as_bytes()[..32].try_into().unwrap_or([0; 32]);
            for c in [a, t] {
                let want = c.iter().enumerate().fold(0u32, |m, (k, &x)| {
                    m | (u32::from(matches!(x, 0..=0x1F | b'"' | b'\\')) << k)
                });
                prop_assert_eq!(escapes32(&c), want);
                prop_assert_eq!(escapes32_halves(&c), want);
            }
        }

        #[test]
        fn clean_line_equals_serde_json(
            id in text(),
            source in text(),
            body in text(),
            simhash in any::<u64>(),
            extra in prop::collection::vec((text(), text()), 0..3),
            counts in any::<(u64, u32, u32, u32, u32, u32)>(),
            encoding in prop::sample::select(vec!["utf-8", "windows-1252", "UTF-16LE", "x\"y"]),
            removed_by in prop::collection::vec(
                (prop::sample::select(vec!["model", "repeated", "a\\b", "widget"]), any::<u32>()),
                0..4,
            ),
            removed in prop::collection::vec((any::<u32>(), text()), 0..3),
        ) {
            let mut doc = Doc {
                id,
                source,
                text: body,
                extra: Map::new(),
                bytes_in: 0,
                changes: Default::default(),
                fingerprint: Default::default(),
            };
            doc.fingerprint.simhash = simhash;
            let c = &mut doc.changes;
            c.encoding = encoding;
            (c.invalid_bytes, c.lines_removed) = (counts.0, counts.1);
            c.repairs = Repairs {
                mojibake: counts.2,
                html_entities: counts.3,
                control_chars: counts.4,
                nfc: counts.5,
            };
            c.removed_by = removed_by.into_iter().collect();
            c.removed = removed
                .into_iter()
                .map(|(line, text)| crate::doc::Removal { line, rule: "model", text })
                .collect();
            let mut m = Map::new();
            for (k, v) in extra {
                m.insert(k, Value::String(v));
            }
            m.insert("n".into(), Value::from(1.5));
            doc.extra = m;
            let (ours, theirs) = (clean_line(&doc), reference(&doc));
            prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }
    }

    #[test]
    fn every_byte_escapes_as_serde_json_does() {
        for c in 0u32..0x300 {
            let Some(ch) = char::from_u32(c) else {
                continue;
            };
            for pad in 0..10 {
                let s = format!("{}{ch}{}", "a".repeat(pad), "b".repeat(9 - pad));
                let mut ours = Vec::new();
                json_str(&mut ours, &s);
                assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{c:#x} at {pad}");
            }
        }
    }
}
