//! The read stage: turns the command line's inputs (files, folders, `-`) into an ordered list
//! of sources, loads each (decompressing `.gz`/`.zst`), and splits JSONL into documents.
//! Problems with one source or one line become [`Rejection`]s; the run goes on.
//!
//! Order is part of the output contract: inputs in command-line order, folder contents in
//! byte-wise sorted path order, JSONL lines in file order.

use crate::config::{Config, Format};
use crate::doc::{Payload, RawDoc, Reason, Rejection};
use serde_json::{Map, Value};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Output field names that a carried-through JSONL field must not shadow.
const RESERVED: [&str; 5] = ["id", "source", "text", "simhash", "changes"];

/// One input to load: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// The name used in `source` and `id`: the path as given (or found by walking a folder).
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".into(),
            Source::File(p) => p.to_string_lossy().into_owned(),
        }
    }
}

/// Expands folders recursively (sorted byte-wise by path). A path that cannot be listed is
/// returned as a rejection so that it shows up in `dropped.jsonl`.
pub fn expand(inputs: &[PathBuf]) -> (Vec<Source>, Vec<(usize, Rejection)>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                walk(p, &mut files, &mut bad, out.len());
                files.sort_by(|a: &PathBuf, b| {
                    a.as_os_str()
                        .as_encoded_bytes()
                        .cmp(b.as_os_str().as_encoded_bytes())
                });
                out.extend(files.into_iter().map(Source::File));
            }
            Ok(_) => out.push(Source::File(p.clone())),
            Err(e) => bad.push((out.len(), unreadable(&p.to_string_lossy(), &e.to_string()))),
        }
    }
    (out, bad)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, bad: &mut Vec<(usize, Rejection)>, pos: usize) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            bad.push((pos, unreadable(&dir.to_string_lossy(), &e.to_string())));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                bad.push((pos, unreadable(&dir.to_string_lossy(), &e.to_string())));
                continue;
            }
        };
        let path = entry.path();
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, files, bad, pos),
            Ok(_) => files.push(path),
            Err(e) => bad.push((pos, unreadable(&path.to_string_lossy(), &e.to_string()))),
        }
    }
}

fn unreadable(name: &str, detail: &str) -> Rejection {
    Rejection {
        id: name.to_string(),
        source: name.to_string(),
        reason: Reason::Unreadable,
        detail: format!("{name}: {detail}"),
    }
}

/// A loaded source: its decompressed bytes and whether they are JSONL.
#[derive(Debug)]
pub struct Loaded {
    pub name: String,
    pub bytes: Vec<u8>,
    pub jsonl: bool,
}

/// Reads a source whole, decompressing by extension (`.gz`, `.zst`).
pub fn load(src: &Source, format: Format) -> Result<Loaded, Rejection> {
    let name = src.name();
    let fail = |e: std::io::Error| unreadable(&name, &e.to_string());
    let (bytes, stem) = match src {
        Source::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(fail)?;
            (buf, String::new())
        }
        Source::File(p) => {
            let raw = std::fs::read(p).map_err(fail)?;
            let lower = name.to_ascii_lowercase();
            if let Some(stem) = lower.strip_suffix(".gz") {
                let mut out = Vec::new();
                flate2::read::MultiGzDecoder::new(&raw[..])
                    .read_to_end(&mut out)
                    .map_err(|e| unreadable(&name, &format!("gzip: {e}")))?;
                (out, stem.to_string())
            } else if let Some(stem) = lower.strip_suffix(".zst") {
                let out = zstd::stream::decode_all(&raw[..])
                    .map_err(|e| unreadable(&name, &format!("zstd: {e}")))?;
                (out, stem.to_string())
            } else {
                (raw, lower)
            }
        }
    };
    let jsonl = match format {
        Format::Text => false,
        Format::Jsonl => true,
        Format::Auto => match src {
            Source::Stdin => bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
            Source::File(_) => stem.ends_with(".jsonl") || stem.ends_with(".ndjson"),
        },
    };
    Ok(Loaded { name, bytes, jsonl })
}

