#!/usr/bin/env python3
"""Run one text-dedup (pip: text-dedup) algorithm on the corpus, offline.

Executed by run.py with the Python interpreter that has text-dedup installed
(often a separate venv, because text-dedup pins old urllib3 etc.).  Steps:

1. convert corpus.jsonl -> a Hugging Face dataset saved with save_to_disk
   (columns id, text; cached in WORKDIR/hfds, not timed);
2. run ``python -m text_dedup.<algo> --local --path WORKDIR/hfds --column text
   --idx_column id --debug ...`` with HF offline env vars (timed: this is
   the number run.py reports);
3. unpickle the union-find that --debug dumps (uf.pkl, keyed by our ids) and
   write WORKDIR/<algo>_result.json: {"seconds", "clusters": {id: root},
   "returncode", "log"}.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time


def offline_env() -> dict:
    env = dict(os.environ)
    env.update({
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
        "TQDM_DISABLE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    })
    return env


def prepare(corpus: str, workdir: str) -> str:
    import datasets  # noqa: WPS433 (import inside the text-dedup interpreter)

    ds_dir = os.path.join(workdir, "hfds")
    stamp = os.path.join(workdir, "hfds.stamp")
    st = os.stat(corpus)
    key = f"{os.path.abspath(corpus)}|{st.st_size}|{int(st.st_mtime)}"
    if os.path.isdir(ds_dir) and os.path.exists(stamp) and open(stamp).read() == key:
        return ds_dir
    rows = []
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                rows.append({"id": d["id"], "text": d["text"]})
    datasets.disable_progress_bars()
    datasets.Dataset.from_list(rows).save_to_disk(ds_dir)
    with open(stamp, "w") as fh:
        fh.write(key)
    return ds_dir


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--algo", choices=["minhash", "simhash"], required=True)
    ap.add_argument("--tag", default=None, help="name of the result file (default: algo)")
    ap.add_argument("--num-proc", type=int, default=2)
    ap.add_argument("args", nargs=argparse.REMAINDER, help="extra args for text_dedup.<algo> (after --)")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    os.environ.update(offline_env())
    tag = a.tag or a.algo
    ds_dir = prepare(a.corpus, a.workdir)
    out_dir = os.path.join(a.workdir, f"out_{tag}")
    extra = [x for x in a.args if x != "--"]
    cmd = [sys.executable, "-m", f"text_dedup.{a.algo}", "--path", ds_dir, "--local",
           "--column", "text", "--idx_column", "id", "--output", out_dir, "--debug",
           "--num_proc", str(a.num_proc), "--cache_dir", os.path.join(a.workdir, "cache")] + extra
    log_path = os.path.join(a.workdir, f"{tag}.log")
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(log_path, "w") as log:
        log.write(" ".join(cmd) + "\n")
        log.flush()
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT, env=offline_env(), cwd=a.workdir)
    secs = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    clusters = {}
    uf_path = os.path.join(out_dir, "uf.pkl")
    if rc == 0 and os.path.exists(uf_path):
        with open(uf_path, "rb") as fh:
            uf = pickle.load(fh)
        for k in list(uf.parent):
            clusters[str(k)] = str(uf.find(k))
    res = {"seconds": secs, "cpu_seconds": cpu, "returncode": rc, "cmd": cmd, "log": log_path, "clusters": clusters,
           "uf_found": os.path.exists(uf_path)}
    res_path = os.path.join(a.workdir, f"{tag}_result.json")
    with open(res_path, "w") as fh:
        json.dump(res, fh)
    print(res_path)


if __name__ == "__main__":
    main()
