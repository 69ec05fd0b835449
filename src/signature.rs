//! Signature files: the fingerprints of one input shard, written by `thresh fingerprint` and
//! read by `thresh dedup`, so that the stateless stages can run on many machines and only the
//! small signatures travel to the one that clusters them.
//!
//! One file per input source (`<name>.thsig`, see [`file_name`]). Binary, little-endian,
//! versioned:
//!
//! ```text
//! header   magic "THRSHSIG" (8 bytes), version u32 (= 4), bands u32, rows u32 (0 0 unless
//!          --dedup minhash), sets u32 (1: records carry shingle sets, 0: --verify sketch),
//!          settings (str), source (str), documents u64
//! record   id (str), source (str), simhash u64, exact u64, length u64 (bytes of clean text),
//!          sketch (64 bytes), bands × u32, then if sets: count u32, count × u32 (the
//!          document's word 5-shingle keys, in text order, repeats included)
//! str      u32 byte length, then UTF-8
//! ```
//!
//! Only documents that take part in dedup are recorded (not rejected inputs, not documents
//! left empty by cleaning), in input order. `settings` names the options that change the
//! fingerprints (repair, strip, fields, format); `thresh dedup` refuses shards whose settings,
//! band shapes or sets differ. About 110 bytes per document plus its id and source, plus 4
//! bytes per 5-shingle (about 4 bytes per word of clean text) with sets: exact
//! verification needs the sets, so that two-phase dedup decides exactly as a single run.
//!
//! Version 2 (issue 5, exact verification) added the sets; version 3 is the same layout with
//! fingerprints of the version-2 word hash ([`crate::fingerprint::WordHasher`]), which differ
//! from version 2's for the same text; version 4 the same layout with fingerprint version 3
//! (shingle hashes folded by rotations, see [`crate::fingerprint`]). Files of another version
//! are refused with a message to fingerprint again.

use crate::dedup::Entry;
use crate::doc::Sketch;
use crate::error::{Error, Result};
use crate::fingerprint::SKETCH_BINS;
use std::io::Read;
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 8] = b"THRSHSIG";
pub const VERSION: u32 = 4;
/// Extension of signature files.
pub const EXT: &str = "thsig";

/// One document's signature.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub source: String,
    pub entry: Entry,
    pub bands: Vec<u32>,
    /// Word 5-shingle set (empty when the shard has no sets).
    pub shingles: Vec<u32>,
}

/// The contents of one signature file.
#[derive(Debug, Clone)]
pub struct Shard {
    pub bands: u32,
    pub rows: u32,
    /// Whether records carry shingle sets.
    pub sets: bool,
    pub settings: String,
    /// The input source the shard was made from.
    pub source: String,
    pub records: Vec<Record>,
}

/// The file name for a source's signatures: its path with every byte other than ASCII
/// letters, digits, `.`, `-` and `_` turned into `_`, plus a hash of the path (so `a/b` and
/// `a_b` do not collide).
pub fn file_name(source: &str) -> String {
    let clean: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let tail: String = clean
        .chars()
        .rev()
        .take(80)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let h = xxhash_rust::xxh3::xxh3_64(source.as_bytes());
    format!("{tail}-{:08x}.{EXT}", h as u32)
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// The serialized size of a shard: what [`to_bytes`] writes.
fn encoded_len(shard: &Shard) -> usize {
    let head = MAGIC.len() + 4 * 4 + 4 + shard.settings.len() + 4 + shard.source.len() + 8;
    let records: usize = shard
        .records
        .iter()
        .map(|r| {
            let sets = if shard.sets {
                4 + 4 * r.shingles.len()
            } else {
                0
            };
            4 + r.id.len() + 4 + r.source.len() + 3 * 8 + SKETCH_BINS + 4 * r.bands.len() + sets
        })
        .sum();
    head + records
}

/// Appends 32-bit values little-endian, all at once.
fn put_u32s(out: &mut Vec<u8>, xs: &[u32]) {
    let start = out.len();
    out.resize(start + 4 * xs.len(), 0);
    for (b, x) in out[start..].chunks_exact_mut(4).zip(xs) {
        b.copy_from_slice(&x.to_le_bytes());
    }
}

/// Serializes a shard, into a buffer sized once ([`encoded_len`]).
pub fn to_bytes(shard: &Shard) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoded_len(shard));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&shard.bands.to_le_bytes());
    out.extend_from_slice(&shard.rows.to_le_bytes());
    out.extend_from_slice(&u32::from(shard.sets).to_le_bytes());
    put_str(&mut out, &shard.settings);
    put_str(&mut out, &shard.source);
    out.extend_from_slice(&(shard.records.len() as u64).to_le_bytes());
    for r in &shard.records {
        put_str(&mut out, &r.id);
        put_str(&mut out, &r.source);
        out.extend_from_slice(&r.entry.simhash.to_le_bytes());
        out.extend_from_slice(&r.entry.exact.to_le_bytes());
        out.extend_from_slice(&r.entry.len.to_le_bytes());
        out.extend_from_slice(&r.entry.sketch.0);
        put_u32s(&mut out, &r.bands);
        if shard.sets {
            out.extend_from_slice(&(r.shingles.len() as u32).to_le_bytes());
            put_u32s(&mut out, &r.shingles);
        }
    }
    debug_assert_eq!(out.len(), encoded_len(shard));
    out
}