/// An uncompressed JSONL file read a chunk of whole lines at a time, so that the pipeline
/// parses one chunk while the next is read (the file is never held whole).
pub struct JsonlChunks {
    file: std::fs::File,
    /// The start of a line that the last chunk cut.
    carry: Vec<u8>,
    /// Number of the first line of the next chunk (1-based).
    next_line: usize,
    eof: bool,
    /// Bytes read so far.
    pub bytes: u64,
    pub name: String,
    /// Bytes read a chunk (more when one line is longer).
    chunk: u64,
    /// A buffer handed back by [`JsonlChunks::recycle`], filled by the next chunk (its
    /// memory is reused, not allocated and faulted in again).
    spare: Vec<u8>,
    /// Bytes to read for the next chunk: the first chunks are smaller, so that parsing starts
    /// sooner (nothing runs in parallel with the first read); they grow to `chunk`.
    next_size: u64,
}

/// Bytes read for the first chunk.
const FIRST_CHUNK: u64 = 1 << 20;

/// Bytes read a chunk by default. Two chunks are held while reading (one parsed, the next
/// read) for the whole of it, next to the documents; 2 MiB rather than 8 MiB: about 2% fewer
/// page faults and 4% less CPU time (`thresh clean --no-strip`, dedup corpus, 2 threads), for
/// 0.5% more instructions (more, smaller parallel rounds).
const CHUNK: u64 = 2 << 20;

impl JsonlChunks {
    /// The chunked reader of `src` when it is a plain (not compressed) JSONL file; `None`
    /// for any other source, which [`load`] reads whole.
    pub fn open(src: &Source, format: Format) -> Option<Result<JsonlChunks, Rejection>> {
        let Source::File(p) = src else { return None };
        let name = src.name();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".gz") || lower.ends_with(".zst") {
            return None;
        }
        let jsonl = match format {
            Format::Text => false,
            Format::Jsonl => true,
            Format::Auto => lower.ends_with(".jsonl") || lower.ends_with(".ndjson"),
        };
        if !jsonl {
            return None;
        }
        Some(
            std::fs::File::open(p)
                .map(|file| JsonlChunks {
                    file,
                    carry: Vec::new(),
                    next_line: 1,
                    eof: false,
                    bytes: 0,
                    name: name.clone(),
                    chunk: CHUNK,
                    next_size: FIRST_CHUNK,
                    spare: Vec::new(),
                })
                .map_err(|e| unreadable(&name, &e.to_string())),
        )
    }

    /// The next chunk of whole lines and the number of its first line, for
    /// [`jsonl_lines`] (whose numbers then start at that line); `None` after the last.
    pub fn next_chunk(&mut self) -> Result<Option<(usize, Vec<u8>)>, Rejection> {
        let mut buf = std::mem::take(&mut self.spare);
        buf.clear();
        buf.extend_from_slice(&self.carry);
        let cut = loop {
            if self.eof {
                break buf.len();
            }
            let before = buf.len();
            // Room for the whole chunk at once: `read_to_end` would otherwise grow the buffer
            // from nothing by doubling, copying it each time.
            let size = self.next_size.min(self.chunk);
            self.next_size = size.saturating_mul(4);
            buf.reserve(size as usize + 64);
            (&mut self.file)
                .take(size)
                .read_to_end(&mut buf)
                .map_err(|e| unreadable(&self.name, &e.to_string()))?;
            self.bytes += (buf.len() - before) as u64;
            if buf.len() == before {
                self.eof = true;
                continue;
            }
            if let Some(k) = memchr::memrchr(b'\n', &buf[before..]) {
                break before + k + 1;
            }
        };
        if buf.is_empty() {
            return Ok(None);
        }
        self.carry.clear();
        self.carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let first = self.next_line;
        self.next_line += memchr::memchr_iter(b'\n', &buf).count();
        Ok(Some((first, buf)))
    }
}

impl JsonlChunks {
    /// The file's size in bytes (0 when unknown): what the reader expects to read in all.
    pub fn size_hint(&self) -> u64 {
        self.file.metadata().map_or(0, |m| m.len())
    }

