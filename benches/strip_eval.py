#!/usr/bin/env python3
"""Score thresh's strip stage on wcxb-dev (mean per-page word F1, WCXB's headline metric).

Modes
  corpus (default)  one `thresh clean <wcxb>/text -o TMP --dedup off -q` over all pages
                    (corpus-level statistics such as repeated-line counts can help)
  page              every page cleaned on its own, one thresh process per file
                    (`--jobs` processes at a time), so no corpus statistics help
  keep              baseline: the input text itself is the prediction
                    (must give F1 0.698 all / 0.802 article, as in wcxb-dev/README.md)

Examples (from the repo root)
  python3 benches/strip_eval.py                      # corpus mode, table by page type
  python3 benches/strip_eval.py --mode keep          # baseline check
  python3 benches/strip_eval.py --mode page --worst 20 --json /tmp/page.json
  python3 benches/strip_eval.py --pred-dir /tmp/pred # keep predictions (<id>.txt)
  python3 benches/strip_eval.py --from-pred /tmp/pred --diff 0001   # no thresh run
  python3 benches/strip_eval.py --diff 0001 --errors # line-level KEEP/DROP vs truth

The binary is $THRESH or <repo>/target/release/thresh; `--thresh-args "..."` appends
arguments to every thresh invocation.

Scoring is score.py's: lowercase \\w+ bag of words per page, per-page precision/recall/F1
(both empty = 1/1/1), means over the pages of ground-truth.json; a page thresh did not
output (dropped, or missing) is an empty prediction. score.py is imported from the wcxb
directory when present; a byte-for-byte identical copy of its logic is used otherwise.
"""
import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_WCXB = (HERE / ".." / ".." / "shared" / "eval" / "wcxb-dev").resolve()

# ---------------------------------------------------------------- scoring (score.py)
WORD = re.compile(r"\w+")


def _bag(text):
    return Counter(WORD.findall(text.lower()))


