//! The `thresh` binary: parses the command line into a [`thresh::Config`] and hands off to the
//! library. Exit codes: 0 when a run completes (bad documents are reported, not fatal), 2 for
//! bad arguments or an output folder that cannot be written, 1 for other failures.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use thresh::config::{DedupMode, Format, KeepRule};
use thresh::pipeline::Messages as _;
use thresh::repair::{self, Entities};

#[derive(Parser)]
#[command(
    name = "thresh",
    version,
    about = "Turns raw web-scraped text into clean, deduplicated JSONL",
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Clean files, folders or stdin into OUT/clean.jsonl, OUT/dropped.jsonl, OUT/report.json.
    ///
    /// Holds the documents of a run in memory (about the size of the input text, plus each
    /// document's word 5-shingle set for --verify exact: 4 bytes a shingle, about 0.7 × the
    /// clean text) and reads each input once.
    Clean(CleanArgs),
    /// Fingerprint inputs into one signature file per input source in OUT (two-phase dedup).
    ///
    /// Runs decode, repair and strip like `clean` (give it the same cleaning options) and
    /// writes, per document, about 110 bytes plus its id and source, plus its word 5-shingle
    /// set (4 bytes a shingle, about 4 bytes a word) unless --verify sketch. Reads each input
    /// once and holds one input source in memory at a time.
    Fingerprint(FingerprintArgs),
    /// Cluster the signature files under SIG and write the drop list to OUT.
    ///
    /// Holds every signature in memory (about 100 bytes a document, plus ids and sources,
    /// plus the shingle sets for --verify exact: 4 bytes a shingle).
    /// Apply the result with `thresh clean --drop-list OUT`: over the same inputs, its
    /// clean.jsonl and dropped.jsonl equal a single `thresh clean` run's.
    Dedup(DedupCmdArgs),
    /// Repair mojibake and control characters line by line: a Unix filter.
    ///
    /// Reads UTF-8 from FILE (or stdin), splits on \n only, and writes exactly one repaired
    /// line per input line, in order, streaming.
    Fix(FixArgs),
    /// Show strip's decision for each line of a text file: keep, or drop and why.
    ///
    /// The file is decoded and repaired as `clean` would, then judged alone (no corpus
    /// repetition counts). Coloured when stdout is a terminal.
    Explain(ExplainArgs),
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// A text file (- for stdin).
    file: PathBuf,
    /// Colour: auto (when stdout is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct CleanArgs {
    /// Files, folders (walked recursively, sorted), or - for stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    dedup: DedupArgs,
    /// Drop the documents a `thresh dedup` drop list names instead of deduplicating.
    #[arg(long)]
    drop_list: Option<PathBuf>,
}

#[derive(clap::Args)]
struct FingerprintArgs {
    /// Files, folders (walked recursively, sorted), or - for stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output folder for the signature files.
    #[arg(short, long, default_value = "sig")]
    out: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
    /// `minhash` also records MinHash LSH bands (needed by `thresh dedup --dedup minhash`).
    #[arg(long, value_enum, default_value_t = DedupArg::Near)]
    dedup: DedupArg,
    /// MinHash LSH bands (with --dedup minhash).
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_BANDS)]
    bands: usize,
    /// MinHash rows per band (with --dedup minhash).
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_ROWS)]
    rows: usize,
    /// `exact` records each document's word 5-shingle set (4 bytes per shingle), which
    /// `thresh dedup --verify exact` (the default) needs; `sketch` leaves them out.
    #[arg(long, value_enum, default_value_t = VerifyArg::Exact)]
    verify: VerifyArg,
}