    /// Hands back a chunk's buffer once its lines are parsed, for the next chunk to fill.
    pub fn recycle(&mut self, buf: Vec<u8>) {
        if buf.capacity() > self.spare.capacity() {
            self.spare = buf;
        }
    }
}

/// A plain-text source is one document; its id is its path.
pub fn text_doc(loaded: Loaded) -> RawDoc {
    RawDoc {
        id: loaded.name.clone(),
        source: loaded.name,
        bytes_in: loaded.bytes.len() as u64,
        payload: Payload::Bytes(loaded.bytes),
        extra: Map::new(),
    }
}

/// Splits JSONL bytes into `(1-based line number, line)` pairs, skipping blank lines.
pub fn jsonl_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    // memchr finds the line ends many bytes at a time (this runs before the parallel parse,
    // on one thread).
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    ends.map(move |end| {
        let line = &bytes[start..end];
        start = end + 1;
        line
    })
    .enumerate()
    .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
    .filter(|(_, l)| !l.iter().all(|b| b.is_ascii_whitespace()))
}

/// Parses one JSONL line into a document, or says why it cannot be one.
/// `"{name}:{line_no}"`, the source of a JSONL document, without the formatting machinery
/// (once per document).
fn line_source(name: &str, line_no: usize) -> String {
    let mut buf = [0u8; 20];
    let digits = crate::doc::decimal(line_no as u64, &mut buf);
    let mut s = String::with_capacity(name.len() + 1 + digits.len());
    s.push_str(name);
    s.push(':');
    s.push_str(digits);
    s
}

pub fn jsonl_doc(
    name: &str,
    line_no: usize,
    line: &[u8],
    cfg: &Config,
) -> Result<RawDoc, Rejection> {
    let source = line_source(name, line_no);
    let reject = |reason, detail: String| Rejection {
        id: source.clone(),
        source: source.clone(),
        reason,
        detail,
    };
    // Most corpus lines are objects of string fields: those are read without building
    // serde's `Value` tree or a map (the same fields, see `string_fields`); everything else
    // goes through serde_json, which also explains what is wrong with a bad line.
    let (id, text, extra) = match string_fields(line) {
        Some(fields) => from_fields(fields, cfg, &source)?,
        None => {
            let value: Value = serde_json::from_slice(line)
                .map_err(|e| reject(Reason::InvalidJson, format!("{source}: {e}")))?;
            let Value::Object(obj) = value else {
                return Err(reject(
                    Reason::InvalidJson,
                    format!("{source}: not a JSON object"),
                ));
            };
            from_map(obj, cfg, &source)?
        }
    };
    Ok(RawDoc {
        id,
        source,
        payload: Payload::Text(text),
        bytes_in: line.len() as u64,
        extra,
    })
}

/// A document's id, text and other fields from its JSON object (serde's map).
fn from_map(
    mut obj: Map<String, Value>,
    cfg: &Config,
    source: &str,
) -> Result<(String, String, Map<String, Value>), Rejection> {
    let id = match obj.shift_remove(&cfg.id_field) {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => source.to_string(),
        Some(other) => other.to_string(),
    };
    let text = match obj.shift_remove(&cfg.text_field) {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => return Err(missing_text(id, source, cfg)),
        Some(_) => {
            return Err(Rejection {
                id,
                source: source.to_string(),
                reason: Reason::InvalidTextField,
                detail: format!("{source}: field \"{}\" is not a string", cfg.text_field),
            })
        }
    };
    let extra = if obj.keys().any(|k| RESERVED.contains(&k.as_str())) {
        obj.into_iter().map(|(k, v)| (carried_name(k), v)).collect()
    } else {
        obj
    };
    Ok((id, text, extra))
}