/// Writes a shard to `dir/<file_name(source)>` atomically.
pub fn write(dir: &Path, shard: &Shard) -> Result<PathBuf> {
    let name = file_name(&shard.source);
    let mut f = crate::write::AtomicFile::create(dir, &name)?;
    f.write_all(&to_bytes(shard))?;
    f.commit()?;
    Ok(dir.join(name))
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl Cursor<'_> {
    fn err(&self, what: &str) -> Error {
        Error::Format {
            path: self.path.to_path_buf(),
            detail: format!(
                "not a thresh signature file or truncated ({what} at byte {})",
                self.pos
            ),
        }
    }
    fn take(&mut self, n: usize, what: &str) -> Result<&[u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
        let Some(end) = end else {
            return Err(self.err(what));
        };
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        let s = self.take(4, what)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        let s = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn str(&mut self, what: &str) -> Result<String> {
        let n = self.u32(what)? as usize;
        let s = self.take(n, what)?.to_vec();
        String::from_utf8(s).map_err(|_| self.err(what))
    }
}

/// Parses a shard.
pub fn from_bytes(b: &[u8], path: &Path) -> Result<Shard> {
    let mut c = Cursor { b, pos: 0, path };
    if c.take(8, "magic")? != MAGIC {
        return Err(c.err("magic"));
    }
    let version = c.u32("version")?;
    if version != VERSION {
        return Err(Error::Format {
            path: path.to_path_buf(),
            detail: format!(
                "signature format version {version}; this thresh reads version {VERSION}: \
                 run `thresh fingerprint` again"
            ),
        });
    }
    let bands = c.u32("bands")?;
    let rows = c.u32("rows")?;
    let sets = match c.u32("sets")? {
        0 => false,
        1 => true,
        _ => return Err(c.err("sets")),
    };
    let settings = c.str("settings")?;
    let source = c.str("source")?;
    let n = c.u64("document count")?;
    let mut records = Vec::with_capacity(n.min(1 << 24) as usize);
    for _ in 0..n {
        let id = c.str("id")?;
        let src = c.str("source")?;
        let simhash = c.u64("simhash")?;
        let exact = c.u64("exact")?;
        let len = c.u64("length")?;
        let mut sketch = [0u8; SKETCH_BINS];
        sketch.copy_from_slice(c.take(SKETCH_BINS, "sketch")?);
        let mut bs = Vec::with_capacity(bands as usize);
        for _ in 0..bands {
            bs.push(c.u32("band")?);
        }
        let mut shingles = Vec::new();
        if sets {
            let k = c.u32("shingle count")? as usize;
            let raw = c.take(k.saturating_mul(4), "shingles")?;
            shingles = raw
                .chunks_exact(4)
                .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
                .collect();
        }
        records.push(Record {
            id,
            source: src,
            entry: Entry {
                simhash,
                exact,
                sketch: Sketch(sketch),
                len,
            },
            bands: bs,
            shingles,
        });
    }
    if c.pos != b.len() {
        return Err(c.err("trailing bytes"));
    }
    Ok(Shard {
        bands,
        rows,
        sets,
        settings,
        source,
        records,
    })
}

/// Reads one signature file.
pub fn read(path: &Path) -> Result<Shard> {
    let mut b = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut b))
        .map_err(|source| Error::Input {
            path: path.to_path_buf(),
            source,
        })?;
    from_bytes(&b, path)
}