#[derive(clap::Args)]
struct DedupCmdArgs {
    /// Signature files, or folders holding them (*.thsig).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The drop list to write (JSONL).
    #[arg(short, long, default_value = "drop.jsonl")]
    out: PathBuf,
    #[command(flatten)]
    dedup: DedupArgs,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// How inputs are read and cleaned (`clean` and `fingerprint`).
#[derive(clap::Args)]
struct ReadArgs {
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// JSONL field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field holding the id (default when absent: <path>:<line>).
    #[arg(long, default_value = "id")]
    id_field: String,
    /// How inputs are parsed (auto: .jsonl/.ndjson are JSONL, other files one document).
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    format: FormatArg,
    /// Do not run the repair stage.
    #[arg(long)]
    no_repair: bool,
    /// Do not run the strip stage.
    #[arg(long)]
    no_strip: bool,
    /// Judge each document alone: skip the pass that counts lines repeated across
    /// unrelated documents (saves one pass over the input).
    #[arg(long)]
    no_repetition: bool,
    /// List every removed line (number, rule, text) in `changes.removed` of clean.jsonl;
    /// by default only the count per rule is written (`changes.removed_by`).
    #[arg(long)]
    removed_lines: bool,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// What counts as a duplicate (`clean` and `dedup`).
#[derive(clap::Args)]
struct DedupArgs {
    /// Duplicate handling.
    #[arg(long, value_enum, default_value_t = DedupArg::Near)]
    dedup: DedupArg,
    /// Largest SimHash Hamming distance of a near-duplicate candidate.
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_MAX_DISTANCE)]
    max_distance: u32,
    /// How a candidate is verified: `exact` compares the two documents' word 5-shingle sets
    /// (memory: 4 bytes per shingle of every document); `sketch` compares 64-byte sketches.
    #[arg(long, value_enum, default_value_t = VerifyArg::Exact)]
    verify: VerifyArg,
    /// Least exact word 5-shingle Jaccard for a candidate to be a duplicate (0 to 1;
    /// --verify exact).
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_MIN_JACCARD)]
    min_jaccard: f64,
    /// Least estimated word 5-shingle Jaccard for a candidate to be a duplicate (0 to 1;
    /// --verify sketch).
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_MIN_SIMILARITY)]
    min_similarity: f64,
    /// MinHash LSH bands (with --dedup minhash).
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_BANDS)]
    bands: usize,
    /// MinHash rows per band (with --dedup minhash).
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_ROWS)]
    rows: usize,
    /// Which copy of a duplicate cluster is kept.
    #[arg(long, value_enum, default_value_t = KeepArg::First)]
    keep: KeepArg,
    /// How verified pairs become clusters: `star` drops a document only for a kept copy it
    /// was verified against; `components` takes connected components (union-find), so a
    /// chain of near duplicates is one cluster.
    #[arg(long, value_enum, default_value_t = ClusterArg::Star)]
    cluster: ClusterArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ClusterArg {
    Star,
    Components,
}