/// [`from_map`] for a line of string fields ([`string_fields`]): the same id, text and
/// fields, without a map's hashing (most lines carry no other field, and then no map is
/// built at all).
fn from_fields(
    mut fields: Vec<(String, String)>,
    cfg: &Config,
    source: &str,
) -> Result<(String, String, Map<String, Value>), Rejection> {
    let mut take = |name: &str| {
        let k = fields.iter().position(|(key, _)| key == name)?;
        Some(fields.remove(k).1)
    };
    let id = take(&cfg.id_field).unwrap_or_else(|| source.to_string());
    let Some(text) = take(&cfg.text_field) else {
        return Err(missing_text(id, source, cfg));
    };
    let extra = fields
        .into_iter()
        .map(|(k, v)| (carried_name(k), Value::String(v)))
        .collect();
    Ok((id, text, extra))
}

/// The name a carried-through field is written under: `input_` before a reserved name.
fn carried_name(k: String) -> String {
    if RESERVED.contains(&k.as_str()) {
        format!("input_{k}")
    } else {
        k
    }
}

fn missing_text(id: String, source: &str, cfg: &Config) -> Rejection {
    Rejection {
        id,
        source: source.to_string(),
        reason: Reason::MissingTextField,
        detail: format!("{source}: no field \"{}\"", cfg.text_field),
    }
}

/// Fields past this many go to serde_json (the repeated-key check compares every pair).
const MAX_STRING_FIELDS: usize = 32;

/// A JSONL line that is one object whose values are all strings, parsed without serde: the
/// fields of the map serde_json would give (same keys, values and order). `None` for
/// anything else — another kind of value, a repeated key, more than [`MAX_STRING_FIELDS`]
/// fields, invalid UTF-8, a control character or a lone surrogate in a string, trailing
/// bytes — which the caller then hands to serde_json, so
/// every line is accepted or refused exactly as serde_json does. Strings are copied a run at
/// a time between the quotes and backslashes that `memchr` finds.
fn string_fields(line: &[u8]) -> Option<Vec<(String, String)>> {
    // A raw control character is JSON only as whitespace between tokens; lines with one are
    // rare and left to serde_json, as are lines that are not UTF-8. Both checked once for the
    // line (the fold has no early exit, so it is vectorized), not per string.
    let body = line.strip_suffix(b"\r").unwrap_or(line);
    if body.iter().fold(false, |bad, &c| bad | (c < 0x20)) {
        return None;
    }
    // `simdutf8` checks many bytes a step (`std::str::from_utf8` cost 2 instructions a byte).
    let text = simdutf8::basic::from_utf8(body).ok()?;
    let mut p = JsonCursor { s: text, i: 0 };
    p.ws();
    p.eat(b'{')?;
    p.ws();
    let mut obj: Vec<(String, String)> = Vec::new();
    if p.eat(b'}').is_none() {
        loop {
            let key = p.string()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            let value = p.string()?;
            if obj.len() >= MAX_STRING_FIELDS || obj.iter().any(|(k, _)| *k == key) {
                return None;
            }
            obj.push((key, value));
            p.ws();
            if p.eat(b',').is_some() {
                p.ws();
            } else {
                p.eat(b'}')?;
                break;
            }
        }
    }
    p.ws();
    (p.i == text.len()).then_some(obj)
}

/// A position in a JSON line, for [`string_fields`].
struct JsonCursor<'a> {
    s: &'a str,
    i: usize,
}

