"""Scanned pages per minute through the job queue with 1 and 2 `tracuu worker` processes,
against the in-process `tracuu ingest DIR` on the same files, in the same run.

    .venv/bin/python bench/ingest_workers.py --n 12 --repeat 3

Needs the services (`tracuu services start`: OpenSearch, Tika, PostgreSQL). Every run gets
a fresh data folder, index and database, so nothing is a duplicate; the median of the runs
is printed per setting with its ratio to the in-process reference. Worker start-up is not
counted: the clock starts when the jobs are queued and stops when the last one is done.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch_db import scratch_database  # noqa: E402
from search.config import Settings, get_settings  # noqa: E402
from search.index import RecordIndex  # noqa: E402

TRACUU = str(Path(sys.executable).with_name("tracuu"))


def _fresh(base: Settings, dsn: str) -> Settings:
    """A run's own index and data folder, on the run's own database."""
    return base.model_copy(update={"index": f"bench-{uuid.uuid4().hex[:8]}",
                                   "data_dir": Path(tempfile.mkdtemp()) / "data",
                                   "database_url": SecretStr(dsn)})


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "TRACUU_DATA_DIR": str(settings.data_dir), "TRACUU_INDEX": settings.index,
            "TRACUU_OPENSEARCH_URL": settings.opensearch_url, "TRACUU_TIKA_URL": settings.tika_url,
            "TRACUU_DATABASE_URL": settings.database_dsn()}


def in_process(base: Settings, folder: Path) -> float:
    with scratch_database(base) as dsn:
        settings = _fresh(base, dsn)
        try:
            start = time.perf_counter()
            subprocess.run([TRACUU, "ingest", str(folder)], env=_env(settings), check=True, capture_output=True)
            return time.perf_counter() - start
        finally:
            RecordIndex.from_settings(settings).drop()


def queued(base: Settings, folder: Path, workers: int) -> float:

    with scratch_database(base) as dsn:
        return _queued(base, dsn, folder, workers)


def _queued(base: Settings, dsn: str, folder: Path, workers: int) -> float:
    settings = _fresh(base, dsn)
    env = _env(settings)
    procs = [subprocess.Popen([TRACUU, "worker", "--name", f"bench-{i}"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True) for i in range(workers)]
    try:
        time.sleep(4)  # workers up and listening: start-up is not what is measured
        start = time.perf_counter()
        subprocess.run([TRACUU, "ingest", str(folder), "--queue"], env=env, check=True, capture_output=True)
        return time.perf_counter() - start
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        RecordIndex.from_settings(settings).drop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=12, help="scanned results (default 12)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest_workers.jsonl")
    args = ap.parse_args()
    from tracuu.sample import Options, generate

    folder = Path(tempfile.mkdtemp()) / "scans"
    truth = generate(folder, Options(n=args.n, seed=5, scanned_share=1.0, degraded_share=0.3))
    (folder / "manifest.csv").unlink(missing_ok=True)
    pages = sum(t["pages"] for t in truth)
    base = get_settings()
    times: dict[str, list[float]] = {"in-process": [], "1 worker": [], "2 workers": []}
    for run in range(args.repeat):  # interleaved, so drift hits every setting alike
        times["in-process"].append(in_process(base, folder))
        times["1 worker"].append(queued(base, folder, 1))
        times["2 workers"].append(queued(base, folder, 2))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    reference = statistics.median(times["in-process"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as out:
        for name, runs in times.items():
            median = statistics.median(runs)
            row = {"setting": name, "files": args.n, "pages": pages, "runs_s": [round(t, 1) for t in runs],
                   "median_s": round(median, 1), "pages_per_min": round(pages / median * 60, 1),
                   "ratio_to_in_process": round(reference / median, 2)}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            print(f"{name:>10}: {row['pages_per_min']:6.1f} pages/min (median {median:.1f} s of {runs}), "
                  f"{row['ratio_to_in_process']:.2f}x in-process")


if __name__ == "__main__":
    main()
