//! thresh turns raw web-scraped text into clean, deduplicated JSONL.
//!
//! A staged pipeline, one module per stage: [`read`] → [`decode`] → [`repair`] → [`strip`] →
//! [`fingerprint`] → [`dedup`] → [`write`], joined by [`pipeline`]. Each stage is a plain
//! function over a [`Doc`], usable on its own:
//!
//! ```
//! use thresh::{fingerprint, repair};
//!
//! let fixed = repair::fix_line("The cafÃ© on Ä°stiklal");
//! assert_eq!(fixed, "The café on İstiklal");
//! let a = fingerprint::fingerprint("One text, the same words.");
//! let b = fingerprint::fingerprint("one TEXT the same words");
//! assert_eq!(a.exact, b.exact);
//! ```
//!
//! Dedup can also run in two phases across machines: [`pipeline::fingerprint_run`] writes
//! [`signature`] files per input shard, [`pipeline::dedup_run`] clusters them into a
//! [`droplist`], and a run with [`Config::drop_list`] applies it.
//!
//! A whole run over files:
//!
//! ```no_run
//! let cfg = thresh::Config { inputs: vec!["seeds".into()], out: "out".into(), ..Default::default() };
//! let summary = thresh::run(&cfg, &thresh::pipeline::Silent)?;
//! println!("kept {}", summary.report.kept);
//! # Ok::<(), thresh::Error>(())
//! ```

pub mod config;
pub mod decode;
pub mod dedup;
pub mod doc;
pub mod droplist;
pub mod error;
pub mod fingerprint;
pub mod pipeline;
pub mod read;
pub mod repair;
pub mod signature;
pub mod strip;
pub mod write;

pub use config::Config;
pub use doc::Doc;
pub use error::{Error, Result};
pub use pipeline::run;

/// Asks the CPU to bring `items` into the cache ahead of their use, one hint per 64-byte line
/// (no effect on any result; nothing on targets without SSE). The serializer fetches the next
/// document's text while it writes one; dedup's checks fetch the next pair's shingle keys.
#[inline]
pub(crate) fn prefetch<T>(items: &[T]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    for line in items.chunks((64 / std::mem::size_of::<T>().max(1)).max(1)) {
        safe_arch::prefetch_t0(&line[0]);
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = items;
}