def _prf(true, pred):
    t, p = _bag(true), _bag(pred)
    tp = sum((t & p).values())
    np_, nt = sum(p.values()), sum(t.values())
    if np_ == 0 and nt == 0:
        return 1.0, 1.0, 1.0
    prec = tp / np_ if np_ else 0.0
    rec = tp / nt if nt else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def load_scorer(wcxb):
    """Use wcxb's own score.py (bag, prf) if it imports; else the identical copy above."""
    path = wcxb / "score.py"
    if path.exists():
        try:
            spec = importlib.util.spec_from_file_location("wcxb_score", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod.bag, mod.prf, str(path)
        except Exception as e:  # pragma: no cover
            print(f"warning: cannot import {path} ({e}); using built-in copy", file=sys.stderr)
    return _bag, _prf, "built-in copy of score.py"


# ---------------------------------------------------------------- running thresh
def thresh_bin():
    b = os.environ.get("THRESH") or str(REPO / "target" / "release" / "thresh")
    if not (os.path.isfile(b) and os.access(b, os.X_OK)):
        found = shutil.which(b)
        if not found:
            sys.exit(f"error: thresh binary not found: {b} (build it or set THRESH=...)")
        b = found
    return b


def page_id_of(doc_id):
    """thresh ids are the input path as given, e.g. '.../text/0001.txt' -> '0001'."""
    base = re.split(r"[\\/]", str(doc_id))[-1]
    return base[:-4] if base.endswith(".txt") else base


def read_jsonl(path):
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit(f"error: {path}:{n}: bad JSON: {e}")
    return out


def drop_reason(rec):
    for k in ("reason", "drop_reason", "stage", "why", "filter"):
        if k in rec:
            v = rec[k]
            return v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    return "?"


def collect(outdir, preds, dropped):
    """Read one thresh output directory into preds {pid: text} and dropped {pid: reason}."""
    clean = outdir / "clean.jsonl"
    if not clean.exists():
        raise RuntimeError(f"{clean} not written")
    for rec in read_jsonl(clean):
        pid = page_id_of(rec.get("id", ""))
        text = rec.get("text", "")
        preds[pid] = preds[pid] + "\n" + text if pid in preds else text
    for rec in read_jsonl(outdir / "dropped.jsonl"):
        dropped[page_id_of(rec.get("id", ""))] = drop_reason(rec)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stderr


def run_corpus(binary, extra, textdir, tmp):
    out = tmp / "corpus"
    cmd = [binary, "clean", str(textdir), "-o", str(out), "--dedup", "off", "-q", *extra]
    print("running:", " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
    rc, err = run(cmd)
    if rc != 0:
        sys.exit(f"error: thresh exited with {rc}\n{err}")
    preds, dropped = {}, {}
    collect(out, preds, dropped)
    return preds, dropped


def run_pages(binary, extra, textdir, pids, tmp, jobs):
    preds, dropped, failures = {}, {}, []

    def one(pid):
        out = tmp / "pages" / pid
        cmd = [binary, "clean", str(textdir / f"{pid}.txt"), "-o", str(out), "--dedup", "off", "-q", *extra]
        rc, err = run(cmd)
        p, d = {}, {}
        if rc != 0:
            return pid, None, None, f"exit {rc}: {err.strip()[-500:]}"
        try:
            collect(out, p, d)
        except RuntimeError as e:
            return pid, None, None, str(e)
        shutil.rmtree(out, ignore_errors=True)
        return pid, p, d, None

    print(f"running: {binary} clean <page> -o <dir> --dedup off -q {' '.join(extra)}"
          f"  x{len(pids)} pages, {jobs} at a time", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for pid, p, d, err in ex.map(one, pids):
            if err:
                failures.append((pid, err))
                continue
            preds.update(p)
            dropped.update(d)
    if failures:
        print(f"warning: thresh failed on {len(failures)} pages (scored as empty); first: "
              f"{failures[0][0]}: {failures[0][1]}", file=sys.stderr)
        if len(failures) == len(pids):
            sys.exit("error: thresh failed on every page")
    return preds, dropped


# ---------------------------------------------------------------- line diff
def norm_line(s):
    return " ".join(unicodedata.normalize("NFKC", s).casefold().split())


def line_status(in_lines, out_lines):
    """Align input lines to thresh's output lines.

    Returns (status per input line: 'KEEP' exact, 'KEEP~' kept but modified, 'DROP'),
    and the output lines matching no input line."""
    a = [norm_line(x) for x in in_lines]
    b = [norm_line(x) for x in out_lines]
    status = ["DROP"] * len(a)
    used = [False] * len(b)
    sm = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                status[i1 + k] = "KEEP"
                used[j1 + k] = True
        elif tag == "replace":
            j = j1
            for i in range(i1, i2):  # greedy in-order pairing of similar lines
                for jj in range(j, j2):
                    if SequenceMatcher(None, a[i], b[jj], autojunk=False).ratio() >= 0.6:
                        status[i] = "KEEP~"
                        used[jj] = True
                        j = jj + 1
                        break
    extra = [out_lines[j] for j in range(len(b)) if not used[j] and b[j]]
    return status, extra


def print_diff(pid, wcxb, gt, preds, prf, errors_only, width):
    src = wcxb / "text" / f"{pid}.txt"
    if not src.exists():
        print(f"## diff {pid}: no input file {src}")
        return
    in_lines = src.read_text(encoding="utf-8", errors="replace").splitlines()
    pred = preds.get(pid, "")
    out_lines = pred.splitlines()
    status, extra = line_status(in_lines, out_lines)
    g = gt.get(pid)
    truth_bag = set(WORD.findall(g["main_content"].lower())) if g else set()
    title = f"## diff {pid}"
    if g:
        p, r, f = prf(g["main_content"], pred)
        title += f" ({g['page_type']}, {g.get('url', '')})  P {p:.3f} R {r:.3f} F1 {f:.3f}"
    else:
        title += " (not in ground truth)"
    print(title)
    print("   line thresh truth    text")
    conf = Counter()  # (kept?, true?) -> words
    lconf = Counter()
    for n, (line, st) in enumerate(zip(in_lines, status), 1):
        words = WORD.findall(line.lower())
        if not words:
            truth = "-"
        else:
            frac = sum(w in truth_bag for w in words) / len(words)
            truth = "TRUE" if frac >= 0.6 else "chrome"
        kept = st != "DROP"
        mark = "  "
        if truth == "TRUE" and not kept:
            mark = "!!"  # true content dropped
        elif truth == "chrome" and kept:
            mark = "++"  # chrome kept
        if truth != "-":
            conf[(kept, truth == "TRUE")] += len(words)
            lconf[(kept, truth == "TRUE")] += 1
        if errors_only and mark == "  ":
            continue
        shown = line if len(line) <= width else line[: width - 1] + "…"
        print(f"{n:6d} {st:<6} {truth:<6} {mark} {shown}")
    for line in extra:
        shown = line if len(line) <= width else line[: width - 1] + "…"
        print(f"{'':6} {'+OUT':<6} {'':<6}    {shown}")
    print(f"lines/words: kept-true {lconf[(True, True)]}/{conf[(True, True)]}  "
          f"kept-chrome(++) {lconf[(True, False)]}/{conf[(True, False)]}  "
          f"dropped-true(!!) {lconf[(False, True)]}/{conf[(False, True)]}  "
          f"dropped-chrome {lconf[(False, False)]}/{conf[(False, False)]}  "
          f"unmatched output lines {len(extra)}")
    print("(truth is approximate: a line is TRUE if >= 60% of its words occur in the ground truth)")
    print()


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wcxb", default=str(DEFAULT_WCXB), help="wcxb-dev directory (default: %(default)s)")
    ap.add_argument("--mode", choices=["corpus", "page", "keep"], default="corpus")
    ap.add_argument("--thresh-args", default="", help="extra arguments for thresh clean (one string)")
    ap.add_argument("--jobs", type=int, default=2, help="page mode: thresh processes at a time (default 2)")
    ap.add_argument("--from-pred", metavar="DIR",
                    help="do not run thresh: score the <id>.txt files in DIR (e.g. an earlier --pred-dir)")
    ap.add_argument("--pred-dir", metavar="DIR", help="write predictions <id>.txt here and keep them")
    ap.add_argument("--worst", type=int, default=0, metavar="N", help="print the N worst pages by F1")
    ap.add_argument("--lost", type=int, default=10, metavar="N",
                    help="how many of the pages that lost > half their content to list (default 10)")
    ap.add_argument("--json", metavar="FILE", help="write all numbers (overall, by type, per page) here")
    ap.add_argument("--diff", action="append", default=[], metavar="ID",
                    help="print input lines of page ID marked KEEP/DROP vs approximate truth (repeatable)")
    ap.add_argument("--errors", action="store_true", help="--diff: only lines where thresh and truth disagree")
    ap.add_argument("--width", type=int, default=120, help="--diff: truncate lines to this width")
    a = ap.parse_args()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # allow `| head`

    wcxb = Path(a.wcxb).resolve()
    textdir = wcxb / "text"
    gt_path = wcxb / "ground-truth.json"
    if not gt_path.exists() or not textdir.is_dir():
        sys.exit(f"error: {wcxb} does not look like wcxb-dev (need ground-truth.json and text/)")
    gt = json.loads(gt_path.read_text(encoding="utf-8"))
    bag, prf, scorer = load_scorer(wcxb)
    pids = sorted(gt)
    inputs = {}
    for pid in pids:
        f = textdir / f"{pid}.txt"
        inputs[pid] = f.read_text(encoding="utf-8", errors="replace") if f.exists() else ""

    extra = shlex.split(a.thresh_args)
    tmp = Path(tempfile.mkdtemp(prefix="strip_eval."))
    dropped = {}
    elapsed = None
    binary = None
    mode = "from-pred" if a.from_pred else a.mode
    try:
        t0 = time.perf_counter()
        if a.from_pred:
            d = Path(a.from_pred)
            preds = {p.stem: p.read_text(encoding="utf-8", errors="replace") for p in d.glob("*.txt")}
        elif a.mode == "keep":
            preds = dict(inputs)
        else:
            binary = thresh_bin()
            if a.mode == "corpus":
                preds, dropped = run_corpus(binary, extra, textdir, tmp)
            else:
                todo = [p for p in (a.diff if a.diff and not (a.json or a.worst) else pids)
                        if (textdir / f"{p}.txt").exists()]
                preds, dropped = run_pages(binary, extra, textdir, todo, tmp, a.jobs)
            elapsed = time.perf_counter() - t0
            print(f"thresh: {elapsed:.2f} s", file=sys.stderr)

        # write predictions as score.py expects them (a dropped/missing page = no file = empty)
        pred_dir = Path(a.pred_dir) if a.pred_dir else tmp / "pred"
        if not a.from_pred:
            pred_dir.mkdir(parents=True, exist_ok=True)
            for old in pred_dir.glob("*.txt"):
                old.unlink()
            for pid, text in preds.items():
                if pid in gt or pid in dropped or (textdir / f"{pid}.txt").exists():
                    (pred_dir / f"{pid}.txt").write_text(text, encoding="utf-8")
            preds = {p.stem: p.read_text(encoding="utf-8") for p in pred_dir.glob("*.txt")}

        unknown = [p for p in preds if not (textdir / f"{p}.txt").exists()]
        if unknown:
            print(f"warning: {len(unknown)} output ids map to no input page, e.g. {unknown[:3]}", file=sys.stderr)

        if a.diff and mode == "page" and not (a.json or a.worst):
            for pid in a.diff:  # only the diffed pages were run: nothing to score
                print_diff(pid, wcxb, gt, preds, prf, a.errors, a.width)
            return 0

        # ------------------------------------------------------------ score
        rows = []
        for pid in pids:
            g = gt[pid]
            pred = preds.get(pid, "")
            p, r, f = prf(g["main_content"], pred)
            _, rk, fk = prf(g["main_content"], inputs[pid])
            rows.append(dict(id=pid, type=g["page_type"], p=p, r=r, f1=f, r_keep=rk, f1_keep=fk,
                             empty=not pred.strip(), dropped=dropped.get(pid)))

        def agg(rs):
            n = len(rs)
            return dict(pages=n, p=sum(x["p"] for x in rs) / n, r=sum(x["r"] for x in rs) / n,
                        f1=sum(x["f1"] for x in rs) / n, f1_keep=sum(x["f1_keep"] for x in rs) / n)

        groups = defaultdict(list)
        for x in rows:
            groups[x["type"]].append(x)
        by_type = {t: agg(groups[t]) for t in sorted(groups)}
        overall = agg(rows)

        label = mode + (f" ({' '.join(extra)})" if extra and mode in ("corpus", "page") else "")
        print(f"### strip eval: mode {label}, {len(rows)} pages, scorer: {scorer}")
        print()
        print("| type | pages | P | R | F1 |")
        print("|---|---:|---:|---:|---:|")
        for t, s in by_type.items():
            print(f"| {t} | {s['pages']} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} |")
        print(f"| **all** | {overall['pages']} | {overall['p']:.3f} | {overall['r']:.3f} | **{overall['f1']:.3f}** |")
        print()
        deltas = ", ".join(f"{t} {s['f1'] - s['f1_keep']:+.3f}" for t, s in by_type.items())
        print(f"F1 vs keep-everything: all {overall['f1'] - overall['f1_keep']:+.3f} ({deltas})")

        n_empty = sum(x["empty"] for x in rows)
        n_gt_empty = sum(1 for x in rows if not gt[x["id"]]["main_content"].strip())
        reasons = Counter(x["dropped"] for x in rows if x["dropped"] is not None)
        print(f"empty predictions: {n_empty} pages (dropped by thresh: {sum(reasons.values())}"
              + (f" — {', '.join(f'{k} {v}' for k, v in reasons.most_common())}" if reasons else "")
              + f"; empty input: {sum(1 for p in pids if not inputs[p].strip())}; empty truth: {n_gt_empty})")

        lost = [x for x in rows if x["r_keep"] > 0 and x["r"] < 0.5 * x["r_keep"]]
        lost.sort(key=lambda x: (x["r"] / x["r_keep"], -x["r_keep"], x["id"]))
        print(f"pages that lost more than half of their true content words (R < 0.5 * R_keep): {len(lost)}")
        if lost and a.lost:
            print("worst: " + ", ".join(f"{x['id']} ({x['type']}, R {x['r']:.3f} vs keep {x['r_keep']:.3f})"
                                        for x in lost[: a.lost]))

        if a.worst:
            print()
            blank = [x for x in rows if not inputs[x["id"]].strip()]
            print(f"worst {a.worst} pages by F1 (leaving out the {len(blank)} pages whose input text is empty):")
            print("| id | type | P | R | F1 | R keep |")
            print("|---|---|---:|---:|---:|---:|")
            cand = [x for x in rows if inputs[x["id"]].strip()]
            for x in sorted(cand, key=lambda x: (x["f1"], x["id"]))[: a.worst]:
                print(f"| {x['id']} | {x['type']} | {x['p']:.3f} | {x['r']:.3f} | {x['f1']:.3f} | {x['r_keep']:.3f} |")

        if a.diff:
            print()
            for pid in a.diff:
                print_diff(pid, wcxb, gt, preds, prf, a.errors, a.width)

        if a.json:
            out = dict(mode=mode, thresh=binary, thresh_args=extra, thresh_seconds=elapsed,
                       wcxb=str(wcxb), scorer=scorer, overall=overall, by_type=by_type,
                       empty_predictions=n_empty, dropped=dict(reasons),
                       lost_half=dict(count=len(lost), ids=[x["id"] for x in lost]),
                       pages={x["id"]: {k: x[k] for k in ("type", "p", "r", "f1", "r_keep", "f1_keep", "dropped")}
                              for x in rows})
            Path(a.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
            print(f"wrote {a.json}", file=sys.stderr)
        if a.pred_dir:
            print(f"predictions in {a.pred_dir} (check: python3 {wcxb / 'score.py'} {a.pred_dir} --by-type)",
                  file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
