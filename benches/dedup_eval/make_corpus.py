#!/usr/bin/env python3
"""Generate a labelled near-duplicate corpus + exact Jaccard ground truth.

Source text: English text files on this machine (/usr/share/doc/**, plain or
gzipped, HTML stripped; /usr/share/common-licenses/*).

Output (default benches/dedup_eval/data/):
  corpus.jsonl      one doc per line: {"id", "text", "cluster"}; cluster is the
                    id of the base document the doc was made from (a base's
                    cluster is its own id).  Shuffled with a fixed seed.
  pairs_j08.tsv     header "id_a\tid_b\tjaccard", then every unordered pair
                    (id_a < id_b) whose exact word-5-gram Jaccard is >= 0.8
                    (normalization in common.py).
  corpus_meta.json  parameters and statistics.

Usage: python3 benches/dedup_eval/make_corpus.py [--docs 20000] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import re
import sys
import time
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402
    BandIndex,
    MinHasher,
    jaccard,
    normalize_words,
    shingle_hashes,
)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "data", "corpus.jsonl")

SOURCE_ROOTS = ["/usr/share/doc", "/usr/share/common-licenses"]
SKIP_EXT = {
    "png", "gif", "jpg", "jpeg", "svg", "ico", "css", "js", "c", "h", "cc", "cpp",
    "py", "pl", "pm", "perl", "sh", "cocci", "awk", "pem", "conf", "socket", "example",
    "xml", "json", "yaml", "yml", "pdf", "ps", "bz2", "xz", "zip", "service", "el",
    "rb", "tcl", "m4", "diff", "patch", "map", "ttf", "woff", "mk", "cmake", "in",
    "sed", "vim", "lua", "go", "rs", "java", "class", "jar", "tex", "sty", "ini",
}
BASE_MIN_WORDS = 150
BASE_MAX_WORDS = 600
BASE_REJECT_J = 0.3


# --------------------------------------------------------------------------
# source text -> paragraphs of sentences


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
             "tr", "table", "dt", "dd", "dl", "section", "article", "blockquote", "title", "hr"}
    SKIP = {"script", "style", "pre", "code", "head", "nav"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: List[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCK:
            self.out.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.out.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data.replace("\n", " "))


def html_to_text(s: str) -> str:
    p = _HTMLText()
    try:
        p.feed(s)
        p.close()
    except Exception:
        return ""
    return "".join(p.out)


_BULLET = re.compile(r"^\s*(?:[*+\-\u2022o]|\d{1,2}[.)]|\([a-z0-9]\)|#{1,6})\s+")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z])")
_ALPHA_WORD = re.compile(r"^[(\"'\u201c]?[A-Za-z][A-Za-z'\u2019\-]*[.,;:!?)\"'\u201d]*$")
_BAD_CHARS = set("=<>{}[]|\\/_*#@$%^~`")


def good_sentence(s: str) -> bool:
    toks = s.split()
    if not (5 <= len(toks) <= 60):
        return False
    if "http" in s or "www." in s or "@" in s or "::" in s or "--" in s:
        return False
    if not (s[0].isalpha() or s[0] in "\"'("):
        return False
    alpha = sum(1 for t in toks if _ALPHA_WORD.match(t) is not None)
    if alpha < 0.8 * len(toks):
        return False
    bad = sum(map(_BAD_CHARS.__contains__, s))
    if bad > 0.01 * len(s) + 1:
        return False
    letters = sum(map(str.isalpha, s))
    if letters < 0.7 * (len(s) - s.count(" ")):
        return False
    return True


def text_to_paragraphs(text: str) -> List[List[str]]:
    """Split into paragraphs (blank lines / bullet items), then sentences."""
    paras: List[List[str]] = []
    cur: List[str] = []

    def flush():
        if cur:
            joined = " ".join(" ".join(cur).split())
            if joined:
                sents = [x.strip() for x in _SENT_SPLIT.split(joined) if x.strip()]
                paras.append(sents)
            cur.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
            continue
        if _BULLET.match(line):
            flush()
            line = _BULLET.sub("", line, count=1)
        line = _MD_LINK.sub(r"\1", line).replace("`", "").replace("**", "")
        cur.append(line.strip())
    flush()
    return paras


def read_source(path: str) -> Optional[str]:
    try:
        with open(path, "rb") as fh:
            b = fh.read(20_000_000)
        if path.endswith(".gz"):
            b = gzip.decompress(b)
    except Exception:
        return None
    if b"\0" in b[:8192]:
        return None
    try:
        t = b.decode("utf-8")
    except UnicodeDecodeError:
        t = b.decode("latin-1")
    low = path.lower()
    if low.endswith((".html", ".htm", ".html.gz", ".htm.gz")) or t.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        t = html.unescape(html_to_text(t))
    return t


def list_sources() -> List[str]:
    out = []
    for root in SOURCE_ROOTS:
        for d, _, fs in os.walk(root):
            for f in fs:
                p = os.path.join(d, f)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                name = f[:-3] if f.endswith(".gz") else f
                ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
                if ext in SKIP_EXT or name in ("Makefile", "CMakeLists.txt"):
                    continue
                out.append(p)
    out.sort()
    return out


# --------------------------------------------------------------------------
# edits for near-duplicate copies

HEADERS = [
    "Home | News | Contact",
    "Home | Blog | About | Contact",
    "Home \u00bb Docs \u00bb {topic}",
    "Skip to main content",
    "Menu",
    "Login | Register",
    "Posted on {date} by {author}",
    "Posted on {date}",
    "Last updated: {isodate}",
    "{topic} - {site}",
    "You are here: Home / {topic}",
    "Advertisement",
]
FOOTERS = [
    "Share this article",
    "Share on Facebook | Twitter | Email",
    "\u00a9 {year} {site}. All rights reserved.",
    "Copyright {year} {site}",
    "Related posts",
    "Tags: {topic}, linux, docs",
    "Comments ({n})",
    "Privacy Policy | Terms of Use | Cookie Settings",
    "Back to top",
    "Subscribe to our newsletter",
    "Read more",
    "{n} comments",
]
SITES = ["Example Media", "TechDaily", "The Linux Post", "OpenDocs Weekly", "DevNotes", "Planet Source"]
AUTHORS = ["admin", "editor", "J. Smith", "staff", "guest", "M. Rossi"]
TOPICS = ["Software", "Linux", "Guides", "Reference", "News", "Open Source"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def chrome_line(rng: random.Random, pool: List[str]) -> str:
    t = rng.choice(pool)
    y = rng.randint(2009, 2024)
    return t.format(
        date=f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {y}",
        isodate=f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        author=rng.choice(AUTHORS), topic=rng.choice(TOPICS), site=rng.choice(SITES),
        year=y, n=rng.randint(0, 99),
    )


_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def typo(word: str, rng: random.Random) -> str:
    idx = [i for i, ch in enumerate(word) if ch.isalpha()]
    if not idx:
        return word
    i = rng.choice(idx)
    op = rng.random()
    if op < 0.3:  # substitution
        return word[:i] + rng.choice(_KEYS) + word[i + 1:]
    if op < 0.55:  # deletion
        return word[:i] + word[i + 1:] if len(idx) > 1 else word
    if op < 0.8:  # insertion
        return word[:i] + rng.choice(_KEYS) + word[i:]
    if i + 1 < len(word) and word[i + 1].isalpha():  # transposition
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice(_KEYS) + word[i + 1:]


def make_copy(paras: List[List[str]], rng: random.Random) -> Tuple[str, List[str]]:
    """Return (text, list of applied edit descriptions)."""
    # strength: light / medium / heavy, mixed
    strength = rng.choices([0.25, 0.6, 1.0, 1.6], weights=[35, 30, 22, 13])[0]
    kinds = ["swap", "delete", "typo", "drop_sent", "chrome", "case", "space"]
    probs = [0.45, 0.45, 0.5, 0.35, 0.5, 0.3, 0.5]
    chosen = [k for k, p in zip(kinds, probs) if rng.random() < p]
    if not chosen:
        chosen = [rng.choice(kinds)]
    applied: List[str] = [f"strength:{strength}"]
    paras = [list(p) for p in paras]

    if "drop_sent" in chosen:
        flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
        n = min(len(flat) - 2, max(1, round(rng.uniform(1, 3) * strength)))
        if n > 0:
            drop = set(rng.sample(flat, n))
            paras = [[s for j, s in enumerate(p) if (i, j) not in drop] for i, p in enumerate(paras)]
            paras = [p for p in paras if p]
            applied.append(f"drop_sent:{n}")

    # word level: each paragraph becomes a token list
    toks = [" ".join(p).split() for p in paras]
    nwords = sum(len(t) for t in toks) or 1

    def pick_word():
        i = rng.randrange(len(toks))
        while not toks[i]:
            i = rng.randrange(len(toks))
        return i, rng.randrange(len(toks[i]))

    if "swap" in chosen:
        n = max(1, round(nwords * rng.uniform(0.005, 0.025) * strength))
        for _ in range(n):
            i, j = pick_word()
            if j + 1 < len(toks[i]):
                toks[i][j], toks[i][j + 1] = toks[i][j + 1], toks[i][j]
        applied.append(f"swap:{n}")
    if "delete" in chosen:
        n = max(1, round(nwords * rng.uniform(0.005, 0.03) * strength))
        for _ in range(n):
            i, j = pick_word()
            if len(toks[i]) > 1:
                del toks[i][j]
        applied.append(f"delete:{n}")
    if "typo" in chosen:
        n = max(1, round(nwords * rng.uniform(0.005, 0.03) * strength))
        for _ in range(n):
            i, j = pick_word()
            toks[i][j] = typo(toks[i][j], rng)
        applied.append(f"typo:{n}")

    lines = [" ".join(t) for t in toks if t]

    if "case" in chosen:
        mode = rng.choice(["lower", "upper_first", "title_first", "random_words"])
        if mode == "lower":
            lines = [ln.lower() for ln in lines]
        elif mode == "upper_first":
            lines[0] = lines[0].upper()
        elif mode == "title_first":
            lines[0] = lines[0].title()
        else:
            out = []
            for ln in lines:
                ws = ln.split(" ")
                for k in range(len(ws)):
                    if rng.random() < 0.05:
                        ws[k] = ws[k].upper() if rng.random() < 0.5 else ws[k].capitalize()
                out.append(" ".join(ws))
            lines = out
        applied.append(f"case:{mode}")

    sep = "\n\n"
    if "space" in chosen:
        mode = rng.choice(["wrap", "double", "mixed"])
        if mode in ("wrap", "mixed"):
            width = rng.randint(60, 90)
            wrapped = []
            for ln in lines:
                cur, out = 0, []
                for w in ln.split(" "):
                    if cur and cur + len(w) + 1 > width:
                        out.append("\n")
                        cur = 0
                    elif cur:
                        out.append(" ")
                        cur += 1
                    out.append(w)
                    cur += len(w)
                wrapped.append("".join(out))
            lines = wrapped
        if mode in ("double", "mixed"):
            noisy = []
            for ln in lines:
                ln = re.sub(r" ", lambda m: rng.choice([" ", " ", " ", "  ", "\t", " \u00a0"]), ln)
                noisy.append(ln + rng.choice(["", "  ", "\t"]))
            lines = noisy
            sep = rng.choice(["\n\n", "\n\n\n", "\n \n", "\n"])
        applied.append(f"space:{mode}")

    text = sep.join(lines)
    if "chrome" in chosen:
        nh = rng.randint(0, 3)
        nf = rng.randint(1 if nh == 0 else 0, 3)
        head = [chrome_line(rng, HEADERS) for _ in range(nh)]
        foot = [chrome_line(rng, FOOTERS) for _ in range(nf)]
        text = "\n".join(head + [text] + foot) if rng.random() < 0.5 else "\n\n".join(head + [text] + foot)
        applied.append(f"chrome:{nh}+{nf}")
    return text, applied


# --------------------------------------------------------------------------
# main


def build(args) -> None:
    t0 = time.time()
    rng = random.Random(args.seed)
    hasher = MinHasher(128, seed=args.seed)
    sources = list_sources()
    rng.shuffle(sources)
    print(f"[make_corpus] {len(sources)} candidate source files", file=sys.stderr)

    seen_sent: set = set()
    base_index = BandIndex(64, 2)  # threshold ~0.125: catches J>=0.3 w.p. >0.99
    base_sh: List[np.ndarray] = []
    bases: List[dict] = []  # {"paras", "text", "src"}
    docs: List[dict] = []  # {"text", "base", "edits"}
    stats = {"files_used": 0, "chunks_seen": 0, "rejected_near_dup_base": 0, "rejected_few_shingles": 0}

    target_docs = args.docs
    leftovers: List[Tuple[str, List[List[str]]]] = []
    files_used: set = set()

    def add_base(path: str, ch: List[List[str]]) -> None:
        stats["chunks_seen"] += 1
        btext = "\n\n".join(" ".join(p) for p in ch)
        sh = shingle_hashes(btext)
        if sh.size < 100:
            stats["rejected_few_shingles"] += 1
            return
        sig = hasher.signature(sh)
        if any(jaccard(sh, base_sh[c]) > BASE_REJECT_J for c in base_index.query(sig)):
            stats["rejected_near_dup_base"] += 1
            return
        bi = len(bases)
        base_index.insert(bi, sig)
        base_sh.append(sh)
        bases.append({"paras": ch, "text": btext, "src": path})
        files_used.add(path)
        docs.append({"text": btext, "base": bi, "edits": []})
        if rng.random() < args.dup_frac:
            ncopies = min(rng.randint(1, args.max_copies), target_docs - len(docs))
            for _ in range(ncopies):
                ctext, edits = make_copy(ch, rng)
                docs.append({"text": ctext, "base": bi, "edits": edits})

    for path in sources:
        if len(docs) >= target_docs:
            break
        text = read_source(path)
        if not text:
            continue
        paras = []
        for p in text_to_paragraphs(text):
            keep = []
            for s in p:
                if not good_sentence(s):
                    continue
                key = " ".join(normalize_words(s))
                if key in seen_sent:
                    continue
                seen_sent.add(key)
                keep.append(s)
            if keep:
                paras.append(keep)
        # chunk consecutive sentences into base docs
        chunks: List[List[List[str]]] = []
        cur: List[List[str]] = []
        cur_words = 0
        target = rng.randint(BASE_MIN_WORDS, BASE_MAX_WORDS)
        for p in paras:
            cur.append([])
            for s in p:
                n = len(s.split())
                if cur_words + n > target and cur_words >= BASE_MIN_WORDS:
                    chunks.append([x for x in cur if x])
                    cur, cur_words = [[]], 0
                    target = rng.randint(BASE_MIN_WORDS, BASE_MAX_WORDS)
                cur[-1].append(s)
                cur_words += n
        if cur_words >= BASE_MIN_WORDS:
            chunks.append([x for x in cur if x])
        if not chunks:
            continue
        if len(chunks) > args.max_per_file:
            pick = set(rng.sample(range(len(chunks)), args.max_per_file))
            leftovers.extend((path, chunks[i]) for i in range(len(chunks)) if i not in pick)
            chunks = [chunks[i] for i in sorted(pick)]
        for ch in chunks:
            if len(docs) >= target_docs:
                break
            add_base(path, ch)
    if len(docs) < target_docs and leftovers:
        # second pass: chunks skipped by the per-file cap, in random order
        print(f"[make_corpus] first pass gave {len(docs)} docs; using capped-out chunks", file=sys.stderr)
        rng.shuffle(leftovers)
        for path, ch in leftovers:
            if len(docs) >= target_docs:
                break
            add_base(path, ch)
    stats["files_used"] = len(files_used)
    if len(docs) < target_docs:
        sys.exit(f"[make_corpus] only {len(docs)} docs could be made (wanted {target_docs}); "
                 f"lower --docs or raise --dup-frac")
    print(f"[make_corpus] {len(bases)} bases, {len(docs)} docs from {stats['files_used']} files "
          f"({time.time() - t0:.1f}s)", file=sys.stderr)

    # shuffle and assign ids; cluster = id of the base doc
    order = list(range(len(docs)))
    random.Random(args.seed + 1).shuffle(order)
    width = max(6, len(str(len(docs))))
    ids = [""] * len(docs)
    for pos, di in enumerate(order):
        ids[di] = f"doc{pos:0{width}d}"
    base_doc_id: Dict[int, str] = {}
    for di, d in enumerate(docs):
        if not d["edits"] and d["base"] not in base_doc_id:
            base_doc_id[d["base"]] = ids[di]

    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for di in order:
            d = docs[di]
            fh.write(json.dumps({"id": ids[di], "text": d["text"], "cluster": base_doc_id[d["base"]]},
                                ensure_ascii=False) + "\n")
    edits_path = os.path.join(out_dir, "edits.jsonl")
    with open(edits_path, "w", encoding="utf-8") as fh:
        for di in order:
            d = docs[di]
            fh.write(json.dumps({"id": ids[di], "cluster": base_doc_id[d["base"]], "edits": d["edits"],
                                 "source": bases[d["base"]]["src"]}) + "\n")
    print(f"[make_corpus] wrote {args.out}", file=sys.stderr)

    # ---------------------------------------------------------------- truth
    t1 = time.time()
    shs = [shingle_hashes(d["text"]) for d in docs]
    idx = BandIndex(args.gt_bands, args.gt_rows)
    for i, sh in enumerate(shs):
        idx.insert(i, hasher.signature(sh))
    cand = set(idx.candidate_pairs())
    n_lsh = len(cand)
    by_base: Dict[int, List[int]] = {}
    for i, d in enumerate(docs):
        by_base.setdefault(d["base"], []).append(i)
    n_cluster_pairs = 0
    for members in by_base.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                cand.add((a, b) if a < b else (b, a))
                n_cluster_pairs += 1
    pairs = []
    hist = [0] * 11
    cross_cluster = 0
    in_cluster_ge = 0
    for a, b in cand:
        j = jaccard(shs[a], shs[b])
        if docs[a]["base"] == docs[b]["base"]:
            hist[min(10, int(j * 10))] += 1
        if j >= args.threshold:
            ia, ib = ids[a], ids[b]
            if ia > ib:
                ia, ib = ib, ia
            pairs.append((ia, ib, j))
            if docs[a]["base"] != docs[b]["base"]:
                cross_cluster += 1
            else:
                in_cluster_ge += 1
    pairs.sort()
    pname = "pairs_j08.tsv" if abs(args.threshold - 0.8) < 1e-9 else f"pairs_j{args.threshold:g}.tsv"
    pairs_path = os.path.join(out_dir, pname)
    with open(pairs_path, "w", encoding="utf-8") as fh:
        fh.write("id_a\tid_b\tjaccard\n")
        for a, b, j in pairs:
            fh.write(f"{a}\t{b}\t{j:.6f}\n")
    sizes: Dict[int, int] = {}
    for m in by_base.values():
        sizes[len(m)] = sizes.get(len(m), 0) + 1
    wc = [len(d["text"].split()) for d in docs]
    meta = {
        "args": vars(args),
        "docs": len(docs),
        "bases": len(bases),
        "clusters_with_copies": sum(1 for m in by_base.values() if len(m) > 1),
        "cluster_size_hist": {str(k): v for k, v in sorted(sizes.items())},
        "generator_pairs": n_cluster_pairs,
        "words_per_doc": {"min": min(wc), "mean": round(sum(wc) / len(wc), 1), "max": max(wc)},
        "lsh_candidate_pairs": n_lsh,
        "candidate_pairs_total": len(cand),
        f"pairs_j_ge_{args.threshold}": len(pairs),
        "of_which_same_cluster": in_cluster_ge,
        "of_which_cross_cluster": cross_cluster,
        "in_cluster_pair_jaccard_hist_by_0.1": hist,
        "generation": stats,
        "seconds": {"generate": round(t1 - t0, 1), "ground_truth": round(time.time() - t1, 1)},
    }
    with open(os.path.join(out_dir, "corpus_meta.json"), "w") as fh:
        json.dump(meta, fh, indent=2)
    print(json.dumps({k: v for k, v in meta.items() if k != "args"}, indent=2), file=sys.stderr)
    print(f"[make_corpus] wrote {pairs_path}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000, help="total number of documents (default 20000)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="corpus path (pairs/meta are written next to it)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--dup-frac", type=float, default=0.3, help="fraction of bases that get copies")
    ap.add_argument("--max-copies", type=int, default=5, help="copies per duplicated base: uniform 1..N")
    ap.add_argument("--max-per-file", type=int, default=60, help="max base docs per source file in the first pass (a second pass uses the rest if needed)")
    ap.add_argument("--threshold", type=float, default=0.8, help="ground-truth Jaccard threshold")
    ap.add_argument("--gt-bands", type=int, default=64, help="LSH bands for ground-truth candidates")
    ap.add_argument("--gt-rows", type=int, default=2, help="LSH rows per band (bands*rows <= 128)")
    args = ap.parse_args()
    if args.gt_bands * args.gt_rows > 128:
        ap.error("gt-bands * gt-rows must be <= 128")
    build(args)


if __name__ == "__main__":
    main()
