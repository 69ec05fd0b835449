//! Times strip's parts over the `text` fields of a JSONL file, single thread:
//! `cargo run --release --example time_strip -- benches/data/corpus.jsonl`.
use std::time::Instant;
use thresh::strip::{self, Line};

fn main() {
    let path = std::env::args().nth(1).expect("a JSONL file");
    let docs: Vec<String> = std::fs::read_to_string(path)
        .expect("readable")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    let bytes: usize = docs.iter().map(String::len).sum();
    let lines: usize = docs.iter().map(|d| d.lines().count()).sum();
    println!("{} docs, {bytes} bytes, {lines} lines", docs.len());
    let report = |name: &str, t: Instant, n: usize| {
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name:>16}: {:7.3} s  {:6.1} MB/s  {:6.0} ns/line   ({n})",
            s,
            bytes as f64 / s / 1e6,
            s * 1e9 / lines as f64
        );
    };
    let t = Instant::now();
    let mut n = 0;
    for d in &docs {
        let (mut w, mut m) = (Vec::new(), Vec::new());
        for l in d.split('\n') {
            n += Line::measure(0, l, None, &mut w, &mut m).words as usize;
        }
    }
    report("Line::measure", t, n);
    let t = Instant::now();
    let mut n = 0;
    for d in &docs {
        n += strip::measure(d).lines.len();
    }
    report("strip::measure", t, n);
    let t = Instant::now();
    let mut n = 0;
    for d in &docs {
        let m = strip::measure(d);
        n += strip::judge(&m, None).len();
    }
    report("measure+judge", t, n);
    let t = Instant::now();
    let mut n = 0;
    for d in &docs {
        let m = strip::measure(d);
        let v = strip::judge(&m, None);
        let (w, len) = strip::kept_words(&m, &v);
        n += thresh::fingerprint::fingerprint_words(&w, len, None).simhash as usize & 1;
        n += strip::repetition::signature_of(&m).lines.len();
        n += strip::render(&m.lines, &v, false).text.len();
    }
    report("+fp+sig+render", t, n);
}
