//! Scale bench for the dedup barrier: clusters N synthetic fingerprints (default 10 million)
//! and prints wall time and peak memory (VmHWM). Not a test: run it by hand, release build.
//!
//! ```sh
//! cargo run --release --example dedup_scale -- 10000000 6        # N, max distance
//! cargo run --release --example dedup_scale -- 10000000 minhash  # 14 × 8 LSH bands
//! /usr/bin/time -v target/release/examples/dedup_scale 10000000 9
//! ```
//!
//! Fingerprints: uniformly random SimHashes and sketches, and one document in ten a near copy
//! of the one before it (its SimHash with 1–k random bits flipped and its sketch with a few
//! bins changed), so the index has real clusters to find among random neighbours. Candidates
//! are verified by their sketches (`--verify sketch`): synthetic fingerprints have no shingle
//! sets, and 10 million real ones would need about 20 GB of them.

use std::time::Instant;
use thresh::config::{DedupMode, Verify};
use thresh::dedup::{Bands, Check, Entry, Params, Sets};
use thresh::doc::Sketch;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let mode = args.next().unwrap_or_default();
    let minhash = mode == "minhash";
    let k: u32 = mode.parse().unwrap_or(thresh::dedup::DEFAULT_MAX_DISTANCE);
    let threads: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let t0 = Instant::now();
    let mut entries: Vec<Option<Entry>> = Vec::with_capacity(n);
    for i in 0..n {
        let r = next();
        let e = if i % 10 == 9 {
            let Some(mut e) = entries[i - 1] else {
                continue;
            };
            for f in 0..(1 + r % u64::from(k.max(1))) {
                e.simhash ^= 1 << ((r >> (6 * f)) % 64);
            }
            for b in 0..4 {
                let pos = ((r >> (8 * b + 32)) % 64) as usize;
                e.sketch.0[pos] = e.sketch.0[pos].wrapping_add(1);
            }
            e.exact = next();
            e
        } else {
            let mut sketch = Sketch::default();
            for c in sketch.0.chunks_mut(8) {
                c.copy_from_slice(&next().to_le_bytes());
            }
            Entry {
                simhash: r,
                exact: next(),
                sketch,
                len: 100 + r % 1000,
            }
        };
        entries.push(Some(e));
    }
    // MinHash bands: random, and a copy shares all but one band with its original.
    let per_doc = if minhash {
        thresh::dedup::DEFAULT_BANDS
    } else {
        0
    };
    let mut hashes: Vec<u32> = Vec::with_capacity(n * per_doc);
    for i in 0..entries.len() {
        for b in 0..per_doc {
            let r = next() as u32;
            hashes.push(if i % 10 == 9 && b != 3 {
                hashes[(i - 1) * per_doc + b]
            } else {
                r
            });
        }
    }
    let gen = t0.elapsed().as_secs_f64();
    let params = Params {
        max_distance: k,
        mode: if minhash {
            DedupMode::Minhash
        } else {
            DedupMode::Near
        },
        ..Params::default()
    };
    let bands = Bands {
        per_doc,
        hashes: &hashes,
    };
    let t1 = Instant::now();
    // Verified by sketches (`--verify sketch`): exact verification would need every document's
    // shingle set (4 bytes per shingle, ~2 KB for a 500-word document, 20 GB at 10 million),
    // which synthetic fingerprints do not have. Leader clustering as in every mode.
    let check = Check {
        verify: Verify::Sketch,
        ..Check::default()
    };
    let dups = match thresh::pipeline::dedup_entries(
        &entries,
        bands,
        Sets::NONE,
        &params,
        &check,
        threads,
    ) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("dedup_scale: {e}");
            std::process::exit(1);
        }
    };
    let secs = t1.elapsed().as_secs_f64();
    let dropped = dups.iter().filter(|d| d.is_some()).count();
    let index = match thresh::dedup::NearIndex::new(n, k) {
        thresh::dedup::NearIndex::Blocks(p) => format!(
            "blocked tables: blocks={} tables={} key_bits={}",
            p.blocks.len(),
            p.tables.len(),
            p.key_bits
        ),
        thresh::dedup::NearIndex::Mih(m) => format!("multi-index hashing: tables={}", m.tables()),
    };
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .unwrap_or(0);
    let mode = if minhash {
        format!("minhash {per_doc} bands")
    } else {
        format!("near k={k}")
    };
    println!(
        "n={n} {mode} (near index: {index}): generated in {gen:.1}s, clustered in {secs:.1}s; {dropped} dropped (planted {}); peak RSS {:.2} GB",
        n / 10,
        hwm as f64 / 1e6 * 1.024
    );
}
