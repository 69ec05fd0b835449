#!/usr/bin/env python3
"""Score thresh's near-duplicate detection against peers on the labelled corpus.

Methods (select with --method, repeatable; default: all real ones):
  thresh              thresh clean CORPUS -o OUT --dedup near [--max-distance K] -q
  datasketch          datasketch MinHashLSH, word-5-gram shingles, num_perm=128, threshold 0.8
  datasketch-tuned    same with --ds-tuned-threshold (default 0.7)
  textdedup-minhash   text-dedup's minhash CLI (ngram 5, num_perm 128, threshold 0.8)
  textdedup-simhash   text-dedup's simhash CLI (its defaults: char 3-grams, 64 bit, bit_diff 3)
  fake-thresh         a thresh-shaped output built from the ground truth (--fake-from),
                      scored through the same parser; validates the scorer

Every method yields a partition of the docs into predicted clusters; the
predicted pairs are all unordered pairs inside one predicted cluster.  See
README.md for what each number means.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (UnionFind, jaccard, pair_key, read_jsonl, read_pairs, shingle_hashes,  # noqa: E402
                    shingle_hashes_from_words, shingle_strings, thresh_words)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.join(HERE, "data", "corpus.jsonl")
DEFAULT_THRESH = "/work/main/target/release/thresh"
ALL_METHODS = ["thresh", "datasketch", "datasketch-tuned", "textdedup-minhash", "textdedup-simhash"]


def log(msg: str) -> None:
    print(f"[run] {msg}", file=sys.stderr, flush=True)


class MethodResult:
    def __init__(self, name: str, params: str):
        self.name = name
        self.params = params
        self.labels: Dict[str, str] = {}  # id -> cluster label (missing => singleton)
        self.seconds: Optional[float] = None
        self.cpu_seconds: Optional[float] = None
        self.notes: List[str] = []
        self.extra: dict = {}
        self.ok = True
        # (dropped id, duplicate_of id) of every duplicate decision (thresh-shaped outputs)
        self.decisions: List[Tuple[str, str]] = []
        # ids in the output (thresh-shaped outputs); None: one per predicted cluster, the first
        self.kept: Optional[set] = None


# --------------------------------------------------------------------------
# thresh


def parse_thresh_output(outdir: str, ids: List[str], res: MethodResult) -> None:
    """Predicted clusters: each kept doc + every doc whose duplicate_of is it."""
    clean = os.path.join(outdir, "clean.jsonl")
    dropped = os.path.join(outdir, "dropped.jsonl")
    known = set(ids)
    uf = UnionFind()
    kept, seen = set(), set()
    reasons: Counter = Counter()
    unknown = 0
    bad_ref = 0
    if not os.path.exists(clean):
        res.ok = False
        res.notes.append(f"no {clean}")
        return
    for d in read_jsonl(clean):
        i = str(d.get("id"))
        if i not in known:
            unknown += 1
            continue
        kept.add(i)
        seen.add(i)
    if os.path.exists(dropped):
        for d in read_jsonl(dropped):
            i = str(d.get("id"))
            if i not in known:
                unknown += 1
                continue
            seen.add(i)
            reason = d.get("reason")
            reasons[str(reason)] += 1
            dup = d.get("duplicate_of")
            if dup is not None:
                dup = str(dup)
                if dup not in known:
                    bad_ref += 1
                    continue
                if dup not in kept:
                    bad_ref += 1  # still union: chains are tolerated
                uf.union(i, dup)
                if reason in ("near_duplicate", "exact_duplicate"):
                    res.decisions.append((i, dup))
    else:
        res.notes.append("no dropped.jsonl")
    for i in ids:
        res.labels[i] = uf.find(i)
    res.kept = kept | (known - seen)  # missing ids count as kept (singletons)
    missing = len(known - seen)
    res.extra.update({"kept": len(kept), "dropped_reasons": dict(reasons), "missing_ids": missing,
                      "unknown_ids": unknown, "duplicate_of_not_kept_or_unknown": bad_ref})
    if missing:
        res.notes.append(f"{missing} ids in neither clean nor dropped (singletons)")
    if unknown:
        res.notes.append(f"{unknown} output ids not in corpus")
    if bad_ref:
        res.notes.append(f"{bad_ref} duplicate_of refs not to a kept doc")
    other = {k: v for k, v in reasons.items() if k not in ("near_duplicate", "exact_duplicate")}
    if other:
        res.notes.append("dropped for other reasons (singletons): " + ", ".join(f"{k}={v}" for k, v in sorted(other.items())))


def run_thresh(args, corpus: str, ids: List[str], max_distance: Optional[int]) -> MethodResult:
    binary = args.thresh_bin or os.environ.get("THRESH") or DEFAULT_THRESH
    cmd = [binary, "clean", corpus, "-o", "OUT", "--dedup", "near"]
    if max_distance is not None:
        cmd += ["--max-distance", str(max_distance)]
    cmd += ["-q"] + shlex.split(args.thresh_args or "")
    name = "thresh" if max_distance is None else f"thresh k={max_distance}"
    tag = "thresh" if max_distance is None else f"thresh_k{max_distance}"
    res = MethodResult(name, " ".join(cmd[3:]).replace(" OUT", " OUTDIR", 1))
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        res.ok = False
        res.notes.append(f"binary not found: {binary} (set THRESH or --thresh-bin)")
        return res
    outdir = os.path.join(args.workdir, tag)
    cmd[cmd.index("OUT")] = outdir
    log("running " + " ".join(shlex.quote(c) for c in cmd) + f" ({args.thresh_repeat}x, median)")
    # A run takes well under a second, so one run is at the mercy of the machine's noise:
    # the median of --thresh-repeat runs (each into a fresh folder) is reported.
    walls, cpus = [], []
    for _ in range(max(1, args.thresh_repeat)):
        if os.path.isdir(outdir):
            shutil.rmtree(outdir)
        c0, t0 = children_cpu(), time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(children_cpu() - c0)
        if p.returncode != 0:
            break
    res.seconds = statistics.median(walls)
    res.cpu_seconds = statistics.median(cpus)
    if len(walls) > 1:
        res.notes.append("wall s of each run: " + ", ".join(f"{w:.3f}" for w in walls))
    with open(os.path.join(args.workdir, tag + ".log"), "w") as fh:
        fh.write(" ".join(cmd) + f"\nexit {p.returncode}\n--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}\n")
    if p.returncode != 0:
        res.ok = False
        res.notes.append(f"exit {p.returncode}: {p.stderr.strip()[-300:]}")
        return res
    parse_thresh_output(outdir, ids, res)
    return res


def make_fake_thresh(args, docs: List[dict], g08: Dict[Tuple[str, str], float], outdir: str) -> None:
    """Write a thresh-shaped output whose clusters are the ground truth."""
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    if args.fake_from == "generator":
        label = {d["id"]: d["cluster"] for d in docs}
    elif args.fake_from == "j08star":
        # leader (star) clustering of the J>=0.8 graph in input order, thresh's rule
        adj = defaultdict(list)
        for a, b in g08:
            adj[a].append(b)
            adj[b].append(a)
        rank = {d["id"]: r for r, d in enumerate(docs)}
        label = {}
        for d in docs:
            u = d["id"]
            lead = [v for v in adj[u] if rank[v] < rank[u] and label[v] == v]
            label[u] = min(lead, key=rank.__getitem__) if lead else u
    else:  # connected components of the J>=0.8 graph
        uf = UnionFind()
        for a, b in g08:
            uf.union(a, b)
        label = {d["id"]: uf.find(d["id"]) for d in docs}
    text_of = {d["id"]: d["text"] for d in docs}
    keeper: Dict[str, str] = {}
    with open(os.path.join(outdir, "clean.jsonl"), "w") as c, open(os.path.join(outdir, "dropped.jsonl"), "w") as dr:
        for d in docs:  # input order: first member of a cluster is kept
            lab = label[d["id"]]
            if lab not in keeper:
                keeper[lab] = d["id"]
                c.write(json.dumps({"id": d["id"], "text": d["text"], "cluster": d["cluster"], "extra": 1}) + "\n")
            else:
                same = d["text"] == text_of[keeper[lab]]
                dr.write(json.dumps({"id": d["id"], "reason": "exact_duplicate" if same else "near_duplicate",
                                     "duplicate_of": keeper[lab], "distance": 0, "text": d["text"]}) + "\n")


# --------------------------------------------------------------------------
# datasketch


def run_datasketch(args, corpus: str, threshold: float, name: str) -> MethodResult:
    res = MethodResult(name, f"MinHashLSH threshold={threshold} num_perm={args.num_perm} word-5-gram")
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        res.ok = False
        res.notes.append("datasketch not installed (pip install datasketch)")
        return res
    c0, t0 = time.process_time(), time.perf_counter()
    ids: List[str] = []

    def shingle_lists():
        for d in read_jsonl(corpus):  # reading the corpus is part of the timed work, as for thresh
            ids.append(str(d["id"]))
            yield [s.encode("utf-8") for s in shingle_strings(d["text"])]

    # MinHash.generator reuses the permutation state (datasketch's documented bulk path)
    mhs = list(MinHash.generator(shingle_lists(), num_perm=args.num_perm, seed=1))
    lsh = MinHashLSH(threshold=threshold, num_perm=args.num_perm)
    with lsh.insertion_session() as sess:
        for i, m in zip(ids, mhs):
            sess.insert(i, m, check_duplication=False)
    uf = UnionFind()
    for i, m in zip(ids, mhs):
        for j in lsh.query(m):
            if j != i:
                uf.union(i, j)
    res.labels = {i: uf.find(i) for i in ids}
    res.seconds = time.perf_counter() - t0
    res.cpu_seconds = time.process_time() - c0
    res.extra["bands_rows"] = [lsh.b, lsh.r]
    import datasketch
    import numpy
    res.params += f" (b={lsh.b}, r={lsh.r}; datasketch {datasketch.__version__}, numpy {numpy.__version__})"
    return res


# --------------------------------------------------------------------------
# text-dedup


def find_textdedup_python(args) -> Optional[str]:
    cands = [args.text_dedup_python, os.environ.get("TEXT_DEDUP_PYTHON"),
             os.path.join(HERE, "data", "venv-textdedup", "bin", "python"), sys.executable]
    for py in cands:
        if not py or not os.path.exists(py):
            continue
        r = subprocess.run([py, "-c", "import text_dedup.minhash, datasets"], capture_output=True)
        if r.returncode == 0:
            return py
    return None


def run_textdedup(args, corpus: str, algo: str, name: str) -> MethodResult:
    if algo == "minhash":
        extra = ["--threshold", str(args.td_threshold), "--ngram", "5", "--num_perm", str(args.num_perm)]
        params = f"minhash threshold={args.td_threshold} ngram=5 num_perm={args.num_perm}"
    else:
        extra = shlex.split(args.td_simhash_args)
        params = "simhash " + (args.td_simhash_args or "defaults (char 3-gram, f=64, bit_diff=3, 4 buckets)")
    res = MethodResult(name, params)
    py = find_textdedup_python(args)
    if py is None:
        res.ok = False
        res.notes.append("text-dedup not importable (see README: venv in data/venv-textdedup or --text-dedup-python)")
        return res
    workdir = os.path.join(args.workdir, "textdedup")
    out = subprocess.run([py, os.path.join(HERE, "textdedup_driver.py"), "--corpus", corpus, "--workdir", workdir,
                          "--algo", algo, "--tag", name, "--num-proc", str(args.num_proc), "--"] + extra,
                         capture_output=True, text=True)
    if out.returncode != 0:
        res.ok = False
        res.notes.append("driver failed: " + out.stderr.strip()[-400:])
        return res
    r = json.load(open(out.stdout.strip().splitlines()[-1]))
    if r["returncode"] != 0 or not r["uf_found"]:
        res.ok = False
        res.notes.append(f"text_dedup.{algo} exit {r['returncode']}, see {r['log']}")
        return res
    res.seconds = r["seconds"]
    res.cpu_seconds = r.get("cpu_seconds")
    res.labels = r["clusters"]
    res.notes.append(f"text-dedup python: {py}; time = its CLI (loads the saved HF dataset, saves the result)")
    return res


# --------------------------------------------------------------------------
# scoring


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def comb2(n: int) -> int:
    return n * (n - 1) // 2


class Scorer:
    def __init__(self, docs: List[dict], g08: Dict[Tuple[str, str], float], slack: float, cap: int, seed: int = 7):
        self.ids = [d["id"] for d in docs]
        self.text = {d["id"]: d["text"] for d in docs}
        self.true = {d["id"]: d["cluster"] for d in docs}
        self.g08 = g08
        self.slack = slack
        self.cap = cap
        self.seed = seed
        self._sh: Dict[str, object] = {}
        sizes = Counter(self.true.values())
        self.true_pairs = sum(comb2(s) for s in sizes.values())
        # exact J of every generator pair, for recall by similarity bucket
        self.gen_pairs_j: Dict[Tuple[str, str], float] = {}
        members = defaultdict(list)
        for i in self.ids:
            members[self.true[i]].append(i)
        for m in members.values():
            for x in range(len(m)):
                for y in range(x + 1, len(m)):
                    k = pair_key(m[x], m[y])
                    self.gen_pairs_j[k] = self.j(*k)

    def j_thresh_words(self, a: str, b: str) -> float:
        """J of the pair under thresh's normalization (for the disagreement count only)."""
        if not hasattr(self, "_tw"):
            self._tw: Dict[str, object] = {}
        for x in (a, b):
            if x not in self._tw:
                self._tw[x] = shingle_hashes_from_words(thresh_words(self.text[x]))
        return jaccard(self._tw[a], self._tw[b])

    def j(self, a: str, b: str) -> float:
        for x in (a, b):
            if x not in self._sh:
                self._sh[x] = shingle_hashes(self.text[x])
        return jaccard(self._sh[a], self._sh[b])

    def score(self, res: MethodResult) -> dict:
        lab = {i: res.labels.get(i, "\0" + i) for i in self.ids}
        clusters = defaultdict(list)
        for i in self.ids:
            clusters[lab[i]].append(i)
        sizes = [len(m) for m in clusters.values()]
        pred_pairs = sum(comb2(s) for s in sizes)
        cont = Counter((lab[i], self.true[i]) for i in self.ids)
        both_gen = sum(comb2(c) for c in cont.values())
        found_g08 = sum(1 for a, b in self.g08 if lab[a] == lab[b])
        # enumerate predicted pairs (sampled in clusters bigger than cap) for exact-J precision
        rng = random.Random(self.seed)
        w_total = w_slack = w_08 = 0.0
        gt_missing = 0
        giant = []
        for m in clusters.values():
            if len(m) < 2:
                continue
            if len(m) > self.cap:
                giant.append(len(m))
                n_s = min(comb2(len(m)), 20000)
                pairs = []
                for _ in range(n_s):
                    a, b = rng.sample(m, 2)
                    pairs.append(pair_key(a, b))
                w = comb2(len(m)) / n_s
            else:
                pairs = [pair_key(m[x], m[y]) for x in range(len(m)) for y in range(x + 1, len(m))]
                w = 1.0
            for k in pairs:
                jj = self.gen_pairs_j.get(k)
                if jj is None:
                    jj = self.j(*k)
                w_total += w
                if jj >= self.slack:
                    w_slack += w
                if jj >= 0.8:
                    w_08 += w
                    if k not in self.g08 and w == 1.0:
                        gt_missing += 1
        # per decision: each dropped doc vs the copy it names in duplicate_of (same J as above)
        dec_n = dec_08 = dec_slack = dec_gen = dec_tw08 = disagree = 0
        for a, b in res.decisions:
            k = pair_key(a, b)
            jj = self.gen_pairs_j.get(k)
            if jj is None:
                jj = self.j(*k)
            dec_n += 1
            dec_08 += jj >= 0.8
            dec_slack += jj >= self.slack
            dec_gen += self.true[a] == self.true[b]
            # the same pair under thresh's normalization (common.thresh_words)
            tw = self.j_thresh_words(a, b) >= 0.8
            dec_tw08 += tw
            disagree += tw != (jj >= 0.8)
        # removed-pair recall: J>=0.8 pairs of which at least one doc is gone from the output
        # (a dedup that keeps no two near duplicates scores 1); kept = the output's ids, or the
        # first doc (input order) of each predicted cluster for partition-only methods
        if res.kept is not None:
            kept = res.kept
        else:
            first: Dict[str, str] = {}
            for i in self.ids:
                first.setdefault(lab[i], i)
            kept = set(first.values())
        both_kept = sum(1 for a, b in self.g08 if a in kept and b in kept)
        gen_lo = [k for k, v in self.gen_pairs_j.items() if v < 0.8]
        found_gen_lo = sum(1 for a, b in gen_lo if lab[a] == lab[b])

        def div(a, b):
            return a / b if b else float("nan")

        p08, r08 = div(found_g08, pred_pairs), div(found_g08, len(self.g08))
        pg, rg = div(both_gen, pred_pairs), div(both_gen, self.true_pairs)
        f1 = lambda p, r: div(2 * p * r, p + r) if not (math.isnan(p) or math.isnan(r)) else float("nan")  # noqa: E731
        return {
            "pred_clusters": len(clusters),
            "pred_pairs": pred_pairs,
            "max_pred_cluster": max(sizes) if sizes else 0,
            "giant_clusters_over_cap": giant,
            "j08": {"precision": p08, "recall": r08, "f1": f1(p08, r08), "found": found_g08, "total": len(self.g08)},
            "precision_exact_j08_enumerated": div(w_08, w_total),
            f"precision_j_ge_{self.slack}": div(w_slack, w_total),
            "generator": {"precision": pg, "recall": rg, "f1": f1(pg, rg), "found": both_gen, "total": self.true_pairs},
            "generator_recall_pairs_below_j08": div(found_gen_lo, len(gen_lo)),
            "generator_pairs_below_j08": len(gen_lo),
            "ground_truth_missing_pairs": gt_missing,
            "removed_pair_recall_j08": 1 - div(both_kept, len(self.g08)),
            "j08_pairs_both_kept": both_kept,
            "decisions": {"n": dec_n, "precision_j08": div(dec_08, dec_n) if dec_n else None,
                          "precision_j08_thresh_words": div(dec_tw08, dec_n) if dec_n else None,
                          "normalization_disagreements_at_08": disagree,
                          f"precision_j_ge_{self.slack}": div(dec_slack, dec_n) if dec_n else None,
                          "same_generator_cluster": div(dec_gen, dec_n) if dec_n else None},
        }