/// The signature files under `inputs` (files, or folders searched for `*.thsig`, not
/// recursively).
pub fn list(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        let md = std::fs::metadata(p).map_err(|source| Error::Input {
            path: p.clone(),
            source,
        })?;
        if md.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|source| Error::Input {
                path: p.clone(),
                source,
            })?;
            for e in rd {
                let e = e.map_err(|source| Error::Input {
                    path: p.clone(),
                    source,
                })?;
                let path = e.path();
                if path.extension().is_some_and(|x| x == EXT) {
                    out.push(path);
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let shard = Shard {
            bands: 2,
            rows: 3,
            sets: true,
            settings: "repair strip".into(),
            source: "data/a.jsonl".into(),
            records: vec![Record {
                id: "x1".into(),
                source: "data/a.jsonl:1".into(),
                entry: Entry {
                    simhash: 42,
                    exact: 7,
                    sketch: Sketch([3; SKETCH_BINS]),
                    len: 99,
                },
                bands: vec![5, 6],
                shingles: vec![1, 4, 9],
            }],
        };
        let b = to_bytes(&shard);
        assert_eq!(b.len(), encoded_len(&shard));
        // The record ends with its bands, shingle count and shingles, little-endian.
        let tail: Vec<u8> = [5u32, 6, 3, 1, 4, 9]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        assert!(b.ends_with(&tail));
        let back = from_bytes(&b, Path::new("x")).expect("parses");
        assert_eq!(back.records.len(), 1);
        assert_eq!(back.records[0].entry.simhash, 42);
        assert_eq!(back.records[0].bands, vec![5, 6]);
        assert_eq!(back.records[0].shingles, vec![1, 4, 9]);
        assert_eq!(back.source, "data/a.jsonl");
        assert!(from_bytes(&b[..b.len() - 1], Path::new("x")).is_err());
        assert!(from_bytes(b"nonsense", Path::new("x")).is_err());
    }

    #[test]
    fn without_sets_and_old_versions() {
        let shard = Shard {
            bands: 0,
            rows: 0,
            sets: false,
            settings: String::new(),
            source: "a".into(),
            records: vec![Record {
                id: "x".into(),
                source: "a:1".into(),
                entry: Entry {
                    simhash: 1,
                    exact: 2,
                    sketch: Sketch::default(),
                    len: 3,
                },
                bands: Vec::new(),
                shingles: vec![7, 8],
            }],
        };
        let b = to_bytes(&shard);
        let back = from_bytes(&b, Path::new("x")).expect("parses");
        assert!(!back.sets && back.records[0].shingles.is_empty());
        // Version 1 (no sets field) is refused with a message to fingerprint again.
        let mut v1 = b.clone();
        v1[8..12].copy_from_slice(&1u32.to_le_bytes());
        let err = from_bytes(&v1, Path::new("x")).expect_err("v1").to_string();
        assert!(err.contains("version 1"), "{err}");
        // So is version 2 (the same layout, fingerprints of the old word hash).
        let mut v2 = b.clone();
        v2[8..12].copy_from_slice(&2u32.to_le_bytes());
        let err = from_bytes(&v2, Path::new("x")).expect_err("v2").to_string();
        assert!(err.contains("version 2"), "{err}");
        // And version 3 (the same layout, fingerprint version 2's shingle hashes).
        let mut v3 = b.clone();
        v3[8..12].copy_from_slice(&3u32.to_le_bytes());
        let err = from_bytes(&v3, Path::new("x")).expect_err("v3").to_string();
        assert!(err.contains("version 3"), "{err}");
        // Keys in text order, repeats included, round-trip as they are.
        let mut any = shard.clone();
        any.sets = true;
        any.records[0].shingles = vec![9, 4, 9];
        let back = from_bytes(&to_bytes(&any), Path::new("x")).expect("any order");
        assert_eq!(back.records[0].shingles, vec![9, 4, 9]);
        // A count past the end is refused.
        let mut cut = to_bytes(&any);
        cut.truncate(cut.len() - 2);
        assert!(from_bytes(&cut, Path::new("x")).is_err());
    }

    #[test]
    fn file_names_differ() {
        assert_ne!(file_name("a/b.jsonl"), file_name("a_b.jsonl"));
        assert!(file_name("data/x.jsonl").ends_with(".thsig"));
    }
}