impl JsonCursor<'_> {
    /// Skips JSON whitespace (only spaces: the line has no control characters).
    fn ws(&mut self) {
        while self.s.as_bytes().get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.s.as_bytes().get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string literal starting here, unescaped. A string without escapes (keys, ids) is
    /// found by one search and copied at once. In an escaped one (texts: a `\n` about every
    /// 40 bytes) the runs between escapes are copied by [`copy_run`], 32 bytes a step.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let s = self.s;
        let bytes = s.as_bytes();
        let start = self.i;
        let pos = quote_or_backslash(bytes, start)?;
        if bytes[pos] == b'"' {
            self.i = pos + 1;
            return Some(s[start..pos].to_string());
        }
        // Room for the rest of the line and one block more: the block copies never grow it.
        let mut out = String::with_capacity(bytes.len() - start + RUN_BLOCK);
        out.push_str(&s[start..pos]);
        let mut esc = pos;
        loop {
            let mut e = esc + 1;
            let c = match *bytes.get(e)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = hex4(bytes, e + 1)?;
                    e += 4;
                    match hi {
                        0xD800..=0xDBFF => {
                            // A surrogate pair: `\uD83D\uDE00`.
                            if bytes.get(e + 1..e + 3) != Some(b"\\u") {
                                return None;
                            }
                            let lo = hex4(bytes, e + 3)?;
                            if !(0xDC00..=0xDFFF).contains(&lo) {
                                return None;
                            }
                            e += 6;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                        }
                        0xDC00..=0xDFFF => return None,
                        _ => char::from_u32(hi)?,
                    }
                }
                _ => return None,
            };
            out.push(c);
            // Each search starts past the escape just taken.
            let next = copy_run(s, e + 1, &mut out)?;
            if bytes[next] == b'"' {
                self.i = next + 1;
                return Some(out);
            }
            esc = next;
        }
    }
}

/// Bytes a step of [`copy_run`] and [`quote_or_backslash`].
const RUN_BLOCK: usize = 32;

/// Appends `s[from..q]` to `out`, where `q` is the first `"` or `\\` at or after `from`
/// (`from` on a character boundary), and returns `q`. 32 bytes a step: the block is appended
/// whole (a fixed-size copy, no call) and cut back to the quote or backslash if it holds one
/// (`out` must have room for one block more than the run; `JsonCursor::string` reserves it).
/// A block whose end splits a character is appended up to the character (rare: it ends
/// inside a multi-byte character only when the text has them). The copies were
/// `push_str` calls of each run (a `memcpy` call, ≈ 40 bytes, after a search of its own).
#[inline(always)]
fn copy_run(s: &str, mut from: usize, out: &mut String) -> Option<usize> {
    let bytes = s.as_bytes();
    while let Some(chunk) = bytes.get(from..from + RUN_BLOCK) {
        let m = quote_or_backslash_mask(chunk.try_into().unwrap_or(&[0; RUN_BLOCK]));
        let end = from + RUN_BLOCK;
        if let Some(block) = s.get(from..end) {
            out.push_str(block);
            if m != 0 {
                let p = m.trailing_zeros() as usize;
                // The cut is at an ASCII byte: a character boundary.
                out.truncate(out.len() - RUN_BLOCK + p);
                return Some(from + p);
            }
            from = end;
        } else if m != 0 {
            let p = m.trailing_zeros() as usize;
            out.push_str(s.get(from..from + p)?);
            return Some(from + p);
        } else {
            // A character starts in the block's last three bytes and ends past it.
            let mut b = end - 1;
            while !s.is_char_boundary(b) {
                b -= 1;
            }
            out.push_str(s.get(from..b)?);
            from = b;
        }
    }
    let p = memchr::memchr2(b'"', b'\\', bytes.get(from..)?)?;
    out.push_str(s.get(from..from + p)?);
    Some(from + p)
}

/// Bit k set when byte k of the block is `"` or `\\`. AVX2 on x86-64-v3 (two compares and a
/// `movemask` for the 32 bytes), SSE2 halves on other x86-64, a loop the compiler vectorizes
/// elsewhere; the same masks (`quote_or_backslash_is_memchr2`).
#[inline(always)]
fn quote_or_backslash_mask(chunk: &[u8; RUN_BLOCK]) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        use safe_arch::{
            bitor_m256i, cmp_eq_mask_i8_m256i, m256i, move_mask_i8_m256i, set_splat_i8_m256i,
        };
        let x = m256i::from(*chunk);
        move_mask_i8_m256i(bitor_m256i(
            cmp_eq_mask_i8_m256i(x, set_splat_i8_m256i(b'"' as i8)),
            cmp_eq_mask_i8_m256i(x, set_splat_i8_m256i(b'\\' as i8)),
        )) as u32
    }
    #[cfg(all(
        target_arch = "x86_64",
        target_feature = "sse2",
        not(target_feature = "avx2")
    ))]
    {
        use safe_arch::{
            bitor_m128i, cmp_eq_mask_i8_m128i, m128i, move_mask_i8_m128i, set_splat_i8_m128i,
        };
        let half = |h: &[u8]| {
            let x = m128i::from(<[u8; 16]>::try_from(h).unwrap_or([0; 16]));
            move_mask_i8_m128i(bitor_m128i(
                cmp_eq_mask_i8_m128i(x, set_splat_i8_m128i(b'"' as i8)),
                cmp_eq_mask_i8_m128i(x, set_splat_i8_m128i(b'\\' as i8)),
            )) as u32
                & 0xFFFF
        };
        half(&chunk[..16]) | half(&chunk[16..]) << 16
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        quote_or_backslash_mask_scalar(chunk)
    }
}

