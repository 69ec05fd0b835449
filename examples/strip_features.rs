//! Dumps strip's per-line features over a folder of text files, with the corpus repetition
//! counts a `thresh clean` run over the same folder would use, for `benches/train_strip.py`:
//! `cargo run --release --example strip_features -- DIR > features.tsv`.
//!
//! Columns: page id, line number, the hand-rule verdict (`-` when none decided), the model
//! features in `strip::model::FEATURES` order, and the line text (tabs replaced by spaces).
use std::io::Write;
use thresh::strip::{self, model, Counts};

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/eval/wcxb-dev/text".into());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let docs: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| {
            let id = p.file_stem()?.to_string_lossy().into_owned();
            let bytes = std::fs::read(p).ok()?;
            let raw = thresh::doc::RawDoc {
                id: id.clone(),
                source: id.clone(),
                bytes_in: bytes.len() as u64,
                payload: thresh::doc::Payload::Bytes(bytes),
                extra: Default::default(),
            };
            let doc = thresh::pipeline::prepare(raw, &thresh::Config::default()).ok()?;
            Some((id, doc.text))
        })
        .collect();
    let sigs: Vec<_> = docs
        .iter()
        .map(|(_, t)| strip::repetition::signature(t))
        .collect();
    let counts = Counts::build(&sigs);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    write!(out, "id\tline\trule")?;
    for (f, _) in model::FEATURES {
        write!(out, "\t{f}")?;
    }
    writeln!(out, "\ttext")?;
    for (id, text) in &docs {
        let a = strip::analyze(text, Some(&counts));
        let prose: Vec<bool> = a.lines.iter().map(strip::Line::is_prose).collect();
        let ctx = model::DocContext::new(&a.lines, &a.repeats, &prose, a.lang != 0);
        for (i, (l, v)) in a.lines.iter().zip(&a.verdicts).enumerate() {
            let rule = match v.rule {
                Some(r) if v.score.is_none() => r,
                _ => "-",
            };
            write!(out, "{id}\t{}\t{rule}", l.no)?;
            for x in model::features(&ctx, i) {
                write!(out, "\t{x}")?;
            }
            writeln!(out, "\t{}", l.text.replace('\t', " "))?;
        }
    }
    Ok(())
}