fn cluster_rule(c: ClusterArg) -> thresh::config::ClusterRule {
    match c {
        ClusterArg::Star => thresh::config::ClusterRule::Star,
        ClusterArg::Components => thresh::config::ClusterRule::Components,
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DedupArg {
    Near,
    Minhash,
    Exact,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
enum VerifyArg {
    Exact,
    Sketch,
}

#[derive(Clone, Copy, ValueEnum)]
enum KeepArg {
    First,
    Longest,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Auto,
    Text,
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum EntitiesArg {
    Auto,
    On,
    Off,
}

#[derive(clap::Args)]
struct FixArgs {
    /// Input file (default: stdin).
    file: Option<PathBuf>,
    /// Unescape HTML character references: auto = only in lines without markup.
    #[arg(long, value_enum, default_value_t = EntitiesArg::Auto)]
    entities: EntitiesArg,
    /// Turn curly quotes into straight ones.
    #[arg(long)]
    uncurl_quotes: bool,
    /// Turn full-width ASCII forms into ASCII.
    #[arg(long)]
    fold_fullwidth: bool,
    /// Do not apply Unicode NFC.
    #[arg(long)]
    no_nfc: bool,
}

fn main() -> ExitCode {
    if let Some(missing) = missing_cpu_feature() {
        eprintln!(
            "thresh: this build targets x86-64-v3 (see .cargo/config.toml) but this CPU lacks \
             {missing}; rebuild with RUSTFLAGS=\"-C target-cpu=x86-64 -C target-feature=+popcnt\" \
             cargo build --release"
        );
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Clean(a) => clean(a),
        Cmd::Fingerprint(a) => fingerprint(a),
        Cmd::Dedup(a) => dedup(a),
        Cmd::Fix(a) => fix(a),
        Cmd::Explain(a) => explain(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thresh: {e:#}");
            match e.downcast_ref::<thresh::Error>() {
                Some(thresh::Error::Config(_) | thresh::Error::Output { .. }) => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}

/// The first CPU feature this build was compiled to use that the running CPU lacks, so a
/// binary copied to an older machine stops with a message instead of an illegal instruction.
fn missing_cpu_feature() -> Option<&'static str> {
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! check {
            ($($f:tt),*) => {$(
                if cfg!(target_feature = $f) && !std::arch::is_x86_feature_detected!($f) {
                    return Some($f);
                }
            )*};
        }
        check!("avx2", "bmi1", "bmi2", "fma", "lzcnt", "popcnt", "sse4.2", "ssse3");
    }
    None
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Progress and warnings on stderr.
struct Stderr {
    bar: Option<indicatif::ProgressBar>,
}

impl thresh::pipeline::Messages for Stderr {
    fn warn(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("thresh: warning: {msg}")),
            None => eprintln!("thresh: warning: {msg}"),
        }
    }
    fn progress_total(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.set_length(n);
        }
    }
    fn progress_inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }
}

fn dedup_mode(d: DedupArg) -> DedupMode {
    match d {
        DedupArg::Near => DedupMode::Near,
        DedupArg::Minhash => DedupMode::Minhash,
        DedupArg::Exact => DedupMode::Exact,
        DedupArg::Off => DedupMode::Off,
    }
}

/// The configuration `clean` and `fingerprint` share.
fn config(inputs: Vec<PathBuf>, out: PathBuf, r: ReadArgs, d: &DedupArgs) -> thresh::Config {
    thresh::Config {
        inputs,
        out,
        threads: r.threads.unwrap_or(0),
        format: match r.format {
            FormatArg::Auto => Format::Auto,
            FormatArg::Text => Format::Text,
            FormatArg::Jsonl => Format::Jsonl,
        },
        text_field: r.text_field,
        id_field: r.id_field,
        dedup: dedup_mode(d.dedup),
        max_distance: d.max_distance,
        verify: match d.verify {
            VerifyArg::Exact => thresh::config::Verify::Exact,
            VerifyArg::Sketch => thresh::config::Verify::Sketch,
        },
        min_jaccard: d.min_jaccard,
        min_similarity: d.min_similarity,
        bands: d.bands,
        rows: d.rows,
        keep: match d.keep {
            KeepArg::First => KeepRule::First,
            KeepArg::Longest => KeepRule::Longest,
        },
        cluster: cluster_rule(d.cluster),
        drop_list: None,
        repair: !r.no_repair,
        strip: !r.no_strip,
        repetition: !r.no_repetition,
        removed_lines: r.removed_lines,
        quiet: r.quiet,
    }
}

fn fingerprint(a: FingerprintArgs) -> anyhow::Result<()> {
    let d = DedupArgs {
        dedup: a.dedup,
        max_distance: thresh::dedup::DEFAULT_MAX_DISTANCE,
        verify: a.verify,
        min_jaccard: thresh::dedup::DEFAULT_MIN_JACCARD,
        min_similarity: thresh::dedup::DEFAULT_MIN_SIMILARITY,
        bands: a.bands,
        rows: a.rows,
        keep: KeepArg::First,
        cluster: ClusterArg::Star,
    };
    let quiet = a.read.quiet;
    let cfg = config(a.inputs, a.out, a.read, &d);
    let msgs = Stderr { bar: None };
    let s = thresh::pipeline::fingerprint_run(&cfg, &msgs)?;
    if !quiet {
        eprintln!(
            "thresh: {} in, {} in {} in {}; {:.2}s.",
            count(s.documents_in as u64, "document"),
            count(s.signatures as u64, "signature"),
            count(s.shards as u64, "file"),
            cfg.out.display(),
            s.wall_seconds
        );
    }
    Ok(())
}

fn dedup(a: DedupCmdArgs) -> anyhow::Result<()> {
    let cfg = config(
        Vec::new(),
        PathBuf::new(),
        ReadArgs {
            threads: a.threads,
            text_field: "text".into(),
            id_field: "id".into(),
            format: FormatArg::Auto,
            no_repair: false,
            no_strip: false,
            no_repetition: false,
            removed_lines: false,
            quiet: a.quiet,
        },
        &a.dedup,
    );
    let mut check = cfg.clone();
    check.inputs = a.inputs.clone();
    check.validate()?;
    let msgs = Stderr { bar: None };
    if (a.dedup.bands, a.dedup.rows) != (thresh::dedup::DEFAULT_BANDS, thresh::dedup::DEFAULT_ROWS)
    {
        // The band hashes are computed when fingerprinting; say so rather than ignore it.
        msgs.warn(
            "--bands and --rows take effect in `thresh fingerprint --dedup minhash`; \
             thresh dedup uses the bands its signature files were made with",
        );
    }
    let s = thresh::pipeline::dedup_run(
        &a.inputs,
        &cfg.dedup_params(),
        &cfg.dedup_check(),
        &a.out,
        cfg.threads,
        &msgs,
    )?;
    if !a.quiet {
        let sizes: Vec<String> = s
            .stats
            .cluster_sizes
            .iter()
            .map(|(k, v)| format!("{v}×{k}"))
            .collect();
        eprintln!(
            "thresh: {} signatures from {} files, {} to drop in {} clusters (sizes: {}); {:.2}s. Drop list in {}.",
            s.documents,
            s.shards,
            s.dropped,
            s.stats.clusters,
            sizes.join(" "),
            s.wall_seconds,
            a.out.display()
        );
    }
    Ok(())
}

fn clean(a: CleanArgs) -> anyhow::Result<()> {
    let quiet = a.read.quiet;
    let mut cfg = config(a.inputs, a.out, a.read, &a.dedup);
    cfg.drop_list = a.drop_list;
    let show = !quiet && std::io::stderr().is_terminal();
    let bar = show.then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} documents {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let msgs = Stderr { bar };
    let summary = thresh::run(&cfg, &msgs)?;
    if let Some(b) = &msgs.bar {
        b.finish_and_clear();
    }
    if !quiet {
        let r = &summary.report;
        let secs = r.timing.as_ref().map_or(0.0, |t| t.wall_seconds);
        let dropped: Vec<String> = r.dropped.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let stripped: u64 = r.lines_stripped.values().sum();
        eprintln!(
            "thresh: {} in, {} kept, {} dropped{}; {} stripped, {} repaired; {:.1} MB in {:.2}s ({:.1} MB/s). Output in {}.",
            count(r.documents_in as u64, "document"),
            r.kept,
            r.documents_in - r.kept,
            if dropped.is_empty() { String::new() } else { format!(" ({})", dropped.join(", ")) },
            count(stripped, "line"),
            count(r.documents_repaired as u64, "document"),
            r.bytes_in as f64 / 1e6,
            secs,
            if secs > 0.0 { r.bytes_in as f64 / 1e6 / secs } else { 0.0 },
            summary.out_dir.display()
        );
    }
    Ok(())
}

fn explain(a: ExplainArgs) -> anyhow::Result<()> {
    let color = match a.color {
        ColorArg::Auto => std::io::stdout().is_terminal(),
        ColorArg::Always => true,
        ColorArg::Never => false,
    };
    let text = thresh::pipeline::explain(&a.file, color)
        .map_err(|r| anyhow::anyhow!("{}: {}", r.reason.as_str(), r.detail))
        .with_context(|| format!("explaining {}", a.file.display()))?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).context("writing stdout")?;
    out.flush().context("writing stdout")?;
    Ok(())
}

fn fix(a: FixArgs) -> anyhow::Result<()> {
    let opts = repair::Options {
        entities: match a.entities {
            EntitiesArg::Auto => Entities::Auto,
            EntitiesArg::On => Entities::On,
            EntitiesArg::Off => Entities::Off,
        },
        uncurl_quotes: a.uncurl_quotes,
        fold_fullwidth: a.fold_fullwidth,
        nfc: !a.no_nfc,
        ..repair::Options::default()
    };
    let input: Box<dyn BufRead> = match &a.file {
        Some(p) if p.as_os_str() != "-" => Box::new(std::io::BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?,
        )),
        _ => Box::new(std::io::BufReader::with_capacity(
            1 << 20,
            std::io::stdin().lock(),
        )),
    };
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout);
    thresh::repair::fix_stream(input, &mut out, &opts).context("thresh fix")?;
    out.flush().context("writing stdout")?;
    Ok(())
}

/// `n` and a noun, plural unless `n` is 1 ("1 document", "5 documents"), for the summaries.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