/// [`quote_or_backslash_mask`] a byte at a time: the reference.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn quote_or_backslash_mask_scalar(chunk: &[u8; RUN_BLOCK]) -> u32 {
    chunk
        .iter()
        .enumerate()
        .fold(0, |m, (k, &c)| m | u32::from(c == b'"' || c == b'\\') << k)
}

/// The first `"` or `\\` at or after `from`: 32 bytes a step ([`quote_or_backslash_mask`]),
/// `memchr2` for the last bytes (`memchr2`'s iterator cost about 90 instructions a call).
#[inline(always)]
fn quote_or_backslash(bytes: &[u8], mut from: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(from..from + RUN_BLOCK) {
        let m = quote_or_backslash_mask(chunk.try_into().unwrap_or(&[0; RUN_BLOCK]));
        if m != 0 {
            return Some(from + m.trailing_zeros() as usize);
        }
        from += RUN_BLOCK;
    }
    memchr::memchr2(b'"', b'\\', bytes.get(from..)?).map(|k| from + k)
}

/// The four hex digits at `at`.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let mut v = 0;
    for &c in bytes.get(at..at + 4)? {
        v = v << 4 | (c as char).to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path's fields as serde's map.
    fn string_object(line: &[u8]) -> Option<Map<String, Value>> {
        string_fields(line).map(|f| f.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
    }

    /// Whatever the fast path accepts, serde_json parses to the same map, keys in the same
    /// order; and the document made from its fields is the one made from serde's map.
    fn same_as_serde(line: &[u8]) -> bool {
        if let Some(fields) = string_fields(line) {
            let slow: Value = serde_json::from_slice(line).expect("serde accepts it too");
            let Value::Object(obj) = slow else {
                panic!("an object")
            };
            for (id_field, text_field) in [("id", "text"), ("k", "id"), ("text", "text")] {
                let cfg = Config {
                    id_field: id_field.into(),
                    text_field: text_field.into(),
                    ..Config::default()
                };
                let doc = |r: Result<(String, String, Map<String, Value>), Rejection>| match r {
                    Ok((id, text, extra)) => format!("{id:?} {text:?} {extra:?}"),
                    Err(r) => format!("{} {} {:?} {}", r.id, r.source, r.reason, r.detail),
                };
                assert_eq!(
                    doc(from_fields(fields.clone(), &cfg, "f:1")),
                    doc(from_map(obj.clone(), &cfg, "f:1"))
                );
            }
        }
        let Some(fast) = string_object(line) else {
            return false;
        };
        let slow: Value = serde_json::from_slice(line).expect("serde accepts it too");
        let keys = |m: &Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&fast), keys(slow.as_object().expect("an object")));
        assert_eq!(Value::Object(fast), slow);
        true
    }

    #[test]
    fn string_objects_without_serde() {
        for line in [
            r#"{"id": "a1", "text": "caf\u00e9\nna\u00efve \"quoted\" \\ \/ \t end"}"#,
            r#"  {"text":"smile \ud83d\ude00 é ü","url":"https://x.org/a?b=c"}  "#,
            r#"{}"#,
            "{\"a\":\"\", \"b\":\"x\"}\r",
        ] {
            assert!(same_as_serde(line.as_bytes()), "{line}");
        }
        // Left to serde: other values, repeats, bad strings, trailing bytes.
        for line in [
            r#"{"id": 7, "text": "x"}"#,
            r#"{"text": "x", "meta": {"a": "b"}}"#,
            r#"{"text": "x", "text": "y"}"#,
            r#"{"text": "lone \ud83d here"}"#,
            r#"{"text": "bad \x escape"}"#,
            "{\"text\": \"raw\ttab\"}",
            r#"{"text": "x"} {"#,
            r#"{"text": "x",}"#,
            r#"["text"]"#,
            "{\"a\":\"\",\r\n\"b\":\"x\"}",
        ] {
            assert!(string_object(line.as_bytes()).is_none(), "{line}");
        }
        assert!(string_object(b"{\"text\": \"\xff\"}").is_none());
    }

    proptest::proptest! {
        #[test]
        fn line_source_is_name_colon_number(name in "\\PC{0,12}", n in proptest::prelude::any::<usize>()) {
            proptest::prop_assert_eq!(line_source(&name, n), format!("{name}:{n}"));
            proptest::prop_assert_eq!(line_source(&name, n % 1000), format!("{name}:{}", n % 1000));
        }

        #[test]
        fn hex64_is_sixteen_hex_digits(x in proptest::prelude::any::<u64>()) {
            proptest::prop_assert_eq!(crate::doc::hex64(x), format!("{x:016x}"));
            proptest::prop_assert_eq!(crate::doc::hex64(x >> 40), format!("{:016x}", x >> 40));
        }

        /// The 32-byte mask in use (AVX2 on x86-64-v3) is the byte-at-a-time one.
        #[test]
        fn quote_or_backslash_mask_is_the_byte_rule(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 32),
            texty in "[a\"\\\\\u{e9}\u{1f600} ]{32}",
        ) {
            let a: [u8; 32] = bytes.try_into().unwrap_or([0; 32]);
            let t: [u8; 32] = texty.as_bytes()[..32].try_into().unwrap_or([0; 32]);
            for c in [a, t] {
                proptest::prop_assert_eq!(
                    quote_or_backslash_mask(&c),
                    quote_or_backslash_mask_scalar(&c)
                );
            }
        }

        /// Long strings with escapes anywhere and multi-byte characters across the 32-byte
        /// blocks of the run copies: the fast path unescapes them as serde_json does.
        #[test]
        fn long_escaped_strings_as_serde(
            text in "([a-z ]{0,40}|[\"\\\\/\n\t\r\u{8}\u{c}\u{1}]|é|€|\u{1f600}|\u{d7ff}){0,40}",
            pad in 0usize..40,
        ) {
            let line = serde_json::to_string(&serde_json::json!({
                "id": "x".repeat(pad),
                "text": text,
            }))
            .unwrap_or_default();
            let fields = string_fields(line.as_bytes());
            proptest::prop_assert!(fields.is_some(), "{}", line);
            let fields = fields.unwrap_or_default();
            proptest::prop_assert_eq!(&fields[1].1, &text);
            // The same text with `\uXXXX` escapes (ASCII-only JSON).
            let ascii: String = line
                .chars()
                .map(|c| if c.is_ascii() { c.to_string() } else {
                    let mut b = [0u16; 2];
                    c.encode_utf16(&mut b).iter().map(|u| format!("\\u{u:04x}")).collect()
                })
                .collect();
            let fields = string_fields(ascii.as_bytes()).unwrap_or_default();
            proptest::prop_assert_eq!(fields.get(1).map(|f| f.1.as_str()), Some(text.as_str()));
        }

        /// The search for quotes and backslashes finds what `memchr2` finds, from any start.
        #[test]
        fn quote_or_backslash_is_memchr2(
            s in "[a\"\\\\\u{e9}]{0,70}",
            from in 0usize..80,
        ) {
            let b = s.as_bytes();
            let want = b
                .get(from..)
                .and_then(|t| memchr::memchr2(b'"', b'\\', t))
                .map(|k| from + k);
            proptest::prop_assert_eq!(quote_or_backslash(b, from), want);
        }

        /// Lines written by serde_json from random fields, and the same lines with one byte
        /// changed: the fast path takes the first and either refuses the second or agrees
        /// with serde_json on it.
        #[test]
        fn string_object_agrees_with_serde(
            fields in proptest::collection::vec(
                ("(id|text|source|input_source|k|changes|\\PC{0,6})", proptest::prelude::any::<String>()),
                0..5,
            ),
            at in proptest::prelude::any::<usize>(),
            byte in proptest::prelude::any::<u8>(),
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
        ) {
            let mut seen = std::collections::HashSet::new();
            let body: Vec<String> = fields
                .iter()
                .filter(|(k, _)| seen.insert(k.clone()))
                .map(|(k, v)| format!(
                    "{}: {}",
                    serde_json::to_string(k).unwrap(),
                    serde_json::to_string(v).unwrap()
                ))
                .collect();
            let line = format!("{{{}}}", body.join(", "));
            proptest::prop_assert!(same_as_serde(line.as_bytes()));
            let mut bytes = line.into_bytes();
            let at = at % bytes.len();
            bytes[at] = byte;
            same_as_serde(&bytes);
            same_as_serde(&raw);
        }
    }

    /// Chunks of any size give the lines and numbers of the whole file: blank lines, CRLF,
    /// lines longer than a chunk, no newline at the end.
    #[test]
    fn chunks_give_the_lines_of_the_whole_file() {
        let dir = std::env::temp_dir().join(format!("thresh-chunks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.jsonl");
        let text = "{\"a\":1}\n\n{\"b\":22}\r\n   \n{\"long\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"c\":3}\n\n{\"d\":4}";
        std::fs::write(&path, text).unwrap();
        let whole: Vec<(usize, Vec<u8>)> = jsonl_lines(text.as_bytes())
            .map(|(n, l)| (n, l.to_vec()))
            .collect();
        for (size, recycle) in [1, 2, 3, 5, 7, 8, 13, 64, 1 << 20]
            .into_iter()
            .flat_map(|s| [(s, false), (s, true)])
        {
            let src = Source::File(path.clone());
            let mut c = JsonlChunks::open(&src, Format::Auto).unwrap().unwrap();
            c.chunk = size;
            let mut got = Vec::new();
            while let Some((first, bytes)) = c.next_chunk().unwrap() {
                got.extend(jsonl_lines(&bytes).map(|(n, l)| (first - 1 + n, l.to_vec())));
                if recycle {
                    // Handed back with stale bytes in it: the next chunk must not show them.
                    c.recycle(bytes);
                }
            }
            assert_eq!(got, whole, "chunk {size}, recycled {recycle}");
            assert_eq!(c.bytes, text.len() as u64);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn jsonl_line_with_extras_and_numeric_id() {
        let cfg = Config::default();
        let d = jsonl_doc(
            "a.jsonl",
            3,
            br#"{"id": 7, "url": "u", "text": "hi", "source": "s"}"#,
            &cfg,
        )
        .expect("valid line");
        assert_eq!(d.id, "7");
        assert_eq!(d.source, "a.jsonl:3");
        let keys: Vec<_> = d.extra.keys().cloned().collect();
        assert_eq!(keys, ["url", "input_source"]);
    }

    #[test]
    fn bad_lines_are_rejected_with_location() {
        let cfg = Config::default();
        let e = jsonl_doc("a.jsonl", 2, b"{nope", &cfg).expect_err("invalid");
        assert_eq!(e.reason, Reason::InvalidJson);
        assert!(e.detail.starts_with("a.jsonl:2:"), "{}", e.detail);
        let e = jsonl_doc("a.jsonl", 4, br#"{"id":"x"}"#, &cfg).expect_err("missing");
        assert_eq!(e.reason, Reason::MissingTextField);
        assert_eq!(e.id, "x");
    }

    #[test]
    fn blank_lines_skipped_and_numbered() {
        let got: Vec<_> = jsonl_lines(b"{}\n\n  \r\n{\"a\":1}\r\n")
            .map(|(n, _)| n)
            .collect();
        assert_eq!(got, [1, 4]);
    }
}