# --------------------------------------------------------------------------


def fmt(x: Optional[float], nd: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{nd}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--pairs", default=None, help="default: pairs_j08.tsv next to the corpus")
    ap.add_argument("--method", action="append", choices=ALL_METHODS + ["fake-thresh"],
                    help="repeatable; default: all of " + ", ".join(ALL_METHODS))
    ap.add_argument("--thresh-bin", default=None, help="default: $THRESH or " + DEFAULT_THRESH)
    ap.add_argument("--max-distance", default=None,
                    help="passed to thresh as --max-distance K; a comma list (e.g. 3,8) runs thresh once per K")
    ap.add_argument("--thresh-repeat", type=int, default=5,
                    help="run thresh this many times and report the median time (default 5)")
    ap.add_argument("--thresh-args", default="", help="extra args appended to the thresh command (one string)")
    ap.add_argument("--fake-from", choices=["generator", "j08", "j08star"], default="generator",
                    help="ground truth used by --method fake-thresh")
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--ds-threshold", type=float, default=0.8)
    ap.add_argument("--ds-tuned-threshold", type=float, default=0.7)
    ap.add_argument("--td-threshold", type=float, default=0.8)
    ap.add_argument("--td-simhash-args", default="", help="extra args for text_dedup.simhash")
    ap.add_argument("--text-dedup-python", default=None,
                    help="python with text-dedup installed (default: $TEXT_DEDUP_PYTHON, data/venv-textdedup, this python)")
    ap.add_argument("--num-proc", type=int, default=2, help="text-dedup --num_proc")
    ap.add_argument("--slack", type=float, default=0.7, help="extra precision column: predicted pair counts if J >= slack")
    ap.add_argument("--cap", type=int, default=200, help="predicted clusters above this size are flagged and sampled")
    ap.add_argument("--workdir", default=None, help="default: data/runs next to the corpus")
    ap.add_argument("--json", default=None, help="write all numbers to this JSON file")
    args = ap.parse_args()

    corpus = os.path.abspath(args.corpus)
    pairs_path = args.pairs or os.path.join(os.path.dirname(corpus), "pairs_j08.tsv")
    args.workdir = os.path.abspath(args.workdir or os.path.join(os.path.dirname(corpus), "runs"))
    os.makedirs(args.workdir, exist_ok=True)
    methods = args.method or ALL_METHODS

    docs = [{"id": str(d["id"]), "text": d["text"], "cluster": str(d["cluster"])} for d in read_jsonl(corpus)]
    ids = [d["id"] for d in docs]
    g08 = read_pairs(pairs_path)
    log(f"corpus {corpus}: {len(docs)} docs, {len(set(d['cluster'] for d in docs))} generator clusters, "
        f"{len(g08)} pairs with J>=0.8")
    scorer = Scorer(docs, g08, args.slack, args.cap)

    results: List[Tuple[MethodResult, Optional[dict]]] = []
    for m in methods:
        log(f"method {m} ...")
        if m == "thresh":
            ks = [int(k) for k in args.max_distance.split(",")] if args.max_distance else [None]
            for k in ks[:-1]:
                r = run_thresh(args, corpus, ids, k)
                results.append((r, scorer.score(r) if r.ok else None))
                log(f"  {r.name}: " + (f"{r.seconds:.1f} s" if r.ok else "SKIPPED: " + "; ".join(r.notes)))
            r = run_thresh(args, corpus, ids, ks[-1])
        elif m == "fake-thresh":
            outdir = os.path.join(args.workdir, "fake_thresh")
            make_fake_thresh(args, docs, g08, outdir)
            r = MethodResult("fake-thresh", f"ground truth: {args.fake_from}")
            parse_thresh_output(outdir, ids, r)
        elif m == "datasketch":
            r = run_datasketch(args, corpus, args.ds_threshold, m)
        elif m == "datasketch-tuned":
            r = run_datasketch(args, corpus, args.ds_tuned_threshold, m)
        elif m == "textdedup-minhash":
            r = run_textdedup(args, corpus, "minhash", m)
        else:
            r = run_textdedup(args, corpus, "simhash", m)
        sc = scorer.score(r) if r.ok else None
        if r.ok:
            log(f"  {r.name}: {fmt(r.seconds, 1) if r.seconds is not None else '-'} s")
        else:
            log(f"  {r.name}: SKIPPED: " + "; ".join(r.notes))
        results.append((r, sc))

    # speed ratios are against the first thresh row
    thresh_secs = next((r.seconds for r, s in results if r.name.startswith("thresh") and r.ok), None)
    n = len(docs)
    lines = [
        f"Corpus: {n} docs, {len(set(d['cluster'] for d in docs))} generator clusters, "
        f"{scorer.true_pairs} generator pairs, {len(g08)} pairs with J>=0.8.",
        "",
        f"| method | P (J≥0.8) | P (J≥{args.slack}) | R (J≥0.8) | P (gen) | R (gen) | R (gen, J<0.8) "
        f"| dec P (J≥0.8) | dec P (J≥{args.slack}) | drops | R removed (J≥0.8) "
        "| pred pairs | max cluster | wall s | cpu s | docs/s | thresh speedup |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    out_json = {"corpus": corpus, "docs": n, "generator_pairs": scorer.true_pairs, "j08_pairs": len(g08),
                "slack": args.slack, "methods": []}
    for r, s in results:
        entry = {"method": r.name, "params": r.params, "ok": r.ok, "notes": r.notes, "extra": r.extra,
                 "seconds": r.seconds, "cpu_seconds": r.cpu_seconds, "docs_per_s": (n / r.seconds) if r.seconds else None}
        if r.ok and s is not None:
            speed = (r.seconds / thresh_secs) if (thresh_secs and r.seconds) else None
            entry["scores"] = s
            dec = s["decisions"]
            entry["thresh_speedup"] = speed
            lines.append(
                f"| {r.name} | {fmt(s['j08']['precision'])} | {fmt(s[f'precision_j_ge_{args.slack}'])} "
                f"| {fmt(s['j08']['recall'])} | {fmt(s['generator']['precision'])} | {fmt(s['generator']['recall'])} "
                f"| {fmt(s['generator_recall_pairs_below_j08'])} "
                f"| {fmt(dec['precision_j08'])} | {fmt(dec[f'precision_j_ge_{args.slack}'])} "
                f"| {dec['n'] if dec['n'] else 'n/a'} | {fmt(s['removed_pair_recall_j08'])} "
                f"| {s['pred_pairs']} | {s['max_pred_cluster']} "
                f"| {fmt(r.seconds, 2) if r.seconds is not None else 'n/a'} "
                f"| {fmt(r.cpu_seconds, 2) if r.cpu_seconds is not None else 'n/a'} "
                f"| {fmt(n / r.seconds, 0) if r.seconds else 'n/a'} | {fmt(speed, 2) + '×' if speed else 'n/a'} |")
        else:
            lines.append(f"| {r.name} | skipped | | | | | | | | | | | | | | | |")
        out_json["methods"].append(entry)
    lines.append("")
    for r, s in results:
        notes = list(r.notes)
        if s is not None:
            if s["giant_clusters_over_cap"]:
                notes.append(f"GIANT predicted clusters (> {args.cap}): {s['giant_clusters_over_cap']} "
                             "(exact-J precision sampled there)")
            if s["ground_truth_missing_pairs"]:
                notes.append(f"{s['ground_truth_missing_pairs']} predicted pairs have J>=0.8 but are missing "
                             "from pairs_j08.tsv (ground-truth LSH miss)")
        notes.insert(0, r.params)
        if s is not None and s["decisions"]["n"]:
            dec = s["decisions"]
            notes.append(f"decisions: {dec['n']}, J≥0.8 {fmt(dec['precision_j08'])} with the harness's words, "
                         f"{fmt(dec['precision_j08_thresh_words'])} with thresh's (common.thresh_words); "
                         f"{dec['normalization_disagreements_at_08']} decisions on which the two disagree at 0.8")
        if r.extra.get("dropped_reasons"):
            notes.append("dropped: " + ", ".join(f"{k}={v}" for k, v in sorted(r.extra["dropped_reasons"].items())))
        lines.append(f"- **{r.name}**: " + "; ".join(notes))
    print("\n".join(lines))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out_json, fh, indent=2)
        log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
