//! The `thresh` binary: parses the command line into a [`thresh::Config`] and hands off to the
//! library. Exit codes: 0 when a run completes (bad documents are reported, not fatal), 2 for
//! bad arguments or an output folder that cannot be written, 1 for other failures.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use thresh::config::{DedupMode, Format, KeepRule};
use thresh::repair::{self, Entities};

#[derive(Parser)]
#[command(
    name = "thresh",
    version,
    about = "Turns raw web-scraped text into clean, deduplicated JSONL"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Clean files, folders or stdin into OUT/clean.jsonl, OUT/dropped.jsonl, OUT/report.json.
    ///
    /// Holds the documents of a run in memory (about the size of the input text) and reads
    /// each input once.
    Clean(CleanArgs),
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
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Duplicate handling.
    #[arg(long, value_enum, default_value_t = DedupArg::Near)]
    dedup: DedupArg,
    /// Largest SimHash Hamming distance that counts as a near duplicate.
    #[arg(long, default_value_t = thresh::dedup::DEFAULT_MAX_DISTANCE)]
    max_distance: u32,
    /// Which copy of a duplicate cluster is kept.
    #[arg(long, value_enum, default_value_t = KeepArg::First)]
    keep: KeepArg,
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
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DedupArg {
    Near,
    Exact,
    Off,
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
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Clean(a) => clean(a),
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

fn clean(a: CleanArgs) -> anyhow::Result<()> {
    let cfg = thresh::Config {
        inputs: a.inputs,
        out: a.out,
        threads: a.threads.unwrap_or(0),
        format: match a.format {
            FormatArg::Auto => Format::Auto,
            FormatArg::Text => Format::Text,
            FormatArg::Jsonl => Format::Jsonl,
        },
        text_field: a.text_field,
        id_field: a.id_field,
        dedup: match a.dedup {
            DedupArg::Near => DedupMode::Near,
            DedupArg::Exact => DedupMode::Exact,
            DedupArg::Off => DedupMode::Off,
        },
        max_distance: a.max_distance,
        keep: match a.keep {
            KeepArg::First => KeepRule::First,
            KeepArg::Longest => KeepRule::Longest,
        },
        repair: !a.no_repair,
        strip: !a.no_strip,
        repetition: !a.no_repetition,
        quiet: a.quiet,
    };
    let show = !a.quiet && std::io::stderr().is_terminal();
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
    if !a.quiet {
        let r = &summary.report;
        let secs = r.timing.as_ref().map_or(0.0, |t| t.wall_seconds);
        let dropped: Vec<String> = r.dropped.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let stripped: u64 = r.lines_stripped.values().sum();
        eprintln!(
            "thresh: {} documents in, {} kept, {} dropped{}; {} lines stripped, {} documents repaired; {:.1} MB in {:.2}s ({:.1} MB/s). Output in {}.",
            r.documents_in,
            r.kept,
            r.documents_in - r.kept,
            if dropped.is_empty() { String::new() } else { format!(" ({})", dropped.join(", ")) },
            stripped,
            r.documents_repaired,
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
