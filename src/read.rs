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
}

/// Bytes read a chunk by default.
const CHUNK: u64 = 8 << 20;

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
                })
                .map_err(|e| unreadable(&name, &e.to_string())),
        )
    }

    /// The next chunk of whole lines and the number of its first line, for
    /// [`jsonl_lines`] (whose numbers then start at that line); `None` after the last.
    pub fn next_chunk(&mut self) -> Result<Option<(usize, Vec<u8>)>, Rejection> {
        let mut buf = std::mem::take(&mut self.carry);
        let cut = loop {
            if self.eof {
                break buf.len();
            }
            let before = buf.len();
            (&mut self.file)
                .take(self.chunk)
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
        self.carry = buf[cut..].to_vec();
        buf.truncate(cut);
        let first = self.next_line;
        self.next_line += memchr::memchr_iter(b'\n', &buf).count();
        Ok(Some((first, buf)))
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
pub fn jsonl_doc(
    name: &str,
    line_no: usize,
    line: &[u8],
    cfg: &Config,
) -> Result<RawDoc, Rejection> {
    let source = format!("{name}:{line_no}");
    let reject = |reason, detail: String| Rejection {
        id: source.clone(),
        source: source.clone(),
        reason,
        detail,
    };
    let value: Value = serde_json::from_slice(line)
        .map_err(|e| reject(Reason::InvalidJson, format!("{source}: {e}")))?;
    let Value::Object(mut obj) = value else {
        return Err(reject(
            Reason::InvalidJson,
            format!("{source}: not a JSON object"),
        ));
    };
    let id = match obj.shift_remove(&cfg.id_field) {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => source.clone(),
        Some(other) => other.to_string(),
    };
    let text = match obj.shift_remove(&cfg.text_field) {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => {
            return Err(Rejection {
                id,
                source: source.clone(),
                reason: Reason::MissingTextField,
                detail: format!("{source}: no field \"{}\"", cfg.text_field),
            })
        }
        Some(_) => {
            return Err(Rejection {
                id,
                source: source.clone(),
                reason: Reason::InvalidTextField,
                detail: format!("{source}: field \"{}\" is not a string", cfg.text_field),
            })
        }
    };
    let extra = if obj.keys().any(|k| RESERVED.contains(&k.as_str())) {
        obj.into_iter()
            .map(|(k, v)| {
                if RESERVED.contains(&k.as_str()) {
                    (format!("input_{k}"), v)
                } else {
                    (k, v)
                }
            })
            .collect()
    } else {
        obj
    };
    Ok(RawDoc {
        id,
        source,
        payload: Payload::Text(text),
        bytes_in: line.len() as u64,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for size in [1, 2, 3, 5, 7, 8, 13, 64, 1 << 20] {
            let src = Source::File(path.clone());
            let mut c = JsonlChunks::open(&src, Format::Auto).unwrap().unwrap();
            c.chunk = size;
            let mut got = Vec::new();
            while let Some((first, bytes)) = c.next_chunk().unwrap() {
                got.extend(jsonl_lines(&bytes).map(|(n, l)| (first - 1 + n, l.to_vec())));
            }
            assert_eq!(got, whole, "chunk {size}");
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
